#include "usegate/compiler/interpreter.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string_view>

#include "usegate/base/calendar.hpp"

namespace usegate::compiler {
namespace {

// The earliest and latest instants a record may name: years 0000 to 9999.
constexpr std::int64_t earliest_second = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t latest_second = 253402300799;    // 9999-12-31T23:59:59Z

std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// ISO-8601 as the language reference allows it: `YYYY-MM-DD`, or
// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`. Anything else is unknown.
std::optional<double> time_key_of_text(std::string_view text) {
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  if (text.size() == 10) return calendar::time_key(days * 86400, false);

  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t at = 19;
  bool has_fraction = false;
  if (text[at] == '.') {
    const std::size_t fraction_start = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      has_fraction = has_fraction || text[at] != '0';
      ++at;
    }
    if (at == fraction_start) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (at + 1 == text.size() && text[at] == 'Z') {
    offset_seconds = 0;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    const auto offset_hours = digits(text, at + 1, 2);
    const auto offset_minutes = digits(text, at + 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (*offset_hours * 3600 + *offset_minutes * 60) * (text[at] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  // Local time minus its offset is UTC.
  const std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset_seconds;
  if (seconds < earliest_second || seconds > latest_second) return std::nullopt;
  return calendar::time_key(seconds, has_fraction);
}

std::optional<double> time_key_of_epoch(double epoch_seconds) {
  if (!std::isfinite(epoch_seconds)) return std::nullopt;
  const double whole = std::floor(epoch_seconds);
  if (whole < static_cast<double>(earliest_second) || whole > static_cast<double>(latest_second)) {
    return std::nullopt;
  }
  return calendar::time_key(static_cast<std::int64_t>(whole), epoch_seconds > whole);
}

bool compare(double value, ComparisonOperator comparison, double constant) {
  switch (comparison) {
    case ComparisonOperator::equal: return value == constant;
    case ComparisonOperator::not_equal: return value != constant;
    case ComparisonOperator::less: return value < constant;
    case ComparisonOperator::less_equal: return value <= constant;
    case ComparisonOperator::greater: return value > constant;
    case ComparisonOperator::greater_equal: return value >= constant;
  }
  return false;
}

bool contains(const std::vector<std::uint32_t>& values, std::uint32_t value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

ExtendedValue extended_value(const CheckedPolicy& policy, std::uint32_t attribute, const InterpreterInput& input) {
  const Attribute& declared = policy.attributes[attribute];
  ExtendedValue known{ExtendedValue::State::known, 0, 0};
  const ExtendedValue unknown{ExtendedValue::State::unknown, 0, 0};
  if (declared.builtin) {  // `now` always has the caller's value
    known.key = calendar::time_key(input.now, false);
    return known;
  }
  const auto field = input.attributes.find(declared.name);
  if (field == input.attributes.end() || field->second.kind == RecordValue::Kind::null) {
    return ExtendedValue{};
  }
  const RecordValue& value = field->second;
  switch (declared.kind) {
    case AttributeKind::enumeration:
      if (value.kind != RecordValue::Kind::string) return unknown;
      if (const auto index = declared.find_value(value.text)) {
        known.value = *index;
        return known;
      }
      return unknown;
    case AttributeKind::boolean:
      if (value.kind != RecordValue::Kind::boolean) return unknown;
      known.value = value.boolean ? 1 : 0;
      return known;
    case AttributeKind::number:
      if (value.kind != RecordValue::Kind::number || !std::isfinite(value.number)) return unknown;
      known.key = value.number;
      return known;
    case AttributeKind::time: {
      std::optional<double> key;
      if (value.kind == RecordValue::Kind::string) key = time_key_of_text(value.text);
      if (value.kind == RecordValue::Kind::number) key = time_key_of_epoch(value.number);
      if (!key) return unknown;
      known.key = *key;
      return known;
    }
  }
  return unknown;
}

bool consents(const CheckedPolicy& policy, std::uint32_t setting, const InterpreterInput& input, bool* bad_value) {
  const Setting& declared = policy.settings[setting];
  // The user's own value under the setting's name; else one recorded under a former name.
  const RecordValue* recorded = nullptr;
  const auto lookup = [&](const std::string& name) {
    const auto found = input.consent.find(name);
    if (found != input.consent.end() && found->second.kind != RecordValue::Kind::null) {
      recorded = &found->second;
    }
  };
  lookup(declared.name);
  for (const auto& former : declared.formerly) {
    if (!recorded) lookup(former);
  }
  if (!recorded) return declared.default_on;
  const bool is_on = (recorded->kind == RecordValue::Kind::string && recorded->text == "on") ||
                     (recorded->kind == RecordValue::Kind::boolean && recorded->boolean);
  const bool is_off = (recorded->kind == RecordValue::Kind::string && recorded->text == "off") ||
                      (recorded->kind == RecordValue::Kind::boolean && !recorded->boolean);
  // Anything but on or off counts as off: a bad value never grants consent.
  if (!is_on && !is_off && bad_value) *bad_value = true;
  return is_on;
}

bool holds(const CheckedPolicy& policy, const CheckedCondition& condition, const InterpreterInput& input) {
  switch (condition.op) {
    case ConditionOp::always_true: return true;
    case ConditionOp::always_false: return false;
    case ConditionOp::all_of:
      return std::all_of(condition.operands.begin(), condition.operands.end(),
                         [&](const auto& operand) { return holds(policy, operand, input); });
    case ConditionOp::any_of:
      return std::any_of(condition.operands.begin(), condition.operands.end(),
                         [&](const auto& operand) { return holds(policy, operand, input); });
    case ConditionOp::negation: return !holds(policy, condition.operands.front(), input);
    case ConditionOp::consent: return consents(policy, condition.subject, input);
    default: break;
  }
  const ExtendedValue value = extended_value(policy, condition.subject, input);
  const bool known = value.state == ExtendedValue::State::known;
  switch (condition.op) {
    case ConditionOp::value_in: return known && contains(condition.values, value.value);
    case ConditionOp::value_not_in: return !known || !contains(condition.values, value.value);
    case ConditionOp::compare:
      // On a missing or unknown value only `!=` holds.
      if (!known) return condition.comparison == ComparisonOperator::not_equal;
      return compare(value.key, condition.comparison, condition.key);
    case ConditionOp::is_missing: return value.state == ExtendedValue::State::missing;
    case ConditionOp::is_unknown: return value.state == ExtendedValue::State::unknown;
    case ConditionOp::is_known: return known;
    default: return false;
  }
}

Interpretation interpret(const CheckedPolicy& policy, const InterpreterInput& input) {
  Interpretation result;
  for (std::uint32_t setting = 0; setting < policy.settings.size(); ++setting) {
    bool bad = false;
    (void)consents(policy, setting, input, &bad);
    if (bad) result.bad_consent_values.push_back(setting);
  }
  std::optional<std::uint32_t> first_deny;
  std::optional<std::uint32_t> first_allow;
  for (std::uint32_t rule = 0; rule < policy.rules.size(); ++rule) {
    if (!holds(policy, policy.rules[rule].condition, input)) continue;
    result.matched_rules.push_back(rule);
    auto& first = policy.rules[rule].effect == Effect::deny ? first_deny : first_allow;
    if (!first) first = rule;
  }
  // Deny overrides allow: any matching deny decides, the first in source order names it.
  if (first_deny) {
    result.decision = RuleDecision{Effect::deny, first_deny, policy.rules[*first_deny].id};
  } else if (first_allow) {
    result.decision = RuleDecision{Effect::allow, first_allow, policy.rules[*first_allow].id};
  } else {
    result.decision = RuleDecision{policy.default_effect, std::nullopt, "default"};
  }
  return result;
}

}  // namespace usegate::compiler
