// `usegate check --show`: which stages print, in which order, and what happens to files that do
// not parse or check, to artifacts and to JSON. The dumps themselves are golden cases:
// tests/golden/show-* (each bundled policy, and policies with errors).
#include <doctest/doctest.h>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;

const std::string small_policy = "policy p \"t\"\nenum purpose { training, ads }\nallow a when purpose == training\n";

// The `# STAGE: FILE` lines of an output, in order.
std::string headers(const std::string& out) {
  std::string found;
  std::size_t at = 0;
  while ((at = out.find("# ", at)) != std::string::npos) {
    if (at == 0 || out[at - 1] == '\n') found += out.substr(at, out.find('\n', at) + 1 - at);
    ++at;
  }
  return found;
}

TEST_CASE("check --show: stages in pipeline order, each once, however they are named") {
  const auto result = run_usegate({"check", "--show", "diagram,ast", "--show", "ast", "-"}, small_policy);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(headers(result.out) == "# ast: -\n# diagram: -\n");
  // Sections are apart by one empty line; no `ok` line.
  CHECK(result.out.find("\n\n# diagram: -\n") != std::string::npos);
  CHECK(result.out.find(": ok:") == std::string::npos);
}

TEST_CASE("check --show: several files, one section per stage and file") {
  const std::string policy = source_path("policies/x-grok-2024-05.policy");
  const auto result = run_usegate({"check", "--show", "checked,partitions", policy, "-"}, small_policy);
  CHECK(result.exit_code == 0);
  CHECK(headers(result.out) ==
        "# checked: " + policy + "\n# partitions: " + policy + "\n# checked: -\n# partitions: -\n");
}

TEST_CASE("check --show: warnings still go to stderr, and --werror still fails") {
  const std::string text = small_policy + "default allow\n";
  const auto plain = run_usegate({"check", "--show", "checked", "-"}, text);
  CHECK(plain.exit_code == 0);
  CHECK(plain.out.starts_with("# checked: -\n"));
  CHECK(plain.err.find("[default-allow]") != std::string::npos);
  const auto strict = run_usegate({"check", "--werror", "--show", "checked", "-"}, text);
  CHECK(strict.exit_code == 1);
  CHECK(strict.out == plain.out);
}

TEST_CASE("check --show: an unknown stage, or JSON, is a usage error") {
  const auto unknown = run_usegate({"check", "--show", "ast,tokens", "-"}, small_policy);
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.out.empty());
  CHECK(unknown.err ==
        "usegate check: `--show ast,tokens`: unknown stage `tokens` (the stages: ast, checked, "
        "partitions, diagram)\n");
  const auto empty = run_usegate({"check", "--show", "", "-"}, small_policy);
  CHECK(empty.exit_code == 2);
  const auto json = run_usegate({"check", "--show", "ast", "--format", "json", "-"}, small_policy);
  CHECK(json.exit_code == 2);
  CHECK(json.err == "usegate check: `--show` prints text; it cannot be combined with `--format json`\n");
}

TEST_CASE("check --show: an artifact has no stages to show, and counts as an error") {
  const std::string directory = scratch_directory("check-show-artifact");
  const std::string artifact = directory + "/x.ugt";
  REQUIRE(run_usegate({"build", source_path("policies/x-grok-2024-07.policy"), "-o", artifact}).exit_code == 0);
  const auto result = run_usegate({"check", "--show", "diagram", artifact});
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(result.err == artifact +
                          ": error: `--show` needs a policy source; an artifact keeps no syntax "
                          "tree or checked policy\n"
                          " = help: run `usegate table` for the rows of an artifact\n"
                          "1 error, 0 warnings\n");
}

TEST_CASE("check --show: docs/cli.md shows the golden example verbatim, policy and output") {
  const std::string page = read_text(source_path("docs/cli.md"));
  for (const char* file : {"example.policy", "stdout"}) {
    INFO("file: tests/golden/show-example/" << file);
    CHECK(page.find("```\n" + read_text(source_path(std::string("tests/golden/show-example/") + file)) + "```\n") !=
          std::string::npos);
  }
}

}  // namespace
