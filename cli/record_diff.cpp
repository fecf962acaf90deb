#include "record_diff.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "usegate/base/json_text.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/runtime/record_decoder.hpp"
#include "usegate/runtime/record_stream.hpp"

namespace usegate::cli {
namespace {

using compiler::DiffDirection;

// An outcome as numbers while counting: a decision and its reason number, or a rejection and
// its cause; names are looked up once per pair at the end.
struct OutcomeCode {
  enum class Kind : std::uint8_t { allow, deny, reject } kind = Kind::deny;
  std::uint16_t code = 0;  // the reason (Policy::reason_name) or the RejectCause

  auto operator<=>(const OutcomeCode&) const = default;
};

// One version's decoder and the codes of the record in hand.
class VersionReader {
 public:
  VersionReader(const RecordDiffVersion& version, std::int64_t now)
      : version_(version),
        decoder_(version.policy, version.bindings, version.ledger, now),
        codes_(version.policy.variable_count(), 0) {}

  OutcomeCode outcome(const runtime::InputLine& line) {
    const runtime::RejectCause cause =
        line.too_long ? runtime::RejectCause::line_too_long : decoder_.decode(line, codes_.data());
    if (cause != runtime::RejectCause::none) return {OutcomeCode::Kind::reject, static_cast<std::uint16_t>(cause)};
    const Decision decision =
        runtime::decide_for_purposes(version_.policy, codes_, version_.purposes.variable, version_.purposes.codes);
    return {decision.allowed ? OutcomeCode::Kind::allow : OutcomeCode::Kind::deny, decision.reason};
  }

  [[nodiscard]] RecordOutcome named(const OutcomeCode& outcome) const {
    switch (outcome.kind) {
      case OutcomeCode::Kind::allow: return {"allow", std::string(version_.policy.reason_name(outcome.code))};
      case OutcomeCode::Kind::deny: return {"deny", std::string(version_.policy.reason_name(outcome.code))};
      case OutcomeCode::Kind::reject:
        return {"reject", runtime::reject_cause_name(static_cast<runtime::RejectCause>(outcome.code))};
    }
    return {};
  }

 private:
  const RecordDiffVersion& version_;
  runtime::RecordDecoder decoder_;
  std::vector<Code> codes_;
};

DiffDirection direction_of(const OutcomeCode& before, const OutcomeCode& after) {
  const bool allowed_before = before.kind == OutcomeCode::Kind::allow;
  const bool allowed_after = after.kind == OutcomeCode::Kind::allow;
  if (allowed_before && !allowed_after) return DiffDirection::newly_denied;
  if (!allowed_before && allowed_after) return DiffDirection::newly_allowed;
  return DiffDirection::reason_only;
}

std::string plural(std::uint64_t count, const char* noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

constexpr DiffDirection directions[] = {DiffDirection::newly_denied, DiffDirection::newly_allowed,
                                        DiffDirection::reason_only};

}  // namespace

std::uint64_t RecordDiff::changed_in(DiffDirection direction) const {
  std::uint64_t count = 0;
  for (const auto& pair : pairs) count += pair.direction == direction ? pair.records : 0;
  return count;
}

RecordDiff diff_records(int descriptor, const RecordDiffVersion& old_version, const RecordDiffVersion& new_version,
                        std::int64_t now, std::size_t max_line) {
  VersionReader old_reader(old_version, now);
  VersionReader new_reader(new_version, now);
  RecordDiff diff;
  std::map<std::pair<OutcomeCode, OutcomeCode>, ReasonPair> pairs;
  ProgressLine progress;
  const RecordInputCounts counts = for_each_record(
      descriptor,
      [&](const runtime::InputLine& line) {
        const OutcomeCode before = old_reader.outcome(line);
        const OutcomeCode after = new_reader.outcome(line);
        if (before.kind == OutcomeCode::Kind::reject && after.kind == OutcomeCode::Kind::reject) {
          ++diff.rejected;
          return;
        }
        if (before == after) {
          ++diff.unchanged;
          return;
        }
        ReasonPair& pair = pairs[{before, after}];
        if (pair.records++ == 0) {
          pair.direction = direction_of(before, after);
          pair.before = old_reader.named(before);
          pair.after = new_reader.named(after);
        }
        if (pair.first_lines.size() < first_lines_kept) pair.first_lines.push_back(line.number);
      },
      progress, max_line);
  diff.read = counts.records;
  diff.empty_lines = counts.empty_lines;
  for (auto& [outcomes, pair] : pairs) diff.pairs.push_back(std::move(pair));
  // Directions in the order diff prints its rows; the largest change first, ties by first line.
  std::sort(diff.pairs.begin(), diff.pairs.end(), [](const ReasonPair& a, const ReasonPair& b) {
    return std::tuple(static_cast<int>(a.direction), -static_cast<std::int64_t>(a.records), a.first_lines.front()) <
           std::tuple(static_cast<int>(b.direction), -static_cast<std::int64_t>(b.records), b.first_lines.front());
  });
  return diff;
}

std::string outcome_text(std::string_view decision, std::string_view reason) {
  return fmt::format("{} ({})", decision, reason);
}

std::string outcome_json(std::string_view decision, std::string_view reason) {
  return fmt::format("{{\"decision\": {}, \"reason\": {}}}", json::quote(decision), json::quote(reason));
}

std::string direction_key(DiffDirection direction) {
  std::string key = compiler::direction_name(direction);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

std::string record_diff_text(const RecordDiff& diff, const RecordDiffInputs& inputs) {
  std::string heading = inputs.records_path;
  heading += ", now ";
  heading += utc_time_text(inputs.now);
  if (!inputs.purposes.empty()) heading += fmt::format(", purposes {}", fmt::join(inputs.purposes, ", "));
  std::string out = fmt::format("\nrecords ({}): {} read, {} changed, {} unchanged, {} rejected\n", heading, diff.read,
                                diff.changed(), diff.unchanged, diff.rejected);
  for (const auto direction : directions) {
    out += fmt::format("  {}: {}\n", compiler::direction_name(direction), plural(diff.changed_in(direction), "record"));
    for (const auto& pair : diff.pairs) {
      if (pair.direction != direction) continue;
      const bool more = pair.records > pair.first_lines.size();
      out += fmt::format("    {} → {}: {}, {}{} {}\n", outcome_text(pair.before.decision, pair.before.reason),
                         outcome_text(pair.after.decision, pair.after.reason), plural(pair.records, "record"),
                         more ? "first " : "", pair.first_lines.size() == 1 ? "line" : "lines",
                         fmt::join(pair.first_lines, ", "));
    }
  }
  if (inputs.consent_path) {
    const auto totals = [](const runtime::ConsentLedger& ledger) {
      return fmt::format("{} applied, {} rejected, {} after --now", ledger.applied(), ledger.rejected(),
                         ledger.after_now());
    };
    out += fmt::format("  consent changes ({}): old {}; new {}\n", *inputs.consent_path, totals(*inputs.old_ledger),
                       totals(*inputs.new_ledger));
  }
  return out;
}

std::string record_diff_json(const RecordDiff& diff, const RecordDiffInputs& inputs) {
  std::vector<std::string> purposes;
  for (const auto& purpose : inputs.purposes) purposes.push_back(json::quote(purpose));
  std::string consent = "null";
  if (inputs.consent_path) {
    const auto totals = [](const runtime::ConsentLedger& ledger) {
      return fmt::format("{{\"applied\": {}, \"rejected\": {}, \"after_now\": {}}}", ledger.applied(),
                         ledger.rejected(), ledger.after_now());
    };
    consent = fmt::format("{{\"file\": {}, \"old\": {}, \"new\": {}}}", json::quote(*inputs.consent_path),
                          totals(*inputs.old_ledger), totals(*inputs.new_ledger));
  }
  std::string out = fmt::format(
      "{{\"file\": {}, \"now\": {}, \"purposes\": [{}], \"read\": {}, \"changed\": {}, \"unchanged\": {}, "
      "\"rejected\": {}, \"empty_lines\": {}, \"newly_denied\": {}, \"newly_allowed\": {}, \"reason_only\": {}, "
      "\"consent\": {}, \"pairs\": [",
      json::quote(inputs.records_path), json::quote(utc_time_text(inputs.now)), fmt::join(purposes, ", "),
      diff.read, diff.changed(), diff.unchanged, diff.rejected, diff.empty_lines,
      diff.changed_in(DiffDirection::newly_denied), diff.changed_in(DiffDirection::newly_allowed),
      diff.changed_in(DiffDirection::reason_only), consent);
  for (std::size_t i = 0; i < diff.pairs.size(); ++i) {
    const ReasonPair& pair = diff.pairs[i];
    out += fmt::format("{}\n    {{\"direction\": {}, \"old\": {}, \"new\": {}, \"records\": {}, "
                       "\"first_lines\": [{}]}}",
                       i == 0 ? "" : ",", json::quote(direction_key(pair.direction)),
                       outcome_json(pair.before.decision, pair.before.reason),
                       outcome_json(pair.after.decision, pair.after.reason), pair.records,
                       fmt::join(pair.first_lines, ", "));
  }
  out += diff.pairs.empty() ? "]}" : "\n  ]}";
  return out;
}

}  // namespace usegate::cli
