#include "json_validation.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "json_document.hpp"

namespace usegate::records {

using simdjson::ondemand::json_type;

simdjson::error_code validate_json_string(simdjson::ondemand::value& value, bool escapes) {
  // Control characters and UTF-8 were checked for the whole line; only escapes are left.
  if (escapes) {
    const std::string_view token = value.raw_json_token();
    if (std::memchr(token.data(), '\\', token.size()) != nullptr) {
      std::string_view text;
      return value.get_string().get(text);
    }
  }
  simdjson::ondemand::raw_json_string raw;
  return value.get_raw_json_string().get(raw);
}

simdjson::error_code validate_json_number(simdjson::ondemand::value& value) {
  simdjson::ondemand::number number;
  const simdjson::error_code error = value.get_number().get(number);
  if (error == simdjson::NUMBER_ERROR && is_json_number_text(value.raw_json_token())) {
    return simdjson::NUMBER_OUT_OF_RANGE;
  }
  return error;
}

simdjson::error_code validate_json_container(simdjson::ondemand::value value, json_type type, unsigned depth,
                                             bool escapes) {
  if (depth > max_json_depth) return simdjson::DEPTH_ERROR;
  if (type == json_type::object) {
    simdjson::ondemand::object object;
    if (auto error = value.get_object().get(object)) return error;
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      if (auto error = std::move(field_result).get(field)) return error;
      // Keys with escapes must unescape; others were checked with the line.
      if (escapes && *string_text_end(field.key().raw()) == '\\') {
        std::string_view unescaped;
        if (auto error = field.unescaped_key().get(unescaped)) return error;
      }
      if (auto error = validate_json_value(field.value(), depth + 1, escapes)) return error;
    }
    return simdjson::SUCCESS;
  }
  simdjson::ondemand::array array;
  if (auto error = value.get_array().get(array)) return error;
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (auto error = element_result.get(element)) return error;
    if (auto error = validate_json_value(element, depth + 1, escapes)) return error;
  }
  return simdjson::SUCCESS;
}

RejectCause validate_json_object_document(simdjson::ondemand::document& document) {
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    return error == simdjson::INCORRECT_TYPE ? classify_non_object(document) : cause_of(error);
  }
  std::vector<std::string_view> keys;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (auto error = std::move(field_result).get(field)) return cause_of(error);
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return cause_of(error);
    keys.push_back(key);
    if (auto error = validate_json_value(field.value(), 2, true)) return cause_of(error);
  }
  if (has_trailing_content(document)) return RejectCause::invalid_json;
  return has_duplicate_key(keys) ? RejectCause::duplicate_key : RejectCause::none;
}

bool is_json_number_text(std::string_view token) {
  while (!token.empty() &&
         (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' || token.back() == '\r')) {
    token.remove_suffix(1);
  }
  std::size_t at = 0;
  const auto digit = [&](std::size_t i) { return i < token.size() && token[i] >= '0' && token[i] <= '9'; };
  if (at < token.size() && token[at] == '-') ++at;
  if (!digit(at)) return false;
  if (token[at] == '0') {
    ++at;
  } else {
    while (digit(at)) ++at;
  }
  if (at < token.size() && token[at] == '.') {
    ++at;
    if (!digit(at)) return false;
    while (digit(at)) ++at;
  }
  if (at < token.size() && (token[at] == 'e' || token[at] == 'E')) {
    ++at;
    if (at < token.size() && (token[at] == '+' || token[at] == '-')) ++at;
    if (!digit(at)) return false;
    while (digit(at)) ++at;
  }
  return at == token.size();
}

RejectCause number_error_cause(simdjson::error_code error, std::string_view token) {
  if (error == simdjson::NUMBER_ERROR) {
    return is_json_number_text(token) ? RejectCause::number_out_of_range : RejectCause::invalid_json;
  }
  return cause_of(error);
}

bool has_duplicate_key_sorting(std::span<const std::string_view> keys) {
  std::vector<std::string_view> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

}  // namespace usegate::records
