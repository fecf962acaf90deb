#include "usegate/compiler/lower.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace usegate::compiler {

Lowering::Lowering(const CheckedPolicy& policy, const std::vector<Partition>& partitions, DecisionDiagram& diagram,
                   const std::vector<std::string>& setting_names)
    : policy_(policy),
      partitions_(partitions),
      diagram_(diagram),
      attribute_variables_(policy.attributes.size()),
      categorical_cells_(partitions.size()) {
  // Names to indices once, so that lowering stays linear in the number of enum values.
  std::unordered_map<std::string_view, std::uint32_t> attributes;
  for (std::uint32_t index = 0; index < policy.attributes.size(); ++index) {
    attributes.emplace(policy.attributes[index].name, index);
  }
  std::unordered_map<std::string_view, std::uint32_t> setting_variables;
  for (std::uint32_t variable = 0; variable < partitions.size(); ++variable) {
    const Partition& partition = partitions[variable];
    if (partition.kind == Partition::Kind::setting) {
      setting_variables.emplace(partition.name, variable);
      continue;
    }
    const auto attribute = attributes.find(partition.name);
    if (attribute == attributes.end()) continue;
    attribute_variables_[attribute->second] = variable;
    if (partition.kind != Partition::Kind::categorical) continue;
    const std::vector<std::string>& declared = policy.attributes[attribute->second].values;
    std::unordered_map<std::string_view, std::uint32_t> values;
    for (std::uint32_t index = 0; index < declared.size(); ++index) values.emplace(declared[index], index);
    for (const auto& value : partition.values) {
      const auto found = values.find(value);
      categorical_cells_[variable].push_back(found == values.end() ? std::nullopt : std::optional(found->second));
    }
  }
  for (std::uint32_t setting = 0; setting < policy.settings.size(); ++setting) {
    const std::string& name = setting < setting_names.size() ? setting_names[setting] : policy.settings[setting].name;
    const auto found = setting_variables.find(name);
    if (found == setting_variables.end()) throw std::logic_error("lowering: no variable for setting " + name);
    setting_variables_.push_back(found->second);
  }
}

std::optional<std::uint32_t> Lowering::variable_of_attribute(std::uint32_t attribute) const {
  return attribute_variables_[attribute];
}

std::uint32_t Lowering::variable_of_setting(std::uint32_t setting) const {
  return setting_variables_[setting];
}

bool Lowering::atom_holds(const CheckedCondition& atom, std::uint32_t code) const {
  const std::uint32_t variable = *attribute_variables_[atom.subject];
  const Partition& partition = partitions_[variable];
  // The cell's state as this policy sees it: a value it does not declare is unknown.
  bool missing = code == missing_code;
  bool known = code >= first_value_code;
  std::uint32_t value = 0;
  if (known && partition.kind == Partition::Kind::categorical) {
    const auto& cell = categorical_cells_[variable][code - first_value_code];
    known = cell.has_value();
    value = cell.value_or(0);
  }
  const bool unknown = !missing && !known;
  switch (atom.op) {
    case ConditionOp::is_missing: return missing;
    case ConditionOp::is_unknown: return unknown;
    case ConditionOp::is_known: return known;
    case ConditionOp::value_in:
    case ConditionOp::value_not_in: {
      // `values` is sorted (see CheckedCondition).
      const bool in = known && std::binary_search(atom.values.begin(), atom.values.end(), value);
      return atom.op == ConditionOp::value_in ? in : !in;
    }
    case ConditionOp::compare: {
      if (!known) return atom.comparison == ComparisonOperator::not_equal;
      const Partition::Interval cell = partition.interval(code);
      const double k = atom.key;
      if (cell.is_point) {
        switch (atom.comparison) {
          case ComparisonOperator::equal: return cell.point == k;
          case ComparisonOperator::not_equal: return cell.point != k;
          case ComparisonOperator::less: return cell.point < k;
          case ComparisonOperator::less_equal: return cell.point <= k;
          case ComparisonOperator::greater: return cell.point > k;
          case ComparisonOperator::greater_equal: return cell.point >= k;
        }
      }
      // An open interval contains no constant, and `k` is one: every value in it lies on
      // the same side of `k`.
      const bool below_k = cell.has_high && cell.high <= k;
      const bool above_k = cell.has_low && cell.low >= k;
      switch (atom.comparison) {
        case ComparisonOperator::equal: return false;
        case ComparisonOperator::not_equal: return true;
        case ComparisonOperator::less:
        case ComparisonOperator::less_equal: return below_k;
        case ComparisonOperator::greater:
        case ComparisonOperator::greater_equal: return above_k;
      }
      return false;
    }
    default: throw std::logic_error("lowering: not an atom");
  }
}

NodeId Lowering::condition(const CheckedCondition& condition) {
  switch (condition.op) {
    case ConditionOp::always_true: return diagram_.true_node();
    case ConditionOp::always_false: return diagram_.false_node();
    case ConditionOp::all_of:
    case ConditionOp::any_of: {
      if (const auto set = value_set(condition)) return *set;
      std::vector<NodeId> operands;
      for (const auto& operand : condition.operands) operands.push_back(this->condition(operand));
      return condition.op == ConditionOp::all_of ? diagram_.conjunction_of(std::move(operands))
                                                 : diagram_.disjunction_of(std::move(operands));
    }
    case ConditionOp::negation: return diagram_.negation(this->condition(condition.operands.front()));
    case ConditionOp::consent: {
      const std::uint32_t variable = setting_variables_[condition.subject];
      const NodeId children[] = {diagram_.false_node(), diagram_.true_node()};
      return diagram_.node(variable, children);
    }
    default: {
      const std::uint32_t variable = *attribute_variables_[condition.subject];
      std::vector<NodeId> children(partitions_[variable].cell_count());
      for (std::uint32_t code = 0; code < children.size(); ++code) {
        children[code] = atom_holds(condition, code) ? diagram_.true_node() : diagram_.false_node();
      }
      return diagram_.node(variable, children);
    }
  }
}

// `A in {c1, c2, ...}` on a time or number is checked as `A == c1 or A == c2 ...`, and
// `not in` as `A != c1 and ...`. Built atom by atom, every atom is a node over all of A's
// cells; built at once it is one node, with a hash lookup per cell.
std::optional<NodeId> Lowering::value_set(const CheckedCondition& condition) {
  const bool any = condition.op == ConditionOp::any_of;
  const ComparisonOperator expected = any ? ComparisonOperator::equal : ComparisonOperator::not_equal;
  if (condition.operands.size() < 2) return std::nullopt;
  for (const auto& operand : condition.operands) {
    if (operand.op != ConditionOp::compare || operand.comparison != expected ||
        operand.subject != condition.operands.front().subject) {
      return std::nullopt;
    }
  }
  const std::uint32_t variable = *attribute_variables_[condition.operands.front().subject];
  const Partition& partition = partitions_[variable];
  std::unordered_set<double> keys;
  for (const auto& operand : condition.operands) keys.insert(operand.key);
  // Missing and unknown: no `==` holds, every `!=` does.
  std::vector<NodeId> children(partition.cell_count(), any ? diagram_.false_node() : diagram_.true_node());
  for (std::uint32_t code = first_value_code; code < children.size(); ++code) {
    const Partition::Interval cell = partition.interval(code);
    const bool listed = cell.is_point && keys.count(cell.point) > 0;
    children[code] = listed == any ? diagram_.true_node() : diagram_.false_node();
  }
  return diagram_.node(variable, children);
}

NodeId Lowering::decision() {
  // Built from the last rule to the first, so the first matching rule ends up outermost:
  // allows first, then denies on top of them, because any deny overrides every allow.
  NodeId result = diagram_.terminal(encode_cell(policy_.default_effect == Effect::allow, 0));
  for (std::uint32_t pass = 0; pass < 2; ++pass) {
    const Effect effect = pass == 0 ? Effect::allow : Effect::deny;
    for (auto index = static_cast<std::uint32_t>(policy_.rules.size()); index-- > 0;) {
      if (policy_.rules[index].effect != effect) continue;
      const NodeId decided = diagram_.terminal(encode_cell(effect == Effect::allow, index + 1));
      result = diagram_.select(rule(index), decided, result);
    }
  }
  return result;
}

NodeId Lowering::any_deny() {
  NodeId result = diagram_.false_node();
  for (std::uint32_t index = 0; index < policy_.rules.size(); ++index) {
    if (policy_.rules[index].effect == Effect::deny) {
      result = diagram_.disjunction(result, rule(index));
    }
  }
  return result;
}

}  // namespace usegate::compiler
