#include "random_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>

#include "civil_time.hpp"

namespace usegate::differential {
namespace {

using compiler::AttributeKind;
using compiler::CheckedCondition;
using compiler::ConditionOp;
using compiler::FieldMap;
using compiler::RecordValue;

constexpr std::int64_t earliest_second = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t latest_second = 253402300799;    // 9999-12-31T23:59:59Z

RecordValue text(std::string value) {
  return RecordValue::of(std::move(value));
}
RecordValue number(double value) {
  return RecordValue::of(value);
}
RecordValue boolean(bool value) {
  return RecordValue::of(value);
}

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}
bool chance(std::mt19937_64& rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}
template <typename T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(items.size()) - 1))];
}

void collect_constants(const CheckedCondition& condition, std::vector<std::set<double>>& constants) {
  if (condition.op == ConditionOp::compare) constants[condition.subject].insert(condition.key);
  for (const auto& operand : condition.operands) collect_constants(operand, constants);
}

// Time texts that must read as `unknown`: days that do not exist, hours past 23, no zone,
// wrong separators or case, out-of-range instants, numbers as text.
const std::vector<std::string> invalid_time_texts = {
    "2024-02-30",
    "2023-02-29T00:00:00Z",
    "1900-02-29",
    "2024-13-01",
    "2024-00-10",
    "2024-07-00T00:00:00Z",
    "2024-07-26T25:00:00Z",
    "2024-07-26T24:00:00Z",
    "2024-07-26T23:60:00Z",
    "2024-07-26T23:59:60Z",
    "2024-07-26T12:00:00",
    "2024-07-26T12:00:00.5",
    "2024-07-26t12:00:00Z",
    "2024-07-26T12:00:00z",
    "2024-07-26 12:00:00Z",
    "2024-7-26",
    "24-07-26",
    "",
    "now",
    "2024-07-26T12:00:00+2:00",
    "2024-07-26T12:00:00+24:00",
    "2024-07-26T12:00:00+05:60",
    "2024-07-26T12:00:00+0200",
    "2024-07-26T12:00:00.Z",
    "2024-07-26T12:00Z",
    "2024-07-26T12:00:00Z ",
    " 2024-07-26",
    "2024-07-26 ",
    "2024-07-26T",
    "2024-07-26X",
    "2024/07/26",
    "0000-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59-00:01",
    "1722470400",
    "+2024-07-26",
    "-2024-07-26",
    "2024-07-26T12:00:00.5.5Z",
    "2024-07-26T12:00:00ZZ",
    "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94-07-26",  // full-width digits
};

// Time zone offsets, as text and in seconds east of UTC.
struct Offset {
  const char* text;
  int seconds;
};
const Offset offsets[] = {{"+02:00", 7200},  {"-05:30", -19800}, {"+00:00", 0},
                          {"-00:00", 0},     {"+23:59", 86340},  {"-23:59", -86340},
                          {"+05:45", 20700}, {"+14:00", 50400},  {"-12:00", -43200}};

// A time of day given as text in one of the ways the language allows, for instant `seconds`
// plus an optional fraction.
std::optional<RecordValue> time_text(std::int64_t seconds, std::mt19937_64& rng) {
  const int form = uniform(rng, 0, 9);
  std::string fraction;
  if (form >= 3 && form <= 5) {
    static const std::vector<std::string> fractions = {".5", ".0", ".000", ".999999", ".000001", ".25", ".1"};
    fraction = pick(rng, fractions);
  }
  if (form >= 6 && form <= 8) {
    const Offset& offset = offsets[uniform(rng, 0, static_cast<int>(std::size(offsets)) - 1)];
    const std::int64_t local = seconds + offset.seconds;
    if (!writable_year(local)) return std::nullopt;
    if (chance(rng, 0.3)) fraction = ".5";
    return text(datetime_text(local, fraction + offset.text));
  }
  if (!writable_year(seconds)) return std::nullopt;
  if (form == 9) return text(date_text(seconds));  // the day it falls in, at midnight
  return text(datetime_text(seconds, fraction + "Z"));
}

std::string json_escape(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

RecordGenerator::RecordGenerator(const compiler::CheckedPolicy& policy) {
  std::vector<std::set<double>> constants(policy.attributes.size());
  for (const auto& rule : policy.rules) collect_constants(rule.condition, constants);
  std::set<std::string> values;
  for (std::size_t i = 0; i < policy.attributes.size(); ++i) {
    const auto& attribute = policy.attributes[i];
    if (attribute.builtin) {
      for (const double key : constants[i]) now_seconds_.push_back(static_cast<std::int64_t>(key / 2));
      continue;
    }
    AttributeInfo info;
    info.name = attribute.name;
    info.kind = attribute.kind;
    if (attribute.kind == AttributeKind::enumeration) {
      info.values = attribute.values;
      values.insert(attribute.values.begin(), attribute.values.end());
    }
    for (const double key : constants[i]) {
      if (attribute.kind == AttributeKind::time) info.seconds.push_back(static_cast<std::int64_t>(key / 2));
      if (attribute.kind == AttributeKind::number) info.numbers.push_back(key);
    }
    attributes_.push_back(std::move(info));
  }
  all_values_.assign(values.begin(), values.end());
  for (const auto& setting : policy.settings) settings_.push_back(SettingInfo{setting.name, setting.formerly});
}

RecordValue RecordGenerator::enum_value(const AttributeInfo& attribute, std::mt19937_64& rng) const {
  if (chance(rng, 0.85)) return text(pick(rng, attribute.values));
  const std::string& listed = pick(rng, attribute.values);
  switch (uniform(rng, 0, 12)) {
    case 0: return text("zzz_unlisted");
    case 1: {  // the same letters in another case: the first one, or all
      std::string other = listed;
      const std::size_t end = chance(rng, 0.5) ? std::min<std::size_t>(1, other.size()) : other.size();
      for (std::size_t i = 0; i < end; ++i) {
        char& c = other[i];
        if (c >= 'a' && c <= 'z') {
          c = static_cast<char>(c - 'a' + 'A');
        } else if (c >= 'A' && c <= 'Z') {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      return text(other);
    }
    case 2: return text(pick(rng, all_values_));  // maybe a value of another enum
    case 3: return text("");
    case 4: return text(listed + " ");
    case 5: return text(listed.substr(0, listed.size() - 1));
    case 6: return text(listed + std::string(1, '\0'));
    case 7: return number(1);
    case 8: return boolean(true);
    case 9: return RecordValue::composite();
    case 10: return text("missing");
    case 11: return text("unknown");
    default: return text(listed + listed);
  }
}

RecordValue RecordGenerator::bool_value(std::mt19937_64& rng) const {
  if (chance(rng, 0.85)) return boolean(chance(rng, 0.5));
  switch (uniform(rng, 0, 5)) {
    case 0: return text("true");
    case 1: return text("false");
    case 2: return number(1);
    case 3: return number(0);
    case 4: return RecordValue::composite();
    default: return text("");
  }
}

RecordValue RecordGenerator::number_value(const AttributeInfo& attribute, std::mt19937_64& rng) const {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  const int roll = uniform(rng, 0, 99);
  if (roll < 70 && !attribute.numbers.empty()) {
    const double c = pick(rng, attribute.numbers);
    const double epsilon = 1e-9 * std::max(1.0, std::fabs(c));
    switch (uniform(rng, 0, 11)) {
      case 0:
      case 1:
      case 2: return number(c);
      case 3: return number(std::nextafter(c, infinity));
      case 4: return number(std::nextafter(c, -infinity));
      case 5: return number(c + epsilon);
      case 6: return number(c - epsilon);
      case 7: return number(c + 1);
      case 8: return number(c - 1);
      case 9: return number(c + 0.5);
      case 10: return number(c - 0.5);
      default: return number(-c);
    }
  }
  if (roll < 88) {
    if (chance(rng, 0.5)) return number(uniform(rng, -200, 200));
    return number(std::uniform_real_distribution<double>(-200, 200)(rng));
  }
  switch (uniform(rng, 0, 10)) {
    case 0: return number(-0.0);
    case 1: return number(1e300);
    case 2: return number(-1e300);
    case 3: return number(std::numeric_limits<double>::max());
    case 4: return number(std::numeric_limits<double>::denorm_min());
    case 5: return number(-std::numeric_limits<double>::denorm_min());
    // Unreadable: not finite, or not a number.
    case 6: return number(chance(rng, 0.5) ? infinity : -infinity);
    case 7: return number(std::numeric_limits<double>::quiet_NaN());
    case 8: {
      if (attribute.numbers.empty()) return text("18");
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", pick(rng, attribute.numbers));
      return text(buffer);
    }
    case 9: return boolean(chance(rng, 0.5));
    default: return RecordValue::composite();
  }
}

RecordValue RecordGenerator::time_value(const AttributeInfo& attribute, std::mt19937_64& rng) const {
  const int roll = uniform(rng, 0, 99);
  if (roll >= 88) {  // unreadable
    switch (uniform(rng, 0, 9)) {
      case 0: return number(1e12);
      case 1: return number(-1e12);
      case 2: return number(std::numeric_limits<double>::quiet_NaN());
      case 3: return number(std::numeric_limits<double>::infinity());
      case 4: return number(static_cast<double>(earliest_second) - 0.5);
      case 5: return number(static_cast<double>(latest_second) + 1);
      case 6: return boolean(true);
      case 7: return RecordValue::composite();
      default: return text(pick(rng, invalid_time_texts));
    }
  }
  if (roll >= 84) {  // the ends of the range, readable
    switch (uniform(rng, 0, 6)) {
      case 0: return number(static_cast<double>(earliest_second));
      case 1: return number(static_cast<double>(latest_second));
      case 2: return number(static_cast<double>(latest_second) + 0.5);
      case 3: return text("0000-01-01T00:00:00Z");
      case 4: return text("9999-12-31T23:59:59Z");
      case 5: return text("9999-12-31T23:59:59.5Z");
      default: return text("0000-01-01");
    }
  }
  std::int64_t seconds = 0;
  if (roll < 70 && !attribute.seconds.empty()) {
    static const std::vector<std::int64_t> deltas = {0, 0, 0, -1, 1, -86400, 86400, -3600, 3600, -60, 2};
    seconds = pick(rng, attribute.seconds) + pick(rng, deltas);
  } else {
    // Anywhere from 1960 to 2035.
    seconds = std::uniform_int_distribution<std::int64_t>(-315619200, 2051222400)(rng);
    if (chance(rng, 0.3)) seconds -= seconds % 86400;
  }
  if (chance(rng, 0.4)) {
    // Epoch seconds, whole or with a fraction (a fraction below zero rounds down).
    static const std::vector<double> fractions = {0, 0, 0.5, 0.25, 0.999, 1e-6, -0.5};
    return number(static_cast<double>(seconds) + pick(rng, fractions));
  }
  if (auto value = time_text(seconds, rng)) return *value;
  return number(static_cast<double>(seconds));
}

std::vector<RecordValue> RecordGenerator::consent_values() {
  return {text("on"),    text("off"), boolean(true), boolean(false), RecordValue::null(),     text("OFF"), text("ON"),
          text("maybe"), number(1),   number(0),     text(""),       RecordValue::composite()};
}

void RecordGenerator::add_consent(const SettingInfo& setting, FieldMap& consent, std::mt19937_64& rng) const {
  const auto value = [&]() -> RecordValue {
    switch (uniform(rng, 0, 15)) {
      case 0:
      case 1:
      case 2: return text("on");
      case 3:
      case 4:
      case 5: return text("off");
      case 6: return boolean(true);
      case 7: return boolean(false);
      case 8: return text("maybe");
      case 9: return number(1);
      case 10: return text("ON");
      case 11: return text("OFF");
      case 12: return text("");
      case 13: return RecordValue::composite();
      case 14: return RecordValue::null();
      default: return number(0);
    }
  };
  // The names a value may be recorded under: the setting's own, then its former ones.
  std::vector<std::string> names{setting.name};
  names.insert(names.end(), setting.formerly.begin(), setting.formerly.end());
  const int roll = uniform(rng, 0, 99);
  if (roll < 20) return;  // unset: the default applies
  if (roll < 55 || names.size() == 1) {
    consent[setting.name] = value();
    return;
  }
  if (roll < 75) {  // one former name only
    consent[names[static_cast<std::size_t>(uniform(rng, 1, static_cast<int>(names.size()) - 1))]] = value();
    return;
  }
  // Several names at once, some of them maybe null: the first one set wins.
  for (const auto& name : names) {
    if (chance(rng, 0.6)) consent[name] = chance(rng, 0.25) ? RecordValue::null() : value();
  }
}

std::vector<RecordValue> RecordGenerator::attribute_edges(const AttributeInfo& attribute) const {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  std::vector<RecordValue> edges{RecordValue::null(), RecordValue::composite()};
  switch (attribute.kind) {
    case AttributeKind::enumeration:
      for (const auto& value : attribute.values) edges.push_back(text(value));
      edges.push_back(text("zzz_unlisted"));
      edges.push_back(text(""));
      edges.push_back(number(1));
      edges.push_back(boolean(true));
      break;
    case AttributeKind::boolean:
      edges.insert(edges.end(), {boolean(true), boolean(false), text("true"), number(1)});
      break;
    case AttributeKind::number:
      for (const double c : attribute.numbers) {
        const double epsilon = 1e-9 * std::max(1.0, std::fabs(c));
        for (const double value : {c, std::nextafter(c, infinity), std::nextafter(c, -infinity), c + epsilon,
                                   c - epsilon, c + 1, c - 1, c + 0.5, c - 0.5}) {
          edges.push_back(number(value));
        }
      }
      edges.insert(edges.end(),
                   {text("18"), boolean(true), number(std::numeric_limits<double>::quiet_NaN()), number(infinity)});
      break;
    case AttributeKind::time:
      for (const std::int64_t c : attribute.seconds) {
        for (const std::int64_t delta : {-1, 0, 1}) {
          const std::int64_t seconds = c + delta;
          edges.push_back(number(static_cast<double>(seconds)));
          if (writable_year(seconds)) edges.push_back(text(datetime_text(seconds)));
        }
        edges.push_back(number(static_cast<double>(c) + 0.5));
        edges.push_back(number(static_cast<double>(c) - 0.5));
        if (writable_year(c - 1)) edges.push_back(text(datetime_text(c - 1, ".5Z")));
        if (writable_year(c)) {
          edges.push_back(text(datetime_text(c, ".5Z")));
          edges.push_back(text(datetime_text(c, ".000Z")));
        }
        if (writable_year(c + 7200)) edges.push_back(text(datetime_text(c + 7200, "+02:00")));
        if (c % 86400 == 0 && writable_year(c)) edges.push_back(text(date_text(c)));
      }
      edges.insert(edges.end(),
                   {text("2024-02-30"), text("2024-07-26T12:00:00"), text("yesterday"), number(1e12), boolean(true)});
      break;
  }
  return edges;
}

std::vector<compiler::InterpreterInput> RecordGenerator::edge_records(std::mt19937_64& rng) const {
  std::vector<compiler::InterpreterInput> records;
  for (const auto& attribute : attributes_) {
    compiler::InterpreterInput absent = next(rng);
    absent.attributes.erase(attribute.name);
    records.push_back(std::move(absent));
    for (auto& edge : attribute_edges(attribute)) {
      compiler::InterpreterInput record = next(rng);
      record.attributes[attribute.name] = std::move(edge);
      records.push_back(std::move(record));
    }
  }
  for (const auto& setting : settings_) {
    std::vector<std::string> names{setting.name};
    names.insert(names.end(), setting.formerly.begin(), setting.formerly.end());
    const auto fresh = [&] {
      compiler::InterpreterInput record = next(rng);
      for (const auto& name : names) record.consent.erase(name);
      return record;
    };
    records.push_back(fresh());  // under no name
    for (const auto& value : consent_values()) {
      // Under each name alone.
      for (const auto& name : names) {
        compiler::InterpreterInput record = fresh();
        record.consent[name] = value;
        records.push_back(std::move(record));
      }
      if (names.size() == 1) continue;
      // Under every name, each with a value of its own: null under the first names and this
      // value under a later one, or this value first and another under the rest.
      for (std::size_t first_set = 0; first_set < names.size(); ++first_set) {
        compiler::InterpreterInput record = fresh();
        for (std::size_t i = 0; i < names.size(); ++i) {
          if (i < first_set) record.consent[names[i]] = RecordValue::null();
          if (i == first_set) record.consent[names[i]] = value;
          if (i > first_set) record.consent[names[i]] = pick(rng, consent_values());
        }
        records.push_back(std::move(record));
      }
    }
  }
  return records;
}

compiler::InterpreterInput RecordGenerator::next(std::mt19937_64& rng) const {
  compiler::InterpreterInput input;
  for (const auto& attribute : attributes_) {
    const int roll = uniform(rng, 0, 99);
    if (roll < 5) continue;  // absent
    if (roll < 10) {
      input.attributes[attribute.name] = RecordValue::null();
      continue;
    }
    switch (attribute.kind) {
      case AttributeKind::enumeration: input.attributes[attribute.name] = enum_value(attribute, rng); break;
      case AttributeKind::boolean: input.attributes[attribute.name] = bool_value(rng); break;
      case AttributeKind::number: input.attributes[attribute.name] = number_value(attribute, rng); break;
      case AttributeKind::time: input.attributes[attribute.name] = time_value(attribute, rng); break;
    }
  }
  if (chance(rng, 0.05)) input.attributes["unrelated_field"] = text("post");
  // A field whose name starts like an attribute's: it is another field, and must not be read.
  if (!attributes_.empty() && chance(rng, 0.05)) {
    const AttributeInfo& attribute = pick(rng, attributes_);
    input.attributes[attribute.name + (chance(rng, 0.5) ? "_before" : "2")] =
        attribute.values.empty() ? number(1) : text(attribute.values.front());
  }
  for (const auto& setting : settings_) add_consent(setting, input.consent, rng);
  if (chance(rng, 0.03)) input.consent["no_such_setting"] = text("off");

  const int roll = uniform(rng, 0, 99);
  if (roll < 70 && !now_seconds_.empty()) {
    static const std::vector<std::int64_t> deltas = {0, 0, 0, -1, 1, -86400, 86400, 3600};
    input.now = std::clamp(pick(rng, now_seconds_) + pick(rng, deltas), earliest_second, latest_second);
  } else if (roll < 97) {
    input.now = std::uniform_int_distribution<std::int64_t>(1577836800, 1830297600)(rng);  // 2020 to 2028
  } else {
    static const std::vector<std::int64_t> extremes = {0, -1, earliest_second, latest_second, -86400};
    input.now = pick(rng, extremes);
  }
  return input;
}

std::string describe_value(const RecordValue& value) {
  switch (value.kind) {
    case RecordValue::Kind::null: return "null";
    case RecordValue::Kind::boolean: return value.boolean ? "true" : "false";
    case RecordValue::Kind::number: {
      if (std::isnan(value.number)) return "NaN";
      if (std::isinf(value.number)) return value.number > 0 ? "Infinity" : "-Infinity";
      char buffer[64];
      std::snprintf(buffer, sizeof buffer, "%.17g", value.number);
      return buffer;
    }
    case RecordValue::Kind::string: return json_escape(value.text);
    case RecordValue::Kind::composite: return "{}";
  }
  return "?";
}

std::string describe_record(const compiler::InterpreterInput& input) {
  const auto describe_map = [](const FieldMap& fields) {
    std::string out = "{";
    for (const auto& [name, value] : fields) {
      if (out.size() > 1) out += ", ";
      out += json_escape(name) + ": " + describe_value(value);
    }
    return out + "}";
  };
  std::string now = std::to_string(input.now);
  if (writable_year(input.now)) now += " (" + datetime_text(input.now) + ")";
  return "{\"attributes\": " + describe_map(input.attributes) + ", \"consent\": " + describe_map(input.consent) +
         ", \"now\": " + now + "}";
}

}  // namespace usegate::differential
