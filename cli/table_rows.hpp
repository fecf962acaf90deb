#pragma once
// Regions of a decision table as `usegate table` prints them: one row per region, a column
// per variable (`-` for any value), the decision and the reason. `table` prints whole tables
// with it, `check` the rows where an assertion fails.

#include <string>
#include <vector>

#include "usegate/compiler/partition.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::cli {

// The rows as a text table; `reasons` names each cell's reason (`default`, then rule ids).
[[nodiscard]] std::string render_region_rows(const std::vector<compiler::Partition>& partitions,
                                             const std::vector<compiler::Region>& regions,
                                             const std::vector<std::string>& reasons);

// One row as a JSON object: {"when": {VARIABLE: [VALUES...]}, "decision", "reason"}, with
// only the variables the row constrains, like `table --format yaml`.
[[nodiscard]] std::string region_row_json(const std::vector<compiler::Partition>& partitions,
                                          const compiler::Region& region, const std::vector<std::string>& reasons);

}  // namespace usegate::cli
