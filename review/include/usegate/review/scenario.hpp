#pragma once
// A `usegate sim` scenario: a synthetic population described in YAML (docs/sim.md), read and
// checked against the policies it will be simulated under.
//
// Checking is strict because a typo in a scenario silently changes every figure of the
// report: an unknown key, a share outside [0, 1], a mix whose shares do not sum to 1, or a
// name the policies do not declare is an error at the YAML node's line and column.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "usegate/base/result.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::review {

// One value of a mix and its share of users. `value` is the text as written: an enum value,
// `true`/`false` for a bool, a number, or `missing` (the field is absent).
struct ValueShare {
  std::string value;
  double share = 0;
};

// A per-user attribute: each user draws one value.
struct PopulationAttribute {
  std::string name;
  std::vector<ValueShare> values;
};

// A way of using the platform: the platforms a user uses, and the share of users who do.
struct PlatformPattern {
  std::vector<std::string> uses;  // values of the policies' `enum platform`
  double share = 0;
  std::string label;  // `web+ios`
};

// How many records of one value of the records attribute each user has.
struct RecordCount {
  std::string value;
  std::uint32_t count = 0;
};

// A time attribute drawn uniformly per record from [from, until), in epoch seconds.
struct RecordTimes {
  std::string attribute;
  std::int64_t from = 0;
  std::int64_t until = 0;
};

// What users do about one setting.
struct SettingBehaviour {
  std::string name;
  double switch_off = 0;  // share of the users who can reach the setting that switch it off
  std::int64_t acts = 0;  // when they act (the scenario's `now` unless `acts` says otherwise)
};

struct Scenario {
  std::string path;
  std::uint64_t users = 0;
  std::uint64_t seed = 0;
  std::int64_t now = 0;  // epoch seconds
  std::string now_text;  // as written
  std::string purpose_attribute = "purpose";
  std::vector<std::string> purposes;
  std::vector<PopulationAttribute> population;
  std::vector<PlatformPattern> platforms;  // empty: the policies declare no platforms
  std::string records_attribute = "category";
  std::vector<RecordCount> records;
  std::vector<RecordTimes> record_times;
  std::vector<SettingBehaviour> settings;

  [[nodiscard]] std::uint64_t records_per_user() const;
};

// Parses and checks a scenario against the policies it will run under (a name must be
// declared by at least one of them). A scenario that cannot be used is an
// Error::Code::invalid_input whose message is the whole diagnostic, ready to print:
// `FILE:LINE:COL: error: message`, the line, a caret and possibly a help line.
[[nodiscard]] Result<Scenario> load_scenario(const std::string& path, const std::string& text,
                                             std::span<const runtime::CompiledPolicy* const> policies);

// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` to epoch seconds; nothing for anything else.
[[nodiscard]] std::optional<std::int64_t> parse_scenario_time(const std::string& text);

}  // namespace usegate::review
