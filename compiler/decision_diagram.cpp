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

DecisionDiagram::DecisionDiagram(std::vector<std::uint32_t> domain_sizes, std::size_t max_nodes, std::size_t max_links)
    : domain_sizes_(std::move(domain_sizes)), max_nodes_(max_nodes), max_links_(max_links) {}

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

void DecisionDiagram::check_budget(std::uint32_t variable) {
  const bool links_exceeded = children_.size() + domain_sizes_[variable] > max_links_;
  if (nodes_.size() < max_nodes_ && !links_exceeded) return;
  std::vector<std::size_t> per_variable(domain_sizes_.size(), 0);
  for (const Node& node : nodes_) {
    if (node.variable != terminal_level) ++per_variable[node.variable];
  }
  if (links_exceeded) throw DiagramTooLarge(max_links_, true, std::move(per_variable));
  throw DiagramTooLarge(max_nodes_, false, std::move(per_variable));
}

NodeId DecisionDiagram::node(std::uint32_t variable, std::span<const NodeId> children) {
  // Reduction: a test whose outcome does not matter is no test.
  if (std::all_of(children.begin(), children.end(), [&](NodeId child) { return child == children.front(); })) {
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
  check_budget(variable);
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

NodeId DecisionDiagram::boolean_operation(NodeId a, NodeId b, bool conjunctive) {
  // `absorbing` decides alone (false for and, true for or); `neutral` leaves the other side.
  const NodeId absorbing = conjunctive ? false_node() : true_node();
  const NodeId neutral = conjunctive ? true_node() : false_node();
  std::unordered_map<std::pair<NodeId, NodeId>, NodeId, PairHash> memo;
  const std::function<NodeId(NodeId, NodeId)> apply = [&](NodeId x, NodeId y) -> NodeId {
    // Ending at the first terminal on either side keeps a walk as short as the shorter
    // path, so adding one test to a long chain costs one step, not the chain's length.
    if (x == y || y == neutral) return x;
    if (x == neutral) return y;
    if (x == absorbing || y == absorbing) return absorbing;
    if (is_terminal(x) && is_terminal(y)) {
      return terminal(conjunctive ? terminal_value(x) & terminal_value(y) : terminal_value(x) | terminal_value(y));
    }
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

NodeId DecisionDiagram::conjunction(NodeId a, NodeId b) {
  return boolean_operation(a, b, true);
}

NodeId DecisionDiagram::disjunction(NodeId a, NodeId b) {
  return boolean_operation(a, b, false);
}

NodeId DecisionDiagram::boolean_operation_of(std::vector<NodeId> operands, bool conjunctive) {
  // Deepest first: each operand then joins above what is built, a few new nodes each,
  // where joining in source order could rebuild the whole diagram for every operand.
  std::stable_sort(operands.begin(), operands.end(), [&](NodeId x, NodeId y) { return level(x) > level(y); });
  NodeId result = conjunctive ? true_node() : false_node();
  for (const NodeId operand : operands) result = boolean_operation(result, operand, conjunctive);
  return result;
}

NodeId DecisionDiagram::conjunction_of(std::vector<NodeId> operands) {
  return boolean_operation_of(std::move(operands), true);
}

NodeId DecisionDiagram::disjunction_of(std::vector<NodeId> operands) {
  return boolean_operation_of(std::move(operands), false);
}

NodeId DecisionDiagram::negation(NodeId a) {
  return map(a, [](std::uint32_t x) { return x == true_value ? false_value : true_value; });
}

NodeId DecisionDiagram::select(NodeId condition, NodeId then, NodeId otherwise) {
  std::map<std::tuple<NodeId, NodeId, NodeId>, NodeId> memo;
  const std::function<NodeId(NodeId, NodeId, NodeId)> apply = [&](NodeId c, NodeId t, NodeId e) -> NodeId {
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

NodeId DecisionDiagram::exists(NodeId a, std::uint32_t variable, std::span<const std::uint32_t> codes) {
  // One walk down to `variable`, where the cofactors are the node's children at `codes`:
  // few of them differ, so each distinct one is joined once, whatever the domain's size.
  std::unordered_map<NodeId, NodeId> memo;
  const std::function<NodeId(NodeId)> apply = [&](NodeId x) -> NodeId {
    if (is_terminal(x) || level(x) > variable) return x;
    if (const auto found = memo.find(x); found != memo.end()) return found->second;
    NodeId result = false_node();
    if (level(x) == variable) {
      std::vector<NodeId> cofactors;
      for (const std::uint32_t code : codes) cofactors.push_back(children(x)[code]);
      std::sort(cofactors.begin(), cofactors.end());
      cofactors.erase(std::unique(cofactors.begin(), cofactors.end()), cofactors.end());
      for (const NodeId cofactor : cofactors) result = disjunction(result, cofactor);
    } else {
      const auto source = children(x);
      std::vector<NodeId> joined(source.begin(), source.end());
      for (NodeId& child : joined) child = apply(child);
      result = node(level(x), joined);
    }
    memo.emplace(x, result);
    return result;
  };
  if (codes.empty()) return false_node();
  return apply(a);
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
