#pragma once
// Random records for a checked policy, aimed at the edges of its partitions: every constant
// the policy compares an attribute with (exactly, a second or an epsilon either side, with a
// fraction of a second, in another time zone, as epoch seconds, as a bare date), values far
// out, `missing` as an absent field and as null, `unknown` in every way a field can be
// unreadable, and consent values good, bad, unset and recorded under any of a setting's names.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace usegate::differential {

class RecordGenerator {
 public:
  explicit RecordGenerator(const compiler::CheckedPolicy& policy);

  [[nodiscard]] compiler::InterpreterInput next(std::mt19937_64& rng) const;

  // Every edge, one record each, the other fields drawn as next() draws them: for each
  // attribute, absent, null, a value of the wrong type, unreadable text, every declared value,
  // and each constant exactly and around it (a second and half a second either side for times,
  // as epoch seconds and as text; the neighbouring doubles, ±1, ±0.5 and a relative epsilon for
  // numbers); for each setting, every recorded value (on, off, true, false, null, and bad ones:
  // "OFF", "maybe", 1, an object) under its own name, under each former name, and under several
  // of them at once.
  [[nodiscard]] std::vector<compiler::InterpreterInput> edge_records(std::mt19937_64& rng) const;

  // The values a record may hold for a setting, good and bad, null included.
  [[nodiscard]] static std::vector<compiler::RecordValue> consent_values();

 private:
  struct AttributeInfo {
    std::string name;
    compiler::AttributeKind kind = compiler::AttributeKind::enumeration;
    std::vector<std::string> values;    // enumerations
    std::vector<std::int64_t> seconds;  // times: the constants, whole seconds
    std::vector<double> numbers;        // numbers: the constants
  };
  struct SettingInfo {
    std::string name;
    std::vector<std::string> formerly;
  };

  compiler::RecordValue enum_value(const AttributeInfo& attribute, std::mt19937_64& rng) const;
  compiler::RecordValue bool_value(std::mt19937_64& rng) const;
  compiler::RecordValue number_value(const AttributeInfo& attribute, std::mt19937_64& rng) const;
  compiler::RecordValue time_value(const AttributeInfo& attribute, std::mt19937_64& rng) const;
  void add_consent(const SettingInfo& setting, compiler::FieldMap& consent, std::mt19937_64& rng) const;
  [[nodiscard]] std::vector<compiler::RecordValue> attribute_edges(const AttributeInfo& attribute) const;

  std::vector<AttributeInfo> attributes_;  // declared attributes, `now` left out
  std::vector<SettingInfo> settings_;
  std::vector<std::int64_t> now_seconds_;  // the constants `now` is compared with
  std::vector<std::string> all_values_;    // every enum value of the policy
};

// A record as JSON-ish text, for failure messages:
// `{"attributes": {...}, "consent": {...}, "now": 1722470400 (2024-08-01T00:00:00Z)}`.
[[nodiscard]] std::string describe_record(const compiler::InterpreterInput& input);
[[nodiscard]] std::string describe_value(const compiler::RecordValue& value);

}  // namespace usegate::differential
