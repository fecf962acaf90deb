// Diagrams from either table layout, and the walk of docs/sql.md ("How the SQL decides").
#include "decision_walk.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace usegate::sql {
namespace {

// Hash-consing: one node per distinct (variable, children), and no node whose children are
// all the same (the diagram is reduced).
class NodeStore {
 public:
  explicit NodeStore(WalkDiagram& diagram) : diagram_(diagram) {}

  DiagramChild node(std::size_t variable, std::vector<DiagramChild> children) {
    if (std::all_of(children.begin(), children.end(), [&](DiagramChild c) { return c == children.front(); })) {
      return children.front();
    }
    auto key = std::make_pair(variable, children);
    const auto found = unique_.find(key);
    if (found != unique_.end()) return found->second;
    const auto index = static_cast<DiagramChild>(diagram_.nodes.size());
    diagram_.nodes.push_back(WalkNode{variable, std::move(children)});
    unique_.emplace(std::move(key), index);
    return index;
  }

 private:
  WalkDiagram& diagram_;
  std::map<std::pair<std::size_t, std::vector<DiagramChild>>, DiagramChild> unique_;
};

}  // namespace

WalkDiagram walk_diagram_of(const runtime::CompiledPolicy& policy) {
  WalkDiagram diagram;
  NodeStore store(diagram);
  const auto& table = policy.table;
  if (table.layout == runtime::DecisionTable::Layout::dense) {
    const std::size_t count = policy.variables.size();
    std::vector<std::size_t> strides(count, 1);
    for (std::size_t v = count; v-- > 1;) strides[v - 1] = strides[v] * policy.variables[v].cell_count;
    const std::function<DiagramChild(std::size_t, std::size_t)> build = [&](std::size_t v, std::size_t base) {
      if (v == count) return terminal_child(table.cells.at(base));
      std::vector<DiagramChild> children;
      for (std::size_t code = 0; code < policy.variables[v].cell_count; ++code) {
        children.push_back(build(v + 1, base + code * strides[v]));
      }
      return store.node(v, std::move(children));
    };
    diagram.root = build(0, 0);
    return diagram;
  }
  std::unordered_map<std::uint32_t, DiagramChild> by_offset;
  const std::function<DiagramChild(std::uint32_t)> build = [&](std::uint32_t word) -> DiagramChild {
    if ((word & runtime::terminal_bit) != 0) return terminal_child(word & 0xFFFFu);
    if (const auto found = by_offset.find(word); found != by_offset.end()) return found->second;
    const std::uint32_t variable = table.words.at(word);
    std::vector<DiagramChild> children;
    for (std::uint32_t code = 0; code < policy.variables.at(variable).cell_count; ++code) {
      children.push_back(build(table.words.at(word + 1 + code)));
    }
    const DiagramChild node = store.node(variable, std::move(children));
    by_offset.emplace(word, node);
    return node;
  };
  diagram.root = build(table.root);
  return diagram;
}

Walk walk_of(const WalkDiagram& diagram, const runtime::CompiledPolicy& policy, const std::vector<int>& fixed) {
  Walk walk;
  std::vector<DiagramChild> items{diagram.root};
  for (std::size_t v = 0; v < policy.variables.size(); ++v) {
    const auto tests_here = [&](DiagramChild item) {
      return !is_terminal(item) && diagram.nodes[static_cast<std::size_t>(item)].variable == v;
    };
    if (std::none_of(items.begin(), items.end(), tests_here)) continue;
    if (fixed[v] >= 0) {
      // Known code: every node testing it is replaced by its child for that code.
      for (auto& item : items) {
        if (tests_here(item))
          item = diagram.nodes[static_cast<std::size_t>(item)].children[static_cast<std::size_t>(fixed[v])];
      }
      std::vector<DiagramChild> unique;
      for (const auto item : items) {
        if (std::find(unique.begin(), unique.end(), item) == unique.end()) unique.push_back(item);
      }
      if (unique.size() != items.size()) {
        // Items merged: the previous step must point at the merged list. Rebuild that step's
        // targets through the old positions.
        if (!walk.steps.empty()) {
          for (auto& target : walk.steps.back().next) {
            const DiagramChild item = items[target];
            target = static_cast<std::size_t>(std::find(unique.begin(), unique.end(), item) - unique.begin());
          }
        }
      }
      items = std::move(unique);
      continue;
    }
    WalkStep step;
    step.variable = v;
    step.cells = policy.variables[v].cell_count;
    step.from = items;
    std::vector<DiagramChild> next_items;
    const auto position = [&](DiagramChild item) {
      const auto found = std::find(next_items.begin(), next_items.end(), item);
      if (found != next_items.end()) return static_cast<std::size_t>(found - next_items.begin());
      next_items.push_back(item);
      return next_items.size() - 1;
    };
    for (const DiagramChild item : items) {
      for (std::size_t code = 0; code < step.cells; ++code) {
        step.next.push_back(
            position(tests_here(item) ? diagram.nodes[static_cast<std::size_t>(item)].children[code] : item));
      }
    }
    walk.steps.push_back(std::move(step));
    items = std::move(next_items);
  }
  if (!std::all_of(items.begin(), items.end(), [](DiagramChild item) { return is_terminal(item); })) {
    throw std::logic_error("decision walk ended on a node");
  }
  walk.terminals = std::move(items);
  return walk;
}

}  // namespace usegate::sql
