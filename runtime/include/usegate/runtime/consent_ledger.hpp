#pragma once
// Consent from a stream of setting changes: JSON Lines of
//
//   {"user": "u42", "setting": "grok_sharing", "value": "off", "platform": "web", "ts": "2024-07-27T10:00:00Z"}
//
// Each subject's state as of `now` is kept: for every setting, the last change at or before
// `now` (in file order for equal times). `user` holds the subject: the user, or whatever field
// the bindings key the setting by (a workspace, a blog). `value` is "on", "off", true, false,
// or null (back to the default). A change is rejected — counted, reported with its line, and
// never applied — when it is not a JSON object, lacks a field, names an unknown setting, has
// a bad value, a bad time or an unknown platform, or was made on a platform where the
// setting was not available at that time. A change recorded under a setting's former name
// counts for the setting when its own name has no value.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "usegate/usegate.hpp"

namespace usegate::runtime {

struct RejectedConsentChange {
  std::uint64_t line = 0;
  std::string cause;    // e.g. `unavailable`
  std::string message;  // for people
};

class ConsentLedger {
 public:
  // Reads changes from a descriptor it does not own. Throws std::runtime_error when the
  // input cannot be read.
  static ConsentLedger read(int descriptor, const Policy& policy, std::int64_t now);

  // The subject's value for a setting (by index in the policy's settings): on, off, or
  // nothing when unset.
  [[nodiscard]] std::optional<bool> value(std::size_t setting, std::string_view subject) const;

  [[nodiscard]] std::uint64_t applied() const { return applied_; }
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
  // The first rejections, in input order (all of them are counted).
  [[nodiscard]] const std::vector<RejectedConsentChange>& rejections() const { return rejections_; }

  static constexpr std::size_t kept_rejections = 100;

 private:
  struct Change {
    double time_key = 0;
    std::uint8_t value = 0;  // 0 unset, 1 off, 2 on
    bool present = false;
  };
  // Per subject: per setting, the change under its own name and under a former name.
  struct SubjectState {
    std::vector<Change> own;
    std::vector<Change> former;
  };

  [[nodiscard]] static std::optional<bool> value_of(const SubjectState& state, std::size_t setting);

  std::unordered_map<std::string, SubjectState> subjects_;
  std::size_t setting_count_ = 0;
  std::uint64_t applied_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t after_now_ = 0;
  std::map<std::string, std::uint64_t> rejected_by_cause_;
  std::vector<std::uint64_t> rejected_by_setting_;
  std::vector<RejectedConsentChange> rejections_;
};

}  // namespace usegate::runtime
