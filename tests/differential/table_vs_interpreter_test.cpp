// Differential test: random policies × random records, the compiled table (dense and
// decision-diagram layouts, through the runtime's public API) against the reference
// interpreter. See README.md in this folder for how to reproduce a failure.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

// The test cases (blocks of seeds) ctest may run in parallel.
constexpr int block_count = 8;

struct Scale {
  int policies_per_block;
  int records_per_policy;
};

// 8 blocks × 500 policies × 300 records = 1,200,000 pairs on the default layout, plus the
// records replayed on a decision-diagram layout for every third policy (about 400,000 more);
// 8 × 25 × 250 = 50,000 (plus replays) at reduced scale. Many policies with fewer records each
// find more than few policies with many records: a record's fate is mostly decided by which
// partition cells it lands in, and 300 edge-seeking records cover a small policy's cells well.
Scale scale() {
  if (testing::reduced_scale()) return {25, 250};
  return {500, 300};
}

std::uint64_t policy_seed(std::uint64_t base, int block, int index) {
  return mix_seed(base ^ mix_seed(static_cast<std::uint64_t>(block) * 1000003ULL + static_cast<std::uint64_t>(index)));
}

struct Tally {
  std::uint64_t pairs = 0;
  std::uint64_t diagram_pairs = 0;
  std::uint64_t allowed = 0;
  std::uint64_t decided_by_rule = 0;
  std::uint64_t decisions = 0;
  int naturally_diagram = 0;  // policies too large for the dense layout at default options
};

// A string literal's text: the quotes dropped and `\"`, `\\` unescaped.
std::string unquoted(const std::string& literal) {
  std::string text;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    if (literal[i] == '\\') ++i;
    text += literal[i];
  }
  return text;
}

// Rule descriptions and setting labels (the description of the setting's opt-out) reach the
// loaded table as written.
void check_texts(const RandomPolicy& random, const Policy& policy, const std::string& reproduce) {
  for (const auto& declaration : random.declarations) {
    std::string id;
    std::optional<std::string> written;
    if (const auto* rule = std::get_if<RandomRule>(&declaration)) id = rule->id, written = rule->description;
    if (const auto* setting = std::get_if<RandomSetting>(&declaration))
      id = "optout_" + setting->name, written = setting->label;
    if (id.empty() || !written) continue;
    const auto reason = policy.find_reason(id);
    INFO(reproduce);
    REQUIRE(reason.has_value());
    CHECK(policy.reason_description(*reason) == unquoted(*written));
  }
}

// The product of the variables' cell counts: the size of the dense table.
std::uint64_t dense_cells(const Policy& policy) {
  std::uint64_t product = 1;
  for (std::size_t v = 0; v < policy.variable_count(); ++v) {
    product = std::min<std::uint64_t>(product * policy.variable(v).code_count, std::uint64_t{1} << 40);
  }
  return product;
}

// docs/artifact.md: the dense layout exactly when the product of the cell counts is at most
// `max_dense_cells`; checked at the boundary, where an off-by-one would show.
void check_layout_boundary(const std::string& text, const Policy& policy, const std::string& reproduce) {
  const std::uint64_t cells = dense_cells(policy);
  INFO(reproduce << ", " << cells << " dense cells");
  CHECK((runtime::compiled_of(policy).table.layout == runtime::DecisionTable::Layout::dense) ==
        (cells <= compiler::CompileOptions{}.max_dense_cells));
  if (cells > (std::uint64_t{1} << 20)) return;
  for (const std::uint64_t budget : {cells, cells - 1}) {
    compiler::CompileOptions options;
    options.max_dense_cells = budget;
    const Pipeline pipeline = run_pipeline(text, options);
    REQUIRE(pipeline.table.has_value());
    CHECK(pipeline.table->layout() == (budget == cells ? "dense" : "diagram"));
  }
}

void run_block(int block) {
  const Scale size = scale();
  const std::uint64_t base = base_seed();
  MESSAGE("differential block " << block << ": base seed " << base << " (USEGATE_SEED=" << base
                                << " reproduces this run), " << size.policies_per_block << " policies x "
                                << size.records_per_policy << " records");
  const auto started = std::chrono::steady_clock::now();
  Tally tally;
  for (int index = 0; index < size.policies_per_block; ++index) {
    const std::uint64_t seed = policy_seed(base, block, index);
    const RandomPolicy random = generate_policy(seed);
    const std::string text = random.render();
    std::ostringstream reproduce;
    reproduce << "reproduce: USEGATE_SEED=" << base << " differential_tests -tc='table vs interpreter: block " << block
              << "' (policy #" << index << ", policy seed " << seed << ")";

    // The default options, with lints on (they must not disturb a policy that checks).
    Pipeline main = run_pipeline(text, compiler::CompileOptions{}, /*run_lints=*/true);
    if (!main.table) {
      FAIL("a generated policy does not go through the pipeline\n"
           << reproduce.str() << "\n--- policy ---\n"
           << text << "--- errors ---\n"
           << main.errors);
    }
    const compiler::CheckedPolicy& checked = *main.checked;
    check_texts(random, main.table->policy(), reproduce.str());
    struct Variant {
      compiler::CompileOptions options;
      TableUnderTest table;
    };
    std::vector<Variant> variants;
    variants.push_back(Variant{compiler::CompileOptions{}, std::move(*main.table)});
    if (index % 10 == 0) check_layout_boundary(text, variants.front().table.policy(), reproduce.str());
    if (variants.front().table.layout() == "diagram") ++tally.naturally_diagram;
    if (index % 3 == 0) {
      compiler::CompileOptions tiny;
      tiny.max_dense_cells = 1;  // always the decision-diagram layout
      Pipeline diagram = run_pipeline(text, tiny);
      if (!diagram.table) {
        FAIL("a generated policy does not compile with max_dense_cells = 1\n"
             << reproduce.str() << "\n--- policy ---\n"
             << text << "--- errors ---\n"
             << diagram.errors);
      }
      variants.push_back(Variant{tiny, std::move(*diagram.table)});
    }

    const RecordGenerator records(checked);
    std::mt19937_64 rng(mix_seed(seed ^ 0x7265636F726473ULL));
    for (int r = 0; r < size.records_per_policy; ++r) {
      const compiler::InterpreterInput record = records.next(rng);
      const Answer expected = interpreter_answer(checked, record);
      ++tally.decisions;
      tally.allowed += expected.allowed ? 1 : 0;
      tally.decided_by_rule += expected.reason != "default" ? 1 : 0;
      for (const Variant& variant : variants) {
        const Answer actual = variant.table.decide(record);
        ++tally.pairs;
        if (variant.table.layout() == "diagram") ++tally.diagram_pairs;
        if (actual == expected) continue;
        const Disagreement minimal = shrink(random, record, variant.options);
        std::ostringstream where;
        where << reproduce.str() << ", record #" << r << ", max_dense_cells " << variant.options.max_dense_cells
              << "\n--- original record ---\n"
              << describe_record(record) << "\n--- original answers ---\ninterpreter: " << describe_answer(expected)
              << "\ntable (" << variant.table.layout() << "): " << describe_answer(actual);
        FAIL(failure_report(where.str(), minimal));
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  MESSAGE("block " << block << ": " << tally.pairs << " pairs (" << tally.diagram_pairs << " on the diagram layout), "
                   << tally.allowed << " of " << tally.decisions << " records allowed, " << tally.decided_by_rule
                   << " decided by a rule; " << tally.naturally_diagram << " policies too large for the dense layout; "
                   << seconds << " s");
  // The records must reach past the default, both ways, or the comparison says little.
  CHECK(tally.allowed > tally.decisions / 50);
  CHECK(tally.allowed < tally.decisions - tally.decisions / 50);
  CHECK(tally.decided_by_rule > tally.decisions / 3);
  CHECK(tally.diagram_pairs > 0);
}

}  // namespace

TEST_CASE("table vs interpreter: block 0") {
  run_block(0);
}
TEST_CASE("table vs interpreter: block 1") {
  run_block(1);
}
TEST_CASE("table vs interpreter: block 2") {
  run_block(2);
}
TEST_CASE("table vs interpreter: block 3") {
  run_block(3);
}
TEST_CASE("table vs interpreter: block 4") {
  run_block(4);
}
TEST_CASE("table vs interpreter: block 5") {
  run_block(5);
}
TEST_CASE("table vs interpreter: block 6") {
  run_block(6);
}
TEST_CASE("table vs interpreter: block 7") {
  run_block(7);
}
static_assert(block_count == 8, "one TEST_CASE per block");
