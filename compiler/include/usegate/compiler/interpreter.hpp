#pragma once
// The reference interpreter: decides one record straight from the checked policy, exactly as
// the language reference's "Decision semantics" says. It is written to be obviously right,
// not fast; every other evaluator (the decision table, the record pipeline) is tested
// against it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"

namespace usegate::compiler {

// One JSON value of a record, as far as a policy can tell values apart: the interpreter's own,
// owning its text, apart from the runtime's usegate::FieldValue, which views a record's bytes.
struct RecordValue {
  enum class Kind { null, boolean, number, string, composite /* object or array */ };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;

  static RecordValue null() { return {}; }
  static RecordValue of(bool value) { return {Kind::boolean, value, 0, {}}; }
  static RecordValue of(double value) { return {Kind::number, false, value, {}}; }
  static RecordValue of(std::string value) { return {Kind::string, false, 0, std::move(value)}; }
  // A string literal is text: without this overload `of("on")` would pick of(bool), the
  // pointer-to-bool conversion beating the one to std::string.
  static RecordValue of(const char* value) { return of(std::string(value)); }
  static RecordValue composite() { return {Kind::composite, false, 0, {}}; }
};

// Field name to value; an absent field is simply not in the map.
using FieldMap = std::map<std::string, RecordValue, std::less<>>;

struct InterpreterInput {
  FieldMap attributes;   // by attribute name
  FieldMap consent;      // by setting name, or a setting's former name
  std::int64_t now = 0;  // evaluation time, epoch seconds
};

// An attribute's value in its extended domain.
struct ExtendedValue {
  enum class State { missing, unknown, known };
  State state = State::missing;
  std::uint32_t value = 0;  // categorical attributes: the value's index
  double key = 0;           // ordered attributes: the number, or the time key

  bool operator==(const ExtendedValue&) const = default;
};

// What the rules decide for a record: the effect and the rule (by index and id) that decided
// it. The runtime's usegate::Decision says the same with the reason as a number.
struct RuleDecision {
  Effect effect = Effect::deny;
  std::optional<std::uint32_t> rule;  // the deciding rule; none for the default
  std::string reason;                 // the rule id, or `default`
};

struct Interpretation {
  RuleDecision decision;
  std::vector<std::uint32_t> matched_rules;       // every rule that matched, in source order
  std::vector<std::uint32_t> bad_consent_values;  // settings whose value was neither on nor off
};

[[nodiscard]] Interpretation interpret(const CheckedPolicy& policy, const InterpreterInput& input);

// The pieces `interpret` is made of, for tools that show a decision step by step.
[[nodiscard]] ExtendedValue extended_value(const CheckedPolicy& policy, std::uint32_t attribute,
                                           const InterpreterInput& input);
[[nodiscard]] bool consents(const CheckedPolicy& policy, std::uint32_t setting, const InterpreterInput& input,
                            bool* bad_value = nullptr);
[[nodiscard]] bool holds(const CheckedPolicy& policy, const CheckedCondition& condition, const InterpreterInput& input);

}  // namespace usegate::compiler
