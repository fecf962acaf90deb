#pragma once
// Records as a typed table holds them (PostgreSQL, DuckDB): a typed column holds only its type,
// so each record is first made what the table can hold (a number in an enum column becomes its
// text, a text in a number column NaN, anything but a boolean in a bool column NULL), and the
// reference interpreter decides that record. Shared by the typed engines' tests.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../differential/differential_check.hpp"
#include "reference_answers.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::sql_testing {

using compiler::RecordValue;

inline std::string number_text(double number) {
  return fmt::format("{:.17g}", number);
}

// The value a typed column holds for a record's value.
inline RecordValue as_stored(compiler::AttributeKind kind, bool setting, const RecordValue& value) {
  using Kind = RecordValue::Kind;
  if (value.kind == Kind::null) return value;
  const auto as_text = [&]() -> RecordValue {
    switch (value.kind) {
      case Kind::string: {
        std::string text = value.text;
        std::erase(text, '\0');  // PostgreSQL text holds no NUL
        return RecordValue::of(text);
      }
      case Kind::number: return RecordValue::of(number_text(value.number));
      case Kind::boolean: return RecordValue::of(value.boolean ? "true" : "false");
      default: return RecordValue::of("{}");
    }
  };
  if (setting) return as_text();
  switch (kind) {
    case compiler::AttributeKind::enumeration:
    case compiler::AttributeKind::time: return as_text();
    case compiler::AttributeKind::boolean: return value.kind == Kind::boolean ? value : RecordValue::null();
    case compiler::AttributeKind::number: return value.kind == Kind::number ? value : RecordValue::of(std::nan(""));
  }
  return value;
}

inline std::string literal(const RecordValue& value) {
  switch (value.kind) {
    case RecordValue::Kind::null: return "NULL";
    case RecordValue::Kind::boolean: return value.boolean ? "TRUE" : "FALSE";
    case RecordValue::Kind::number:
      if (std::isnan(value.number)) return "'NaN'";
      if (std::isinf(value.number)) return value.number > 0 ? "'Infinity'" : "'-Infinity'";
      return number_text(value.number);
    case RecordValue::Kind::string: {
      std::string out = "'";
      for (const char c : value.text) {
        if (c == '\'') out += '\'';
        out += c;
      }
      out += '\'';
      return out;
    }
    case RecordValue::Kind::composite: return "NULL";
  }
  return "NULL";
}

struct Column {
  std::string name;
  bool setting = false;
  compiler::AttributeKind kind = compiler::AttributeKind::enumeration;
};

inline std::vector<Column> columns_of(const compiler::CheckedPolicy& policy) {
  std::vector<Column> columns;
  for (const auto& attribute : policy.attributes) {
    if (!attribute.builtin) columns.push_back(Column{attribute.name, false, attribute.kind});
  }
  for (const auto& setting : policy.settings) {
    columns.push_back(Column{setting.name, true, compiler::AttributeKind::enumeration});
    for (const auto& former : setting.formerly)
      columns.push_back(Column{former, true, compiler::AttributeKind::enumeration});
  }
  return columns;
}

inline const char* column_type(const Column& column) {
  if (column.setting) return "text";
  switch (column.kind) {
    case compiler::AttributeKind::boolean: return "boolean";
    case compiler::AttributeKind::number: return "double precision";
    default: return "text";
  }
}

// Each record as the table holds it.
inline std::vector<compiler::InterpreterInput> stored_records(const std::vector<Column>& columns,
                                                              const std::vector<compiler::InterpreterInput>& records) {
  std::vector<compiler::InterpreterInput> stored;
  for (const auto& record : records) {
    compiler::InterpreterInput copy;
    copy.now = record.now;
    for (const auto& column : columns) {
      const auto& fields = column.setting ? record.consent : record.attributes;
      const auto found = fields.find(column.name);
      if (found == fields.end()) continue;
      (column.setting ? copy.consent : copy.attributes)[column.name] =
          as_stored(column.kind, column.setting, found->second);
    }
    stored.push_back(std::move(copy));
  }
  return stored;
}

}  // namespace usegate::sql_testing
