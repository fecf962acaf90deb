#include "usegate/records/field_rules.hpp"

#include <charconv>

#include "usegate/runtime/encoding.hpp"

namespace usegate::records {

FieldValue apply_time_format(TimeFormat format, const FieldValue& field) {
  const bool is_text = field.kind == FieldValue::Kind::string;
  const bool is_number = field.kind == FieldValue::Kind::number;
  switch (format) {
    case TimeFormat::automatic: return field;
    case TimeFormat::iso8601: return is_number ? FieldValue::other() : field;
    case TimeFormat::epoch_seconds: return is_text ? FieldValue::other() : field;
    case TimeFormat::epoch_milliseconds:
      if (is_number) return FieldValue::from_number(field.number / 1000.0);
      return is_text ? FieldValue::other() : field;
  }
  return field;
}

AttributeReader::AttributeReader(const Policy& policy, const AttributeBinding& binding)
    : policy_(&policy),
      variable_(binding.variable.value_or(0)),
      kind_(policy.variable(variable_).kind),
      time_format_(binding.time_format),
      value_map_(binding.value_map) {}

Code AttributeReader::read(ValueType type, const FieldValue& field, std::string_view number_token) const {
  FieldValue value = field;
  std::string_view mapped_from;  // the text a value map matches on
  switch (type) {
    case ValueType::string: mapped_from = field.text; break;
    case ValueType::number: mapped_from = number_token; break;
    case ValueType::boolean: mapped_from = field.boolean ? "true" : "false"; break;
    default: break;
  }
  if (!value_map_.empty() && !mapped_from.empty()) {
    for (const auto& [from, to] : value_map_) {
      if (from != mapped_from) continue;
      value = kind_ == VariableDescription::Kind::boolean ? FieldValue::from_bool(to == "true")
                                                          : FieldValue::from_string(to);
      break;
    }
  }
  if (kind_ == VariableDescription::Kind::time) value = apply_time_format(time_format_, value);
  return policy_->encode(variable_, value);
}

Code constant_code(const Policy& policy, const AttributeBinding& binding) {
  const std::size_t variable = binding.variable.value_or(0);
  const auto kind = policy.variable(variable).kind;
  const std::string& text = binding.constant.value_or(std::string());
  FieldValue value = FieldValue::from_string(text);
  if (kind == VariableDescription::Kind::boolean) value = FieldValue::from_bool(text == "true");
  if (kind == VariableDescription::Kind::number || kind == VariableDescription::Kind::time) {
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) value = FieldValue::from_number(number);
  }
  return policy.encode(variable, value);
}

SettingCode setting_code(const Policy& policy, std::size_t setting, std::size_t variable, const SettingInputs& inputs) {
  // When changes are given but the record's subject cannot be read, an opt-out it may have
  // made cannot be ruled out: the setting counts as off.
  if (inputs.ledger != nullptr) {
    if (inputs.subject_key == nullptr) return {runtime::setting_off_code, false, true};
    if (const std::optional<bool> from_changes = inputs.ledger->value(setting, *inputs.subject_key)) {
      return {*from_changes ? runtime::setting_on_code : runtime::setting_off_code, false, false};
    }
  }
  FieldValue recorded = FieldValue::absent();
  for (const FieldValue& candidate : inputs.recorded) {
    if (candidate.kind != FieldValue::Kind::absent && candidate.kind != FieldValue::Kind::null) {
      recorded = candidate;
      break;
    }
  }
  SettingCode result;
  result.code = policy.encode_consent(variable, recorded, &result.bad_value);
  return result;
}

}  // namespace usegate::records
