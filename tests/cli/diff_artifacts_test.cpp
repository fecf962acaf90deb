// `usegate diff` with artifacts built by `usegate build`: the rows are those of the sources,
// exactly, in text and JSON, whichever side is an artifact; the structural changes are said to
// be unavailable, never made up; reasons are compared by rule id; errors exit 2.
#include <doctest/doctest.h>

#include <string>

#include "x_records.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::scratch_file;

// NEW compares `age` with other constants (18 and 21 where OLD has 16 and 18), tests `purpose`
// where OLD does not, and names its deny rule otherwise: the rows are over age's cells of both.
const char* const old_text =
    "policy ads\nversion 1\n\nenum purpose { ads, analytics }\nnumber age\n\n"
    "allow adults when age >= 18\ndeny minors when age < 16\n";
const char* const new_text =
    "policy ads\nversion 2\n\nenum purpose { ads, analytics }\nnumber age\n\n"
    "allow adults when age >= 21 and purpose == ads\ndeny under_age when age < 18\n";

const std::string rows_text =
    "newly denied (2 rows):\n"
    "  purpose ∈ {analytics, missing, unknown} ∧ age ≥ 18: allow (adults) → deny (default)\n"
    "  purpose = ads ∧ age ∈ [18, 21): allow (adults) → deny (default)\n"
    "\n"
    "reason only (2 rows):\n"
    "  age ∈ [16, 18): deny (default) → deny (under_age)\n"
    "  age < 16: deny (minors) → deny (under_age)\n";

struct Versions {
  std::string old_source, new_source, old_artifact, new_artifact;
};

Versions build_versions(const std::string& directory) {
  Versions versions{scratch_file(directory, "old.policy", old_text), scratch_file(directory, "new.policy", new_text),
                    directory + "/old.ugt", directory + "/new.ugt"};
  REQUIRE(run_usegate({"build", versions.old_source, "-o", versions.old_artifact}).exit_code == 0);
  REQUIRE(run_usegate({"build", versions.new_source, "-o", versions.new_artifact}).exit_code == 0);
  return versions;
}

TEST_CASE("diff with artifacts: the rows of the sources over both versions' cells, exit 1") {
  const Versions v = build_versions(scratch_directory("diff-artifacts-rows"));

  const auto sources = run_usegate({"diff", v.old_source, v.new_source});
  CHECK(sources.exit_code == 1);
  CHECK(sources.out ==
        "diff ads 1 → 2\n"
        "\n"
        "structural changes:\n"
        "  version: 1 → 2\n"
        "  rule adults: condition narrowed: no longer matches (purpose ∈ {analytics, missing, unknown} ∧ age ≥ 18) "
        "∨ (purpose = ads ∧ age ∈ [18, 21))\n"
        "  rule added: deny under_age\n"
        "  rule removed: deny minors\n"
        "\n" +
            rows_text);

  const auto artifacts = run_usegate({"diff", v.old_artifact, v.new_artifact});
  CHECK(artifacts.exit_code == 1);
  CHECK(artifacts.err.empty());
  CHECK(artifacts.out ==
        "diff ads 1 → 2\n"
        "\n"
        "structural changes: not available for artifacts (OLD and NEW are artifacts)\n"
        "\n" +
            rows_text);

  const auto new_artifact = run_usegate({"diff", v.old_source, v.new_artifact});
  CHECK(new_artifact.exit_code == 1);
  CHECK(new_artifact.out ==
        "diff ads 1 → 2\n\nstructural changes: not available for artifacts (NEW is an artifact)\n\n" + rows_text);
  const auto old_artifact = run_usegate({"diff", v.old_artifact, v.new_source});
  CHECK(old_artifact.exit_code == 1);
  CHECK(old_artifact.out ==
        "diff ads 1 → 2\n\nstructural changes: not available for artifacts (OLD is an artifact)\n\n" + rows_text);
  // docs/diff.md shows this output.
  CHECK(read_text(usegate::testing::source_path("docs/diff.md")).find(old_artifact.out) != std::string::npos);
}

TEST_CASE("diff with artifacts: --format json gives the rows and `\"structural_changes\": null`") {
  const Versions v = build_versions(scratch_directory("diff-artifacts-json"));
  const std::string expected =
      "{\n"
      "  \"old\": {\"policy\": \"ads\", \"version\": \"1\"},\n"
      "  \"new\": {\"policy\": \"ads\", \"version\": \"2\"},\n"
      "  \"semantic_change\": true,\n"
      "  \"structural_changes\": null,\n"
      "  \"rows\": [\n"
      "    {\"direction\": \"newly_denied\", \"when\": {\"purpose\": [\"analytics\", \"missing\", \"unknown\"], "
      "\"age\": [\">= 18\"]}, \"condition\": \"purpose ∈ {analytics, missing, unknown} ∧ age ≥ 18\", \"old\": "
      "{\"decision\": \"allow\", \"reason\": \"adults\"}, \"new\": {\"decision\": \"deny\", \"reason\": "
      "\"default\"}},\n"
      "    {\"direction\": \"newly_denied\", \"when\": {\"purpose\": [\"ads\"], \"age\": [\"[18, 21)\"]}, "
      "\"condition\": \"purpose = ads ∧ age ∈ [18, 21)\", \"old\": {\"decision\": \"allow\", \"reason\": "
      "\"adults\"}, \"new\": {\"decision\": \"deny\", \"reason\": \"default\"}},\n"
      "    {\"direction\": \"reason_only\", \"when\": {\"age\": [\"[16, 18)\"]}, \"condition\": \"age ∈ [16, 18)\", "
      "\"old\": {\"decision\": \"deny\", \"reason\": \"default\"}, \"new\": {\"decision\": \"deny\", \"reason\": "
      "\"under_age\"}},\n"
      "    {\"direction\": \"reason_only\", \"when\": {\"age\": [\"< 16\"]}, \"condition\": \"age < 16\", \"old\": "
      "{\"decision\": \"deny\", \"reason\": \"minors\"}, \"new\": {\"decision\": \"deny\", \"reason\": "
      "\"under_age\"}}\n"
      "  ]\n"
      "}\n";
  for (const auto& [old_path, new_path] :
       {std::pair{v.old_artifact, v.new_artifact}, std::pair{v.old_source, v.new_artifact},
        std::pair{v.old_artifact, v.new_source}}) {
    INFO(old_path << " → " << new_path);
    const auto result = run_usegate({"diff", "--format", "json", old_path, new_path});
    CHECK(result.exit_code == 1);
    CHECK(result.out == expected);
  }
  // From the sources, the same document but for the structural changes.
  const auto sources = run_usegate({"diff", "--format", "json", v.old_source, v.new_source});
  CHECK(sources.out.substr(sources.out.find("  \"rows\": ")) == expected.substr(expected.find("  \"rows\": ")));
}

TEST_CASE("diff with artifacts: reasons are compared by rule id, not by the rule's place") {
  const std::string directory = scratch_directory("diff-artifacts-rule-ids");
  const Versions v = build_versions(directory);
  // The same rules in another order: `minors` is rule 0 here and rule 1 in OLD.
  const std::string moved = scratch_file(directory, "moved.policy",
                                         "policy ads\nversion 1\n\nenum purpose { ads, analytics }\nnumber age\n\n"
                                         "deny minors when age < 16\nallow adults when age >= 18\n");
  REQUIRE(run_usegate({"build", moved, "-o", directory + "/moved.ugt"}).exit_code == 0);
  const auto result = run_usegate({"diff", v.old_artifact, directory + "/moved.ugt"});
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        "diff ads 1 → 1\n\nstructural changes: not available for artifacts (OLD and NEW are artifacts)\n\n"
        "no semantic change\n");
  const auto json = run_usegate({"diff", "--format", "json", v.old_artifact, directory + "/moved.ugt"});
  CHECK(json.exit_code == 0);
  CHECK(json.out ==
        "{\n"
        "  \"old\": {\"policy\": \"ads\", \"version\": \"1\"},\n"
        "  \"new\": {\"policy\": \"ads\", \"version\": \"1\"},\n"
        "  \"semantic_change\": false,\n"
        "  \"structural_changes\": null,\n"
        "  \"rows\": []\n"
        "}\n");
}

TEST_CASE("diff with artifacts: an attribute that changed kind, or an artifact that does not load, exits 3") {
  const std::string directory = scratch_directory("diff-artifacts-errors");
  const Versions v = build_versions(directory);
  const std::string kind_changed =
      scratch_file(directory, "kind.policy",
                   "policy ads\nversion 3\n\nenum purpose { ads, analytics }\nenum age { child, adult }\n\n"
                   "allow adults when age == adult\n");
  REQUIRE(run_usegate({"build", kind_changed, "-o", directory + "/kind.ugt"}).exit_code == 0);
  const std::string help =
      "= help: a diff compares records field by field, so a field must be read the same way by both versions; give "
      "the attribute a new name in the new version\n";

  const auto artifacts = run_usegate({"diff", v.old_artifact, directory + "/kind.ugt"});
  CHECK(artifacts.exit_code == 3);
  CHECK(artifacts.out.empty());
  CHECK(artifacts.err ==
        "usegate diff: error: attribute `age` is a number in the old policy and an enum in the new one\n  " + help);
  // NEW a source: the error points at its declaration.
  const auto new_source = run_usegate({"diff", v.old_artifact, kind_changed});
  CHECK(new_source.exit_code == 3);
  CHECK(new_source.err == kind_changed +
                              ":5:6: error: attribute `age` is a number in the old policy and an enum in the new one\n"
                              " 5 | enum age { child, adult }\n"
                              "   |      ^~~\n"
                              "   " +
                              help);

  const std::string truncated = scratch_file(directory, "truncated.ugt", read_text(v.old_artifact).substr(0, 100));
  const auto broken = run_usegate({"diff", truncated, v.new_artifact});
  CHECK(broken.exit_code == 3);
  CHECK(broken.out.empty());
  CHECK(broken.err == truncated + ": error: truncated artifact: 100 bytes of 226\n1 error, 0 warnings\n");
}

}  // namespace
