#include "table_limits.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::compiler {
namespace {

bool is_attribute_atom(const CheckedCondition& condition) {
  switch (condition.op) {
    case ConditionOp::always_true:
    case ConditionOp::always_false:
    case ConditionOp::all_of:
    case ConditionOp::any_of:
    case ConditionOp::negation:
    case ConditionOp::consent: return false;
    default: return true;
  }
}

// Calls `visit` on every atom of the policy's rules in source order, without recursion.
template <typename Visit>
void for_each_atom(const CheckedPolicy& policy, Visit visit) {
  std::vector<const CheckedCondition*> pending;
  for (const auto& rule : policy.rules) {
    pending.push_back(&rule.condition);
    while (!pending.empty()) {
      const CheckedCondition* condition = pending.back();
      pending.pop_back();
      if (is_attribute_atom(*condition)) visit(*condition);
      for (auto operand = condition->operands.rbegin(); operand != condition->operands.rend(); ++operand) {
        pending.push_back(&*operand);
      }
    }
  }
}

}  // namespace

std::vector<TableLimitError> table_limit_errors(const CheckedPolicy& policy, const CompileOptions& options) {
  std::vector<TableLimitError> errors;
  if (policy.rules.size() > runtime::max_rules) {
    errors.push_back({fmt::format("policy `{}` has {} rules, more than the {} a table can name", policy.name,
                                  policy.rules.size(), runtime::max_rules),
                      "settings count as one rule each (their opt-out)", policy.rules[runtime::max_rules].span});
  }
  for (const auto& attribute : policy.attributes) {
    if (attribute.values.size() <= max_enum_values) continue;
    errors.push_back({fmt::format("enum `{}` has {} values, more than a table variable can hold", attribute.name,
                                  attribute.values.size()),
                      fmt::format("a variable has at most {} cells: {} values", max_variable_cells, max_enum_values),
                      attribute.span});
  }

  std::vector<bool> tested(policy.attributes.size(), false);
  std::vector<std::set<double>> constants(policy.attributes.size());
  std::vector<std::optional<usegate::SourceSpan>> first_beyond(policy.attributes.size());
  for_each_atom(policy, [&](const CheckedCondition& atom) {
    tested[atom.subject] = true;
    if (atom.op != ConditionOp::compare) return;
    auto& seen = constants[atom.subject];
    if (seen.insert(atom.key).second && seen.size() == max_ordered_constants + 1) {
      first_beyond[atom.subject] = atom.span;
    }
  });
  for (std::size_t index = 0; index < policy.attributes.size(); ++index) {
    if (!first_beyond[index]) continue;
    errors.push_back(
        {fmt::format("attribute `{}` is compared with {} distinct constants, more "
                     "than a table variable can hold",
                     policy.attributes[index].name, constants[index].size()),
         fmt::format("a variable has at most {} cells: {} constants", max_variable_cells, max_ordered_constants),
         *first_beyond[index]});
  }

  // Variables are the tested attributes in declaration order, then the settings.
  const std::size_t max_variables = std::min<std::size_t>(options.max_table_variables, max_artifact_variables);
  std::size_t variables = 0;
  std::optional<usegate::SourceSpan> first_variable_beyond;
  const auto count_variable = [&](const usegate::SourceSpan& span) {
    if (++variables == max_variables + 1) first_variable_beyond = span;
  };
  for (std::size_t index = 0; index < policy.attributes.size(); ++index) {
    if (tested[index]) count_variable(policy.attributes[index].span);
  }
  for (const auto& setting : policy.settings) count_variable(setting.span);
  if (first_variable_beyond) {
    errors.push_back({fmt::format("policy `{}` has {} table variables, more than the {} a table "
                                  "can hold",
                                  policy.name, variables, max_variables),
                      "every attribute a rule tests is one variable, and every setting one more; "
                      "the limit is CompileOptions::max_table_variables",
                      *first_variable_beyond});
  }
  return errors;
}

}  // namespace usegate::compiler
