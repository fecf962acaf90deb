#pragma once
// The compiler's stages as text, for `usegate check --show checked|partitions|diagram` and the
// golden tests of the checker and of lowering. Each dump is a pure function of the policy:
// indices, never addresses; declaration and source order, never hash order. The formats are
// described in docs/cli.md ("check --show").

#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/partition.hpp"

namespace usegate::compiler {

// Attributes, settings, rules (opt-outs included, at their setting's place) and the default,
// each with its index and where it was written; conditions as trees over resolved names,
// ordered literals with their type and key.
[[nodiscard]] std::string dump_checked(const CheckedPolicy& policy);

// Each variable's cells by code, and the attributes that are no variable.
[[nodiscard]] std::string dump_partitions(const CheckedPolicy& policy, const std::vector<Partition>& partitions);

// The nodes reachable from `root` (root first, each before its children), each with its edges
// grouped by child over ranges of codes, then the terminals with their decision and reason.
[[nodiscard]] std::string dump_diagram(const CheckedPolicy& policy, const std::vector<Partition>& partitions,
                                       const DecisionDiagram& diagram, NodeId root);

// The policy's own partitions and reduced decision diagram, dumped. Throws DiagramTooLarge
// when the diagram outgrows the options' budget.
[[nodiscard]] std::string dump_decision_diagram(const CheckedPolicy& policy, const CompileOptions& options = {});

}  // namespace usegate::compiler
