#include "record_json.hpp"

#include <cmath>

#include <fmt/format.h>

namespace usegate::differential {
namespace {

void append_json_string(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json_value(std::string& out, const compiler::FieldValue& value) {
  switch (value.kind) {
    case compiler::FieldValue::Kind::null: out += "null"; break;
    case compiler::FieldValue::Kind::boolean: out += value.boolean ? "true" : "false"; break;
    case compiler::FieldValue::Kind::number:
      // JSON has no infinities or NaN; these spellings read as unknown numbers, as the
      // interpreter reads the non-finite values.
      if (std::isnan(value.number)) {
        out += "\"NaN\"";
      } else if (std::isinf(value.number)) {
        out += value.number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        out += fmt::format("{:.17g}", value.number);
      }
      break;
    case compiler::FieldValue::Kind::string: append_json_string(out, value.text); break;
    case compiler::FieldValue::Kind::composite: out += "{\"nested\":[1,2]}"; break;
  }
}

}  // namespace

std::string json_line(const compiler::InterpreterInput& input) {
  std::string out = "{";
  bool first = true;
  for (const auto* fields : {&input.attributes, &input.consent}) {
    for (const auto& [name, value] : *fields) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, name);
      out += ':';
      append_json_value(out, value);
    }
  }
  return out + "}\n";
}

}  // namespace usegate::differential
