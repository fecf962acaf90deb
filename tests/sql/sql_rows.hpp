#pragma once
// Records of the differential generator as rows of a table: one column per attribute (its own
// name), per setting and per former name of a setting, each value stored with the SQL type that
// the runtime would read the same way from JSON — a value of another type as one the SQL reads
// as unknown (or, for a setting, as a bad value, off) too.

#include <cstdint>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::sql_testing {

struct SqlValue {
  enum class Kind { null, integer, real, text, blob };
  Kind kind = Kind::null;
  std::int64_t integer = 0;
  double real = 0;
  std::string text;  // text and blob
};

struct RowColumn {
  enum class Role { attribute, setting };
  std::string name;
  Role role = Role::attribute;
  compiler::AttributeKind kind = compiler::AttributeKind::enumeration;
};

// The columns for a policy: `usegate_test_id` first, then attributes (`now` left out), then each
// setting's name and former names.
[[nodiscard]] std::vector<RowColumn> row_columns(const compiler::CheckedPolicy& policy);

// `CREATE TABLE name (...)` with untyped columns (SQLite keeps each value's own type).
[[nodiscard]] std::string create_table(const std::string& name, const std::vector<RowColumn>& columns);

[[nodiscard]] std::vector<SqlValue> row_values(const std::vector<RowColumn>& columns,
                                               const compiler::InterpreterInput& record, std::int64_t id);

// The row as `name=value` pairs, for failure messages.
[[nodiscard]] std::string describe_row(const std::vector<RowColumn>& columns, const std::vector<SqlValue>& row);

}  // namespace usegate::sql_testing
