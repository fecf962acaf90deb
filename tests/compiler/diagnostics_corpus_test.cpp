// Golden diagnostics: every tests/compiler/diagnostics/NAME.policy is checked and linted, and
// its diagnostics, printed exactly as `usegate check` prints them, must equal NAME.expected.
// A new case is a new pair of files. On a mismatch the actual text is printed, ready to
// paste; UPDATE_GOLDEN=1 writes it instead.
#include <doctest/doctest.h>

#include <filesystem>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"

namespace {

using namespace usegate;

std::string diagnostics_text(const std::string& path) {
  const usegate::SourceFile source(std::filesystem::path(path).filename().string(), testing::read_text(path));
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source);
  std::string text;
  for (const auto& diagnostic : analysis.diagnostics.all()) text += usegate::format_diagnostic(source, diagnostic);
  return text;
}

TEST_CASE("golden diagnostics: every broken policy gets exactly its expected diagnostics") {
  const auto cases = testing::files_ending_with(testing::source_path("tests/compiler/diagnostics"), ".policy");
  CHECK(cases.size() >= 30);
  for (const auto& policy : cases) {
    const std::string expected_path = policy.substr(0, policy.size() - 7) + ".expected";
    const std::string actual = diagnostics_text(policy);
    INFO("case: " << policy << "\n--- actual (paste into " << expected_path << ") ---\n" << actual);
    CHECK(actual == testing::golden_text(expected_path, actual));
    CHECK(!actual.empty());
  }
}

TEST_CASE("every bundled policy checks clean, lints included") {
  const auto policies = testing::files_ending_with(testing::source_path("policies"), ".policy");
  CHECK(policies.size() >= 4);
  for (const auto& policy : policies) {
    INFO("policy: " << policy << "\n" << diagnostics_text(policy));
    CHECK(diagnostics_text(policy).empty());
  }
}

}  // namespace
