#pragma once
// The compiled decision function as a diagram of nodes, whatever layout the artifact holds
// (a dense table is folded into a reduced diagram, equal sub-diagrams shared), and the walk
// over it one variable at a time that the SQL spells out.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::sql {

// A child: a node's index (>= 0), or a terminal holding cell c as -(c + 1).
using DiagramChild = std::int64_t;

[[nodiscard]] constexpr DiagramChild terminal_child(std::uint32_t cell) {
  return -static_cast<DiagramChild>(cell) - 1;
}
[[nodiscard]] constexpr bool is_terminal(DiagramChild child) {
  return child < 0;
}
[[nodiscard]] constexpr std::uint32_t terminal_cell(DiagramChild child) {
  return static_cast<std::uint32_t>(-(child + 1));
}

struct WalkNode {
  std::size_t variable = 0;
  std::vector<DiagramChild> children;  // one per code of the variable
};

struct WalkDiagram {
  std::vector<WalkNode> nodes;  // a node's children test later variables only
  DiagramChild root = 0;
};

[[nodiscard]] WalkDiagram walk_diagram_of(const runtime::CompiledPolicy& policy);

// One step of the walk: before it the walk is at one of `from` (nodes testing this variable
// or later ones, or terminals), after it at one of the next step's `from`; `next[i * cells +
// code]` is where item i goes for the code.
struct WalkStep {
  std::size_t variable = 0;
  std::size_t cells = 0;
  std::vector<DiagramChild> from;
  std::vector<std::size_t> next;
};

struct Walk {
  std::vector<WalkStep> steps;          // the variables some node tests, in order
  std::vector<DiagramChild> terminals;  // where the walk ends: terminals only
};

// The walk with the codes of `fixed` variables (a constant binding, `now`, a purpose) already
// known: those are not steps. `fixed[v]` is the code, or -1 when the row decides it.
[[nodiscard]] Walk walk_of(const WalkDiagram& diagram, const runtime::CompiledPolicy& policy,
                           const std::vector<int>& fixed);

}  // namespace usegate::sql
