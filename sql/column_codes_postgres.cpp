// Reading columns into codes in PostgreSQL and DuckDB (docs/sql.md). Columns are typed, so a
// column's type is fixed by what it holds: enum attributes and settings read text columns, bools
// boolean ones, numbers double precision, times text (ISO-8601) or double precision (epoch
// seconds or milliseconds, as the bindings' `time` says). Within its type, every value reads as
// the runtime reads the same JSON value: NULL missing, text outside the enum unknown, NaN and
// the infinities unknown, a time text the runtime would not read unknown.
#include <algorithm>

#include <fmt/format.h>

#include "column_codes.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::sql {
namespace {

// The years 0000 to 9999, which the runtime reads times within.
using runtime::time_text_detail::earliest_second;
using runtime::time_text_detail::latest_second;

std::size_t value_code(const runtime::AttributeInfo& attribute, const std::string& value) {
  const auto found = std::find(attribute.values.begin(), attribute.values.end(), value);
  return found == attribute.values.end() ? 1 : 2 + static_cast<std::size_t>(found - attribute.values.begin());
}

// A double precision value (never NULL) to a time key, or NULL outside the years 0000 to 9999.
std::string epoch_key(const std::string& seconds) {
  return fmt::format(
      "CASE WHEN {0} >= {1} AND {0} < {2} THEN CAST(2 * floor({0}) AS bigint) + CASE WHEN {0} > floor({0}) THEN 1 "
      "ELSE 0 END END",
      seconds, earliest_second, latest_second + 1);
}

// ISO-8601 text (never NULL) to a time key, or NULL where time_key_from_text reads no time.
std::string iso_key(const std::string& c, Dialect dialect) {
  const std::string y = fmt::format("CAST(substr({},1,4) AS bigint)", c);
  const std::string m = fmt::format("CAST(substr({},6,2) AS bigint)", c);
  const std::string d = fmt::format("CAST(substr({},9,2) AS bigint)", c);
  // PostgreSQL's `~` finds a match anywhere; DuckDB's `~` must match the whole text, so DuckDB
  // spells the search regexp_matches. Integer division is `/` in PostgreSQL, `//` in DuckDB
  // (`/` of two integers is a double there); both truncate toward zero.
  const bool duckdb = dialect == Dialect::duckdb;
  const auto search = [duckdb](const std::string& text, const std::string& pattern) {
    return duckdb ? fmt::format("regexp_matches({}, '{}')", text, pattern) : fmt::format("{} ~ '{}'", text, pattern);
  };
  const std::string shape =
      search(c, "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$");
  const std::string leap =
      fmt::format("CASE WHEN {0} % 4 = 0 AND ({0} % 100 <> 0 OR {0} % 400 = 0) THEN 1 ELSE 0 END", y);
  const std::string date_valid = fmt::format(
      "{} BETWEEN 1 AND 12 AND {} BETWEEN 1 AND (CASE WHEN {} = 2 THEN 28 + {} ELSE 30 + (({} + {} / 8) % 2) END)", m,
      d, m, leap, m, m);
  const std::string shifted_year = fmt::format("({} - CASE WHEN {} <= 2 THEN 1 ELSE 0 END + 400)", y, m);
  const std::string year_of_era = fmt::format("({0} - {0} / 400 * 400)", shifted_year);
  const std::string day_of_year = fmt::format("((153 * (({} + 9) % 12) + 2) / 5 + {} - 1)", m, d);
  const std::string days = fmt::format("({0} / 400 * 146097 + {1} * 365 + {1} / 4 - {1} / 100 + {2} - 719468 - 146097)",
                                       shifted_year, year_of_era, day_of_year);
  const std::string h = fmt::format("CAST(substr({},12,2) AS bigint)", c);
  const std::string mi = fmt::format("CAST(substr({},15,2) AS bigint)", c);
  const std::string s = fmt::format("CAST(substr({},18,2) AS bigint)", c);
  const std::string zone = fmt::format("right({}, 6)", c);
  // PostgreSQL does not promise to evaluate AND and OR left to right; CASE it does: every cast
  // is reached only once the text's shape vouches for it.
  const std::string zone_valid = fmt::format(
      "CASE WHEN right({0},1) = 'Z' THEN TRUE ELSE CAST(substr({1},2,2) AS bigint) <= 23 AND CAST(substr({1},5,2) AS "
      "bigint) <= 59 END",
      c, zone);
  const std::string offset = fmt::format(
      "(CASE WHEN right({0},1) = 'Z' THEN 0 ELSE (CASE substr({1},1,1) WHEN '+' THEN 1 ELSE -1 END) * "
      "(CAST(substr({1},2,2) AS bigint) * 3600 + CAST(substr({1},5,2) AS bigint) * 60) END)",
      c, zone);
  const std::string seconds = fmt::format("({} * 86400 + {} * 3600 + {} * 60 + {} - {})", days, h, mi, s, offset);
  const std::string fraction = fmt::format("CASE WHEN {} THEN 1 ELSE 0 END", search(c, "^.{19}\\.[0-9]*[1-9]"));
  std::string key = fmt::format(
      "CASE WHEN {0} THEN CASE WHEN {1} THEN CASE WHEN length({2}) = 10 THEN 2 * {3} * 86400 WHEN {4} <= 23 AND {5} "
      "<= 59 AND {6} <= 59 AND {7} THEN CASE WHEN {8} BETWEEN {9} AND {10} THEN 2 * {8} + {11} END END END END",
      shape, date_valid, c, days, h, mi, s, zone_valid, seconds, earliest_second, latest_second, fraction);
  if (duckdb) {
    // Every division here is of integers (no text of the key holds ` / ` otherwise).
    for (std::size_t at = key.find(" / "); at != std::string::npos; at = key.find(" / ", at + 4)) {
      key.replace(at, 3, " // ");
    }
  }
  return key;
}

}  // namespace

Result<ColumnCode> postgres_attribute_code(const runtime::CompiledPolicy& policy, std::size_t variable,
                                           const records::AttributeBinding& binding, const std::string& c,
                                           Dialect dialect) {
  const auto& info = policy.variables[variable];
  const auto& attribute = policy.attributes[info.source];
  ColumnCode out;
  const std::string key = fmt::format("usegate_k{}", variable);
  switch (attribute.type) {
    case runtime::AttributeType::enumeration: {
      // A text column: the value map first (its first entry for a text wins), then the values.
      std::vector<std::string> seen;
      std::string branches;
      for (const auto& [from, to] : binding.value_map) {
        if (std::find(seen.begin(), seen.end(), from) != seen.end()) continue;
        seen.push_back(from);
        branches += fmt::format(" WHEN {} THEN {}", quote_text(from), value_code(attribute, to));
      }
      for (const auto& value : attribute.values) {
        if (std::find(seen.begin(), seen.end(), value) != seen.end()) continue;
        branches += fmt::format(" WHEN {} THEN {}", quote_text(value), value_code(attribute, value));
      }
      out.code = fmt::format("CASE WHEN {0} IS NULL THEN 0 ELSE CASE CAST({0} AS text){1} ELSE 1 END END", c, branches);
      return out;
    }
    case runtime::AttributeType::boolean: {
      // A boolean column; a value map may rename `false` and `true`.
      std::size_t codes[2] = {2, 3};
      for (int truth = 0; truth < 2; ++truth) {
        for (const auto& [from, to] : binding.value_map) {
          if (from == (truth == 1 ? "true" : "false")) {
            codes[truth] = value_code(attribute, to);
            break;
          }
        }
      }
      out.code = fmt::format("CASE WHEN {0} IS NULL THEN 0 WHEN CAST({0} AS boolean) THEN {2} ELSE {1} END", c,
                             codes[0], codes[1]);
      return out;
    }
    case runtime::AttributeType::number:
      out.key = fmt::format(
          "CASE WHEN CAST({0} AS double precision) IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE CAST({0} AS "
          "double precision) END",
          c);
      out.code = ordered_column_code(c, key, info.constants, false, dialect);
      return out;
    case runtime::AttributeType::time:
      out.key = postgres_time_key(c, binding.time_format, dialect);
      out.code = ordered_column_code(c, key, info.constants, true, dialect);
      return out;
  }
  return out;
}

std::string postgres_setting_code(const std::string& value, const char* default_code, const std::string& from_consent) {
  return fmt::format("CASE{2} WHEN {0} IS NULL THEN {1} WHEN CAST({0} AS text) = 'on' THEN 1 ELSE 0 END", value,
                     default_code, from_consent);
}

std::string postgres_time_key(const std::string& c, records::TimeFormat format, Dialect dialect) {
  switch (format) {
    case records::TimeFormat::automatic:
    case records::TimeFormat::iso8601: return iso_key(fmt::format("CAST({} AS text)", c), dialect);
    case records::TimeFormat::epoch_seconds: return epoch_key(fmt::format("CAST({} AS double precision)", c));
    case records::TimeFormat::epoch_milliseconds:
      return epoch_key(fmt::format("(CAST({} AS double precision) / 1000.0)", c));
  }
  return "NULL";
}

}  // namespace usegate::sql
