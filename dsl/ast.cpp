#include "usegate/dsl/ast.hpp"

namespace usegate::dsl {

bool Condition::operator==(const Condition& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case ConditionKind::always_true:
    case ConditionKind::always_false: return true;
    case ConditionKind::all_of:
    case ConditionKind::any_of:
    case ConditionKind::negation: return operands == other.operands;
    case ConditionKind::comparison:
      return subject == other.subject && comparison == other.comparison && values == other.values;
    case ConditionKind::membership:
      return subject == other.subject && negated_membership == other.negated_membership && values == other.values;
    case ConditionKind::state_test: return subject == other.subject && state == other.state;
    case ConditionKind::bool_attribute:
    case ConditionKind::consent: return subject == other.subject;
  }
  return false;
}

SourceSpan declaration_span(const Declaration& declaration) {
  return std::visit([](const auto& node) { return node.span; }, declaration);
}

const char* assertion_kind_text(AssertionKind kind) {
  return kind == AssertionKind::never_allow ? "never allow" : "always allow";
}

const char* operator_text(ComparisonOperator comparison) {
  switch (comparison) {
    case ComparisonOperator::equal: return "==";
    case ComparisonOperator::not_equal: return "!=";
    case ComparisonOperator::less: return "<";
    case ComparisonOperator::less_equal: return "<=";
    case ComparisonOperator::greater: return ">";
    case ComparisonOperator::greater_equal: return ">=";
  }
  return "?";
}

}  // namespace usegate::dsl
