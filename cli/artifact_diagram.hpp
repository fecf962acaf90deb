#pragma once
// An artifact's decision table read back as the compiler's partitions and decision diagram,
// so that `usegate table` prints an artifact's rows as it prints a source's, and `usegate diff`
// finds the regions where two versions decide differently as it does from sources.

#include <vector>

#include "usegate/compiler/decision_diagram.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/compiler/partition.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {

struct ArtifactDiagram {
  std::vector<compiler::Partition> partitions;  // one per table variable, in table order
  compiler::DecisionDiagram diagram;
  compiler::NodeId root = 0;  // terminals hold cells (compiler::cell_allows, cell_reason)
};

// The artifact has been validated (Policy::from_bytes), so every index in it holds.
[[nodiscard]] ArtifactDiagram diagram_of_artifact(const runtime::CompiledPolicy& policy);

// The artifact as one side of a diff: its decision and the names around it (attributes and
// settings as declared, rule ids). Throws compiler::DiagramTooLarge as diagram_of_artifact does.
[[nodiscard]] compiler::DecisionFunction decision_function_of_artifact(const runtime::CompiledPolicy& policy);

}  // namespace usegate::cli
