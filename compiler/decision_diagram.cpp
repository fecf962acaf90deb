#include "usegate/compiler/decision_diagram.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace usegate::compiler {
namespace {

std::uint64_t hash_node(std::uint32_t variable, std::span<const NodeId> children) {
  // FNV-1a over the variable and the children.
  std::uint64_t hash = 1469598103934665603ULL;
  const auto mix = [&hash](std::uint32_t word) {
    for (int shift = 0; shift < 32; shift += 8) {
      hash ^= (word >> shift) & 0xFF;
      hash *= 1099511628211ULL;
    }
  };
  mix(variable);
  for (const NodeId child : children) mix(child);
  return hash;
}

struct PairHash {
  std::size_t operator()(const std::pair<NodeId, NodeId>& pair) const {
    return (static_cast<std::size_t>(pair.first) << 32) ^ pair.second;
  }
};

}  // namespace

DecisionDiagram::DecisionDiagram(std::vector<std::uint32_t> domain_sizes, std::size_t max_nodes)
    : domain_sizes_(std::move(domain_sizes)), max_nodes_(max_nodes) {}

NodeId DecisionDiagram::terminal(std::uint32_t value) {
  if (const auto found = terminals_.find(value); found != terminals_.end()) return found->second;
  const auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(Node{terminal_level, value});
  terminals_.emplace(value, id);
  return id;
}

std::span<const NodeId> DecisionDiagram::children(NodeId id) const {
  const Node& node = nodes_[id];
  return {children_.data() + node.first_child, domain_sizes_[node.variable]};
}

void DecisionDiagram::check_budget() {
  if (nodes_.size() < max_nodes_) return;
  std::vector<std::size_t> per_variable(domain_sizes_.size(), 0);
  for (const Node& node : nodes_) {
    if (node.variable != terminal_level) ++per_variable[node.variable];
  }
  throw DiagramTooLarge(max_nodes_, std::move(per_variable));
}

NodeId DecisionDiagram::node(std::uint32_t variable, std::span<const NodeId> children) {
  // Reduction: a test whose outcome does not matter is no test.
  if (std::all_of(children.begin(), children.end(),
                  [&](NodeId child) { return child == children.front(); })) {
    return children.front();
  }
  const std::uint64_t hash = hash_node(variable, children);
  const auto [begin, end] = unique_.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    const NodeId candidate = it->second;
    if (nodes_[candidate].variable == variable &&
        std::equal(children.begin(), children.end(), this->children(candidate).begin())) {
      return candidate;
    }
  }
  check_budget();
  const auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(Node{variable, static_cast<std::uint32_t>(children_.size())});
  children_.insert(children_.end(), children.begin(), children.end());
  unique_.emplace(hash, id);
  return id;
}

NodeId DecisionDiagram::cofactor(NodeId id, std::uint32_t at_level, std::uint32_t code) const {
  return level(id) == at_level ? children(id)[code] : id;
}

NodeId DecisionDiagram::combine(NodeId a, NodeId b,
                                const std::function<std::uint32_t(std::uint32_t, std::uint32_t)>& op) {
  std::unordered_map<std::pair<NodeId, NodeId>, NodeId, PairHash> memo;
  std::vector<NodeId> scratch;
  const std::function<NodeId(NodeId, NodeId)> apply = [&](NodeId x, NodeId y) -> NodeId {
    if (is_terminal(x) && is_terminal(y)) return terminal(op(terminal_value(x), terminal_value(y)));
    if (const auto found = memo.find({x, y}); found != memo.end()) return found->second;
    const std::uint32_t top = std::min(level(x), level(y));
    std::vector<NodeId> children(domain_sizes_[top]);
    for (std::uint32_t code = 0; code < children.size(); ++code) {
      children[code] = apply(cofactor(x, top, code), cofactor(y, top, code));
    }
    const NodeId result = node(top, children);
    memo.emplace(std::make_pair(x, y), result);
    return result;
  };
  return apply(a, b);
}

NodeId DecisionDiagram::map(NodeId a, const std::function<std::uint32_t(std::uint32_t)>& op) {
  std::unordered_map<NodeId, NodeId> memo;
  const std::function<NodeId(NodeId)> apply = [&](NodeId x) -> NodeId {
    if (is_terminal(x)) return terminal(op(terminal_value(x)));
    if (const auto found = memo.find(x); found != memo.end()) return found->second;
    const auto source = children(x);
    std::vector<NodeId> mapped(source.begin(), source.end());
    for (NodeId& child : mapped) child = apply(child);
    const NodeId result = node(level(x), mapped);
    memo.emplace(x, result);
    return result;
  };
  return apply(a);
}

NodeId DecisionDiagram::conjunction(NodeId a, NodeId b) {
  if (a == b) return a;
  const NodeId f = false_node();
  if (a == f || b == f) return f;
  return combine(a, b, [](std::uint32_t x, std::uint32_t y) { return x & y; });
}

NodeId DecisionDiagram::disjunction(NodeId a, NodeId b) {
  if (a == b) return a;
  const NodeId t = true_node();
  if (a == t || b == t) return t;
  return combine(a, b, [](std::uint32_t x, std::uint32_t y) { return x | y; });
}

NodeId DecisionDiagram::negation(NodeId a) {
  return map(a, [](std::uint32_t x) { return x == true_value ? false_value : true_value; });
}

NodeId DecisionDiagram::select(NodeId condition, NodeId then, NodeId otherwise) {
  std::map<std::tuple<NodeId, NodeId, NodeId>, NodeId> memo;
  const std::function<NodeId(NodeId, NodeId, NodeId)> apply = [&](NodeId c, NodeId t,
                                                                  NodeId e) -> NodeId {
    if (is_terminal(c)) return terminal_value(c) == true_value ? t : e;
    if (t == e) return t;
    const auto key = std::make_tuple(c, t, e);
    if (const auto found = memo.find(key); found != memo.end()) return found->second;
    const std::uint32_t top = std::min({level(c), level(t), level(e)});
    std::vector<NodeId> children(domain_sizes_[top]);
    for (std::uint32_t code = 0; code < children.size(); ++code) {
      children[code] = apply(cofactor(c, top, code), cofactor(t, top, code), cofactor(e, top, code));
    }
    const NodeId result = node(top, children);
    memo.emplace(key, result);
    return result;
  };
  return apply(condition, then, otherwise);
}

NodeId DecisionDiagram::restrict(NodeId a, std::uint32_t variable, std::uint32_t code) {
  std::unordered_map<NodeId, NodeId> memo;
  const std::function<NodeId(NodeId)> apply = [&](NodeId x) -> NodeId {
    if (is_terminal(x) || level(x) > variable) return x;
    if (level(x) == variable) return children(x)[code];
    if (const auto found = memo.find(x); found != memo.end()) return found->second;
    const auto source = children(x);
    std::vector<NodeId> restricted(source.begin(), source.end());
    for (NodeId& child : restricted) child = apply(child);
    const NodeId result = node(level(x), restricted);
    memo.emplace(x, result);
    return result;
  };
  return apply(a);
}

NodeId DecisionDiagram::exists(NodeId a, std::uint32_t variable,
                               std::span<const std::uint32_t> codes) {
  NodeId result = false_node();
  for (const std::uint32_t code : codes) result = disjunction(result, restrict(a, variable, code));
  return result;
}

std::uint32_t DecisionDiagram::evaluate(NodeId root, std::span<const std::uint32_t> codes) const {
  NodeId at = root;
  while (!is_terminal(at)) at = children(at)[codes[level(at)]];
  return terminal_value(at);
}

std::vector<NodeId> DecisionDiagram::reachable(NodeId root) const {
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<NodeId> order{root};
  seen[root] = true;
  for (std::size_t next = 0; next < order.size(); ++next) {
    const NodeId at = order[next];
    if (is_terminal(at)) continue;
    for (const NodeId child : children(at)) {
      if (!seen[child]) {
        seen[child] = true;
        order.push_back(child);
      }
    }
  }
  // Variables only grow along a path, so ordering by variable puts parents first; ties keep
  // discovery order, which makes the result deterministic.
  std::stable_sort(order.begin(), order.end(), [&](NodeId x, NodeId y) { return level(x) < level(y); });
  return order;
}

std::vector<std::uint32_t> DecisionDiagram::terminal_values(NodeId root) const {
  std::set<std::uint32_t> values;
  for (const NodeId id : reachable(root)) {
    if (is_terminal(id)) values.insert(terminal_value(id));
  }
  return {values.begin(), values.end()};
}

}  // namespace usegate::compiler
