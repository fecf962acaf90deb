#include "record_diff_report.hpp"

#include "diff_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "record_inputs.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"

namespace usegate::cli {
namespace {

constexpr compiler::DiffDirection directions[] = {compiler::DiffDirection::newly_denied,
                                                  compiler::DiffDirection::newly_allowed,
                                                  compiler::DiffDirection::reason_only};

}  // namespace

std::string diff_heading_text(const compiler::PolicyDiff& diff) {
  const auto version_text = [](const std::string& version) { return version.empty() ? std::string("-") : version; };
  const std::string new_side = diff.new_name == diff.old_name
                                   ? version_text(diff.new_version)
                                   : fmt::format("{} {}", diff.new_name, version_text(diff.new_version));
  return fmt::format("diff {} {} → {}", diff.old_name, version_text(diff.old_version), new_side);
}

const char* effect_name(const compiler::RuleDecision& decision) {
  return decision.effect == compiler::Effect::allow ? "allow" : "deny";
}

std::string outcome_text(std::string_view decision, std::string_view reason) {
  return fmt::format("{} ({})", decision, reason);
}

std::string outcome_json(std::string_view decision, std::string_view reason) {
  return fmt::format("{{\"decision\": {}, \"reason\": {}}}", json::quote(decision), json::quote(reason));
}

std::string direction_key(compiler::DiffDirection direction) {
  std::string key = compiler::direction_name(direction);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

std::string record_diff_text(const review::RecordDiff& diff, const RecordDiffInputs& inputs) {
  std::string heading = inputs.records_path;
  heading += ", now ";
  heading += utc_time_text(inputs.now);
  if (!inputs.purposes.empty()) heading += fmt::format(", purposes {}", fmt::join(inputs.purposes, ", "));
  std::string out = fmt::format("\nrecords ({}): {} read, {} changed, {} unchanged, {} rejected\n", heading, diff.read,
                                diff.changed(), diff.unchanged, diff.rejected);
  for (const auto direction : directions) {
    if (inputs.decisions_only && direction == compiler::DiffDirection::reason_only) continue;
    out +=
        fmt::format("  {}: {}\n", compiler::direction_name(direction), counted(diff.changed_in(direction), "record"));
    for (const auto& pair : diff.pairs) {
      if (pair.direction != direction) continue;
      const bool more = pair.records > pair.first_lines.size();
      out += fmt::format("    {} → {}: {}, {}{} {}\n", outcome_text(pair.before.decision, pair.before.reason),
                         outcome_text(pair.after.decision, pair.after.reason), counted(pair.records, "record"),
                         more ? "first " : "", pair.first_lines.size() == 1 ? "line" : "lines",
                         fmt::join(pair.first_lines, ", "));
    }
  }
  if (inputs.consent_path) {
    const auto totals = [](const records::ConsentLedger& ledger) {
      std::string text = fmt::format("{} applied, {} rejected, {} after --now", ledger.applied(), ledger.rejected(),
                                     ledger.after_now());
      if (const std::uint64_t bad = ledger.bad_values_read_as_off(); bad > 0) {
        text += fmt::format(", {} neither on nor off (read as off)", bad);
      }
      return text;
    };
    out += fmt::format("  consent changes ({}): old {}; new {}\n", *inputs.consent_path, totals(*inputs.old_ledger),
                       totals(*inputs.new_ledger));
  }
  return out;
}

std::string record_diff_json(const review::RecordDiff& diff, const RecordDiffInputs& inputs) {
  std::vector<std::string> purposes;
  for (const auto& purpose : inputs.purposes) purposes.push_back(json::quote(purpose));
  std::string consent = "null";
  if (inputs.consent_path) {
    const auto totals = [](const records::ConsentLedger& ledger) {
      return fmt::format("{{\"applied\": {}, \"rejected\": {}, \"after_now\": {}, \"bad_value_read_as_off\": {}}}",
                         ledger.applied(), ledger.rejected(), ledger.after_now(), ledger.bad_values_read_as_off());
    };
    consent = fmt::format("{{\"file\": {}, \"old\": {}, \"new\": {}}}", json::quote(*inputs.consent_path),
                          totals(*inputs.old_ledger), totals(*inputs.new_ledger));
  }
  std::string out = fmt::format(
      "{{\"file\": {}, \"now\": {}, \"purposes\": [{}], \"read\": {}, \"changed\": {}, \"unchanged\": {}, "
      "\"rejected\": {}, \"empty_lines\": {}, \"newly_denied\": {}, \"newly_allowed\": {}, \"reason_only\": {}, "
      "\"consent\": {}, \"pairs\": [",
      json::quote(inputs.records_path), json::quote(utc_time_text(inputs.now)), fmt::join(purposes, ", "), diff.read,
      diff.changed(), diff.unchanged, diff.rejected, diff.empty_lines,
      diff.changed_in(compiler::DiffDirection::newly_denied), diff.changed_in(compiler::DiffDirection::newly_allowed),
      diff.changed_in(compiler::DiffDirection::reason_only), consent);
  for (std::size_t i = 0; i < diff.pairs.size(); ++i) {
    const review::ReasonPair& pair = diff.pairs[i];
    out += fmt::format(
        "{}\n    {{\"direction\": {}, \"old\": {}, \"new\": {}, \"records\": {}, "
        "\"first_lines\": [{}]}}",
        i == 0 ? "" : ",", json::quote(direction_key(pair.direction)),
        outcome_json(pair.before.decision, pair.before.reason), outcome_json(pair.after.decision, pair.after.reason),
        pair.records, fmt::join(pair.first_lines, ", "));
  }
  out += diff.pairs.empty() ? "]}" : "\n  ]}";
  return out;
}

}  // namespace usegate::cli
