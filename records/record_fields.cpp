#include "usegate/records/record_fields.hpp"

#include <simdjson.h>

namespace usegate::records {
namespace {

using simdjson::ondemand::json_type;

std::string_view trimmed(std::string_view token) {
  while (!token.empty() &&
         (token.back() == ' ' || token.back() == '\t' || token.back() == '\r' || token.back() == '\n' ||
          token.back() == ',' || token.back() == '}' || token.back() == ']')) {
    token.remove_suffix(1);
  }
  return token;
}

// Follows `path` from the document's root; absent when a key is missing or a step is not an
// object.
FieldReading read_path(simdjson::ondemand::document& document, const FieldPath& path) {
  FieldReading reading;
  reading.path = path_text(path);
  if (path.empty()) return reading;
  document.rewind();
  simdjson::ondemand::value value;
  simdjson::ondemand::object object;
  if (document.get_object().get(object) != simdjson::SUCCESS) return reading;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (object.find_field_unordered(path[i]).get(value) != simdjson::SUCCESS) return reading;
    if (i + 1 == path.size()) break;
    json_type type;
    if (value.type().get(type) != simdjson::SUCCESS || type != json_type::object) return reading;
    if (value.get_object().get(object) != simdjson::SUCCESS) return reading;
  }
  json_type type;
  if (value.type().get(type) != simdjson::SUCCESS) return reading;
  switch (type) {
    case json_type::null: reading.kind = FieldReading::Kind::null; break;
    case json_type::boolean: {
      bool boolean = false;
      if (value.get_bool().get(boolean) != simdjson::SUCCESS) return reading;
      reading.kind = FieldReading::Kind::boolean;
      reading.boolean = boolean;
      reading.text = boolean ? "true" : "false";
      break;
    }
    case json_type::number: {
      reading.text = std::string(trimmed(value.raw_json_token()));
      double number = 0;
      if (value.get_double().get(number) != simdjson::SUCCESS) return reading;
      reading.kind = FieldReading::Kind::number;
      reading.number = number;
      break;
    }
    case json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return reading;
      reading.kind = FieldReading::Kind::string;
      reading.text = std::string(text);
      break;
    }
    default:
      // Shown, not read: what a policy cannot compare with anything.
      reading.kind = FieldReading::Kind::composite;
      reading.text = type == json_type::object ? "an object" : "an array";
      break;
  }
  return reading;
}

}  // namespace

std::string path_text(const FieldPath& path) {
  std::string text;
  for (const auto& key : path) text += (text.empty() ? "" : ".") + key;
  return text;
}

Result<RecordFields> read_record_fields(std::string_view line, const Bindings& bindings) {
  simdjson::ondemand::parser parser;
  const simdjson::padded_string padded(line);
  simdjson::ondemand::document document;
  json_type type;
  if (parser.iterate(padded).get(document) != simdjson::SUCCESS || document.type().get(type) != simdjson::SUCCESS ||
      type != json_type::object) {
    return Error{Error::Code::invalid_input, "the record is not a JSON object", 0};
  }
  RecordFields fields;
  for (const auto& binding : bindings.attributes) {
    if (binding.constant) {
      FieldReading constant;
      constant.kind = FieldReading::Kind::string;
      constant.text = *binding.constant;
      fields.attributes.push_back(std::move(constant));
      continue;
    }
    fields.attributes.push_back(read_path(document, binding.path));
  }
  for (const auto& binding : bindings.settings) {
    std::vector<FieldReading> readings;
    readings.push_back(read_path(document, binding.path));
    for (const auto& former : binding.former_paths) readings.push_back(read_path(document, former));
    fields.settings.push_back(std::move(readings));
    fields.subjects.push_back(read_path(document, binding.key_path));
  }
  return fields;
}

}  // namespace usegate::records
