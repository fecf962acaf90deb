#pragma once
// Records as JSON Lines for the tests that run the real program, and what `usegate eval`
// writes back, read without the library under test.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "usegate/compiler/interpreter.hpp"

namespace usegate::differential {

inline void append_json_string(std::string& out, std::string_view text) {
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

inline void append_json_value(std::string& out, const compiler::FieldValue& value) {
  switch (value.kind) {
    case compiler::FieldValue::Kind::null: out += "null"; break;
    case compiler::FieldValue::Kind::boolean: out += value.boolean ? "true" : "false"; break;
    case compiler::FieldValue::Kind::number:
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
    case compiler::FieldValue::Kind::string: append_json_string(out, value.text); break;
    case compiler::FieldValue::Kind::composite: out += "{\"nested\":[1,2]}"; break;
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
      append_json_string(out, name);
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
  const auto field = [&](std::string_view key, std::size_t& at) {
    // Built in steps: GCC 12 warns falsely (-Wrestrict) on `"..." + std::string`.
    std::string quoted(1, '"');
    quoted += key;
    quoted += "\":";
    at = text.find(quoted);
    if (at == std::string_view::npos) return false;
    at += quoted.size();
    return true;
  };
  std::size_t at = 0;
  if (!field("line", at)) return false;
  parsed.line = std::stoull(std::string(text.substr(at)));
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"decision", &parsed.decision},
                          {"reason", &parsed.reason}}) {
    if (!field(key, at) || at >= text.size() || text[at] != '"') return false;
    const std::size_t end = text.find('"', at + 1);
    if (end == std::string_view::npos) return false;
    *out = std::string(text.substr(at + 1, end - at - 1));
  }
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
