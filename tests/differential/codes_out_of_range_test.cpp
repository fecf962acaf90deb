// Policy::decide on codes: a code past a variable's last one is the caller's mistake, and
// docs/embedding.md promises a denial with reason `invalid_input` — never a decision read from
// another cell, never an allow. Checked for every variable of random policies, one code at
// the first value past the range, on both layouts.
#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "support.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

// How many variables, over all policies, got a decision other than invalid input.
int undetected_codes(const compiler::CompileOptions& options, const std::string& layout) {
  const std::uint64_t base = base_seed();
  MESSAGE("codes out of range (" << layout << "): base seed " << base << " (USEGATE_SEED=" << base
                                 << " reproduces this run)");
  int checked = 0, undetected = 0;
  for (int index = 0; index < (testing::reduced_scale() ? 40 : 200); ++index) {
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0x72616E6765ULL + static_cast<std::uint64_t>(index)));
    const std::string text = generate_policy(seed).render();
    const Pipeline pipeline = run_pipeline(text, options);
    REQUIRE_MESSAGE(pipeline.table.has_value(), "policy seed " << seed << ": " << pipeline.errors);
    if (pipeline.table->layout() != layout) continue;
    const Policy& policy = pipeline.table->policy();
    // Every variable missing (settings off): a valid input.
    std::vector<Code> codes(policy.variable_count(), runtime::missing_code);
    for (std::size_t v = 0; v < codes.size(); ++v) {
      if (policy.variable(v).kind == VariableDescription::Kind::setting) codes[v] = runtime::setting_off_code;
    }
    REQUIRE(policy.decide(std::span<const Code>(codes)).reason != Policy::invalid_input_reason);
    for (std::size_t v = 0; v < codes.size(); ++v) {
      std::vector<Code> wrong = codes;
      wrong[v] = static_cast<Code>(policy.variable(v).code_count);
      const Decision decision = policy.decide(std::span<const Code>(wrong));
      ++checked;
      if (!decision.allowed && decision.reason == Policy::invalid_input_reason) continue;
      if (++undetected <= 3) {
        MESSAGE("not refused: policy seed " << seed << ", variable `" << policy.variable(v).name << "` given code "
                                            << wrong[v] << " of " << policy.variable(v).code_count << ": "
                                            << std::string(decision.allowed ? "allow" : "deny") << " ("
                                            << policy.reason_name(decision.reason) << ")\n"
                                            << text);
      }
    }
  }
  MESSAGE(checked << " variables given a code out of range, " << undetected << " not refused");
  CHECK(checked > 100);
  return undetected;
}

}  // namespace

TEST_CASE("codes out of range: refused on the dense layout") {
  CHECK(undetected_codes(compiler::CompileOptions{}, "dense") == 0);
}

// is fixed
TEST_CASE("codes out of range: refused on the diagram layout") {
  compiler::CompileOptions options;
  options.max_dense_cells = 1;  // always the decision-diagram layout
  CHECK(undetected_codes(options, "diagram") == 0);
}
