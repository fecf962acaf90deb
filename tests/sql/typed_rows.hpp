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

inline std::vector<std::int64_t> nows_for(const compiler::CheckedPolicy& policy, std::mt19937_64& rng,
                                          std::size_t limit) {
  std::set<std::int64_t> nows{1893456000};
  const std::function<void(const compiler::CheckedCondition&)> collect = [&](const compiler::CheckedCondition& c) {
    for (const auto& operand : c.operands) collect(operand);
    if (c.op == compiler::ConditionOp::compare && c.subject == policy.now_attribute) {
      const auto seconds = static_cast<std::int64_t>(c.key / 2);
      for (const std::int64_t now : {seconds - 1, seconds, seconds + 1}) {
        if (now >= -62167219200 && now <= 253402300799) nows.insert(now);
      }
    }
  };
  for (const auto& rule : policy.rules) collect(rule.condition);
  std::vector<std::int64_t> all(nows.begin(), nows.end());
  std::shuffle(all.begin(), all.end(), rng);
  if (all.size() > limit) all.resize(limit);
  return all;
}

inline differential::Answer expected_answer(const compiler::CheckedPolicy& policy, compiler::InterpreterInput record,
                                            const std::vector<std::string>& purposes) {
  if (purposes.empty()) return differential::interpreter_answer(policy, record);
  differential::Answer first;
  for (std::size_t p = 0; p < purposes.size(); ++p) {
    record.attributes["purpose"] = RecordValue::of(purposes[p]);
    differential::Answer answer = differential::interpreter_answer(policy, record);
    if (p == 0) first = answer;
    if (!answer.allowed) return answer;
  }
  return first;
}

}  // namespace usegate::sql_testing
