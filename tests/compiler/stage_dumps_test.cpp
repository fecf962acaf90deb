// Golden compiler stages: every tests/compiler/stages/NAME.policy must check (lints aside), and
// its checked policy, partitions and decision diagram, printed as `usegate check --show` prints
// them, must equal NAME.checked, NAME.partitions and NAME.diagram. A new case is a new policy;
// UPDATE_GOLDEN=1 writes the three files instead, for review with `git diff`.
#include <doctest/doctest.h>

#include <filesystem>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/stage_dump.hpp"

namespace {

using namespace usegate;

TEST_CASE(
    "golden stages: every policy of tests/compiler/stages checks, partitions and lowers to exactly "
    "its expected dumps") {
  const auto cases = testing::files_ending_with(testing::source_path("tests/compiler/stages"), ".policy");
  CHECK(cases.size() >= 2);
  for (const auto& policy : cases) {
    const usegate::SourceFile source(std::filesystem::path(policy).filename().string(), testing::read_text(policy));
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, /*run_lints=*/false);
    std::string diagnostics;
    for (const auto& diagnostic : analysis.diagnostics.all())
      diagnostics += usegate::format_diagnostic(source, diagnostic);
    INFO("case: " << policy << "\n" << diagnostics);
    REQUIRE(analysis.policy.has_value());
    const compiler::CheckedPolicy& checked = *analysis.policy;
    const std::string stem = policy.substr(0, policy.size() - 7);
    const std::pair<const char*, std::string> dumps[] = {
        {".checked", compiler::dump_checked(checked)},
        {".partitions", compiler::dump_partitions(checked, compiler::partitions_of(checked))},
        {".diagram", compiler::dump_decision_diagram(checked)},
    };
    for (const auto& [extension, actual] : dumps) {
      INFO("--- actual (UPDATE_GOLDEN=1 writes it to " << stem << extension << ") ---\n" << actual);
      CHECK(actual == testing::golden_text(stem + extension, actual));
    }
  }
}

// The diagram is canonical: policies that decide alike print the same diagram however their
// conditions are written, since nodes are numbered by the function alone. (Terminals name
// their rule's index, so the rules keep their order here.)
TEST_CASE("policies that decide alike print the same decision diagram") {
  const std::string declarations =
      "policy p \"t\"\nenum purpose { training, ads, research }\nenum region { US, EU, UK }\ntime "
      "ts\n";
  const auto diagram_of = [&](const std::string& rules) {
    const usegate::SourceFile source("test.policy", declarations + rules);
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
    REQUIRE(analysis.policy.has_value());
    return compiler::dump_decision_diagram(*analysis.policy);
  };
  const std::string one_way = diagram_of(
      "deny eu when purpose == training and region == EU and ts < 2024-08-01\n"
      "allow train when purpose in {training, research}\n");
  CHECK(one_way == diagram_of("deny eu when ts < 2024-08-01 and region in {EU} and not (purpose != training)\n"
                              "allow train when (purpose == research or purpose == training) and true\n"));
  CHECK(one_way != diagram_of("deny eu when purpose == training and region == EU and ts <= 2024-08-01\n"
                              "allow train when purpose in {training, research}\n"));
}

TEST_CASE("a diagram over its budget is not dumped: the budget's error is thrown") {
  const usegate::SourceFile source(
      "test.policy", "policy p \"t\"\nenum purpose { training, ads }\nallow a when purpose == training\n");
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  compiler::CompileOptions options;
  options.max_diagram_nodes = 1;
  CHECK_THROWS_AS((void)compiler::dump_decision_diagram(*analysis.policy, options), compiler::DiagramTooLarge);
  options.max_diagram_nodes = 100;
  CHECK(compiler::dump_decision_diagram(*analysis.policy, options)
            .starts_with("diagram over 1 variable: 1 node, 2 terminals"));
}

}  // namespace
