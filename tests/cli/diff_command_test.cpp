// `usegate diff`: exit codes, the JSON document's shape, diagnostics of a policy that does not
// check, usage errors. The whole outputs for the bundled X versions, text and JSON, and of a
// change that is structural only, are golden cases (tests/golden/diff-*).
#include <doctest/doctest.h>

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "x_records.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

const std::string may = source_path("policies/x-grok-2024-05.policy");
const std::string& july = usegate::testing::july_policy;
const std::string& august = usegate::testing::august_policy;
using usegate::testing::keys_of;

TEST_CASE("diff: docs/diff.md shows the golden outputs verbatim") {
  const std::string page = read_text(source_path("docs/diff.md"));
  for (const char* golden : {"diff-x-grok-2024-05-to-07", "diff-x-grok-2024-07-to-08"}) {
    INFO("golden: " << golden);
    CHECK(page.find(read_text(source_path(std::string("tests/golden/") + golden + "/stdout"))) != std::string::npos);
  }
}

TEST_CASE("diff: a policy against itself is no semantic change and exits 0") {
  const auto result = run_usegate({"diff", august, august});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out == "diff x_grok 2024-08-08 → 2024-08-08\n\nno semantic change\n");
}

TEST_CASE("diff: --format json is one document of the documented shape") {
  const auto result = run_usegate({"diff", "--format", "json", july, august});
  CHECK(result.exit_code == 1);

  simdjson::dom::parser parser;
  const simdjson::padded_string json(result.out);
  simdjson::dom::element document;
  REQUIRE(parser.parse(json).get(document) == simdjson::SUCCESS);
  CHECK(keys_of(document) ==
        std::vector<std::string_view>{"old", "new", "semantic_change", "structural_changes", "rows"});
  CHECK(document["old"]["policy"].get_string().value() == "x_grok");
  CHECK(document["old"]["version"].get_string().value() == "2024-07-26");
  CHECK(document["new"]["version"].get_string().value() == "2024-08-08");
  CHECK(document["semantic_change"].get_bool().value());

  const auto changes = document["structural_changes"].get_array().value();
  CHECK(changes.size() == 8);
  CHECK(changes.at(6).value()["kind"].get_string().value() == "assertion_added");
  CHECK(changes.at(6).value()["subject"].get_string().value() == "eu_posts_suspended");
  const auto rule_added = changes.at(4).value();
  CHECK(rule_added["kind"].get_string().value() == "rule_added");
  CHECK(rule_added["subject"].get_string().value() == "eu_suspension");

  const auto rows = document["rows"].get_array().value();
  REQUIRE(rows.size() == 6);
  const auto first = rows.at(0).value();
  CHECK(keys_of(first) == std::vector<std::string_view>{"direction", "when", "condition", "old", "new"});
  CHECK(first["direction"].get_string().value() == "newly_denied");
  CHECK(keys_of(first["when"].value()) ==
        std::vector<std::string_view>{"category", "purpose", "region", "visibility", "ts", "now", "grok_sharing"});
  CHECK(first["when"]["ts"].at(0).get_string().value() == "[2024-05-07, 2024-08-01)");
  CHECK(first["when"]["now"].at(0).get_string().value() == ">= 2024-08-08");
  CHECK(first["old"]["decision"].get_string().value() == "allow");
  CHECK(first["old"]["reason"].get_string().value() == "train_on_posts");
  CHECK(first["new"]["decision"].get_string().value() == "deny");
  CHECK(first["new"]["reason"].get_string().value() == "eu_suspension");
  CHECK(rows.at(5).value()["direction"].get_string().value() == "reason_only");
}

TEST_CASE("diff: a policy that does not check is reported as `check` reports it, exit 3") {
  const std::string directory = scratch_directory("diff-broken");
  const std::string broken = directory + "/broken.policy";
  write_text(broken, "policy p \"t\"\nenum r { EU }\nallow a when regoin == EU\n");
  const auto result = run_usegate({"diff", july, broken});
  CHECK(result.exit_code == 3);
  CHECK(result.out.empty());
  CHECK(result.err == run_usegate({"check", "--no-lints", broken}).err);
  CHECK(result.err == broken +
                          ":3:14: error: unknown attribute `regoin`\n"
                          " 3 | allow a when regoin == EU\n"
                          "   |              ^~~~~~\n"
                          "1 error, 0 warnings\n");
}

TEST_CASE("diff: an attribute whose kind changed is an error at its declaration, exit 3") {
  const std::string directory = scratch_directory("diff-kind-changed");
  write_text(directory + "/old.policy", "policy p \"t\"\nnumber age\nallow adult when age >= 18\n");
  write_text(directory + "/new.policy", "policy p \"t\"\ntime age\nallow adult when age >= 2024-01-01\n");
  const auto result = run_usegate({"diff", directory + "/old.policy", directory + "/new.policy"});
  CHECK(result.exit_code == 3);
  CHECK(result.out.empty());
  CHECK(result.err.find(directory + "/new.policy:2:6: error: attribute `age` is a number in the old policy and a "
                                    "time in the new one\n") == 0);
}

TEST_CASE("diff: usage errors and unreadable files exit 2") {
  CHECK(run_usegate({"diff"}).exit_code == 2);
  CHECK(run_usegate({"diff", july}).exit_code == 2);
  CHECK(run_usegate({"diff", may, july, august}).exit_code == 2);
  CHECK(run_usegate({"diff", "--format", "yaml", may, july}).exit_code == 2);
  const auto missing = run_usegate({"diff", may, "/nonexistent/x.policy"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "usegate cannot read `/nonexistent/x.policy`: No such file or directory\n");
  const auto help = run_usegate({"diff", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: usegate diff [--format F] [-o FILE] [--fail-on WHAT] [--decisions-only] OLD NEW\n") == 0);
}

}  // namespace
