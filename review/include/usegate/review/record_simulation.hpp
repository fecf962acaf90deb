#pragma once
// `usegate sim POLICY --records FILE`: the simulation over real records instead of a synthetic
// population. Every record is read under each policy by the runtime's record decoder — with the
// bindings and the consent file, exactly as `usegate eval` reads it — decided once per purpose,
// and counted through the DecisionTally of the synthetic simulation, so the report has the
// same per-purpose figures (cli/sim_report.hpp renders both).
//
// What records cannot give is reach: they do not say on which platforms their users could have
// changed a setting, nor when they looked for it. The settings part of the report therefore
// has the records each opt-out removed and, from the consent file, who switched a setting off
// and which changes were rejected, but no reach.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_lines.hpp"
#include "usegate/review/simulation.hpp"
#include "usegate/usegate.hpp"

namespace usegate::review {

// One policy of a run and how it reads the records.
struct RecordSimulationPolicy {
  Policy policy;
  records::Bindings bindings;
  std::optional<records::ConsentLedger> ledger;  // with --consent
};

struct RecordSettingReport {
  std::string name;
  std::vector<std::string> formerly;
  bool default_on = false;
  std::uint64_t records_removed = 0;  // decisions denied by `optout_<name>`, all purposes
  // From the consent file (0 without one): the subjects whose value as of `now` is off, and
  // the changes to the setting that were rejected (ConsentLedger::rejected_by_setting).
  std::uint64_t subjects_switched_off = 0;
  std::uint64_t changes_rejected = 0;
};

struct ConsentTotals {
  std::uint64_t applied = 0;
  std::uint64_t rejected = 0;
  std::uint64_t after_now = 0;
};

struct RecordPolicyReport {
  std::string policy_name;
  std::string policy_version;
  std::uint64_t records = 0;  // decided, per purpose
  std::vector<PurposeReport> purposes;
  std::vector<RecordSettingReport> settings;  // in the policy's order
  std::optional<ConsentTotals> consent;       // with --consent
};

struct RecordSimulationCounts {
  std::uint64_t read = 0;      // records: the lines that are not blank
  std::uint64_t decided = 0;   // read by every policy, and in every figure
  std::uint64_t rejected = 0;  // some policy cannot read it: usable for no purpose, in no figure
  std::uint64_t empty_lines = 0;
};

class RecordSimulation {
 public:
  // `policies` must outlive the simulation. Each record is decided once for each of
  // `purposes` (values of the enum `purpose`), in place of its own purpose; a purpose a policy
  // does not declare reads as `unknown` under it.
  RecordSimulation(std::span<const RecordSimulationPolicy> policies, const std::vector<std::string>& purposes,
                   std::int64_t now);
  ~RecordSimulation();
  RecordSimulation(const RecordSimulation&) = delete;
  RecordSimulation& operator=(const RecordSimulation&) = delete;

  // Reads records from `descriptor` to its end, telling `progress` after each block. Throws
  // std::runtime_error when reading fails.
  void run(int descriptor, std::size_t max_line = records::default_max_line,
           const records::ReadProgress& progress = {});

  [[nodiscard]] const RecordSimulationCounts& counts() const { return counts_; }
  // One report per policy, in order. Every report has the same breakdowns: the enum
  // attributes (but `purpose`) that any of the policies tests, each with every value any of
  // them declares, then `missing` and `unknown` where some record has them.
  [[nodiscard]] std::vector<RecordPolicyReport> reports() const;

 private:
  struct PolicyState;
  struct BreakdownField;
  void add(const records::InputLine& line);

  std::span<const RecordSimulationPolicy> policies_;
  std::vector<std::string> purposes_;
  std::vector<PolicyState> states_;
  std::vector<BreakdownField> fields_;
  std::vector<std::uint32_t> slots_;  // the current record's tally slot per breakdown
  RecordSimulationCounts counts_;
};

}  // namespace usegate::review
