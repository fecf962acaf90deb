#include "stream_summary.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "record_inputs.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/records/record_decoder.hpp"

namespace usegate::cli {
namespace {

// Denials by reason, most frequent first (ties in reason order).
std::vector<std::pair<std::string, std::uint64_t>> denials(const StreamSummary& summary) {
  std::vector<std::pair<std::string, std::uint64_t>> list;
  const auto& by_reason = summary.counts.denied_by_reason;
  for (std::size_t reason = 0; reason < by_reason.size(); ++reason) {
    if (by_reason[reason] == 0) continue;
    const auto code =
        reason < summary.policy.reason_count() ? static_cast<std::uint16_t>(reason) : Policy::invalid_input_reason;
    list.emplace_back(std::string(summary.policy.reason_name(code)), by_reason[reason]);
  }
  std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return list;
}

std::vector<std::pair<std::string, std::uint64_t>> rejections(const StreamSummary& summary) {
  std::vector<std::pair<std::string, std::uint64_t>> list;
  for (std::size_t cause = 1; cause < records::reject_cause_count; ++cause) {
    const std::uint64_t count = summary.counts.rejected_by_cause[cause];
    if (count > 0) list.emplace_back(records::reject_cause_name(static_cast<records::RejectCause>(cause)), count);
  }
  return list;
}

std::string listing(const std::vector<std::pair<std::string, std::uint64_t>>& items) {
  std::string text;
  for (const auto& [name, count] : items) text += fmt::format("{}{} {}", text.empty() ? "" : ", ", name, count);
  return text;
}

std::string json_object(const std::vector<std::pair<std::string, std::uint64_t>>& items) {
  std::string text = "{";
  for (const auto& [name, count] : items) text += fmt::format("{}\"{}\":{}", text.size() > 1 ? "," : "", name, count);
  return text + "}";
}

}  // namespace

std::string summary_text(const char* command, const StreamSummary& summary) {
  const auto& counts = summary.counts;
  std::string text = fmt::format("usegate {}: {}: {} allowed, {} denied, {} rejected", command,
                                 counted(counts.read, "record"), counts.allowed, counts.denied, counts.rejected);
  if (counts.empty_lines > 0) text += fmt::format(" ({} skipped)", counted(counts.empty_lines, "empty line"));
  text += "\n";
  if (counts.denied > 0) text += "  denied by reason: " + listing(denials(summary)) + "\n";
  if (counts.rejected > 0) text += "  rejected by cause: " + listing(rejections(summary)) + "\n";
  if (counts.bad_consent_values > 0) {
    text += fmt::format("  setting values neither on nor off (read as off): {}\n", counts.bad_consent_values);
  }
  if (summary.ledger) {
    text += fmt::format("  consent changes: {} applied, {} rejected, {} after --now\n", summary.ledger->applied(),
                        summary.ledger->rejected(), summary.ledger->after_now());
    if (const std::uint64_t bad = summary.ledger->bad_values_read_as_off(); bad > 0) {
      text += fmt::format("  consent change values neither on nor off (read as off): {}\n", bad);
    }
  }
  if (counts.subject_unreadable > 0) {
    text += fmt::format("  records whose subject could not be read (their settings read as off): {}\n",
                        counts.subject_unreadable);
  }
  text += fmt::format("  policy: {} version {}\n", summary.policy.name(),
                      summary.policy.version().empty() ? "-" : summary.policy.version());
  text += fmt::format("  now: {}\n", utc_time_text(summary.now));
  return text;
}

std::string summary_json(const StreamSummary& summary) {
  const auto& counts = summary.counts;
  std::vector<std::pair<std::string, std::uint64_t>> consent_causes;
  if (summary.ledger) {
    for (const auto& [cause, count] : summary.ledger->rejected_by_cause()) consent_causes.emplace_back(cause, count);
  }
  return fmt::format(
      "{{\"policy\":{},\"version\":{},\"now\":\"{}\",\"read\":{},\"allowed\":{},\"denied\":{},\"rejected\":{},"
      "\"empty_lines\":{},\"denied_by_reason\":{},\"rejected_by_cause\":{},\"consent_applied\":{},"
      "\"consent_rejected\":{},\"consent_rejected_by_cause\":{},\"consent_after_now\":{},"
      "\"consent_bad_value_read_as_off\":{},\"bad_consent_values\":{},\"subject_unreadable\":{}}}\n",
      json::quote(summary.policy.name()), json::quote(summary.policy.version()), utc_time_text(summary.now),
      counts.read, counts.allowed, counts.denied, counts.rejected, counts.empty_lines, json_object(denials(summary)),
      json_object(rejections(summary)), summary.ledger ? summary.ledger->applied() : 0,
      summary.ledger ? summary.ledger->rejected() : 0, json_object(consent_causes),
      summary.ledger ? summary.ledger->after_now() : 0, summary.ledger ? summary.ledger->bad_values_read_as_off() : 0,
      counts.bad_consent_values, counts.subject_unreadable);
}

}  // namespace usegate::cli
