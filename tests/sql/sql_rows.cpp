// Rows from generated records (sql_rows.hpp).
#include "sql_rows.hpp"

#include <cmath>

#include <fmt/format.h>

namespace usegate::sql_testing {
namespace {

SqlValue null_value() {
  return {};
}
SqlValue integer_value(std::int64_t value) {
  return {SqlValue::Kind::integer, value, 0, {}};
}
SqlValue real_value(double value) {
  return {SqlValue::Kind::real, 0, value, {}};
}
SqlValue text_value(std::string value) {
  return {SqlValue::Kind::text, 0, 0, std::move(value)};
}
// An object or array: neither text nor a number nor a boolean.
SqlValue blob_value() {
  return {SqlValue::Kind::blob, 0, 0, "{\"nested\":[1,2]}"};
}

// A number as stored: NaN cannot be (SQLite stores it as NULL, which is missing), so it is the
// text `NaN`, unknown as the runtime reads the NaN.
SqlValue number_value(double number) {
  if (std::isnan(number)) return text_value("NaN");
  return real_value(number);
}

SqlValue attribute_value(compiler::AttributeKind kind, const compiler::RecordValue& value) {
  using Kind = compiler::RecordValue::Kind;
  switch (value.kind) {
    case Kind::null: return null_value();
    case Kind::composite: return blob_value();
    case Kind::string: return text_value(value.text);
    case Kind::number: return number_value(value.number);
    case Kind::boolean:
      // A boolean is an integer 0 or 1 in SQLite; where the attribute is no bool, the runtime
      // reads a JSON boolean as unknown, and so does the SQL read the text `true`.
      if (kind == compiler::AttributeKind::boolean) return integer_value(value.boolean ? 1 : 0);
      return text_value(value.boolean ? "true" : "false");
  }
  return null_value();
}

SqlValue setting_value(const compiler::RecordValue& value) {
  using Kind = compiler::RecordValue::Kind;
  switch (value.kind) {
    case Kind::null: return null_value();
    case Kind::composite: return blob_value();
    case Kind::string: return text_value(value.text);
    case Kind::number: return number_value(value.number);  // a bad value, off; REAL is never on
    case Kind::boolean: return integer_value(value.boolean ? 1 : 0);
  }
  return null_value();
}

std::string describe_value(const SqlValue& value) {
  switch (value.kind) {
    case SqlValue::Kind::null: return "NULL";
    case SqlValue::Kind::integer: return fmt::format("{} (integer)", value.integer);
    case SqlValue::Kind::real: return fmt::format("{:.17g} (real)", value.real);
    case SqlValue::Kind::text: return fmt::format("'{}' (text)", value.text);
    case SqlValue::Kind::blob: return fmt::format("X'{}' (blob)", value.text);
  }
  return "?";
}

}  // namespace

std::vector<RowColumn> row_columns(const compiler::CheckedPolicy& policy) {
  std::vector<RowColumn> columns;
  columns.push_back(RowColumn{"usegate_test_id", RowColumn::Role::attribute, compiler::AttributeKind::number});
  for (const auto& attribute : policy.attributes) {
    if (!attribute.builtin) columns.push_back(RowColumn{attribute.name, RowColumn::Role::attribute, attribute.kind});
  }
  for (const auto& setting : policy.settings) {
    columns.push_back(RowColumn{setting.name, RowColumn::Role::setting, compiler::AttributeKind::enumeration});
    for (const auto& former : setting.formerly) {
      columns.push_back(RowColumn{former, RowColumn::Role::setting, compiler::AttributeKind::enumeration});
    }
  }
  return columns;
}

std::string create_table(const std::string& name, const std::vector<RowColumn>& columns) {
  std::string sql = "CREATE TABLE \"" + name + "\" (";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "\"" + columns[i].name + "\"";
  }
  return sql + ")";
}

std::vector<SqlValue> row_values(const std::vector<RowColumn>& columns, const compiler::InterpreterInput& record,
                                 std::int64_t id) {
  std::vector<SqlValue> row;
  row.push_back(integer_value(id));
  for (std::size_t i = 1; i < columns.size(); ++i) {
    const RowColumn& column = columns[i];
    const auto& fields = column.role == RowColumn::Role::attribute ? record.attributes : record.consent;
    const auto found = fields.find(column.name);
    if (found == fields.end()) {
      row.push_back(null_value());
    } else {
      row.push_back(column.role == RowColumn::Role::attribute ? attribute_value(column.kind, found->second)
                                                              : setting_value(found->second));
    }
  }
  return row;
}

std::string describe_row(const std::vector<RowColumn>& columns, const std::vector<SqlValue>& row) {
  std::string text;
  for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i) {
    if (i > 0) text += ", ";
    text += columns[i].name + "=" + describe_value(row[i]);
  }
  return text;
}

}  // namespace usegate::sql_testing
