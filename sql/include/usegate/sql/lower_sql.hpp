#pragma once
// A compiled policy as SQL: views that give each row of a table the decision and reason that
// `usegate eval` gives the same record (docs/sql.md).
//
// The SQL is lowered from the compiled decision function, never re-derived from the rules:
// each row's columns are read into the variables' codes exactly as the runtime reads record
// fields (NULL is missing; unreadable values are unknown), and the decision diagram is walked
// one variable at a time, each step a `CASE` over the current node and the variable's code, so
// a sub-diagram shared by several paths is written once.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usegate/base/result.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/usegate.hpp"

namespace usegate::sql {

enum class Dialect { sqlite, postgres, duckdb };

// `sqlite`, `postgres`, `duckdb`, or nothing for a name no dialect has.
[[nodiscard]] std::optional<Dialect> dialect_named(const std::string& name);
[[nodiscard]] const char* dialect_name(Dialect dialect);
// The names `--dialect` accepts, for messages.
[[nodiscard]] std::vector<std::string> dialect_names();

struct SqlOptions {
  Dialect dialect = Dialect::sqlite;
  std::string table;  // the table whose rows are decided (`schema.table` allowed)
  // `--purpose`: each row decided for each purpose, allowed only if all allow (as `filter`).
  records::PurposeCodes purposes;
  // `now` in epoch seconds; nothing: the query reads the parameter `:usegate_now`.
  std::optional<std::int64_t> now;
  // `--consent-table`: consent changes (subject, setting, value, platform, ts and the
  // ordering column) that decide each setting as `--consent` does (docs/sql.md, "Consent").
  std::optional<std::string> consent_table;
  std::string consent_order = "seq";
};

struct SqlOutput {
  std::string text;
  std::size_t diagram_nodes = 0;  // the nodes of the decision diagram the SQL walks
  std::size_t steps = 0;          // the variables the walk tests (one CASE each)
};

// The statements creating `T_usegate` (the table's columns, `usegate_reason`,
// `usegate_decision`) and `T_usegate_usable` (the rows every purpose allows). A column type
// the dialect cannot read exactly, or a binding that names no column (a nested path), is an
// Error::Code::invalid_input naming the attribute, the column and the dialect.
[[nodiscard]] Result<SqlOutput> lower_to_sql(const Policy& policy, const records::Bindings& bindings,
                                             const SqlOptions& options);

}  // namespace usegate::sql
