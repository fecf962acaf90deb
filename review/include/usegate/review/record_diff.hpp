#pragma once
// `usegate diff OLD NEW --records FILE`: every record of a JSON Lines file decided under both
// versions, as `usegate eval` decides it under each, and the records whose decision or
// reason changes counted by direction and by reason pair, with the first line numbers of each.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/compiler/diff.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/records/record_lines.hpp"
#include "usegate/usegate.hpp"

namespace usegate::review {

// How one version reads and decides the records.
struct RecordDiffVersion {
  const Policy& policy;
  const records::Bindings& bindings;
  const records::ConsentLedger* ledger;  // null without --consent
  records::PurposeCodes purposes;        // no codes: each record's own purpose
};

// What one version made of a record: `allow` or `deny` with the deciding reason, or `reject`
// with the cause when it could not read the record.
struct RecordOutcome {
  std::string decision;
  std::string reason;
};

// The records that went from one outcome to another.
struct ReasonPair {
  compiler::DiffDirection direction = compiler::DiffDirection::reason_only;
  RecordOutcome before;
  RecordOutcome after;
  std::uint64_t records = 0;
  std::vector<std::uint64_t> first_lines;  // physical line numbers, at most first_lines_kept
};

inline constexpr std::size_t first_lines_kept = 5;

struct RecordDiff {
  std::uint64_t read = 0;       // records: every line that is not blank
  std::uint64_t unchanged = 0;  // the same decision for the same reason under both
  std::uint64_t rejected = 0;   // rejected by both: neither can read it
  std::uint64_t empty_lines = 0;
  std::vector<ReasonPair> pairs;  // by direction (as diff prints rows), most records first

  [[nodiscard]] std::uint64_t changed() const { return read - unchanged - rejected; }
  [[nodiscard]] std::uint64_t changed_in(compiler::DiffDirection direction) const;
};

// An outcome as numbers while counting: a decision and its reason, or a rejection and its
// cause. Reasons are numbered by name across both versions (a rule id, `optout_S`,
// `default`), so equal codes mean equal names whatever place the rule has in each policy.
struct OutcomeCode {
  enum class Kind : std::uint8_t { allow, deny, reject } kind = Kind::deny;
  std::uint16_t code = 0;  // the reason's number by name, or the RejectCause

  auto operator<=>(const OutcomeCode&) const = default;
};

// Where one record goes in the diff.
enum class RecordChange : std::uint8_t {
  unchanged,         // the same decision for a reason of the same name
  rejected_by_both,  // neither version can read it
  newly_denied,      // allowed by OLD, denied or rejected by NEW
  newly_allowed,     // denied or rejected by OLD, allowed by NEW
  reason_only,       // not allowed by either, for reasons (or causes) of other names
};

struct RecordComparison {
  OutcomeCode before;
  OutcomeCode after;
  RecordChange change = RecordChange::unchanged;
};

// Decides records under both versions, as `usegate eval` decides them under each, and compares
// the outcomes. Not copyable: it holds both versions' decoders.
class RecordComparer {
 public:
  RecordComparer(const RecordDiffVersion& old_version, const RecordDiffVersion& new_version, std::int64_t now);
  ~RecordComparer();
  RecordComparer(const RecordComparer&) = delete;
  RecordComparer& operator=(const RecordComparer&) = delete;

  [[nodiscard]] RecordComparison compare(const records::InputLine& line);
  // An outcome with its names: `before` as OLD names it, `after` as NEW does.
  [[nodiscard]] RecordOutcome named(const OutcomeCode& outcome) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Reads the records from `descriptor` to its end and compares the versions' outcomes. A
// record one version rejects and the other decides is a change like any other: a rejected
// record is never allowed. Throws std::runtime_error when reading fails.
[[nodiscard]] RecordDiff diff_records(int descriptor, const RecordDiffVersion& old_version,
                                      const RecordDiffVersion& new_version, std::int64_t now,
                                      std::size_t max_line = records::default_max_line,
                                      const records::ReadProgress& progress = {});

}  // namespace usegate::review
