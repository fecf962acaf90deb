// Reading columns into codes, as policy.cpp's VariableClassifier and the record decoder read
// fields (docs/sql.md, "Values"). SQLite's spelling: dynamically typed values told apart by
// typeof(), booleans as the integers 0 and 1, +-9e999 for the infinities (NaN is stored as NULL).
#include "column_codes.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "usegate/base/format_text.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::sql {
namespace {

// The years 0000 to 9999, which the runtime reads times within.
using runtime::time_text_detail::earliest_second;
using runtime::time_text_detail::latest_second;

std::string number_literal(double value) {
  std::string text = fmt::format("{:.17g}", value);
  return text;
}

std::string key_name(std::size_t variable) {
  return fmt::format("usegate_k{}", variable);
}

// Epoch seconds (a REAL, never NULL) to a time key, or NULL outside the years 0000 to 9999.
std::string epoch_key(const std::string& seconds) {
  const std::string whole = fmt::format("(CAST({0} AS INTEGER) - ({0} < CAST({0} AS INTEGER)))", seconds);
  return fmt::format("CASE WHEN {0} >= {1} AND {0} < {2} THEN 2 * {3} + ({0} > {3}) END", seconds, earliest_second,
                     latest_second + 1, whole);
}

// ISO-8601 text (never NULL) to a time key, or NULL where time_key_from_text reads no time:
// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.digits](Z|+HH:MM|-HH:MM)`, a real date, within the
// years 0000 to 9999 after conversion to UTC.
std::string iso_key(const std::string& c) {
  const std::string y = fmt::format("CAST(substr({},1,4) AS INTEGER)", c);
  const std::string m = fmt::format("CAST(substr({},6,2) AS INTEGER)", c);
  const std::string d = fmt::format("CAST(substr({},9,2) AS INTEGER)", c);
  const std::string date_shape = fmt::format(
      "{} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND {} BETWEEN 1 AND 12 AND {} BETWEEN 1 AND "
      "(CASE WHEN {} = 2 THEN 28 + ({} % 4 = 0 AND ({} % 100 <> 0 OR {} % 400 = 0)) ELSE 30 + (({} + {} / "
      "8) % 2) END)",
      c, m, d, m, y, y, y, m, m);
  // Days since the epoch (days_from_civil), the year moved up 400 years so that every
  // division is of non-negative numbers.
  const std::string shifted_year = fmt::format("({} - ({} <= 2) + 400)", y, m);
  const std::string year_of_era = fmt::format("({0} - {0} / 400 * 400)", shifted_year);
  const std::string day_of_year = fmt::format("((153 * (({} + 9) % 12) + 2) / 5 + {} - 1)", m, d);
  const std::string days = fmt::format("({0} / 400 * 146097 + {1} * 365 + {1} / 4 - {1} / 100 + {2} - 719468 - 146097)",
                                       shifted_year, year_of_era, day_of_year);
  const std::string tail = fmt::format("substr({},20)", c);
  const std::string zone = fmt::format("(CASE WHEN {0} GLOB '*Z' THEN 'Z' ELSE substr({0},-6) END)", tail);
  const std::string fraction = fmt::format("substr({0},1,length({0})-length({1}))", tail, zone);
  const std::string h = fmt::format("CAST(substr({},12,2) AS INTEGER)", c);
  const std::string mi = fmt::format("CAST(substr({},15,2) AS INTEGER)", c);
  const std::string s = fmt::format("CAST(substr({},18,2) AS INTEGER)", c);
  const std::string zone_valid = fmt::format(
      "({0} = 'Z' OR ({0} GLOB '[+-][0-9][0-9]:[0-9][0-9]' AND CAST(substr({0},2,2) AS INTEGER) <= 23 AND "
      "CAST(substr({0},5,2) AS INTEGER) <= 59))",
      zone);
  const std::string fraction_valid =
      fmt::format("({0} = '' OR ({0} GLOB '.[0-9]*' AND substr({0},2) NOT GLOB '*[^0-9]*'))", fraction);
  const std::string offset = fmt::format(
      "(CASE WHEN {0} = 'Z' THEN 0 ELSE (CASE substr({0},1,1) WHEN '+' THEN 1 ELSE -1 END) * "
      "(CAST(substr({0},2,2) AS INTEGER) * 3600 + CAST(substr({0},5,2) AS INTEGER) * 60) END)",
      zone);
  const std::string time_shape = fmt::format(
      "substr({0},11,1) = 'T' AND substr({0},12,8) GLOB '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]' AND {1} <= 23 AND {2} <= 59 "
      "AND {3} <= 59 AND {4} AND {5}",
      c, h, mi, s, zone_valid, fraction_valid);
  const std::string seconds = fmt::format("({} * 86400 + {} * 3600 + {} * 60 + {} - {})", days, h, mi, s, offset);
  const std::string date_key = fmt::format("2 * {} * 86400", days);
  const std::string time_key = fmt::format("CASE WHEN {0} BETWEEN {1} AND {2} THEN 2 * {0} + ({3} GLOB '*[1-9]*') END",
                                           seconds, earliest_second, latest_second, fraction);
  return fmt::format("CASE WHEN {0} THEN CASE WHEN length({1}) = 10 THEN {2} WHEN {3} THEN {4} END END", date_shape, c,
                     date_key, time_shape, time_key);
}

Result<std::string> column_of(const std::vector<std::string>& path, const std::string& what, const std::string& row,
                              Dialect dialect) {
  if (path.size() != 1) {
    std::string joined;
    for (const auto& key : path) {
      if (!joined.empty()) joined += '.';
      joined += key;
    }
    return Error{Error::Code::invalid_input,
                 format_text("{} is bound to the nested field `{}`, and {} reads one column per input\n = help: bind "
                             "it to a column, or to a view that extracts the field\n",
                             what, joined, dialect_name(dialect)),
                 0};
  }
  return fmt::format("{}.{}", row, quote_identifier(path.front()));
}

// The code of policy value `value` of an enum or bool attribute: 2 + its index, 1 if undeclared.
std::size_t value_code(const runtime::AttributeInfo& attribute, const std::string& value) {
  const auto found = std::find(attribute.values.begin(), attribute.values.end(), value);
  return found == attribute.values.end() ? 1 : 2 + static_cast<std::size_t>(found - attribute.values.begin());
}

// WHEN branches mapping record texts to codes: the value map first (its first entry for a
// text wins), then the declared values read as they are.
std::string text_branches(const runtime::AttributeInfo& attribute, const records::AttributeBinding& binding,
                          const std::string& column, bool declared_too) {
  std::vector<std::string> seen;
  std::string out;
  for (const auto& [from, to] : binding.value_map) {
    if (std::find(seen.begin(), seen.end(), from) != seen.end()) continue;
    seen.push_back(from);
    out += fmt::format(" WHEN {} = {} THEN {}", column, quote_text(from), value_code(attribute, to));
  }
  if (declared_too) {
    for (const auto& value : attribute.values) {
      if (std::find(seen.begin(), seen.end(), value) != seen.end()) continue;
      out += fmt::format(" WHEN {} = {} THEN {}", column, quote_text(value), value_code(attribute, value));
    }
  }
  return out;
}

// A bool read from the integers 0 and 1, through the value map's `false` and `true` when it
// has them (a record's JSON booleans are mapped by those names).
std::string boolean_branches(const runtime::AttributeInfo& attribute, const records::AttributeBinding& binding,
                             const std::string& column, std::size_t false_code, std::size_t true_code) {
  std::size_t codes[2] = {false_code, true_code};
  for (int truth = 1; truth >= 0; --truth) {
    for (const auto& [from, to] : binding.value_map) {
      if (from == (truth == 1 ? "true" : "false")) {
        codes[truth] = value_code(attribute, to);
        break;
      }
    }
  }
  return fmt::format(
      " WHEN typeof({0}) = 'integer' AND {0} = 0 THEN {1} WHEN typeof({0}) = 'integer' AND {0} = 1 THEN {2}", column,
      codes[0], codes[1]);
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_text(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

Result<ColumnCode> attribute_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                  const records::AttributeBinding& binding, const std::string& row, Dialect dialect) {
  const auto& info = policy.variables[variable];
  const auto& attribute = policy.attributes[info.source];
  const auto column = column_of(binding.path, format_text("attribute `{}`", attribute.name), row, dialect);
  if (!column) return column.error();
  const std::string& c = column.value();
  if (typed_columns(dialect)) return postgres_attribute_code(policy, variable, binding, c, dialect);
  ColumnCode out;
  const std::string key = key_name(variable);
  switch (attribute.type) {
    case runtime::AttributeType::enumeration:
      out.code = fmt::format("CASE WHEN {0} IS NULL THEN 0 WHEN typeof({0}) = 'text' THEN CASE{1} ELSE 1 END", c,
                             text_branches(attribute, binding, c, true));
      if (std::any_of(binding.value_map.begin(), binding.value_map.end(),
                      [](const auto& entry) { return entry.first == "true" || entry.first == "false"; })) {
        out.code += boolean_branches(attribute, binding, c, 1, 1);
      }
      out.code += " ELSE 1 END";
      return out;
    case runtime::AttributeType::boolean:
      out.code = fmt::format("CASE WHEN {0} IS NULL THEN 0{1}", c, boolean_branches(attribute, binding, c, 2, 3));
      if (!binding.value_map.empty()) {
        const std::string texts = text_branches(attribute, binding, c, false);
        if (!texts.empty()) out.code += fmt::format(" WHEN typeof({}) = 'text' THEN CASE{} ELSE 1 END", c, texts);
      }
      out.code += " ELSE 1 END";
      return out;
    case runtime::AttributeType::number:
      out.key = fmt::format(
          "CASE WHEN typeof({0}) IN ('integer', 'real') AND CAST({0} AS REAL) NOT IN (9e999, -9e999) THEN CAST({0} AS "
          "REAL) END",
          c);
      out.code = ordered_column_code(c, key, info.constants, false, dialect);
      return out;
    case runtime::AttributeType::time:
      out.key = time_key_of(c, binding.time_format, dialect);
      out.code = ordered_column_code(c, key, info.constants, true, dialect);
      return out;
  }
  return out;
}

std::string ordered_code(const std::string& key, const std::vector<double>& constants, bool integer_keys,
                         Dialect dialect) {
  if (constants.empty()) return "2";
  std::string out = "CASE";
  for (std::size_t i = 0; i < constants.size(); ++i) {
    std::string constant;
    if (integer_keys) {
      constant = fmt::format("{}", static_cast<std::int64_t>(constants[i]));
    } else {
      constant = typed_columns(dialect) ? fmt::format("CAST({:.17g} AS double precision)", constants[i])
                                        : number_literal(constants[i]);
    }
    out += fmt::format(" WHEN {0} < {1} THEN {2} WHEN {0} = {1} THEN {3}", key, constant, 2 + 2 * i, 3 + 2 * i);
  }
  return out + fmt::format(" ELSE {} END", 2 + 2 * constants.size());
}

std::string ordered_column_code(const std::string& column, const std::string& key, const std::vector<double>& constants,
                                bool integer_keys, Dialect dialect) {
  return fmt::format("CASE WHEN {} IS NULL THEN 0 WHEN {} IS NULL THEN 1 ELSE {} END", column, key,
                     ordered_code(key, constants, integer_keys, dialect));
}

std::string now_parameter(Dialect dialect) {
  // A view can read a setting of the session, never a statement's parameter.
  if (dialect == Dialect::postgres) return "CAST(current_setting('usegate.now') AS bigint)";
  if (dialect == Dialect::duckdb) return "CAST(getvariable('usegate_now') AS bigint)";
  return ":usegate_now";
}

std::string time_key_of(const std::string& c, records::TimeFormat format, Dialect dialect) {
  if (typed_columns(dialect)) return postgres_time_key(c, format, dialect);
  const bool text = format == records::TimeFormat::automatic || format == records::TimeFormat::iso8601;
  const bool number = format != records::TimeFormat::iso8601;
  const std::string seconds = format == records::TimeFormat::epoch_milliseconds
                                  ? fmt::format("(CAST({} AS REAL) / 1000.0)", c)
                                  : fmt::format("CAST({} AS REAL)", c);
  std::string key = "CASE";
  if (text) key += fmt::format(" WHEN typeof({}) = 'text' THEN {}", c, iso_key(c));
  if (number) key += fmt::format(" WHEN typeof({}) IN ('integer', 'real') THEN {}", c, epoch_key(seconds));
  key += " END";
  return key;
}

std::string subject_key_of(const std::string& c, Dialect dialect) {
  if (typed_columns(dialect)) return fmt::format("CAST({} AS text)", c);
  // 't': a string, or an integer as its decimal text (one subject); 'r': any other number.
  return fmt::format(
      "CASE typeof({0}) WHEN 'text' THEN 't' || {0} WHEN 'integer' THEN 't' || CAST({0} AS TEXT) WHEN 'real' THEN "
      "CASE WHEN {0} >= -9.2e18 AND {0} <= 9.2e18 AND {0} = CAST({0} AS INTEGER) THEN 't' || CAST(CAST({0} AS "
      "INTEGER) AS TEXT) ELSE 'r' || printf('%!.17g', {0}) END END",
      c);
}

ColumnCode now_parameter_code(const runtime::CompiledPolicy& policy, std::size_t variable, Dialect dialect) {
  ColumnCode out;
  const std::string key = key_name(variable);
  if (typed_columns(dialect)) {
    out.key = postgres_time_key(now_parameter(dialect), records::TimeFormat::epoch_seconds, dialect);
  } else {
    out.key = fmt::format("CASE WHEN typeof(:usegate_now) IN ('integer', 'real') THEN {} END",
                          epoch_key("CAST(:usegate_now AS REAL)"));
  }
  out.code = fmt::format("CASE WHEN {} IS NULL THEN 1 ELSE {} END", key,
                         ordered_code(key, policy.variables[variable].constants, true, dialect));
  return out;
}

Result<ColumnCode> setting_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                const records::SettingBinding& binding, const std::string& row, Dialect dialect,
                                const ConsentSource& consent) {
  const auto& setting = policy.settings[policy.variables[variable].source];
  const char* default_code = setting.default_on ? "1" : "0";
  ColumnCode out;
  std::string from_consent;
  if (consent.given) {
    auto subject = column_of(binding.key_path, format_text("the subject of setting `{}`", setting.name), row, dialect);
    if (!subject) return subject.error();
    // The first of the setting's names (its own, then the former ones in order) whose latest
    // change has a value decides; a row whose subject cannot be read counts as off.
    std::vector<std::string> names{setting.name};
    names.insert(names.end(), setting.formerly.begin(), setting.formerly.end());
    const std::string row_key = subject_key_of(subject.value(), dialect);
    std::string slots;
    std::string first;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0) slots += ", ";
      slots += fmt::format(
          "(SELECT usegate_value FROM usegate_consent WHERE usegate_subject = {} AND usegate_name = {}) AS "
          "usegate_s{}",
          row_key, quote_text(names[i]), i);
      first += fmt::format(" WHEN usegate_s{0} IN (1, 2) THEN usegate_s{0} - 1", i);
    }
    out.consent =
        fmt::format("CASE WHEN {} IS NULL THEN 0 ELSE (SELECT CASE{} END FROM (SELECT {}) AS usegate_slots) END",
                    row_key, first, slots);
    from_consent = fmt::format(" WHEN usegate_l{0} IS NOT NULL THEN usegate_l{0}", variable);
  }
  if (binding.path.empty()) {
    out.code =
        consent.given ? fmt::format("CASE{} ELSE {} END", from_consent, default_code) : std::string(default_code);
    return out;
  }
  std::vector<std::string> columns;
  for (const auto* path : {&binding.path}) {
    auto column = column_of(*path, format_text("setting `{}`", setting.name), row, dialect);
    if (!column) return column.error();
    columns.push_back(column.value());
  }
  for (const auto& former : binding.former_paths) {
    auto column = column_of(former, format_text("setting `{}`", setting.name), row, dialect);
    if (!column) return column.error();
    columns.push_back(column.value());
  }
  std::string value = columns.front();
  if (columns.size() > 1) {
    value = "COALESCE(";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) value += ", ";
      value += columns[i];
    }
    value += ')';
  }
  const std::string key = key_name(variable);
  out.key = value;
  if (typed_columns(dialect)) {
    out.code = postgres_setting_code(key, default_code, from_consent);
    return out;
  }
  // On: the text `on` or the boolean true (1); NULL: the default; anything else is off, never
  // consent the user did not give.
  out.code = fmt::format(
      "CASE{2} WHEN {0} IS NULL THEN {1} WHEN typeof({0}) = 'text' AND {0} = 'on' THEN 1 WHEN typeof({0}) = "
      "'integer' AND {0} = 1 THEN 1 ELSE 0 END",
      key, default_code, from_consent);
  return out;
}

}  // namespace usegate::sql
