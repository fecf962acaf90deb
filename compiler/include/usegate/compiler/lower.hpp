#pragma once
// Lowering: a checked policy's conditions and decision as decision diagrams over partitions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/partition.hpp"
#include "usegate/dsl/parser.hpp"
#include "usegate/runtime/encoding.hpp"

namespace usegate::compiler {

// Decision cells are the runtime's (usegate/runtime/encoding.hpp): the table the compiler
// writes is the one the runtime reads.
using runtime::cell_allows;
using runtime::cell_reason;
using runtime::encode_cell;

// Builds diagrams for one policy over a given list of variables: its own
// (`partitions_of`), or the union with another policy's for a diff. A setting's variable is
// found by its name, or by a name in `setting_names` when the caller renames it.
class Lowering {
 public:
  Lowering(const CheckedPolicy& policy, const std::vector<Partition>& partitions, DecisionDiagram& diagram,
           const std::vector<std::string>& setting_names = {});

  // A boolean diagram: where `condition` holds.
  [[nodiscard]] NodeId condition(const CheckedCondition& condition);
  // Where rule `index` matches.
  [[nodiscard]] NodeId rule(std::uint32_t index) { return condition(policy_.rules[index].condition); }
  // The whole decision: terminals are cells (`encode_cell`).
  [[nodiscard]] NodeId decision();
  // Boolean: where some deny rule matches.
  [[nodiscard]] NodeId any_deny();

  // Whether an atom (a test on one attribute) holds in cell `code` of its variable.
  [[nodiscard]] bool atom_holds(const CheckedCondition& atom, std::uint32_t code) const;
  [[nodiscard]] std::optional<std::uint32_t> variable_of_attribute(std::uint32_t attribute) const;
  [[nodiscard]] std::uint32_t variable_of_setting(std::uint32_t setting) const;

 private:
  std::optional<NodeId> value_set(const CheckedCondition& condition);

  const CheckedPolicy& policy_;
  const std::vector<Partition>& partitions_;
  DecisionDiagram& diagram_;
  std::vector<std::optional<std::uint32_t>> attribute_variables_;
  std::vector<std::uint32_t> setting_variables_;
  // Per attribute variable: which of the policy's value indices each cell holds (or none,
  // for cells whose value this policy does not declare: it reads them as unknown).
  std::vector<std::vector<std::optional<std::uint32_t>>> categorical_cells_;
};

// Budgets that keep compiling bounded. Exceeding one is a compile error that names the
// attributes responsible, never an out-of-memory crash.
struct CompileOptions {
  // Conditions nest at most this deep: each `(` and each `not` opens a level (see
  // dsl::ParseOptions). The checker holds syntax trees built without the parser to the same
  // bound, so no stage recurses deeper on any input.
  std::uint32_t max_nesting_depth = dsl::ParseOptions{}.max_nesting_depth;
  // Table variables: the attributes some rule tests, and the settings. Diagram operations
  // recurse once per variable along a path, so this bounds their stack (a few hundred bytes a
  // level; 4096 levels stay well inside a thread's default stack, sanitizers included), and
  // the lints' time, which grows with the square of the attributes one rule tests. The
  // artifact could name 65535; no policy a person writes comes near 4096.
  std::uint32_t max_table_variables = 4096;
  // Decision diagram nodes while building (about 40 bytes each with their children).
  std::size_t max_diagram_nodes = 4'000'000;
  // Child links of those nodes (4 bytes each: 256 MiB). A node has one per cell of its
  // variable, so on an enum of 60,000 values a thousand nodes are already 60 million links.
  std::size_t max_diagram_links = std::size_t{1} << 26;
  // A table with at most this many cells (2 bytes each) is stored dense, indexed by mixed
  // radix: one multiply-add per variable beats a pointer chase per level. 2^18 cells is
  // 512 KiB, small enough to stay in the last-level cache.
  std::size_t max_dense_cells = 1U << 18;
};

}  // namespace usegate::compiler
