// Golden syntax trees: every tests/dsl/ast/NAME.policy must parse without a diagnostic to the
// tree in NAME.ast, printed as `usegate check --show ast` prints it. A new case is a new pair
// of files; UPDATE_GOLDEN=1 writes the trees instead, for review with `git diff`.
#include <doctest/doctest.h>

#include <filesystem>

#include "support.hpp"
#include "usegate/dsl/ast_dump.hpp"
#include "usegate/dsl/parser.hpp"

namespace {

using namespace usegate;

TEST_CASE("golden syntax trees: every policy of tests/dsl/ast parses to exactly its expected tree") {
  const auto cases = testing::files_ending_with(testing::source_path("tests/dsl/ast"), ".policy");
  CHECK(cases.size() >= 4);
  for (const auto& policy : cases) {
    const usegate::SourceFile source(std::filesystem::path(policy).filename().string(), testing::read_text(policy));
    usegate::DiagnosticList diagnostics;
    const dsl::PolicyFile file = dsl::parse_policy(source, diagnostics);
    const std::string expected_path = policy.substr(0, policy.size() - 7) + ".ast";
    const std::string actual = dsl::dump_ast(file);
    INFO("case: " << policy << "\n--- actual (UPDATE_GOLDEN=1 writes it to " << expected_path << ") ---\n" << actual);
    CHECK(diagnostics.all().empty());
    CHECK(actual == testing::golden_text(expected_path, actual));
  }
}

}  // namespace
