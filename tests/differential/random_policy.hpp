#pragma once
// Random policies for the differential tests: a small structure (attributes, settings, rules,
// default) drawn from a seed, rendered to `.policy` text so that the parser and the checker
// are exercised as well as the interpreter and the compiled table.
//
// Every choice that shows in the text (literal spelling, parentheses, `;` or new lines,
// comments) is made when the policy is generated and kept in the structure, so rendering is
// deterministic and a shrunk policy renders like the original minus what was removed.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace usegate::differential {

// A condition as a tree; atoms are kept as their text (`age >= 18`, `consent sharing`).
struct RandomCondition {
  enum class Kind { atom, negation, conjunction, disjunction };
  Kind kind = Kind::atom;
  std::string atom;
  std::vector<RandomCondition> operands;
  bool parenthesized = false;  // extra parentheses around this node
  bool multiline = false;      // conjunctions and disjunctions: a line break before each operator
};

struct RandomAttribute {
  enum class Kind { enumeration, time, number, boolean };
  Kind kind = Kind::enumeration;
  std::string name;
  std::vector<std::string> values;  // enumerations
  std::string trailing_comment;     // empty for none
};

// One `available` line, kept as its text and as what it means, so that a test can model
// availability without reading the policy back.
struct RandomAvailability {
  std::string text;  // the text after `available`
  std::vector<std::string> platforms;
  std::optional<std::int64_t> from;   // epoch seconds, inclusive
  std::optional<std::int64_t> until;  // epoch seconds, exclusive
};

struct RandomSetting {
  std::string name;
  std::optional<std::string> label;
  bool default_on = true;
  RandomCondition covers;
  std::vector<RandomAvailability> availability;
  std::vector<std::string> formerly;  // in the order written: the order records are read in
  std::vector<int> field_order;       // a permutation of the fields: 0 label, 1 default, 2 covers,
                                      // 3 availability, 4 formerly
  bool semicolons = false;            // fields separated by `;` on one line
};

struct RandomRule {
  bool allow = true;
  std::string id;
  std::optional<std::string> description;  // as written, quotes and escapes included
  RandomCondition condition;
};

using RandomDeclaration = std::variant<RandomAttribute, RandomSetting, RandomRule>;

struct RandomPolicy {
  std::uint64_t seed = 0;
  std::string name;
  std::string header;  // `policy ...`, `version ...`, `source ...` lines
  // Source order. Rules and settings keep their relative order (it decides reasons);
  // attribute declarations may stand anywhere.
  std::vector<RandomDeclaration> declarations;
  std::optional<bool> default_allow;  // absent: no `default` line
  std::size_t default_position = 0;   // the `default` line comes before declaration #i

  [[nodiscard]] std::string render() const;
  [[nodiscard]] std::size_t rule_count() const;
};

// What a test needs more of than the default mix gives.
struct PolicyShape {
  // At least one setting, an `enum platform` and availability windows on most settings: for
  // the consent tests.
  bool settings_with_availability = false;
};

// A random policy; by construction it checks without errors. Ordered attributes are compared
// with either a few constants (1 to 4) or many (9 to 40, with one atom naming at least nine
// of them), so that both of the runtime's ways of classifying an ordered value are used.
[[nodiscard]] RandomPolicy generate_policy(std::uint64_t seed, PolicyShape shape = {});

// Smaller variants of a policy, each with one thing removed or simplified (a declaration, a
// condition node, a `formerly`, the `default`...), for shrinking a failing case. Some of them
// may no longer check; the caller tries them in order.
[[nodiscard]] std::vector<RandomPolicy> policy_simplifications(const RandomPolicy& policy);

// splitmix64: derives independent seeds from a base seed and indices.
[[nodiscard]] std::uint64_t mix_seed(std::uint64_t value);

}  // namespace usegate::differential
