#pragma once
// The simulation behind `usegate sim`: users and their records, decided under one or more
// policies, tallied into reports.
//
// Two halves that do not know about each other:
// - a record source presents users one at a time — the user's field values and what the
//   user does about each setting — followed by that user's records. run_population draws
//   them from a scenario. (Real records, `sim --records`, are read by the runtime's record
//   decoder instead — review/record_simulation.hpp — and counted through the same DecisionTally.)
// - a PolicySimulation per policy resolves each user's consent (a change takes effect only
//   where and when the policy makes the setting available), decides every record for every
//   purpose with the compiled table, and counts.
//
// Everything per record is array reads and increments: no allocation, no name lookups, no
// virtual calls (docs/sim.md has the measured rate).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "usegate/review/scenario.hpp"
#include "usegate/usegate.hpp"

namespace usegate::review {

// One field every simulated record carries.
struct SimulationField {
  std::string name;
  bool per_user = false;            // the same for all of a user's records
  bool is_time = false;             // a value is epoch seconds; otherwise an index into `values`
  bool attribute = true;            // read by the policies; false for a grouping they do not read
  bool breakdown = false;           // the report gives the usable share per value
  std::vector<std::string> values;  // as written in the scenario; `missing` means absent
};

// What the records of a run look like, named once before the first record.
struct SimulationSchema {
  std::vector<SimulationField> fields;
  std::string purpose_attribute;
  std::vector<std::string> purposes;   // every record is decided once per purpose
  std::vector<std::string> settings;   // the settings users act on (SimulatedUser::actions)
  std::vector<std::string> platforms;  // bit i of a platform mask is platforms[i]
  std::int64_t now = 0;                // the evaluation time, epoch seconds
};

// What a user does about one setting: on the platforms they use, at one time, they look for
// it, and if the policy makes it available there and then, it is within their reach; if they
// mean to switch it off, it is off from then on.
struct SettingAction {
  std::uint32_t platforms = 0;  // mask over SimulationSchema::platforms
  std::int64_t time = 0;        // epoch seconds
  bool switch_off = false;
};

// One user as a source presents it. `values` has one entry per schema field (the entries of
// per-record fields are ignored here); `actions` one per schema setting.
struct SimulatedUser {
  std::uint64_t id = 0;
  std::span<const std::int64_t> values;
  std::span<const SettingAction> actions;
};

// ---- the report of one policy

struct UsableCount {
  std::uint64_t records = 0;
  std::uint64_t usable = 0;
};

// The usable share per value of one field.
struct Breakdown {
  std::string field;
  std::vector<std::string> values;
  std::vector<UsableCount> counts;  // parallel to values
};

struct ReasonCount {
  std::string reason;  // `default`, a rule id, `optout_<setting>` or `invalid_input`
  std::string description;
  std::uint64_t allowed = 0;  // records this reason allowed
  std::uint64_t denied = 0;   // records this reason denied
};

struct PurposeReport {
  std::string purpose;
  UsableCount all;
  std::vector<Breakdown> breakdowns;  // in schema field order
  std::vector<ReasonCount> reasons;   // every reason of the policy, in rule order
};

// Reach among the users of one platform pattern (`web+ios`): who could reach the setting.
struct PatternReach {
  std::string platforms;  // the pattern's label
  std::uint64_t users = 0;
  std::uint64_t reached = 0;
};

struct SettingReport {
  std::string name;
  std::vector<std::string> formerly;
  bool default_on = false;
  std::string acts_as;              // the schema setting whose actions apply to it
  std::uint64_t users_reached = 0;  // users to whom it was available when they acted
  std::uint64_t users_switched_off = 0;
  std::uint64_t records_removed = 0;  // denied with reason `optout_<name>`, all purposes
  // Per platform pattern of the scenario, in its order (empty without platforms).
  std::vector<PatternReach> reach_by_platforms;
};

struct SimulationReport {
  std::string policy_name;
  std::string policy_version;
  std::uint64_t users = 0;
  std::uint64_t records = 0;  // per purpose
  std::vector<PurposeReport> purposes;
  std::vector<SettingReport> settings;  // in the policy's order
};

// ---- counting decisions

// The decisions of one policy, counted per purpose: records and usable records overall and in
// each tally slot (one per value of each breakdown), and records per deciding reason. The
// synthetic population and real records (`sim --records`) count alike through it.
class DecisionTally {
 public:
  DecisionTally() = default;
  // Slot 0 counts every record; slots 1 to `breakdown_slots` are the breakdowns' values.
  DecisionTally(const Policy& policy, std::size_t purposes, std::size_t breakdown_slots);

  // One decision of a record for a purpose; `slots` are the record's breakdown slots.
  void add(std::size_t purpose, Decision decision, std::span<const std::uint32_t> slots) {
    // The record, usable or not, added to each tally as one pair: written so, GCC keeps the
    // pair in a vector register across the loop (as two increments, `sim` measured 12% slower).
    const UsableCount one{1, decision.allowed ? 1U : 0U};
    UsableCount* tallies = tallies_.data() + purpose * slots_per_purpose_;
    count(tallies[0], one);
    for (const std::uint32_t slot : slots) count(tallies[slot], one);
    // A reason always has the same effect (its rule's, or the default's), so one count each;
    // `invalid_input` (a reason number above every rule's) is the last.
    const std::size_t invalid = reasons_per_purpose_ - 1;
    reason_tallies_[purpose * reasons_per_purpose_ + std::min<std::size_t>(decision.reason, invalid)] += 1;
  }

  [[nodiscard]] const UsableCount& usable(std::size_t purpose, std::size_t slot) const {
    return tallies_[purpose * slots_per_purpose_ + slot];
  }
  // Every reason of the policy (the one counted) in rule order, the default first and
  // `invalid_input` last.
  [[nodiscard]] std::vector<ReasonCount> reasons(const Policy& policy, std::size_t purpose) const;
  // The decisions, over all purposes, whose reason is the setting's opt-out.
  [[nodiscard]] std::uint64_t removed_by_opt_out(const Policy& policy, const std::string& setting) const;

 private:
  static void count(UsableCount& tally, const UsableCount& one) {
    tally.records += one.records;
    tally.usable += one.usable;
  }

  std::size_t purposes_ = 0;
  std::size_t slots_per_purpose_ = 1;
  std::vector<UsableCount> tallies_;  // [purpose][slot]
  // [purpose][reason], the last reason being `invalid_input`.
  std::size_t reasons_per_purpose_ = 0;
  std::vector<std::uint64_t> reason_tallies_;
};

// ---- deciding and counting under one policy

class PolicySimulation {
 public:
  // Resolves the schema's names in the policy once. `schema` must outlive the simulation.
  PolicySimulation(Policy policy, const SimulationSchema& schema);

  // A new user: encodes the per-user fields and resolves the user's consent.
  void begin_user(const SimulatedUser& user);
  // One record of the current user: a value per schema field (per-user entries are ignored).
  void add_record(std::span<const std::int64_t> values);

  [[nodiscard]] SimulationReport report() const;

  [[nodiscard]] const Policy& policy() const { return policy_; }
  // The current user's effective consent to the policy's setting `setting` (index into
  // compiled().settings).
  [[nodiscard]] bool consents(std::size_t setting) const;

 private:
  struct FieldPlan {
    std::int32_t variable = -1;  // the policy variable the field sets, -1 if none
    bool per_user = false;
    bool is_time = false;
    std::vector<Code> codes;         // categorical: the code of each value; time: of each span
    std::vector<std::int64_t> cuts;  // time: the seconds where the code changes, ascending
    std::int32_t breakdown = -1;     // first tally slot of its breakdown, -1 if none
    std::int32_t slot = -1;          // its entry in slots_, -1 if none
  };
  struct Window {
    std::uint32_t platforms = 0;  // mask over the schema's platforms
    std::int64_t from = INT64_MIN;
    std::int64_t until = INT64_MAX;
  };
  struct SettingPlan {
    std::int32_t variable = -1;
    std::int32_t action = -1;  // index into SimulatedUser::actions, -1 if users never act
    bool default_on = false;
    std::vector<Window> availability;  // empty: available everywhere, always
    bool on = false;                   // the current user's effective value
  };
  void time_codes(FieldPlan& plan, const std::vector<double>& constants) const;
  [[nodiscard]] bool reachable(const SettingPlan& setting, const SettingAction& action) const;

  Policy policy_;
  const SimulationSchema* schema_;
  std::vector<FieldPlan> fields_;
  std::vector<std::size_t> record_fields_;     // fields that change per record
  std::vector<std::size_t> breakdown_fields_;  // fields with a breakdown, in order
  std::vector<SettingPlan> settings_;
  std::int32_t purpose_variable_ = -1;
  std::vector<Code> purpose_codes_;
  std::vector<Code> codes_;           // the current record, one code per variable
  std::vector<std::uint32_t> slots_;  // the current record's tally slot per breakdown

  DecisionTally tally_;
  std::uint64_t users_ = 0;
  std::uint64_t records_ = 0;
  std::vector<std::uint64_t> reached_;
  std::vector<std::uint64_t> switched_off_;
  // Reach per platform pattern: the schema field holding the user's pattern (-1 without
  // platforms), the users of each pattern, and per setting the users of each who reached it.
  std::int32_t pattern_field_ = -1;
  std::vector<std::uint64_t> users_by_pattern_;
  std::vector<std::vector<std::uint64_t>> reached_by_pattern_;
};

// ---- the synthetic population of a scenario

// The schema of a scenario run under these policies, fields in this order: the records
// attribute, the population attributes and the platform usage pattern (`platforms`, when the
// policies declare platforms) per user, the record times per record. Settings: the
// scenario's first, then any other setting a policy declares (users never act on those).
[[nodiscard]] SimulationSchema schema_of(const Scenario& scenario, std::span<const Policy> policies);

// Is told about each generated user and record (for `--write-records`).
class RecordObserver {
 public:
  virtual ~RecordObserver() = default;
  virtual void user(const SimulatedUser& user) = 0;
  virtual void record(std::span<const std::int64_t> values) = 0;
};

// Draws every user and record of a scenario from its seed and hands them to each simulation.
//
// The draws come in a fixed order from std::mt19937_64 (whose output the C++ standard fixes)
// through a uniform [0, 1) taken from the top 53 bits, so a seed gives the same population on
// every machine and under every policy: per user, one draw per population attribute, one for
// the platform pattern, one per scenario setting; then per record one per record time.
void run_population(const Scenario& scenario, const SimulationSchema& schema, std::span<PolicySimulation> simulations,
                    RecordObserver* observer, const std::function<void(std::uint64_t users_done)>& progress);

}  // namespace usegate::review
