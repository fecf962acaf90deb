#pragma once
// The summary that ends every `eval` and `filter` run: for people on stderr, as JSON for
// machines (`--summary FILE`).

#include <string>

#include "usegate/runtime/consent_ledger.hpp"
#include "usegate/runtime/record_stream.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

struct StreamSummary {
  const Policy& policy;
  const runtime::StreamCounts& counts;
  const runtime::ConsentLedger* ledger;  // null without --consent
};

[[nodiscard]] std::string summary_text(const char* command, const StreamSummary& summary);
// Keys: policy, version, read, allowed, denied, rejected, empty_lines, denied_by_reason,
// rejected_by_cause, consent_applied, consent_rejected, consent_rejected_by_cause,
// consent_after_now, bad_consent_values, subject_unreadable.
[[nodiscard]] std::string summary_json(const StreamSummary& summary);

}  // namespace usegate::cli
