// `usegate diff` with artifacts against `usegate diff` of the sources. A random policy
// (random_policy.cpp) and a second version of it with rules inserted, removed, moved and
// renamed, constants shifted, enum values added or dropped, defaults flipped and settings
// renamed through `formerly` (policy_edits.cpp), so that the two versions split a variable
// into different cells, test different variables and name their reasons differently. Each
// version is taken through the pipeline to artifact bytes and loaded back (run_pipeline), on
// the dense layout or, every other pair, the decision-diagram layout, and read as `usegate
// diff` reads an artifact (cli/artifact_diagram.cpp, linked into the test program).
//
// In process, the rows of compiler::diff_decision_functions — variables, directions,
// conditions, `when`, both outcomes, their order — must be those of compiler::diff_policies on
// the sources, exactly, for artifact vs artifact, for both mixes, and for the two sources
// lowered on their own. Every tenth pair also goes through the program: `usegate diff`, text
// and JSON, on the four mixes of files must print the same rows byte for byte and exit alike,
// with the one line (or `null`) that says the structural changes are not available.
// Runs are deterministic for a base seed (USEGATE_SEED, see README.md); a failure prints the
// seeds, both policies, the edits and both sets of rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "artifact_diagram.hpp"
#include "differential_check.hpp"
#include "policy_edits.hpp"
#include "random_policy.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

struct Scale {
  int pairs;
  int through_the_program_every;  // pairs
};

// 300 pairs in process, 15 of them through the program (8 runs each); 40 and 4 at reduced scale.
Scale scale() {
  if (testing::reduced_scale()) return {40, 10};
  return {300, 20};
}

int uniform(std::mt19937_64& rng, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(rng);
}

// One to four edits of any kind; an edit that leaves a policy that does not check is tried again.
RandomPolicy edited_version(const RandomPolicy& original, std::uint64_t seed, std::vector<std::string>& steps) {
  std::mt19937_64 rng(mix_seed(seed ^ 0x6172746966616374ULL));
  RandomPolicy edited = original;
  int inserted = 0;
  const int wanted = uniform(rng, 1, 4);
  for (int attempt = 0; attempt < 40 && static_cast<int>(steps.size()) < wanted; ++attempt) {
    RandomPolicy candidate = edited;
    std::string step;
    const int kind = uniform(rng, 0, 9);
    const bool applied = kind < 5   ? mutate_policy(candidate, rng, step)
                         : kind < 9 ? edit_rules(candidate, rng, inserted, step)
                                    : rename_setting(candidate, rng, step);
    if (!applied) continue;
    candidate.default_position = std::min(candidate.default_position, candidate.declarations.size());
    const usegate::SourceFile source("random.policy", candidate.render());
    if (compiler::analyze_policy(source, false).policy) {
      edited = std::move(candidate);
      steps.push_back(step);
    }
  }
  return edited;
}

std::string outcome(const compiler::RuleDecision& decision) {
  return fmt::format("{} ({})", decision.effect == compiler::Effect::allow ? "allow" : "deny", decision.reason);
}

// Everything a diff's rows say, one line per variable and per row, in order.
std::string rows_text(const compiler::PolicyDiff& diff) {
  std::string text = "variables:";
  for (const auto& variable : diff.variables) {
    text += " " + variable.partition.name + (variable.default_changed ? " (default changed)" : "");
  }
  text += "\n";
  for (const auto& row : diff.rows) {
    std::string when;
    for (const auto& constraint : row.when) {
      when += " " + constraint.variable + ":";
      for (const auto& value : constraint.values) when += " " + value + ";";
    }
    text +=
        fmt::format("{}: {}: {} → {} (rules {}, {}) when{}\n", compiler::direction_name(row.direction), row.condition,
                    outcome(row.before), outcome(row.after), row.before.rule ? std::to_string(*row.before.rule) : "-",
                    row.after.rule ? std::to_string(*row.after.rule) : "-", when);
  }
  return text;
}

// The text output without its structural changes, which only sources have: the blocks between
// blank lines, less the one that starts with `structural changes`.
std::string without_structure(const std::string& out) {
  std::string kept;
  std::size_t at = 0;
  while (at < out.size()) {
    std::size_t end = out.find("\n\n", at);
    end = end == std::string::npos ? out.size() : end + 2;
    const std::string block = out.substr(at, end - at);
    if (block.rfind("structural changes", 0) != 0) kept += block;
    at = end;
  }
  return kept;
}

// The JSON document from its rows on; the versions and `semantic_change` come before them.
std::string json_rows(const std::string& out) {
  const auto at = out.find("  \"rows\": ");
  return at == std::string::npos ? "(no rows member)\n" + out : out.substr(at);
}

struct Tally {
  int pairs_with_rows = 0;
  int pairs_with_different_constants = 0;
  int pairs_with_a_variable_in_one_version = 0;
  int pairs_with_reason_only_rows = 0;
  int pairs_with_a_setting_renamed = 0;
  int pairs_with_a_setting_default_changed = 0;
  int pairs_on_the_diagram_layout = 0;
  int pairs_through_the_program = 0;
};

TEST_CASE("diff with artifacts vs diff of sources: the same rows, in process and through the program") {
  const Scale size = scale();
  const std::uint64_t base = base_seed();
  MESSAGE("diff with artifacts vs sources: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), "
                                                       << size.pairs << " policy pairs");
  const std::string directory = testing::scratch_directory("diff-artifacts-vs-sources");
  Tally tally;
  for (int index = 0; index < size.pairs; ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0x6172746469666600ULL + static_cast<std::uint64_t>(index)));
    const RandomPolicy original = generate_policy(seed);
    std::vector<std::string> steps;
    const RandomPolicy edited = edited_version(original, seed, steps);
    const std::string old_text = original.render();
    const std::string new_text = edited.render();

    std::ostringstream reproduce;
    reproduce << "reproduce: USEGATE_SEED=" << base << " differential_tests -tc='diff with artifacts*' (pair #" << index
              << ", policy seed " << seed << ")\nedits:";
    for (const auto& step : steps) reproduce << " " << step << ";";
    reproduce << "\n--- old policy ---\n" << old_text << "--- new policy ---\n" << new_text;

    compiler::CompileOptions options;
    const bool diagram_layout = index % 2 == 1;
    if (diagram_layout) options.max_dense_cells = 1;
    tally.pairs_on_the_diagram_layout += diagram_layout ? 1 : 0;
    const Pipeline old_pipeline = run_pipeline(old_text, options);
    const Pipeline new_pipeline = run_pipeline(new_text, options);
    REQUIRE_MESSAGE(old_pipeline.table.has_value(), reproduce.str() << old_pipeline.errors);
    REQUIRE_MESSAGE(new_pipeline.table.has_value(), reproduce.str() << new_pipeline.errors);
    const compiler::CheckedPolicy& old_policy = *old_pipeline.checked;
    const compiler::CheckedPolicy& new_policy = *new_pipeline.checked;
    const runtime::CompiledPolicy& old_artifact = runtime::compiled_of(old_pipeline.table->policy());
    const runtime::CompiledPolicy& new_artifact = runtime::compiled_of(new_pipeline.table->policy());

    auto from_sources = compiler::diff_policies(old_policy, new_policy);
    if (const auto* error = from_sources.error_if()) {
      FAIL("the diff of the sources failed: " << error->message << "\n" << reproduce.str());
    }
    const auto& expected_diff = from_sources.value();
    const std::string expected = rows_text(expected_diff);

    const auto source_function = [](const compiler::CheckedPolicy& policy) {
      return compiler::decision_function_of(policy).value();
    };
    const compiler::DecisionFunction old_source = source_function(old_policy);
    const compiler::DecisionFunction new_source = source_function(new_policy);
    const compiler::DecisionFunction old_read = cli::decision_function_of_artifact(old_artifact);
    const compiler::DecisionFunction new_read = cli::decision_function_of_artifact(new_artifact);
    const struct {
      const char* name;
      const compiler::DecisionFunction& old_side;
      const compiler::DecisionFunction& new_side;
    } mixes[] = {{"artifact vs artifact", old_read, new_read},
                 {"source vs artifact", old_source, new_read},
                 {"artifact vs source", old_read, new_source},
                 {"source vs source, each lowered on its own", old_source, new_source}};
    for (const auto& mix : mixes) {
      auto result = compiler::diff_decision_functions(mix.old_side, mix.new_side);
      if (const auto* error = result.error_if()) {
        FAIL(std::string(mix.name) << ": the diff failed: " << error->message << "\n" << reproduce.str());
      }
      const auto& diff = result.value();
      CHECK_FALSE(diff.structure_known);
      const std::string actual = rows_text(diff);
      if (actual != expected) {
        FAIL(std::string(mix.name) << ": rows differ from the sources'\n"
                                   << reproduce.str() << "--- rows of the sources ---\n"
                                   << expected << "--- rows of " << mix.name << " ---\n"
                                   << actual);
      }
    }

    tally.pairs_with_rows += expected_diff.rows.empty() ? 0 : 1;
    bool reason_only = false;
    for (const auto& row : expected_diff.rows) reason_only |= row.direction == compiler::DiffDirection::reason_only;
    tally.pairs_with_reason_only_rows += reason_only ? 1 : 0;
    bool renamed = false;
    for (const auto& step : steps) renamed |= step.rfind("rename setting", 0) == 0;
    tally.pairs_with_a_setting_renamed += renamed ? 1 : 0;
    bool default_changed = false;
    for (const auto& variable : expected_diff.variables) default_changed |= variable.default_changed;
    tally.pairs_with_a_setting_default_changed += default_changed ? 1 : 0;
    bool different_constants = false;
    for (const auto& partition : old_read.partitions) {
      for (const auto& other : new_read.partitions) {
        different_constants |= partition.name == other.name && partition.constants != other.constants;
      }
    }
    tally.pairs_with_different_constants += different_constants ? 1 : 0;
    tally.pairs_with_a_variable_in_one_version +=
        old_read.partitions.size() + new_read.partitions.size() != 2 * expected_diff.variables.size() ? 1 : 0;

    if (index % size.through_the_program_every != 0) continue;
    ++tally.pairs_through_the_program;
    const std::string old_source_path = directory + "/old.policy";
    const std::string new_source_path = directory + "/new.policy";
    const std::string old_artifact_path = directory + "/old.ugt";
    const std::string new_artifact_path = directory + "/new.ugt";
    testing::write_text(old_source_path, old_text);
    testing::write_text(new_source_path, new_text);
    testing::write_text(old_artifact_path, runtime::write_artifact(old_artifact));
    testing::write_text(new_artifact_path, runtime::write_artifact(new_artifact));
    const auto text_of_sources = testing::run_usegate({"diff", old_source_path, new_source_path});
    const auto json_of_sources = testing::run_usegate({"diff", "--format", "json", old_source_path, new_source_path});
    REQUIRE_MESSAGE(text_of_sources.exit_code == (expected_diff.rows.empty() ? 0 : 1), reproduce.str()
                                                                                           << text_of_sources.err);
    // What is compared below holds every row.
    const std::string rows_of_sources = without_structure(text_of_sources.out);
    for (const auto& row : expected_diff.rows) CHECK(rows_of_sources.find(row.condition) != std::string::npos);
    const struct {
      const char* name;
      const std::string& old_path;
      const std::string& new_path;
      const char* which;
    } files[] = {{"artifact vs artifact", old_artifact_path, new_artifact_path, "OLD and NEW are artifacts"},
                 {"source vs artifact", old_source_path, new_artifact_path, "NEW is an artifact"},
                 {"artifact vs source", old_artifact_path, new_source_path, "OLD is an artifact"}};
    // A source's lint warnings, which diff prints as every command that loads a source does:
    // what `usegate check` prints, without its count line. An artifact has none.
    const auto warnings_of = [](const std::string& path) {
      if (path.ends_with(".ugt")) return std::string();
      std::string err = testing::run_usegate({"check", path}).err;
      if (!err.empty()) err.erase(err.rfind('\n', err.size() - 2) + 1);
      return err;
    };
    for (const auto& mix : files) {
      INFO("usegate diff, " << mix.name << "\n" << reproduce.str());
      const auto text = testing::run_usegate({"diff", mix.old_path, mix.new_path});
      CHECK(text.exit_code == text_of_sources.exit_code);
      CHECK(text.err == warnings_of(mix.old_path) + warnings_of(mix.new_path));
      CHECK(text.out.find(fmt::format("\n\nstructural changes: not available for artifacts ({})\n\n", mix.which)) !=
            std::string::npos);
      CHECK(without_structure(text.out) == rows_of_sources);
      const auto json = testing::run_usegate({"diff", "--format", "json", mix.old_path, mix.new_path});
      CHECK(json.exit_code == json_of_sources.exit_code);
      CHECK(json.out.find("\n  \"structural_changes\": null,\n") != std::string::npos);
      CHECK(json_rows(json.out) == json_rows(json_of_sources.out));
    }
  }
  MESSAGE("diff with artifacts vs sources: "
          << tally.pairs_with_rows << " of " << size.pairs << " pairs with rows, " << tally.pairs_with_reason_only_rows
          << " with reason-only rows, " << tally.pairs_with_a_setting_renamed << " with a setting renamed, "
          << tally.pairs_with_a_setting_default_changed << " with a setting's default changed, "
          << tally.pairs_with_different_constants << " with an attribute split at other constants, "
          << tally.pairs_with_a_variable_in_one_version << " with a variable only one version tests, "
          << tally.pairs_on_the_diagram_layout << " on the diagram layout, " << tally.pairs_through_the_program
          << " through the program");
  // The edits must give what the comparison is about, or it says little.
  CHECK(tally.pairs_with_rows > size.pairs / 2);
  CHECK(tally.pairs_with_reason_only_rows > 0);
  CHECK(tally.pairs_with_different_constants > 0);
  CHECK(tally.pairs_with_a_variable_in_one_version > 0);
  CHECK(tally.pairs_with_a_setting_renamed > 0);
  CHECK(tally.pairs_with_a_setting_default_changed > 0);
}

}  // namespace
