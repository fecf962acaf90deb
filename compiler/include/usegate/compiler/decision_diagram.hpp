#pragma once
// Reduced, ordered multi-valued decision diagrams (MDDs).
//
// Variable i has `domain_sizes[i]` codes; a node tests one variable and has one child per
// code; variables are tested in index order along every path; terminals carry a 32-bit
// value. Nodes are hash-consed and a node whose children are all the same is never built, so
// every function has exactly one diagram: two policies decide alike exactly when their
// diagrams are the same node. Nodes live in one array and refer to each other by index.

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace usegate::compiler {

using NodeId = std::uint32_t;

// Thrown when a diagram would outgrow its budget of nodes or of child links (a node has one
// link per code of its variable, so a few nodes on a large enum are as big as many small
// ones). `nodes_per_variable` says where the nodes went, so the message can name the
// attributes responsible.
struct DiagramTooLarge : std::runtime_error {
  DiagramTooLarge(std::size_t exceeded_budget, bool is_link_budget, std::vector<std::size_t> nodes_by_variable)
      : std::runtime_error("decision diagram exceeds its budget"),
        budget(exceeded_budget),
        links(is_link_budget),
        nodes_per_variable(std::move(nodes_by_variable)) {}
  std::size_t budget;
  bool links;  // the budget of child links, not of nodes
  std::vector<std::size_t> nodes_per_variable;

  // `4000000 diagram nodes`, `67108864 diagram child links`
  [[nodiscard]] std::string budget_text() const {
    return std::to_string(budget) + (links ? " diagram child links" : " diagram nodes");
  }
  // The option that sets the budget.
  [[nodiscard]] const char* option_name() const {
    return links ? "CompileOptions::max_diagram_links" : "CompileOptions::max_diagram_nodes";
  }
};

class DecisionDiagram {
 public:
  static constexpr std::uint32_t terminal_level = 0xFFFFFFFFu;
  static constexpr std::uint32_t false_value = 0;
  static constexpr std::uint32_t true_value = 1;

  // The default link budget is CompileOptions' default.
  DecisionDiagram(std::vector<std::uint32_t> domain_sizes, std::size_t max_nodes,
                  std::size_t max_links = std::size_t{1} << 26);

  [[nodiscard]] NodeId terminal(std::uint32_t value);
  // The reduced node testing `variable`; `children` has one entry per code.
  [[nodiscard]] NodeId node(std::uint32_t variable, std::span<const NodeId> children);

  [[nodiscard]] bool is_terminal(NodeId id) const { return nodes_[id].variable == terminal_level; }
  [[nodiscard]] std::uint32_t terminal_value(NodeId id) const { return nodes_[id].first_child; }
  [[nodiscard]] std::uint32_t variable(NodeId id) const { return nodes_[id].variable; }
  [[nodiscard]] std::span<const NodeId> children(NodeId id) const;
  [[nodiscard]] std::uint32_t variable_count() const { return static_cast<std::uint32_t>(domain_sizes_.size()); }
  [[nodiscard]] std::uint32_t domain_size(std::uint32_t variable) const { return domain_sizes_[variable]; }
  [[nodiscard]] std::size_t node_count() const { return nodes_.size(); }

  // Boolean diagrams: terminals `false_value` and `true_value`.
  [[nodiscard]] NodeId false_node() { return terminal(false_value); }
  [[nodiscard]] NodeId true_node() { return terminal(true_value); }
  [[nodiscard]] NodeId conjunction(NodeId a, NodeId b);
  [[nodiscard]] NodeId disjunction(NodeId a, NodeId b);
  [[nodiscard]] NodeId negation(NodeId a);
  // Of many operands at once, in the order that builds the fewest nodes.
  [[nodiscard]] NodeId conjunction_of(std::vector<NodeId> operands);
  [[nodiscard]] NodeId disjunction_of(std::vector<NodeId> operands);

  // `condition` (boolean) ? `then` : `otherwise`, for diagrams with any terminals.
  [[nodiscard]] NodeId select(NodeId condition, NodeId then, NodeId otherwise);
  // Pointwise combination of two diagrams' terminal values.
  [[nodiscard]] NodeId combine(NodeId a, NodeId b,
                               const std::function<std::uint32_t(std::uint32_t, std::uint32_t)>& op);
  // Pointwise map of one diagram's terminal values.
  [[nodiscard]] NodeId map(NodeId a, const std::function<std::uint32_t(std::uint32_t)>& op);
  // The diagram with `variable` fixed to `code`.
  [[nodiscard]] NodeId restrict(NodeId a, std::uint32_t variable, std::uint32_t code);
  // The disjunction of the cofactors of `variable` for the given codes (a boolean diagram).
  [[nodiscard]] NodeId exists(NodeId a, std::uint32_t variable, std::span<const std::uint32_t> codes);

  // The value of a diagram at one point (one code per variable).
  [[nodiscard]] std::uint32_t evaluate(NodeId root, std::span<const std::uint32_t> codes) const;
  // Nodes reachable from `root`, root first, every parent before its children.
  [[nodiscard]] std::vector<NodeId> reachable(NodeId root) const;
  // Terminal values reachable from `root`, sorted.
  [[nodiscard]] std::vector<std::uint32_t> terminal_values(NodeId root) const;

 private:
  struct Node {
    std::uint32_t variable;
    std::uint32_t first_child;  // index into children_; the value for terminals
  };

  std::uint32_t level(NodeId id) const { return nodes_[id].variable; }
  NodeId cofactor(NodeId id, std::uint32_t at_level, std::uint32_t code) const;
  NodeId boolean_operation(NodeId a, NodeId b, bool conjunctive);
  NodeId boolean_operation_of(std::vector<NodeId> operands, bool conjunctive);
  void check_budget(std::uint32_t variable);

  std::vector<std::uint32_t> domain_sizes_;
  std::size_t max_nodes_;
  std::size_t max_links_;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
  std::unordered_map<std::uint32_t, NodeId> terminals_;
  std::unordered_multimap<std::uint64_t, NodeId> unique_;
};

}  // namespace usegate::compiler
