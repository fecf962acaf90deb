// `usegate diff --records` (review/record_diff.cpp) against the reference interpreter: a random
// policy (random_policy.cpp) and a copy with rules inserted, removed, moved and renamed and
// settings moved, replayed on random records (random_record.cpp, drawn for both versions),
// written as JSON Lines and compared one by one by the record diff's RecordComparer, exactly as
// `diff --records` compares them. For every record, the record diff's class — unchanged,
// reason only, newly allowed, newly denied — must be the one the interpreter gives when the two
// versions' answers are compared by rule id, and its outcomes must be the interpreter's.
// Runs are deterministic for a base seed (USEGATE_SEED, see README.md); a failure prints the
// seeds, both policies, the edits and the record.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "differential_check.hpp"
#include "json_lines.hpp"
#include "policy_edits.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/review/record_diff.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

struct Scale {
  int pairs;
  int records_per_pair;
};

// 400 pairs × 250 records = 100,000 records; 3,000 at reduced scale.
Scale scale() {
  if (testing::reduced_scale()) return {30, 100};
  return {400, 250};
}

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

std::optional<compiler::CheckedPolicy> check(const std::string& text) {
  const usegate::SourceFile source("random.policy", text);
  return compiler::analyze_policy(source, false).policy;
}

// The class the interpreter gives a record: its two answers compared by rule id.
review::RecordChange interpreter_change(const compiler::RuleDecision& before, const compiler::RuleDecision& after) {
  const bool allowed_before = before.effect == compiler::Effect::allow;
  const bool allowed_after = after.effect == compiler::Effect::allow;
  if (allowed_before == allowed_after && before.reason == after.reason) return review::RecordChange::unchanged;
  if (allowed_before && !allowed_after) return review::RecordChange::newly_denied;
  if (!allowed_before && allowed_after) return review::RecordChange::newly_allowed;
  return review::RecordChange::reason_only;
}

std::string change_name(review::RecordChange change) {
  switch (change) {
    case review::RecordChange::unchanged: return "unchanged";
    case review::RecordChange::rejected_by_both: return "rejected by both";
    case review::RecordChange::newly_denied: return "newly denied";
    case review::RecordChange::newly_allowed: return "newly allowed";
    case review::RecordChange::reason_only: return "reason only";
  }
  return "?";
}

std::string describe(const compiler::RuleDecision& decision) {
  return std::string(decision.effect == compiler::Effect::allow ? "allow" : "deny") + " (" + decision.reason + ")";
}

// The records as a file the record reader reads, as `diff --records FILE` would.
class RecordFile {
 public:
  explicit RecordFile(const std::string& text) : file_(std::tmpfile()) {
    REQUIRE(file_ != nullptr);
    REQUIRE(std::fwrite(text.data(), 1, text.size(), file_) == text.size());
    REQUIRE(std::fflush(file_) == 0);
    REQUIRE(::lseek(fileno(file_), 0, SEEK_SET) == 0);
  }
  ~RecordFile() { std::fclose(file_); }
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;
  [[nodiscard]] int descriptor() const { return fileno(file_); }

 private:
  std::FILE* file_;
};

struct Tally {
  std::uint64_t records = 0;
  std::uint64_t by_change[5] = {};
  std::uint64_t unchanged_under_another_rule_number = 0;  // what comparing by index gets wrong
};

TEST_CASE("diff --records vs interpreter: every record classed as the interpreter's answers compared by rule id") {
  const Scale size = scale();
  const std::uint64_t base = base_seed();
  MESSAGE("diff --records vs interpreter: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), "
                                                      << size.pairs << " policy pairs x " << size.records_per_pair
                                                      << " records");
  Tally tally;
  for (int index = 0; index < size.pairs; ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0x7265636469666666ULL + static_cast<std::uint64_t>(index)));
    const RandomPolicy original = generate_policy(seed);
    const std::string old_text = original.render();

    // One to four edits; an edit that leaves a policy that does not check is tried again.
    std::mt19937_64 rng(mix_seed(seed ^ 0x65646974ULL));
    RandomPolicy edited = original;
    std::vector<std::string> steps;
    int inserted = 0;
    const int wanted = uniform(rng, 1, 4);
    for (int attempt = 0; attempt < 40 && static_cast<int>(steps.size()) < wanted; ++attempt) {
      RandomPolicy candidate = edited;
      std::string step;
      if (!edit_rules(candidate, rng, inserted, step)) continue;
      candidate.default_position = std::min(candidate.default_position, candidate.declarations.size());
      if (check(candidate.render())) {
        edited = std::move(candidate);
        steps.push_back(step);
      }
    }
    const std::string new_text = edited.render();

    std::ostringstream reproduce;
    reproduce << "reproduce: USEGATE_SEED=" << base
              << " differential_tests -tc='diff --records vs interpreter*' (pair #" << index << ", policy seed " << seed
              << ")\nedits:";
    for (const auto& step : steps) reproduce << " " << step << ";";
    reproduce << "\n--- old policy ---\n" << old_text << "--- new policy ---\n" << new_text;

    const Pipeline old_pipeline = run_pipeline(old_text, compiler::CompileOptions{});
    const Pipeline new_pipeline = run_pipeline(new_text, compiler::CompileOptions{});
    REQUIRE_MESSAGE(old_pipeline.table.has_value(), reproduce.str() << old_pipeline.errors);
    REQUIRE_MESSAGE(new_pipeline.table.has_value(), reproduce.str() << new_pipeline.errors);
    const compiler::CheckedPolicy& old_policy = *old_pipeline.checked;
    const compiler::CheckedPolicy& new_policy = *new_pipeline.checked;

    // Records for both versions' constants; one `now` for all of them, as for a run of diff.
    const RecordGenerator old_records(old_policy);
    const RecordGenerator new_records(new_policy);
    std::mt19937_64 record_rng(mix_seed(seed ^ 0x7265636F726473ULL));
    std::vector<compiler::InterpreterInput> records;
    std::string text;
    for (int r = 0; r < size.records_per_pair; ++r) {
      compiler::InterpreterInput record = (r % 2 == 0 ? old_records : new_records).next(record_rng);
      if (!records.empty()) record.now = records.front().now;
      // Default bindings read a setting's own name only; former names are a bindings matter.
      for (const auto* policy : {&old_policy, &new_policy}) {
        for (const auto& setting : policy->settings) {
          for (const auto& former : setting.formerly) record.consent.erase(former);
        }
      }
      text += json_line(record);
      records.push_back(std::move(record));
    }

    const Policy& old_runtime = old_pipeline.table->policy();
    const Policy& new_runtime = new_pipeline.table->policy();
    const records::Bindings old_bindings = records::default_bindings(old_runtime);
    const records::Bindings new_bindings = records::default_bindings(new_runtime);
    const review::RecordDiffVersion old_version{old_runtime, old_bindings, nullptr, {}};
    const review::RecordDiffVersion new_version{new_runtime, new_bindings, nullptr, {}};
    review::RecordComparer comparer(old_version, new_version, records.front().now);

    const RecordFile file(text);
    records::BlockReader reader(file.descriptor());
    records::InputBlock block;
    std::size_t r = 0;
    while (reader.next(block)) {
      records::BlockLines lines(block);
      records::InputLine line;
      while (lines.next(line)) {
        REQUIRE(r < records.size());
        const compiler::InterpreterInput& record = records[r];
        const compiler::RuleDecision before = compiler::interpret(old_policy, record).decision;
        const compiler::RuleDecision after = compiler::interpret(new_policy, record).decision;
        const review::RecordChange expected = interpreter_change(before, after);
        const review::RecordComparison comparison = comparer.compare(line);
        const review::RecordOutcome old_outcome = comparer.named(comparison.before);
        const review::RecordOutcome new_outcome = comparer.named(comparison.after);
        const bool right = comparison.change == expected &&
                           old_outcome.decision + " (" + old_outcome.reason + ")" == describe(before) &&
                           new_outcome.decision + " (" + new_outcome.reason + ")" == describe(after);
        if (!right) {
          FAIL(reproduce.str() << "--- record #" << r << " ---\n"
                               << json_line(record) << "interpreter: old " << describe(before) << ", new "
                               << describe(after) << ": " << change_name(expected) << "\nrecord diff: old "
                               << old_outcome.decision << " (" << old_outcome.reason << "), new "
                               << new_outcome.decision << " (" << new_outcome.reason
                               << "): " << change_name(comparison.change));
        }
        ++tally.records;
        ++tally.by_change[static_cast<std::size_t>(expected)];
        if (expected == review::RecordChange::unchanged && before.rule != after.rule) {
          ++tally.unchanged_under_another_rule_number;
        }
        ++r;
      }
    }
    CHECK(r == records.size());
  }
  const auto count = [&tally](review::RecordChange change) {
    return tally.by_change[static_cast<std::size_t>(change)];
  };
  MESSAGE("diff --records vs interpreter: "
          << tally.records << " records: " << count(review::RecordChange::unchanged) << " unchanged ("
          << tally.unchanged_under_another_rule_number << " decided by a rule at another place), "
          << count(review::RecordChange::reason_only) << " reason only, " << count(review::RecordChange::newly_allowed)
          << " newly allowed, " << count(review::RecordChange::newly_denied) << " newly denied");
  // Every class must occur, and records whose deciding rule moved must be common, or the
  // comparison says little.
  CHECK(count(review::RecordChange::unchanged) > tally.records / 4);
  CHECK(tally.unchanged_under_another_rule_number > tally.records / 20);
  CHECK(count(review::RecordChange::reason_only) > 0);
  CHECK(count(review::RecordChange::newly_allowed) > 0);
  CHECK(count(review::RecordChange::newly_denied) > 0);
  CHECK(count(review::RecordChange::rejected_by_both) == 0);
}

}  // namespace
