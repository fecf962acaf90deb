#include "usegate/review/record_diff.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "usegate/base/json_text.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/records/record_lines.hpp"
#include "usegate/records/record_stream.hpp"

namespace usegate::review {
namespace {

using compiler::DiffDirection;

// Reasons numbered by name, across both versions.
class ReasonNumbers {
 public:
  // Inputs that cannot be decided: a number of its own, so that no rule is ever taken for it
  // (not even one with the id `invalid_input`).
  static constexpr std::uint16_t invalid_input = 0;

  std::uint16_t number(std::string_view name) {
    const auto [found, added] = numbers_.try_emplace(std::string(name), static_cast<std::uint16_t>(names_.size()));
    if (added) names_.emplace_back(name);
    return found->second;
  }
  [[nodiscard]] const std::string& name(std::uint16_t number) const { return names_[number]; }

 private:
  std::map<std::string, std::uint16_t, std::less<>> numbers_;
  std::vector<std::string> names_{"invalid_input"};
};

// One version's decoder, the codes of the record in hand, and its reasons' numbers by name.
class VersionReader {
 public:
  VersionReader(const RecordDiffVersion& version, std::int64_t now, ReasonNumbers& numbers)
      : version_(version),
        decoder_(version.policy, version.bindings, version.ledger, now),
        codes_(version.policy.variable_count(), 0) {
    for (std::size_t reason = 0; reason < version.policy.reason_count(); ++reason) {
      by_reason_.push_back(numbers.number(version.policy.reason_name(static_cast<std::uint16_t>(reason))));
    }
  }

  OutcomeCode outcome(const records::InputLine& line) {
    const records::RejectCause cause =
        line.too_long ? records::RejectCause::line_too_long : decoder_.decode(line, codes_.data());
    if (cause != records::RejectCause::none) return {OutcomeCode::Kind::reject, static_cast<std::uint16_t>(cause)};
    const Decision decision =
        records::decide_for_purposes(version_.policy, codes_, version_.purposes.variable, version_.purposes.codes);
    const std::uint16_t reason =
        decision.reason < by_reason_.size() ? by_reason_[decision.reason] : ReasonNumbers::invalid_input;
    return {decision.allowed ? OutcomeCode::Kind::allow : OutcomeCode::Kind::deny, reason};
  }

 private:
  const RecordDiffVersion& version_;
  records::RecordDecoder decoder_;
  std::vector<Code> codes_;
  std::vector<std::uint16_t> by_reason_;  // the number of each reason of the policy
};

RecordChange change_of(const OutcomeCode& before, const OutcomeCode& after) {
  if (before.kind == OutcomeCode::Kind::reject && after.kind == OutcomeCode::Kind::reject) {
    return RecordChange::rejected_by_both;
  }
  if (before == after) return RecordChange::unchanged;
  const bool allowed_before = before.kind == OutcomeCode::Kind::allow;
  const bool allowed_after = after.kind == OutcomeCode::Kind::allow;
  if (allowed_before && !allowed_after) return RecordChange::newly_denied;
  if (!allowed_before && allowed_after) return RecordChange::newly_allowed;
  return RecordChange::reason_only;
}

DiffDirection direction_of(RecordChange change) {
  switch (change) {
    case RecordChange::newly_denied: return DiffDirection::newly_denied;
    case RecordChange::newly_allowed: return DiffDirection::newly_allowed;
    default: return DiffDirection::reason_only;
  }
}

}  // namespace

std::uint64_t RecordDiff::changed_in(DiffDirection direction) const {
  std::uint64_t count = 0;
  for (const auto& pair : pairs) count += pair.direction == direction ? pair.records : 0;
  return count;
}

struct RecordComparer::State {
  State(const RecordDiffVersion& old_version, const RecordDiffVersion& new_version, std::int64_t now)
      : old_reader(old_version, now, numbers), new_reader(new_version, now, numbers) {}

  ReasonNumbers numbers;  // before the readers, which fill it
  VersionReader old_reader;
  VersionReader new_reader;
};

RecordComparer::RecordComparer(const RecordDiffVersion& old_version, const RecordDiffVersion& new_version,
                               std::int64_t now)
    : state_(std::make_unique<State>(old_version, new_version, now)) {}

RecordComparer::~RecordComparer() = default;

RecordComparison RecordComparer::compare(const records::InputLine& line) {
  RecordComparison comparison;
  comparison.before = state_->old_reader.outcome(line);
  comparison.after = state_->new_reader.outcome(line);
  comparison.change = change_of(comparison.before, comparison.after);
  return comparison;
}

RecordOutcome RecordComparer::named(const OutcomeCode& outcome) const {
  switch (outcome.kind) {
    case OutcomeCode::Kind::allow: return {"allow", state_->numbers.name(outcome.code)};
    case OutcomeCode::Kind::deny: return {"deny", state_->numbers.name(outcome.code)};
    case OutcomeCode::Kind::reject:
      return {"reject", records::reject_cause_name(static_cast<records::RejectCause>(outcome.code))};
  }
  return {};
}

RecordDiff diff_records(int descriptor, const RecordDiffVersion& old_version, const RecordDiffVersion& new_version,
                        std::int64_t now, std::size_t max_line, const records::ReadProgress& progress) {
  RecordComparer comparer(old_version, new_version, now);
  RecordDiff diff;
  std::map<std::pair<OutcomeCode, OutcomeCode>, ReasonPair> pairs;
  const records::RecordLineCounts counts = records::for_each_record(
      descriptor,
      [&](const records::InputLine& line) {
        const RecordComparison comparison = comparer.compare(line);
        switch (comparison.change) {
          case RecordChange::rejected_by_both: ++diff.rejected; return;
          case RecordChange::unchanged: ++diff.unchanged; return;
          default: break;
        }
        ReasonPair& pair = pairs[{comparison.before, comparison.after}];
        if (pair.records++ == 0) {
          pair.direction = direction_of(comparison.change);
          pair.before = comparer.named(comparison.before);
          pair.after = comparer.named(comparison.after);
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

}  // namespace usegate::review
