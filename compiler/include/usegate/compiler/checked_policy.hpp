#pragma once
// A policy after name resolution and type checking: every name is an index, every literal a
// typed value, every setting's opt-out an explicit rule in its place. This is what the
// reference interpreter runs and what lowering compiles.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/dsl/ast.hpp"

namespace usegate::compiler {

using dsl::AttributeKind;
using dsl::ComparisonOperator;
using dsl::Effect;

struct Attribute {
  std::string name;
  AttributeKind kind = AttributeKind::enumeration;
  // Enumerations: the declared values. Bools: `false`, `true` (so bools are two-valued
  // enumerations from here on).
  std::vector<std::string> values;
  usegate::SourceSpan span;
  bool builtin = false;  // `now`

  [[nodiscard]] bool is_categorical() const {
    return kind == AttributeKind::enumeration || kind == AttributeKind::boolean;
  }
  [[nodiscard]] bool is_ordered() const { return !is_categorical(); }
  [[nodiscard]] std::optional<std::uint32_t> find_value(std::string_view value) const;
};

enum class ConditionOp {
  always_true,
  always_false,
  all_of,        // every operand
  any_of,        // some operand
  negation,      // not the operand
  value_in,      // categorical value is one of `values` (false when missing or unknown)
  value_not_in,  // categorical value is none of `values` (true when missing or unknown)
  compare,       // ordered value `comparison` `key` (false when missing or unknown, except `!=`)
  is_missing,
  is_unknown,
  is_known,
  consent,  // the effective value of setting `subject` is on
};

struct CheckedCondition {
  ConditionOp op = ConditionOp::always_true;
  std::vector<CheckedCondition> operands;
  std::uint32_t subject = 0;          // attribute index; setting index for `consent`
  std::vector<std::uint32_t> values;  // value_in, value_not_in: sorted value indices
  ComparisonOperator comparison = ComparisonOperator::equal;
  double key = 0;  // compare: number, or time key (see base/calendar.hpp)
  usegate::SourceSpan span;
};

struct Availability {
  std::vector<std::uint32_t> platforms;  // value indices of the `platform` enum
  std::optional<std::int64_t> from;      // epoch seconds, inclusive
  std::optional<std::int64_t> until;     // epoch seconds, exclusive
  usegate::SourceSpan span;
};

struct Setting {
  std::string name;
  std::string label;
  bool default_on = false;
  CheckedCondition covers;
  std::vector<Availability> availability;
  std::vector<std::string> formerly;
  usegate::SourceSpan span;
};

struct Rule {
  Effect effect = Effect::deny;
  std::string id;  // `optout_<setting>` for a setting's implicit rule
  std::string description;
  CheckedCondition condition;
  std::optional<std::uint32_t> setting;  // set for implicit opt-out rules
  usegate::SourceSpan span;              // the rule id, or the setting's name
};

using dsl::AssertionKind;

// `assert ID never allow when COND` (or `always allow`): proved over the decision table by
// prove_assertions (assertions.hpp); it adds no rule and changes no decision.
struct Assertion {
  std::string id;
  std::string description;
  AssertionKind kind = AssertionKind::never_allow;
  CheckedCondition condition;
  usegate::SourceSpan span;  // the assertion id
};

struct CheckedPolicy {
  std::string name;
  std::string title;
  std::string version;
  std::vector<std::string> sources;
  std::vector<Attribute> attributes;  // declaration order; `now` last
  std::vector<Setting> settings;      // declaration order
  std::vector<Rule> rules;            // source order, opt-outs at their setting's place
  std::vector<Assertion> assertions;  // source order
  Effect default_effect = Effect::deny;
  std::optional<usegate::SourceSpan> default_span;  // absent when the file has no `default`
  std::optional<std::uint32_t> platform_attribute;
  std::uint32_t now_attribute = 0;

  [[nodiscard]] std::optional<std::uint32_t> find_attribute(std::string_view wanted) const;
  [[nodiscard]] std::optional<std::uint32_t> find_setting(std::string_view wanted) const;
  [[nodiscard]] std::optional<std::uint32_t> find_rule(std::string_view id) const;
};

// The keyword that declares a kind of attribute: `enum`, `time`, `number`, `bool`.
[[nodiscard]] const char* attribute_kind_keyword(AttributeKind kind);
// The kind in a sentence: `an enum`, `a time`, `a number`, `a bool`.
[[nodiscard]] const char* attribute_kind_phrase(AttributeKind kind);

// The reason name of a setting's implicit opt-out rule.
[[nodiscard]] std::string optout_rule_id(std::string_view setting);

}  // namespace usegate::compiler
