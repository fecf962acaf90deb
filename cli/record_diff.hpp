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

#include "record_inputs.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/runtime/bindings.hpp"
#include "usegate/runtime/block_reader.hpp"
#include "usegate/runtime/consent_ledger.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

// How one version reads and decides the records.
struct RecordDiffVersion {
  const Policy& policy;
  const runtime::Bindings& bindings;
  const runtime::ConsentLedger* ledger;  // null without --consent
  PurposeCodes purposes;                 // no codes: each record's own purpose
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

  [[nodiscard]] RecordComparison compare(const runtime::InputLine& line);
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
                                      const RecordDiffVersion& new_version, std::int64_t now);

// What the report says about how the records were decided.
struct RecordDiffInputs {
  std::string records_path;
  std::int64_t now = 0;
  std::vector<std::string> purposes;  // from --purpose; empty: each record's own
  std::optional<std::string> consent_path;
  const runtime::ConsentLedger* old_ledger = nullptr;  // both set with a consent file
  const runtime::ConsentLedger* new_ledger = nullptr;
};

// The `records (FILE, …): …` section printed after the rows, starting with an empty line.
[[nodiscard]] std::string record_diff_text(const RecordDiff& diff, const RecordDiffInputs& inputs);
// The value of the `"records"` member of `diff --format json`, indented as its other members.
[[nodiscard]] std::string record_diff_json(const RecordDiff& diff, const RecordDiffInputs& inputs);

// ---- shared with the rows of `usegate diff`

// An outcome as diff prints it: `allow (train_on_posts)`, `reject (invalid_json)`.
[[nodiscard]] std::string outcome_text(std::string_view decision, std::string_view reason);
// `{"decision": "allow", "reason": "train_on_posts"}`.
[[nodiscard]] std::string outcome_json(std::string_view decision, std::string_view reason);
// A direction as a JSON value: `newly_denied`, `newly_allowed`, `reason_only`.
[[nodiscard]] std::string direction_key(compiler::DiffDirection direction);

}  // namespace usegate::cli
