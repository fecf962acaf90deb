#pragma once
// The rows of a compiled decision table as `usegate table` prints them, shared by the commands
// that point at rows: `table` (and `table --gaps`), `explain` (the row a record falls in) and
// `test --coverage` (the rows no case reached).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

// What the table is printed from, whether a source or an artifact.
struct TableRows {
  std::string name;
  std::string version;
  std::vector<compiler::Partition> partitions;
  std::vector<compiler::Region> regions;
  std::vector<std::string> reasons;  // by cell reason: `default`, then the rules' ids

  [[nodiscard]] const std::string& reason_of(std::uint32_t cell) const { return reasons[compiler::cell_reason(cell)]; }
  // The row (0-based) whose region holds a point given as one code per variable; none when
  // the codes are not the table's (a different policy).
  [[nodiscard]] std::optional<std::size_t> row_of(std::span<const Code> codes) const;
};

[[nodiscard]] TableRows rows_of_source(const compiler::CheckedPolicy& policy);
// Throws compiler::DiagramTooLarge when the artifact's table has more rows than are printed.
[[nodiscard]] TableRows rows_of_artifact(const Policy& policy);

// The cells of one row as the text table shows them: its number, one cell per variable, the
// decision and the reason.
[[nodiscard]] std::vector<std::string> row_cells(const TableRows& rows, std::size_t row);
// The header of the text table: `#`, the variables, `decision`, `reason`.
[[nodiscard]] std::vector<std::string> row_header(const TableRows& rows);
// The chosen rows (by index) as `usegate table` prints them: the header, then each row as its
// line of the whole table (numbered and padded as there).
[[nodiscard]] std::string render_rows(const TableRows& rows, const std::vector<std::size_t>& chosen);

// Rows given by their regions alone (the rows where an assertion fails), numbered from 1.
// The rows as a text table; `reasons` names each cell's reason (`default`, then rule ids).
[[nodiscard]] std::string render_region_rows(const std::vector<compiler::Partition>& partitions,
                                             const std::vector<compiler::Region>& regions,
                                             const std::vector<std::string>& reasons);

// One row as a JSON object: {"when": {VARIABLE: [VALUES...]}, "decision", "reason"}, with
// only the variables the row constrains, like `table --format yaml`.
[[nodiscard]] std::string region_row_json(const std::vector<compiler::Partition>& partitions,
                                          const compiler::Region& region, const std::vector<std::string>& reasons);

}  // namespace usegate::cli
