#pragma once
// usegate runtime: decide whether a record may be used for a purpose, from a compiled policy.
//
// A policy is compiled ahead of time (`usegate build policy.policy -o policy.ugt`); a pipeline
// links only this library and loads the artifact. Names are resolved once; deciding is then
// a few array reads per record.
//
//   #include <usegate/usegate.hpp>
//
//   auto loaded = usegate::Policy::load_file("x-grok.ugt");
//   if (!loaded) { std::cerr << loaded.error().message << '\n'; return 1; }
//   const usegate::Policy& policy = *loaded;
//
//   // Once: where each input goes. Variables are the attributes the policy tests, `now`,
//   // and one per setting (the user's consent).
//   const auto purpose = policy.find_variable("purpose");       // std::optional<std::size_t>
//   const auto category = policy.find_variable("category");
//
//   // Per record, from field values (strings, numbers, bools, absent or null):
//   std::vector<usegate::FieldValue> fields(policy.variable_count(), usegate::FieldValue::absent());
//   fields[*purpose] = usegate::FieldValue::from_string("training");
//   fields[*category] = usegate::FieldValue::from_string("post");
//   fields[*policy.find_variable("now")] = usegate::FieldValue::from_number(1723075200);
//   const usegate::Decision decision = policy.decide(fields);
//   if (!decision.allowed) std::cout << "denied by " << policy.reason_name(decision.reason) << '\n';
//
//   // Fastest: pre-encoded codes (see encode()), one per variable; or whole columns at once
//   // with decide_batch().
//
// Decisions follow the policy language's semantics exactly (docs/language.md): a field that
// is absent or null is `missing`, one that cannot be read is `unknown`, an unset consent takes
// the setting's default, and a consent value other than on/off counts as off. Inputs that
// cannot be decided (a code out of range) are denied with reason `invalid_input`.
//
// A Policy is immutable after loading, cheap to copy (it shares its tables) and safe to use
// from many threads at once.
//
// A signed artifact (`usegate build --sign`) loads here like any other, its signature not
// looked at; to accept only what a given key signed, load it with
// usegate::signing::load_verified (usegate/signing/signed_artifact.hpp, library
// usegate_signing).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/base/result.hpp"  // usegate::Error, usegate::Result<T>

namespace usegate {

namespace runtime {
struct PolicyAccess;
}

// One field of a record as the record gives it. Strings are viewed, not copied.
struct FieldValue {
  enum class Kind : std::uint8_t { absent, null, boolean, number, string, other };
  Kind kind = Kind::absent;
  bool boolean = false;
  double number = 0;
  std::string_view text;

  static constexpr FieldValue absent() { return {}; }
  static constexpr FieldValue null() { return {Kind::null, false, 0, {}}; }
  static constexpr FieldValue from_bool(bool value) { return {Kind::boolean, value, 0, {}}; }
  static constexpr FieldValue from_number(double value) { return {Kind::number, false, value, {}}; }
  static constexpr FieldValue from_string(std::string_view value) { return {Kind::string, false, 0, value}; }
  static constexpr FieldValue other() { return {Kind::other, false, 0, {}}; }  // object or array
};

// The input code of one variable: which cell of its partition a value falls in.
using Code = std::uint16_t;

struct Decision {
  bool allowed = false;
  std::uint16_t reason = 0;  // see Policy::reason_name
  bool operator==(const Decision&) const = default;
};

// What a variable stands for.
struct VariableDescription {
  enum class Kind : std::uint8_t { enumeration, boolean, time, number, setting };
  Kind kind = Kind::enumeration;
  std::string_view name;
  std::size_t code_count = 0;
};

class Policy {
 public:
  // The reason of decisions on inputs that cannot be decided.
  static constexpr std::uint16_t invalid_input_reason = 0xFFFF;

  [[nodiscard]] static Result<Policy> load_file(const std::string& path);
  [[nodiscard]] static Result<Policy> from_bytes(std::string_view bytes);

  [[nodiscard]] const std::string& name() const;
  [[nodiscard]] const std::string& title() const;
  [[nodiscard]] const std::string& version() const;

  // ---- names, resolved once
  [[nodiscard]] std::size_t variable_count() const;
  [[nodiscard]] VariableDescription variable(std::size_t index) const;
  // An attribute the policy tests, `now`, or a setting; nothing for other names.
  [[nodiscard]] std::optional<std::size_t> find_variable(std::string_view name) const;
  [[nodiscard]] std::size_t reason_count() const;  // the default plus one per rule
  // `default`, a rule id, `optout_<setting>`, or `invalid_input`.
  [[nodiscard]] std::string_view reason_name(std::uint16_t reason) const;
  [[nodiscard]] std::string_view reason_description(std::uint16_t reason) const;
  [[nodiscard]] std::optional<std::uint16_t> find_reason(std::string_view name) const;

  // ---- encoding: a field value to its code (what decide() does per field)
  [[nodiscard]] Code encode(std::size_t variable, const FieldValue& value) const;
  // For a setting variable: the code of the effective consent, and whether the value was
  // bad (neither on nor off, which counts as off).
  [[nodiscard]] Code encode_consent(std::size_t variable, const FieldValue& value, bool* bad_value = nullptr) const;
  // For the `now` variable, or any time variable: the code of an epoch time.
  [[nodiscard]] Code encode_time(std::size_t variable, std::int64_t epoch_seconds) const;
  // A column of instants as nanoseconds since the epoch (numpy's datetime64[ns], Arrow's
  // timestamp[ns]) to codes, `out[i]` for `nanoseconds[i]`: for a time variable the code of
  // encode() given the instant's epoch seconds (a fraction of a second counting as after its
  // second), in one call rather than one per value; `missing_instant` (numpy's NaT) is
  // missing. Any other variable reads each instant as that number. `out` holds
  // nanoseconds.size() codes.
  static constexpr std::int64_t missing_instant = std::numeric_limits<std::int64_t>::min();
  void encode_instants(std::size_t variable, std::span<const std::int64_t> nanoseconds, Code* out) const;

  // ---- deciding
  // One code per variable.
  [[nodiscard]] Decision decide(std::span<const Code> codes) const;
  // One field value per variable.
  [[nodiscard]] Decision decide(std::span<const FieldValue> fields) const;
  // Column-major batch: `columns[v][row]` is the code of variable v in row `row`.
  void decide_batch(std::span<const Code* const> columns, std::size_t rows, Decision* decisions) const;

  struct Impl;

 private:
  friend struct runtime::PolicyAccess;
  explicit Policy(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace usegate
