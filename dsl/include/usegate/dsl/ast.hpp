#pragma once
// The syntax tree of a `.policy` file, as written: names are still names, literals still
// text with their parsed value. Every node carries the span it came from; spans are left out
// of equality so that layout never changes what a policy means.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "usegate/base/attribute_type.hpp"
#include "usegate/base/source.hpp"

namespace usegate::dsl {

// An identifier where it was written.
struct Name {
  std::string text;
  SourceSpan span;
  bool operator==(const Name& other) const { return text == other.text; }
};

// A double-quoted string, escapes already resolved.
struct Text {
  std::string value;
  SourceSpan span;
  bool operator==(const Text& other) const { return value == other.value; }
};

enum class LiteralKind {
  value_name,    // an enum value: `post`
  number,        // `18`, `-0.5`
  date,          // `2024-07-26`, midnight UTC
  datetime,      // `2024-07-26T12:00:00Z`
  boolean,       // `true`, `false`
  missing_word,  // `missing` written where a value belongs; the checker explains `is missing`
  unknown_word,  // likewise `unknown`
};

struct Literal {
  LiteralKind kind = LiteralKind::value_name;
  std::string text;  // as written
  SourceSpan span;
  double number = 0;               // for `number`
  std::int64_t epoch_seconds = 0;  // for `date` and `datetime`
  bool boolean = false;            // for `boolean`
  bool well_formed = true;         // false when the parser already reported the token
  bool operator==(const Literal& other) const { return kind == other.kind && text == other.text; }
};

enum class ConditionKind {
  always_true,     // `true`
  always_false,    // `false`
  all_of,          // `a and b and ...`
  any_of,          // `a or b or ...`
  negation,        // `not a`
  comparison,      // `A == v`, `A != v`, `A < v`, `A <= v`, `A > v`, `A >= v`
  membership,      // `A in {v, ...}`, `A not in {v, ...}`
  state_test,      // `A is missing`, `A is unknown`, `A is known`
  bool_attribute,  // `A` alone: a bool attribute that is true
  consent,         // `consent S`
};

enum class ComparisonOperator { equal, not_equal, less, less_equal, greater, greater_equal };

// As written in a policy: `==`, `!=`, `<`, `<=`, `>`, `>=`.
[[nodiscard]] const char* operator_text(ComparisonOperator comparison);

enum class AttributeState { missing, unknown, known };

struct Condition {
  ConditionKind kind = ConditionKind::always_true;
  SourceSpan span;
  std::vector<Condition> operands;  // all_of and any_of: two or more; negation: one
  Name subject;                     // the attribute (or setting, for consent) an atom tests
  ComparisonOperator comparison = ComparisonOperator::equal;
  SourceSpan operator_span;         // of the comparison operator, `in` or `not in`
  bool negated_membership = false;  // `not in`
  std::vector<Literal> values;      // comparison: one; membership: the set as written
  SourceSpan set_span;              // membership: the `{...}`
  AttributeState state = AttributeState::missing;

  bool operator==(const Condition& other) const;
};

using AttributeKind = AttributeType;  // one definition for every stage

// `enum NAME { v, ... }`, `time NAME`, `number NAME`, `bool NAME`.
struct AttributeDecl {
  AttributeKind kind = AttributeKind::enumeration;
  Name name;
  std::vector<Name> values;  // enumeration only
  SourceSpan span;
  bool operator==(const AttributeDecl& other) const {
    return kind == other.kind && name == other.name && values == other.values;
  }
};

// `available on {web} from 2024-07-26 until 2025-01-01`
struct Availability {
  std::vector<Name> platforms;
  std::optional<Literal> from;
  std::optional<Literal> until;
  SourceSpan span;
  bool operator==(const Availability& other) const {
    return platforms == other.platforms && from == other.from && until == other.until;
  }
};

struct Switch {
  bool on = false;
  SourceSpan span;
  bool operator==(const Switch& other) const { return on == other.on; }
};

// `setting NAME { label "..."; default on; covers COND; available on {...}; formerly OLD }`
struct SettingDecl {
  Name name;
  std::optional<Text> label;
  std::optional<Switch> default_value;
  std::optional<Condition> covers;
  std::vector<Availability> availability;
  std::vector<Name> formerly;
  SourceSpan span;
  bool operator==(const SettingDecl& other) const {
    return name == other.name && label == other.label && default_value == other.default_value &&
           covers == other.covers && availability == other.availability && formerly == other.formerly;
  }
};

enum class Effect { allow, deny };

// `allow ID "description" when COND`, `deny ...`
struct RuleDecl {
  Effect effect = Effect::deny;
  Name id;
  std::optional<Text> description;
  Condition condition;
  SourceSpan span;
  bool operator==(const RuleDecl& other) const {
    return effect == other.effect && id == other.id && description == other.description && condition == other.condition;
  }
};

// What an assertion promises: `never allow when COND` or `always allow when COND`.
enum class AssertionKind {
  never_allow,   // no record where COND holds is allowed
  always_allow,  // every record where COND holds is allowed
};

// `assert ID "description" never allow when COND`, `assert ID always allow when COND`
struct AssertionDecl {
  Name id;
  std::optional<Text> description;
  AssertionKind kind = AssertionKind::never_allow;
  SourceSpan kind_span;  // `never allow` or `always allow`
  Condition condition;
  SourceSpan span;
  bool operator==(const AssertionDecl& other) const {
    return id == other.id && description == other.description && kind == other.kind && condition == other.condition;
  }
};

// `default allow|deny`
struct DefaultDecl {
  Effect effect = Effect::deny;
  SourceSpan span;
  bool operator==(const DefaultDecl& other) const { return effect == other.effect; }
};

// `policy NAME "title"`
struct PolicyHeader {
  Name name;
  std::optional<Text> title;
  SourceSpan span;
  bool operator==(const PolicyHeader& other) const { return name == other.name && title == other.title; }
};

// `version 2024-07-26` (any version text, or a quoted string)
struct VersionDecl {
  std::string text;
  SourceSpan span;
  bool operator==(const VersionDecl& other) const { return text == other.text; }
};

// `source "https://..."`
struct SourceDecl {
  Text text;
  SourceSpan span;
  bool operator==(const SourceDecl& other) const { return text == other.text; }
};

using Declaration = std::variant<PolicyHeader, VersionDecl, SourceDecl, AttributeDecl, SettingDecl, RuleDecl,
                                 DefaultDecl, AssertionDecl>;

// A `# ...` comment, kept so that `usegate fmt` can put it back.
struct Comment {
  std::string text;  // including the leading `#`
  SourceSpan span;
};

// A whole file, declarations in source order.
struct PolicyFile {
  std::vector<Declaration> declarations;
  std::vector<Comment> comments;
};

[[nodiscard]] SourceSpan declaration_span(const Declaration& declaration);

// As written in a policy: `never allow`, `always allow`.
[[nodiscard]] const char* assertion_kind_text(AssertionKind kind);

}  // namespace usegate::dsl
