#pragma once
// Consent from a stream of setting changes: JSON Lines of
//
//   {"user": "u42", "setting": "grok_sharing", "value": "off", "platform": "web", "ts": "2024-07-27T10:00:00Z"}
//
// Each subject's state as of `now` is kept: for every setting, the last change at or before
// `now` (in file order for equal times). `user` holds the subject — the user, or whatever field
// the bindings key the setting by (a workspace, a blog) — as a string or a number, matched by
// value (subject_key.hpp: 50, 50.0, 5e1 and "50" are one subject).
//
// `value` is "on", "off", true, false, or null (back to the default). Any other value ("OFF",
// "disabled", 1, "maybe") is applied as off — a garbled opt-out is still an opt-out, and
// never grants consent the user did not give — and reported as a note with its line
// (`bad_value_read_as_off`); it passes the same checks as any change first.
//
// A change is rejected — counted, reported with its line, and never applied — when it is not
// a JSON object, lacks a field, has a `user` that is neither a string nor a number, names an
// unknown setting, has a bad time or an unknown platform, or was made on a platform where the
// setting was not available at that time: on a listed platform, at or after `from` and before
// `until` (exclusive), to the second, a fraction of a second counting as after its second.
//
// A change recorded under a setting's former name (`formerly`) counts for the setting when no
// name before it has a value: its own name first, then the former names in the order the
// policy lists them.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "usegate/usegate.hpp"

namespace usegate::records {

// A change reported with its line: rejected (never applied), or applied with a caveat.
struct ConsentChangeNote {
  std::uint64_t line = 0;
  bool applied = false;  // true: applied anyway (a bad value read as off)
  std::string cause;     // e.g. `unavailable`, `bad_value_read_as_off`
  std::string message;   // for people
  // The offending value on the line (1-based byte column, length as written): the setting
  // for an unknown one, the platform where the setting was unavailable, the value read as
  // off. Column 0 when the line as a whole is at fault (not JSON, a field missing) or is not
  // kept.
  std::uint32_t column = 0;
  std::uint32_t length = 0;
  std::string text;  // the line, when at most max_shown_line bytes; empty otherwise
};

class ConsentLedger {
 public:
  // Reads changes from a descriptor it does not own. Throws std::runtime_error when the
  // input cannot be read.
  static ConsentLedger read(int descriptor, const Policy& policy, std::int64_t now);

  // The subject's value for a setting (by index in the policy's settings): on, off, or
  // nothing when unset. `subject_key` is the subject's KEY (subject_key_from_string or
  // subject_key_from_number), not its text: a raw id finds nothing.
  [[nodiscard]] std::optional<bool> value(std::size_t setting, std::string_view subject_key) const;
  // The same value with the line of the change that set it (`usegate explain` shows it); line
  // 0 when that line is past 2^32 - 1, which a slot does not keep.
  struct Source {
    bool on = false;
    std::uint64_t line = 0;
  };
  [[nodiscard]] std::optional<Source> source(std::size_t setting, std::string_view subject_key) const;

  // Changes applied, bad values read as off included.
  [[nodiscard]] std::uint64_t applied() const { return applied_; }
  // Applied changes whose value was neither on nor off (nor null), read as off.
  [[nodiscard]] std::uint64_t bad_values_read_as_off() const { return bad_values_read_as_off_; }
  [[nodiscard]] std::uint64_t rejected() const { return rejected_; }
  [[nodiscard]] std::uint64_t after_now() const { return after_now_; }
  [[nodiscard]] const std::map<std::string, std::uint64_t>& rejected_by_cause() const { return rejected_by_cause_; }
  // Per setting (by index in the policy's settings): the rejected changes that named it (or a
  // former name of it) — those made where or when it was not available, or without a platform
  // the policy knows. A change rejected before its setting could be told counts in
  // rejected() only.
  [[nodiscard]] const std::vector<std::uint64_t>& rejected_by_setting() const { return rejected_by_setting_; }
  // How many subjects have the value `on` for a setting as of `now` (as value() gives it).
  [[nodiscard]] std::uint64_t subjects_with_value(std::size_t setting, bool on) const;
  // The first rejections and bad values read as off, in input order (all of them are counted).
  [[nodiscard]] const std::vector<ConsentChangeNote>& notes() const { return notes_; }

  static constexpr std::size_t kept_notes = 100;
  // Longer lines are not kept with their note: a note is for reading, and memory stays bounded.
  static constexpr std::size_t max_shown_line = 1024;

 private:
  struct Change {
    double time_key = 0;
    std::uint32_t line = 0;  // the change's line; 0 past 2^32 - 1 (it fits beside the value, not costing a byte)
    std::uint8_t value = 0;  // 0 unset, 1 off, 2 on
    bool present = false;
  };
  // Per subject: one slot per name a setting's changes are recorded under — for each setting
  // in policy order, its own name, then its former names in policy order.
  using SubjectState = std::vector<Change>;
  // Looked up by the string_view a record decoder holds, without a copy.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };

  [[nodiscard]] const Change* change_of(const SubjectState& state, std::size_t setting) const;
  [[nodiscard]] std::optional<bool> value_of(const SubjectState& state, std::size_t setting) const;

  std::unordered_map<std::string, SubjectState, KeyHash, std::equal_to<>> subjects_;  // by subject key
  std::vector<std::size_t> first_slot_;  // per setting, and the slot count last
  std::uint64_t applied_ = 0;
  std::uint64_t bad_values_read_as_off_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t after_now_ = 0;
  std::map<std::string, std::uint64_t> rejected_by_cause_;
  std::vector<std::uint64_t> rejected_by_setting_;
  std::vector<ConsentChangeNote> notes_;
};

}  // namespace usegate::records
