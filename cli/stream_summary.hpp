#pragma once
// The summary that ends every `eval` and `filter` run: for people on stderr, as JSON for
// machines (`--summary FILE`).

#include <string>

#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_stream.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

struct StreamSummary {
  const Policy& policy;
  const records::StreamCounts& counts;
  const records::ConsentLedger* ledger;  // null without --consent
  std::int64_t now = 0;                  // the evaluation time every record was decided at
};

// Denials are listed by reason, most frequent first (ties in the policy's reason order);
// `now` as ISO-8601 UTC (`2024-09-01T00:00:00Z`), so that runs can be told apart.
[[nodiscard]] std::string summary_text(const char* command, const StreamSummary& summary);
// Keys: policy, version, now, read, allowed, denied, rejected, empty_lines, denied_by_reason,
// rejected_by_cause, consent_applied, consent_rejected, consent_rejected_by_cause,
// consent_after_now, bad_consent_values, subject_unreadable.
[[nodiscard]] std::string summary_json(const StreamSummary& summary);

}  // namespace usegate::cli
