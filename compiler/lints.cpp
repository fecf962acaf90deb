#include "usegate/compiler/lints.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "usegate/compiler/lower.hpp"

namespace usegate::compiler {
namespace {

// The attributes a condition tests, with the first atom on each (for pointing at it).
void collect_atoms(const CheckedCondition& condition, std::vector<const CheckedCondition*>& atoms) {
  switch (condition.op) {
    case ConditionOp::all_of:
    case ConditionOp::any_of:
    case ConditionOp::negation:
      for (const auto& operand : condition.operands) collect_atoms(operand, atoms);
      return;
    case ConditionOp::always_true:
    case ConditionOp::always_false:
    case ConditionOp::consent: return;
    default: atoms.push_back(&condition);
  }
}

bool tests_attribute(const CheckedCondition& condition, std::uint32_t attribute) {
  std::vector<const CheckedCondition*> atoms;
  collect_atoms(condition, atoms);
  return std::any_of(atoms.begin(), atoms.end(),
                     [&](const CheckedCondition* atom) { return atom->subject == attribute; });
}

bool is_state_test(const CheckedCondition& atom) {
  return atom.op == ConditionOp::is_missing || atom.op == ConditionOp::is_unknown || atom.op == ConditionOp::is_known;
}

class Linter {
 public:
  Linter(const CheckedPolicy& policy, usegate::DiagnosticList& diagnostics, const CompileOptions& options)
      : policy_(policy),
        diagnostics_(diagnostics),
        partitions_(partitions_of(policy)),
        diagram_(domain_sizes(partitions_), options.max_diagram_nodes, options.max_diagram_links),
        lowering_(policy, partitions_, diagram_) {}

  void run() {
    decision_ = lowering_.decision();
    allowed_ = diagram_.map(decision_, [](std::uint32_t cell) { return cell_allows(cell) ? 1U : 0U; });
    any_deny_ = lowering_.any_deny();
    lint_default_allow();
    for (std::uint32_t rule = 0; rule < policy_.rules.size(); ++rule) {
      const NodeId matches = lowering_.rule(rule);
      if (matches == diagram_.false_node()) {
        lint_never_matches(rule);
        continue;
      }
      if (policy_.rules[rule].effect == Effect::allow) {
        lint_allow_always_denied(rule, matches);
        lint_negation_matches_missing(rule, matches);
      } else {
        lint_deny_escaped_by_missing(rule, matches);
      }
    }
    for (std::uint32_t setting = 0; setting < policy_.settings.size(); ++setting) {
      lint_optout_changes_nothing(setting);
    }
  }

 private:
  static std::vector<std::uint32_t> domain_sizes(const std::vector<Partition>& partitions) {
    std::vector<std::uint32_t> sizes;
    for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
    return sizes;
  }

  std::string rule_noun(std::uint32_t rule) const {
    const Rule& declared = policy_.rules[rule];
    if (declared.setting) return fmt::format("the opt-out of setting `{}`", policy_.settings[*declared.setting].name);
    return fmt::format("{} rule `{}`", declared.effect == Effect::allow ? "allow" : "deny", declared.id);
  }

  void lint_default_allow() {
    if (policy_.default_effect != Effect::allow || !policy_.default_span) return;
    diagnostics_.warning("default-allow", *policy_.default_span,
                         "`default allow` allows every record that no rule decides (fails open)",
                         "write `default deny` and allow what the policy grants with allow rules");
  }

  void lint_never_matches(std::uint32_t rule) {
    const Rule& declared = policy_.rules[rule];
    if (declared.setting) {
      diagnostics_.warning("never-matches", declared.span,
                           fmt::format("setting `{}` covers no record", policy_.settings[*declared.setting].name),
                           "its `covers` condition is false for every record");
      return;
    }
    diagnostics_.warning("never-matches", declared.span, fmt::format("{} can never match", rule_noun(rule)),
                         "its condition is false for every record");
  }

  void lint_allow_always_denied(std::uint32_t rule, NodeId matches) {
    if (diagram_.conjunction(matches, diagram_.negation(any_deny_)) != diagram_.false_node()) return;
    diagnostics_.warning("allow-always-denied", policy_.rules[rule].span,
                         fmt::format("every record {} matches is denied anyway", rule_noun(rule)),
                         "deny rules match all of them, and deny overrides allow");
  }

  void lint_optout_changes_nothing(std::uint32_t setting) {
    const std::uint32_t variable = lowering_.variable_of_setting(setting);
    const NodeId covered = lowering_.condition(policy_.settings[setting].covers);
    const NodeId allowed_with_consent = diagram_.restrict(allowed_, variable, setting_on_code);
    if (covered == diagram_.false_node()) return;  // reported as never-matches
    if (diagram_.conjunction(covered, allowed_with_consent) != diagram_.false_node()) return;
    diagnostics_.warning(
        "optout-changes-nothing", policy_.settings[setting].span,
        fmt::format("setting `{}` changes nothing: no record it covers is allowed", policy_.settings[setting].name),
        "its coverage meets no allow rule, so switching it off removes nothing");
  }

  // `lower` in negation normal form, with every literal on `attribute` that holds on the
  // cell `state_code` (the fail-open ones: `!=`, `not in`, a negated test) replaced by false.
  // State tests (`is missing`...) say what they mean and are kept.
  NodeId lower_without_open_literals(const CheckedCondition& condition, bool positive, std::uint32_t attribute,
                                     std::uint32_t state_code) {
    switch (condition.op) {
      case ConditionOp::all_of:
      case ConditionOp::any_of: {
        if (!tests_attribute(condition, attribute)) {
          const NodeId lowered = lowering_.condition(condition);
          return positive ? lowered : diagram_.negation(lowered);
        }
        const bool conjunctive = (condition.op == ConditionOp::all_of) == positive;
        std::vector<NodeId> operands;
        for (const auto& operand : condition.operands) {
          operands.push_back(lower_without_open_literals(operand, positive, attribute, state_code));
        }
        return conjunctive ? diagram_.conjunction_of(std::move(operands))
                           : diagram_.disjunction_of(std::move(operands));
      }
      case ConditionOp::negation:
        return lower_without_open_literals(condition.operands.front(), !positive, attribute, state_code);
      default: break;
    }
    const bool on_attribute = condition.op != ConditionOp::always_true && condition.op != ConditionOp::always_false &&
                              condition.op != ConditionOp::consent && condition.subject == attribute;
    // Decided before the atom is lowered: on a large domain that is the costly part.
    if (on_attribute && !is_state_test(condition) && lowering_.atom_holds(condition, state_code) == positive) {
      return diagram_.false_node();
    }
    const NodeId atom = lowering_.condition(condition);
    return positive ? atom : diagram_.negation(atom);
  }

  void lint_negation_matches_missing(std::uint32_t rule, NodeId matches) {
    std::vector<const CheckedCondition*> atoms;
    collect_atoms(policy_.rules[rule].condition, atoms);
    std::set<std::uint32_t> done;
    for (const CheckedCondition* atom : atoms) {
      if (is_state_test(*atom) || atom->subject == policy_.now_attribute || !done.insert(atom->subject).second) {
        continue;
      }
      const std::uint32_t variable = *lowering_.variable_of_attribute(atom->subject);
      for (const std::uint32_t state : {missing_code, unknown_code}) {
        if (diagram_.restrict(matches, variable, state) == diagram_.false_node()) continue;
        // Records with the attribute unreadable that match only thanks to a negation.
        const NodeId strict = lower_without_open_literals(policy_.rules[rule].condition, true, atom->subject, state);
        const NodeId through_negation = diagram_.conjunction(matches, diagram_.negation(strict));
        if (diagram_.restrict(through_negation, variable, state) == diagram_.false_node()) continue;
        const std::string& name = policy_.attributes[atom->subject].name;
        const CheckedCondition* open = first_open_literal(policy_.rules[rule].condition, true, atom->subject, state);
        diagnostics_.warning("negation-matches-missing", open ? open->span : policy_.rules[rule].span,
                             fmt::format("{} matches records whose `{}` is {} through a negation", rule_noun(rule),
                                         name, state == missing_code ? "missing" : "unknown"),
                             fmt::format("a negated test of `{0}` also holds when `{0}` is missing or unknown; "
                                         "add `{0} is known`, or list the values the rule means",
                                         name));
        break;
      }
    }
  }

  const CheckedCondition* first_open_literal(const CheckedCondition& condition, bool positive, std::uint32_t attribute,
                                             std::uint32_t state) const {
    switch (condition.op) {
      case ConditionOp::all_of:
      case ConditionOp::any_of:
        for (const auto& operand : condition.operands) {
          if (const auto* found = first_open_literal(operand, positive, attribute, state)) return found;
        }
        return nullptr;
      case ConditionOp::negation: return first_open_literal(condition.operands.front(), !positive, attribute, state);
      case ConditionOp::always_true:
      case ConditionOp::always_false:
      case ConditionOp::consent: return nullptr;
      default:
        if (condition.subject != attribute || is_state_test(condition)) return nullptr;
        return lowering_.atom_holds(condition, state) == positive ? &condition : nullptr;
    }
  }

  void lint_deny_escaped_by_missing(std::uint32_t rule, NodeId matches) {
    std::vector<const CheckedCondition*> atoms;
    collect_atoms(policy_.rules[rule].condition, atoms);
    std::set<std::uint32_t> done;
    for (const CheckedCondition* atom : atoms) {
      if (atom->subject == policy_.now_attribute || !done.insert(atom->subject).second) continue;
      const std::uint32_t variable = *lowering_.variable_of_attribute(atom->subject);
      std::vector<std::uint32_t> known_codes;
      for (std::uint32_t code = first_value_code; code < diagram_.domain_size(variable); ++code) {
        known_codes.push_back(code);
      }
      // Records the rule would deny if the attribute could be read...
      const NodeId would_match = diagram_.exists(matches, variable, known_codes);
      const NodeId escapes = diagram_.conjunction(would_match, diagram_.negation(matches));
      std::set<std::uint32_t> allowing_rules;
      for (const std::uint32_t state : {missing_code, unknown_code}) {
        // ...that, unreadable, it does not deny, and that end up allowed.
        const NodeId slipped = diagram_.restrict(diagram_.conjunction(escapes, allowed_), variable, state);
        if (slipped == diagram_.false_node()) continue;
        const NodeId reasons =
            diagram_.restrict(diagram_.select(slipped, decision_, diagram_.terminal(0)), variable, state);
        for (const std::uint32_t cell : diagram_.terminal_values(reasons)) {
          if (cell_allows(cell)) allowing_rules.insert(cell_reason(cell));
        }
      }
      if (allowing_rules.empty()) continue;
      std::string allowed_by;
      for (const std::uint32_t reason : allowing_rules) {
        if (!allowed_by.empty()) allowed_by += ", ";
        allowed_by += reason == 0 ? std::string("the default") : fmt::format("`{}`", policy_.rules[reason - 1].id);
      }
      const std::string& name = policy_.attributes[atom->subject].name;
      const Rule& declared = policy_.rules[rule];
      const std::string subject =
          declared.setting ? fmt::format("setting `{}` does not cover", policy_.settings[*declared.setting].name)
                           : fmt::format("deny rule `{}` does not match", declared.id);
      diagnostics_.warning("deny-escaped-by-missing", declared.setting ? declared.span : atom->span,
                           fmt::format("{} records whose `{}` is missing or unknown, and {} then allows them", subject,
                                       name, allowed_by),
                           fmt::format("an unreadable `{0}` slips past the deny (fails open); deny such records "
                                       "too, e.g. with `not {0} is known`",
                                       name));
    }
  }

  const CheckedPolicy& policy_;
  usegate::DiagnosticList& diagnostics_;
  std::vector<Partition> partitions_;
  DecisionDiagram diagram_;
  Lowering lowering_;
  NodeId decision_ = 0;
  NodeId allowed_ = 0;
  NodeId any_deny_ = 0;
};

}  // namespace

void lint_policy(const CheckedPolicy& policy, usegate::DiagnosticList& diagnostics, const CompileOptions& options) {
  try {
    Linter(policy, diagnostics, options).run();
  } catch (const DiagramTooLarge&) {
    diagnostics.warning("lint-skipped", policy.default_span.value_or(usegate::SourceSpan{}),
                        "the policy is too large to lint within the diagram budget",
                        "`usegate build` reports which attributes make it large");
  }
}

}  // namespace usegate::compiler
