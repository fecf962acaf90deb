#pragma once
// Records as JSON Lines for the tests that run the real program, and what `usegate eval`
// writes back, read with simdjson's DOM rather than the library under test.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "usegate/base/json_text.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::differential {

inline void append_json_value(std::string& out, const compiler::RecordValue& value) {
  switch (value.kind) {
    case compiler::RecordValue::Kind::null: out += "null"; break;
    case compiler::RecordValue::Kind::boolean: out += value.boolean ? "true" : "false"; break;
    case compiler::RecordValue::Kind::number:
      // JSON has no infinities or NaN: as strings they read as unknown numbers, as the
      // interpreter reads the non-finite values (`1e999` would reject the whole line).
      if (std::isnan(value.number)) {
        out += "\"NaN\"";
      } else if (std::isinf(value.number)) {
        out += value.number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        out += fmt::format("{:.17g}", value.number);
      }
      break;
    case compiler::RecordValue::Kind::string: json::append_string(out, value.text); break;
    case compiler::RecordValue::Kind::composite: out += "{\"nested\":[1,2]}"; break;
  }
}

// The record as one JSON object: attributes and setting values as top-level fields, which is
// where the default bindings read them; `extra` (`"user":...`, say) is written first.
inline std::string json_line(const compiler::InterpreterInput& input, const std::string& extra = {}) {
  std::string out = "{" + extra;
  bool first = extra.empty();
  for (const auto* fields : {&input.attributes, &input.consent}) {
    for (const auto& [name, value] : *fields) {
      if (!first) out += ',';
      first = false;
      json::append_string(out, name);
      out += ':';
      append_json_value(out, value);
    }
  }
  return out + "}\n";
}

struct EvalLine {
  std::uint64_t line = 0;
  std::string decision;
  std::string reason;
};

// `{"line":N,"decision":"...","reason":"..."}`, as `usegate eval` writes it; false when the
// text has another shape.
inline bool parse_eval_line(std::string_view text, EvalLine& parsed) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(text.data(), text.size()).get(object) != simdjson::SUCCESS) return false;
  std::uint64_t line = 0;
  std::string_view decision;
  std::string_view reason;
  if (object["line"].get(line) != simdjson::SUCCESS || object["decision"].get(decision) != simdjson::SUCCESS ||
      object["reason"].get(reason) != simdjson::SUCCESS) {
    return false;
  }
  parsed = EvalLine{line, std::string(decision), std::string(reason)};
  return true;
}

// Every line of `usegate eval`'s output, parsed; false at the first line of another shape.
inline bool parse_eval_output(const std::string& out, std::vector<EvalLine>& lines) {
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t end = out.find('\n', start);
    if (end == std::string::npos) return false;
    EvalLine line;
    if (!parse_eval_line(std::string_view(out).substr(start, end - start), line)) return false;
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return true;
}

}  // namespace usegate::differential
