#pragma once
// How one bound field's value becomes its variable's code: the rules `eval` reads a record
// by, shared by every reader of records — the JSON Lines decoder and readers of columns (the
// Python module) alike — so that a value means the same whichever way it comes in.
//
//   value in the record             attribute (enum, bool, number, time)    setting
//   absent, null                    missing                                 not recorded: next name, else default
//   a value the policy can read     its code                                on or off
//   anything else                   unknown                                 read as off (a bad value)
//
// A binding's value map renames a value first, matched on its text as written (a string's
// content, `true`/`false`, a number token); a time binding's format then decides whether text
// or numbers are read (bindings.hpp).

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/usegate.hpp"

namespace usegate::records {

// The kind of a record value, as JSON has them.
enum class ValueType : std::uint8_t { null, boolean, number, string, composite };

// Applies a binding's time format: what is not in that format reads as unknown.
[[nodiscard]] FieldValue apply_time_format(TimeFormat format, const FieldValue& field);

// The code of one bound attribute's value. `type` is the value's JSON kind, `number_token` a
// number as written (value maps match numbers by their text).
class AttributeReader {
 public:
  AttributeReader(const Policy& policy, const AttributeBinding& binding);

  [[nodiscard]] Code read(ValueType type, const FieldValue& field, std::string_view number_token = {}) const;
  [[nodiscard]] std::size_t variable() const { return variable_; }
  [[nodiscard]] bool maps_values() const { return !value_map_.empty(); }
  [[nodiscard]] TimeFormat time_format() const { return time_format_; }
  [[nodiscard]] VariableDescription::Kind kind() const { return kind_; }

 private:
  const Policy* policy_;
  std::size_t variable_;
  VariableDescription::Kind kind_;
  TimeFormat time_format_;
  std::vector<std::pair<std::string, std::string>> value_map_;
};

// The code of an attribute bound to a constant (`{constant: training}`).
[[nodiscard]] Code constant_code(const Policy& policy, const AttributeBinding& binding);

// Where one record's consent for a setting comes from.
struct SettingInputs {
  // The consent changes, or null. With changes given, `subject_key` is the record's subject
  // (subject_key.hpp), or null when the record's subject could not be read.
  const ConsentLedger* ledger = nullptr;
  const std::string* subject_key = nullptr;
  // The record's own values: under the setting's name, then its former names in order.
  std::span<const FieldValue> recorded;
};

struct SettingCode {
  Code code = 0;
  bool bad_value = false;           // a recorded value neither on nor off, read as off
  bool subject_unreadable = false;  // changes given but no subject: read as off
};

// The consent changes' value for the subject wins; else the first recorded value that is
// neither absent nor null; else the setting's default. `setting` is the setting's index in
// the policy (and in Bindings::settings), `variable` its variable.
[[nodiscard]] SettingCode setting_code(const Policy& policy, std::size_t setting, std::size_t variable,
                                       const SettingInputs& inputs);

}  // namespace usegate::records
