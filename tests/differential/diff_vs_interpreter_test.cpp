// Differential test of `compiler::diff_policies`: a random policy (random_policy.cpp) and a
// mutated copy of it (a rule dropped, an effect flipped, a constant shifted, a setting's default
// flipped, an enum value added or dropped, two rules swapped, a rule renamed, the default
// changed), replayed on random records (random_record.cpp, drawn for both versions so that both
// versions' constants are reached). Each record is decided by the reference interpreter of each
// version and located among the diff's variables; then
//   - a record the two versions decide differently (decision or reason) lies in exactly one
//     row, and that row's old and new outcomes are the interpreters' answers;
//   - a record both decide alike lies in no row.
// Runs are deterministic for a base seed (USEGATE_SEED, see README.md); a failure prints the
// seeds, both policies, the mutations, the record and the rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "differential_check.hpp"
#include "policy_edits.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

struct Scale {
  int pairs;
  int records_per_pair;
};

// 500 pairs × 400 records = 200,000 records; 6,000 at reduced scale.
Scale scale() {
  if (testing::reduced_scale()) return {30, 200};
  return {500, 400};
}

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

std::optional<compiler::CheckedPolicy> check(const std::string& text) {
  const usegate::SourceFile source("random.policy", text);
  return compiler::analyze_policy(source, false).policy;
}

// ---------------------------------------------------------------------------------------------
// Where a record lies among the diff's variables: the code of each. Attribute values and
// consent come from the interpreter's own functions, so the semantics are not written twice.

std::uint32_t ordered_code(const compiler::Partition& partition, double key) {
  for (std::uint32_t i = 0; i < partition.constants.size(); ++i) {
    if (key < partition.constants[i]) return compiler::first_value_code + 2 * i;
    if (key == partition.constants[i]) return compiler::first_value_code + 2 * i + 1;
  }
  return compiler::first_value_code + 2 * static_cast<std::uint32_t>(partition.constants.size());
}

std::uint32_t attribute_code(const compiler::Partition& partition, const compiler::CheckedPolicy& old_policy,
                             const compiler::CheckedPolicy& new_policy, const compiler::InterpreterInput& record) {
  // Every version that declares the attribute reads the field; they agree on missing, and a
  // value one of them declares is that value's cell.
  std::optional<std::uint32_t> code;
  for (const auto* policy : {&new_policy, &old_policy}) {
    const auto attribute = policy->find_attribute(partition.name);
    if (!attribute) continue;
    const compiler::ExtendedValue value = compiler::extended_value(*policy, *attribute, record);
    if (value.state == compiler::ExtendedValue::State::missing) return compiler::missing_code;
    if (value.state == compiler::ExtendedValue::State::unknown) continue;
    if (partition.kind == compiler::Partition::Kind::ordered) return ordered_code(partition, value.key);
    const std::string& name = policy->attributes[*attribute].values[value.value];
    const auto cell = std::find(partition.values.begin(), partition.values.end(), name);
    if (cell != partition.values.end()) {
      code = compiler::first_value_code + static_cast<std::uint32_t>(cell - partition.values.begin());
    }
  }
  return code.value_or(compiler::unknown_code);
}

// The mutations never rename a setting, so a setting has the same name in both versions.
std::uint32_t setting_code(const compiler::DiffVariable& variable, const compiler::CheckedPolicy& old_policy,
                           const compiler::CheckedPolicy& new_policy, const compiler::InterpreterInput& record) {
  std::optional<bool> old_on, new_on;
  if (const auto s = old_policy.find_setting(variable.partition.name))
    old_on = compiler::consents(old_policy, *s, record);
  if (const auto s = new_policy.find_setting(variable.partition.name))
    new_on = compiler::consents(new_policy, *s, record);
  if (variable.default_changed) {
    // The versions differ only in the default, so they disagree exactly when the user never chose.
    if (*old_on != *new_on) return compiler::missing_code;
    return compiler::first_value_code + (*old_on ? compiler::setting_on_code : compiler::setting_off_code);
  }
  if (old_on && new_on) REQUIRE(*old_on == *new_on);
  return old_on.value_or(new_on.value_or(false)) ? compiler::setting_on_code : compiler::setting_off_code;
}

std::vector<std::uint32_t> codes_of(const compiler::PolicyDiff& diff, const compiler::CheckedPolicy& old_policy,
                                    const compiler::CheckedPolicy& new_policy,
                                    const compiler::InterpreterInput& record) {
  std::vector<std::uint32_t> codes;
  for (const auto& variable : diff.variables) {
    const bool setting = variable.default_changed || variable.partition.kind == compiler::Partition::Kind::setting;
    codes.push_back(setting ? setting_code(variable, old_policy, new_policy, record)
                            : attribute_code(variable.partition, old_policy, new_policy, record));
  }
  return codes;
}

bool contains(const compiler::Region& region, const std::vector<std::uint32_t>& codes) {
  for (std::size_t v = 0; v < codes.size(); ++v) {
    if (!region.codes[v][codes[v]]) return false;
  }
  return true;
}

std::string describe(const compiler::RuleDecision& decision) {
  return fmt::format("{} ({})", decision.effect == compiler::Effect::allow ? "allow" : "deny", decision.reason);
}

bool same(const compiler::RuleDecision& a, const compiler::RuleDecision& b) {
  return a.effect == b.effect && a.reason == b.reason;
}

std::string describe_rows(const compiler::PolicyDiff& diff) {
  std::string text;
  for (std::size_t i = 0; i < diff.rows.size(); ++i) {
    const auto& row = diff.rows[i];
    text += fmt::format("#{} {}: {}: {} → {}\n", i, compiler::direction_name(row.direction), row.condition,
                        describe(row.before), describe(row.after));
  }
  return text.empty() ? "(none)\n" : text;
}

struct Tally {
  std::uint64_t records = 0;
  std::uint64_t disagreements = 0;
  std::uint64_t decision_changes = 0;
  int pairs_with_rows = 0;
  int pairs_with_default_changed = 0;
  int shifted_constants = 0;
};

TEST_CASE("diff vs interpreter: every disagreement in exactly one row, every agreement in none") {
  const Scale size = scale();
  const std::uint64_t base = base_seed();
  MESSAGE("diff vs interpreter: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), "
                                            << size.pairs << " policy pairs x " << size.records_per_pair << " records");
  const auto started = std::chrono::steady_clock::now();
  Tally tally;
  for (int index = 0; index < size.pairs; ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0x64696666ULL + static_cast<std::uint64_t>(index)));
    const RandomPolicy original = generate_policy(seed);
    const std::string old_text = original.render();
    const auto old_policy = check(old_text);
    REQUIRE_MESSAGE(old_policy.has_value(), "a generated policy does not check (seed " << seed << ")\n" << old_text);

    // One to three edits; an edit that leaves a policy that does not check is tried again.
    std::mt19937_64 rng(mix_seed(seed ^ 0x6D7574616E74ULL));
    RandomPolicy mutated = original;
    std::vector<std::string> steps;
    const int wanted = uniform(rng, 1, 3);
    for (int attempt = 0; attempt < 40 && static_cast<int>(steps.size()) < wanted; ++attempt) {
      RandomPolicy candidate = mutated;
      std::string step;
      if (mutate_policy(candidate, rng, step) && check(candidate.render())) {
        mutated = std::move(candidate);
        tally.shifted_constants += step.rfind("shift", 0) == 0 ? 1 : 0;
        steps.push_back(step);
      }
    }
    const std::string new_text = mutated.render();
    const auto new_policy = check(new_text);
    REQUIRE(new_policy.has_value());

    std::ostringstream reproduce;
    reproduce << "reproduce: USEGATE_SEED=" << base << " differential_tests -tc='diff vs interpreter*' (pair #" << index
              << ", policy seed " << seed << ")\nmutations:";
    for (const auto& step : steps) reproduce << " " << step << ";";
    reproduce << "\n--- old policy ---\n" << old_text << "--- new policy ---\n" << new_text;

    auto result = compiler::diff_policies(*old_policy, *new_policy);
    if (const auto* error = result.error_if()) {
      FAIL("the diff failed: " << error->message << "\n" << reproduce.str());
    }
    const auto& diff = result.value();
    tally.pairs_with_rows += diff.rows.empty() ? 0 : 1;
    for (const auto& variable : diff.variables) tally.pairs_with_default_changed += variable.default_changed ? 1 : 0;

    const RecordGenerator old_records(*old_policy);
    const RecordGenerator new_records(*new_policy);
    std::mt19937_64 record_rng(mix_seed(seed ^ 0x7265636F726473ULL));
    for (int r = 0; r < size.records_per_pair; ++r) {
      const compiler::InterpreterInput record = (r % 2 == 0 ? old_records : new_records).next(record_rng);
      const compiler::RuleDecision before = compiler::interpret(*old_policy, record).decision;
      const compiler::RuleDecision after = compiler::interpret(*new_policy, record).decision;
      const bool disagree = !same(before, after);
      ++tally.records;
      tally.disagreements += disagree ? 1 : 0;
      tally.decision_changes += before.effect != after.effect ? 1 : 0;

      const std::vector<std::uint32_t> codes = codes_of(diff, *old_policy, *new_policy, record);
      std::vector<std::size_t> holding;
      for (std::size_t i = 0; i < diff.rows.size(); ++i) {
        if (contains(diff.rows[i].region, codes)) holding.push_back(i);
      }
      const bool right = disagree ? holding.size() == 1 && same(diff.rows[holding.front()].before, before) &&
                                        same(diff.rows[holding.front()].after, after)
                                  : holding.empty();
      if (right) continue;
      std::string rows_holding;
      for (const std::size_t i : holding) rows_holding += " #" + std::to_string(i);
      FAIL(reproduce.str() << "--- record #" << r << " ---\n"
                           << describe_record(record) << "\nold version: " << describe(before)
                           << "\nnew version: " << describe(after) << "\nrows holding the record:"
                           << (rows_holding.empty() ? " none" : rows_holding) << "\n--- rows ---\n"
                           << describe_rows(diff));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE("diff vs interpreter: " << tally.records << " records, " << tally.disagreements << " decided differently ("
                                  << tally.decision_changes << " by decision); " << tally.pairs_with_rows << " of "
                                  << size.pairs << " pairs with rows, " << tally.pairs_with_default_changed
                                  << " with a setting default changed, " << tally.shifted_constants
                                  << " constants shifted; " << seconds << " s");
  // The mutations must change something often, and leave most records alone, or the check
  // says little about one side.
  CHECK(tally.pairs_with_rows > size.pairs / 3);
  CHECK(tally.disagreements > tally.records / 50);
  CHECK(tally.disagreements < tally.records / 2);
  CHECK(tally.decision_changes > 0);
  CHECK(tally.pairs_with_default_changed > 0);
  CHECK(tally.shifted_constants > 0);
}

}  // namespace
