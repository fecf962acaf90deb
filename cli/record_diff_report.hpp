#pragma once
// How `usegate diff --records` reports the record diff (review::RecordDiff): the text section
// after the rows and the `records` member of the JSON output.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/compiler/diff.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/review/record_diff.hpp"

namespace usegate::cli {

// What the report says about how the records were decided.
struct RecordDiffInputs {
  std::string records_path;
  std::int64_t now = 0;
  std::vector<std::string> purposes;  // from --purpose; empty: each record's own
  std::optional<std::string> consent_path;
  const records::ConsentLedger* old_ledger = nullptr;  // both set with a consent file
  const records::ConsentLedger* new_ledger = nullptr;
  bool decisions_only = false;  // the text leaves reason-only pairs out (`--decisions-only`)
};

// The `records (FILE, …): …` section printed after the rows, starting with an empty line.
[[nodiscard]] std::string record_diff_text(const review::RecordDiff& diff, const RecordDiffInputs& inputs);
// The value of the `"records"` member of `diff --format json`, indented as its other members.
[[nodiscard]] std::string record_diff_json(const review::RecordDiff& diff, const RecordDiffInputs& inputs);

// ---- shared with the rows of `usegate diff`

// An outcome as diff prints it: `allow (train_on_posts)`, `reject (invalid_json)`.
[[nodiscard]] std::string outcome_text(std::string_view decision, std::string_view reason);
// `{"decision": "allow", "reason": "train_on_posts"}`.
[[nodiscard]] std::string outcome_json(std::string_view decision, std::string_view reason);
// A direction as a JSON value: `newly_denied`, `newly_allowed`, `reason_only`.
[[nodiscard]] std::string direction_key(compiler::DiffDirection direction);

}  // namespace usegate::cli
