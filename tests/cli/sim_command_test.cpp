// `usegate sim`: exact figures for small scenarios worked out by hand, opt-out reach, scenario
// errors, `--vs`, determinism. The figures of a random mix are checked against the reference
// interpreter in tests/review/sim_against_interpreter_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "x_records.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

const std::string& july = usegate::testing::july_policy;
const std::string& august = usegate::testing::august_policy;
using usegate::testing::scratch_file;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// 100 EU users with public accounts on the web, 10 posts each, all created inside the EU
// suspension window (2024-05-07 to 2024-08-01); nobody touches the setting, so it stays on.
const char* const eu_posts = R"(users: 100
seed: 7
now: 2024-08-15
purposes: [training]
population:
  region: {EU: 1}
  visibility: {public: 1}
platforms:
  - {uses: [web], share: 1}
records:
  category: {post: 10}
record_times:
  ts: {from: 2024-06-01, until: 2024-06-02}
)";

TEST_CASE("sim: EU posts inside the suspension window are all usable in July, none in August") {
  const std::string directory = scratch_directory("sim-eu-posts");
  const std::string scenario = scratch_file(directory, "eu.yaml", eu_posts);

  const auto before = run_usegate({"sim", july, "--scenario", scenario, "--format", "json"});
  REQUIRE(before.exit_code == 0);
  CHECK(contains(before.out, R"({"purpose":"training","records":1000,"usable":1000,"usable_share":1.000000,)"));
  CHECK(contains(before.out, R"({"reason":"train_on_posts","effect":"allow","records":1000,"share":1.000000})"));

  // In August the suspension denies all of them: tests/golden/sim-eu-posts-x-grok-2024-08 is the
  // whole text report.
  const auto after = run_usegate({"sim", august, "--scenario", scenario, "--format", "json"});
  REQUIRE(after.exit_code == 0);
  CHECK(contains(after.out, R"({"purpose":"training","records":1000,"usable":0,"usable_share":0.000000,)"));
}

// Each case: a scenario whose shares are all 0 or 1, so every count follows by hand.
struct HandCase {
  const char* name;
  const char* policy;  // relative to the source tree
  const char* scenario;
  std::vector<std::string> expected;  // parts of the JSON report
};

TEST_CASE("sim: figures that follow by hand") {
  const std::vector<HandCase> cases = {
      {"protected accounts: posts denied, Grok use allowed, for both purposes",
       "policies/x-grok-2024-07.policy",
       "users: 50\nnow: 2024-08-15\npurposes: [training, fine_tuning]\n"
       "population: {region: {US: 1}, visibility: {protected: 1}}\n"
       "records: {category: {post: 3, input: 2}}\n",
       {R"({"purpose":"training","records":250,"usable":100,"usable_share":0.400000,)",
        R"({"purpose":"fine_tuning","records":250,"usable":100,"usable_share":0.400000,)",
        R"({"value":"post","records":150,"usable":0,"usable_share":0.000000})",
        R"({"value":"input","records":100,"usable":100,"usable_share":1.000000})",
        R"({"reason":"protected_posts","effect":"deny","records":150,"share":0.600000})"}},
      {"everyone on the web switches the setting off after it appeared: every covered record "
       "removed",
       "policies/x-grok-2024-07.policy",
       "users: 40\nnow: 2024-08-15\npurposes: [training, realtime_answers]\n"
       "population: {region: {UK: 1}, visibility: {public: 1}}\n"
       "platforms: [{uses: [web, ios], share: 1}]\n"
       "records: {category: {post: 4, result: 1}}\n"
       "settings: {grok_sharing: {switch_off: 1, acts: 2024-07-26}}\n",
       {R"({"purpose":"training","records":200,"usable":0,"usable_share":0.000000,)",
        R"({"reason":"optout_grok_sharing","effect":"deny","records":200,"share":1.000000})",
        // realtime answers are not covered by the setting: public posts stay usable.
        R"({"purpose":"realtime_answers","records":200,"usable":160,"usable_share":0.800000,)",
        R"("users_reached":40,"reach":1.000000,"users_switched_off":40,"switched_off_share":1.000000,)"
        R"("records_removed":200,"records_removed_share":0.500000,)"
        R"("reach_by_platforms":[{"platforms":"web+ios","users":40,"reached":40,"reach":1.000000}]})"}},
      {"acting the day before the setting appeared reaches nothing",
       "policies/x-grok-2024-07.policy",
       "users: 40\nnow: 2024-08-15\npurposes: [training]\n"
       "population: {region: {UK: 1}, visibility: {public: 1}}\n"
       "platforms: [{uses: [web], share: 1}]\n"
       "records: {category: {post: 4}}\n"
       "settings: {grok_sharing: {switch_off: 1, acts: 2024-07-25}}\n",
       {R"({"purpose":"training","records":160,"usable":160,"usable_share":1.000000,)",
        R"("users_reached":0,"reach":0.000000,"users_switched_off":0,)"}},
      {"a missing region is not known: August's suspension denies the post, July allows it",
       "policies/x-grok-2024-08.policy",
       "users: 10\nnow: 2024-08-15\npurposes: [training]\n"
       "population: {region: {missing: 1}, visibility: {public: 1}}\n"
       "records: {category: {post: 1, interaction: 1}}\n",
       {R"({"purpose":"training","records":20,"usable":10,"usable_share":0.500000,)",
        R"({"reason":"eu_suspension_unreadable","effect":"deny","records":10,"share":0.500000})",
        R"({"field":"region","values":[{"value":"missing","records":20,"usable":10,"usable_share":0.500000}]})"}},
      {"direct messages are never used; shares of 0 draw nobody",
       "policies/x-grok-2024-07.policy",
       "users: 30\nnow: 2024-08-15\npurposes: [training]\n"
       "population: {region: {US: 0, EU: 1, UK: 0}, visibility: {public: 1, protected: 0}}\n"
       "records: {category: {direct_message: 2, post: 1}}\n",
       {R"({"purpose":"training","records":90,"usable":30,"usable_share":0.333333,)",
        R"({"value":"US","records":0,"usable":0,"usable_share":0.000000})",
        R"({"value":"EU","records":90,"usable":30,"usable_share":0.333333})",
        R"({"reason":"direct_messages","effect":"deny","records":60,"share":0.666667})"}},
  };
  const std::string directory = scratch_directory("sim-hand");
  for (const auto& entry : cases) {
    CAPTURE(entry.name);
    const std::string scenario = scratch_file(directory, "s.yaml", entry.scenario);
    const auto result = run_usegate({"sim", source_path(entry.policy), "--scenario", scenario, "--format", "json"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    for (const auto& part : entry.expected) {
      CAPTURE(part);
      CHECK(contains(result.out, part));
    }
    if (!result.err.empty()) MESSAGE(result.err);
  }
}

// July's policy with the setting in every app from its first day: the only difference from
// policies/x-grok-2024-07.policy that matters here.
const char* const everywhere_policy =
    R"(policy x_grok_everywhere "July, with the setting in the apps too"
enum category   { post, interaction, input, result, direct_message }
enum purpose    { training, fine_tuning, realtime_answers }
enum platform   { web, ios, android }
enum region     { US, EU, UK, other_region }
enum visibility { public, protected }
time ts
setting grok_sharing {
  label   "Allow your posts as well as your interactions, inputs, and results with Grok to be used for training and fine-tuning."
  default on
  covers  purpose in {training, fine_tuning} and category in {post, interaction, input, result}
  available on {web, ios, android} from 2024-07-26
}
allow train_on_posts when purpose in {training, fine_tuning} and category == post and visibility == public
allow train_on_grok_use when purpose in {training, fine_tuning} and category in {interaction, input, result}
deny protected_posts when purpose in {training, fine_tuning} and category == post and visibility == protected
default deny
)";

TEST_CASE(
    "sim: reach is 0 for mobile-only users while the setting is web-only, and all once it is in "
    "the apps") {
  const std::string mobile_only = source_path("policies/scenarios/x-grok-mobile-only.yaml");
  for (const auto& policy : {july, august}) {
    const auto result = run_usegate({"sim", policy, "--scenario", mobile_only, "--format", "json"});
    REQUIRE(result.exit_code == 0);
    CHECK(contains(
        result.out,
        R"({"setting":"grok_sharing","default":"on","acts_as":"grok_sharing","users_reached":0,"reach":0.000000,)"
        R"("users_switched_off":0,"switched_off_share":0.000000,"records_removed":0,"records_removed_share":0.000000,)"
        R"("reach_by_platforms":[{"platforms":"ios","users":39795,"reached":0,"reach":0.000000},)"
        R"({"platforms":"android","users":55168,"reached":0,"reach":0.000000},)"
        R"({"platforms":"ios+android","users":5037,"reached":0,"reach":0.000000}]})"));
  }
  const std::string directory = scratch_directory("sim-reach");
  const std::string everywhere = scratch_file(directory, "everywhere.policy", everywhere_policy);
  const auto result = run_usegate({"sim", july, "--vs", everywhere, "--scenario", mobile_only, "--format", "json"});
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.out, R"("users_reached":0,"reach":0.000000,)"));
  CHECK(contains(result.out, R"("users_reached":100000,"reach":1.000000,)"));

  const auto text = run_usegate({"sim", july, "--vs", everywhere, "--scenario", mobile_only});
  REQUIRE(text.exit_code == 0);
  CHECK(contains(text.out, "             | reach           |      0 (0.00%) | 100000 (100.00%) | +100.00 pp\n"));
}

struct ScenarioErrorCase {
  const char* name;
  std::string scenario;
  std::string expected;  // stderr, with FILE for the scenario's path
};

const std::string valid_start = "users: 10\nnow: 2024-08-15\npurposes: [training]\nrecords: {category: {post: 2}}\n";

TEST_CASE("sim: a scenario that cannot be used is an error at its line and column, exit 3") {
  const std::vector<ScenarioErrorCase> cases = {
      {"misspelled key", valid_start + "usres: 4\n",
       "FILE:5:1: error: unknown key `usres` in the scenario\n"
       " 5 | usres: 4\n"
       "   | ^~~~~\n"
       "   = help: did you mean `users`?\n"},
      {"unknown key", valid_start + "colour: 4\n",
       "FILE:5:1: error: unknown key `colour` in the scenario\n"
       " 5 | colour: 4\n"
       "   | ^~~~~~\n"
       "   = help: expected `users`, `seed`, `now`, `purpose_attribute`, `purposes`, `population`, "
       "`platforms`, "
       "`records`, `record_times`, `settings`\n"},
      {"unknown key in a setting", valid_start + "settings:\n  grok_sharing: {switch_of: 0.5}\n",
       "FILE:6:18: error: unknown key `switch_of` in `settings.grok_sharing`\n"
       " 6 |   grok_sharing: {switch_of: 0.5}\n"
       "   |                  ^~~~~~~~~\n"
       "   = help: did you mean `switch_off`?\n"},
      {"share above 1", valid_start + "population:\n  region: {US: 1.5}\n",
       "FILE:6:16: error: the share of `US` is 1.5, outside [0, 1]\n"
       " 6 |   region: {US: 1.5}\n"
       "   |                ^~~\n"},
      {"negative share", valid_start + "settings:\n  grok_sharing: {switch_off: -0.1}\n",
       "FILE:6:30: error: `switch_off` is -0.1, outside [0, 1]\n"
       " 6 |   grok_sharing: {switch_off: -0.1}\n"
       "   |                              ^~~~\n"},
      {"shares that do not sum to 1", valid_start + "population:\n  region: {US: 0.5, EU: 0.4}\n",
       "FILE:6:11: error: the shares of `population.region` sum to 0.9, not 1\n"
       " 6 |   region: {US: 0.5, EU: 0.4}\n"
       "   |           ^\n"},
      {"platform shares that do not sum to 1",
       valid_start + "platforms:\n  - {uses: [web], share: 0.5}\n  - {uses: [ios], share: 0.6}\n",
       "FILE:6:3: error: the shares of `platforms` sum to 1.1, not 1\n"
       " 6 |   - {uses: [web], share: 0.5}\n"
       "   |   ^\n"},
      {"unknown value", valid_start + "population:\n  region: {Mars: 1}\n",
       "FILE:6:12: error: `Mars` is not a value of `region` in policy `x_grok`\n"
       " 6 |   region: {Mars: 1}\n"
       "   |            ^~~~\n"},
      {"unknown attribute", valid_start + "population:\n  regoin: {US: 1}\n",
       "FILE:6:3: error: `regoin` is not an attribute of policy `x_grok`\n"
       " 6 |   regoin: {US: 1}\n"
       "   |   ^~~~~~\n"
       "   = help: did you mean `region`?\n"},
      {"unknown setting", valid_start + "settings:\n  grok_share: {switch_off: 0.1}\n",
       "FILE:6:3: error: `grok_share` is not a setting of policy `x_grok`\n"
       " 6 |   grok_share: {switch_off: 0.1}\n"
       "   |   ^~~~~~~~~~\n"
       "   = help: did you mean `grok_sharing`?\n"},
      {"unknown platform", valid_start + "platforms:\n  - {uses: [tv], share: 1}\n",
       "FILE:6:13: error: `tv` is not a value of `platform` in policy `x_grok`\n"
       " 6 |   - {uses: [tv], share: 1}\n"
       "   |             ^~\n"},
      {"unknown purpose", "users: 10\nnow: 2024-08-15\npurposes: [training, ads]\nrecords: {category: {post: 2}}\n",
       "FILE:3:22: error: `ads` is not a value of `purpose` in policy `x_grok`\n"
       " 3 | purposes: [training, ads]\n"
       "   |                      ^~~\n"},
      {"a date that does not exist",
       "users: 10\nnow: 2024-02-30\npurposes: [training]\nrecords: {category: {post: 2}}\n",
       "FILE:2:6: error: `now` must be a date, not `2024-02-30`\n"
       " 2 | now: 2024-02-30\n"
       "   |      ^~~~~~~~~~\n"
       "   = help: write `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC)\n"},
      {"a required key missing", "users: 10\npurposes: [training]\nrecords: {category: {post: 2}}\n",
       "FILE:1:1: error: the scenario needs `now`\n"
       " 1 | users: 10\n"
       "   | ^\n"},
      {"a time attribute given per user", valid_start + "population:\n  ts: {US: 1}\n",
       "FILE:6:3: error: `ts` is a time attribute\n"
       " 6 |   ts: {US: 1}\n"
       "   |   ^~\n"
       "   = help: draw times per record under `record_times`\n"},
      {"a key twice", valid_start + "users: 5\n",
       "FILE:5:1: error: `users` appears twice in the scenario\n"
       " 5 | users: 5\n"
       "   | ^~~~~\n"},
      {"not YAML", "users: [10\n",
       "FILE:2:1: error: end of sequence flow not found\n"
       " 2 | \n"
       "   | ^\n"},
  };
  const std::string directory = scratch_directory("sim-errors");
  for (const auto& entry : cases) {
    CAPTURE(entry.name);
    const std::string scenario = scratch_file(directory, "bad.yaml", entry.scenario);
    const auto result = run_usegate({"sim", august, "--scenario", scenario});
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    std::string expected = entry.expected;
    expected.replace(0, 4, scenario);
    CHECK(result.err == expected);
  }
}

TEST_CASE("sim: --vs puts both policies side by side with the difference in percentage points") {
  const std::string directory = scratch_directory("sim-vs");
  const std::string scenario = scratch_file(directory, "eu.yaml", eu_posts);
  const auto result = run_usegate({"sim", july, "--vs", august, "--scenario", scenario});
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.out, "x-grok-2024-07: policy x_grok version 2024-07-26 (" + july +
                                 ")\n"
                                 "x-grok-2024-08: policy x_grok version 2024-08-08 (" +
                                 august + ")\n"));
  CHECK(contains(result.out,
                 "purpose training: usable 100.00% under x-grok-2024-07, 0.00% under "
                 "x-grok-2024-08 (-100.00 pp)\n"));
  CHECK(contains(result.out,
                 "breakdown  | value  | records | x-grok-2024-07 | x-grok-2024-08 | change\n"
                 "-----------+--------+---------+----------------+----------------+-----------\n"
                 "all        |        |    1000 |        100.00% |          0.00% | -100.00 pp\n"
                 "category   | post   |    1000 |        100.00% |          0.00% | -100.00 pp\n"));
  CHECK(contains(result.out, "eu_suspension |              - | 1000 (100.00%) | +100.00 pp\n"));
  CHECK(contains(result.out, "grok_sharing | default         |             on |             on |    same\n"));

  const auto json = run_usegate({"sim", july, "--vs", august, "--scenario", scenario, "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(contains(json.out, R"({"label":"x-grok-2024-07",)"));
  CHECK(contains(json.out, R"({"label":"x-grok-2024-08",)"));
}

TEST_CASE(
    "sim: the same seed gives the same report, byte for byte, and each policy sees the same "
    "users") {
  const std::string scenario = source_path("policies/scenarios/x-grok-2024-08-15.yaml");
  const auto first = run_usegate({"sim", august, "--scenario", scenario, "--format", "json"});
  const auto second = run_usegate({"sim", august, "--scenario", scenario, "--format", "json"});
  REQUIRE(first.exit_code == 0);
  CHECK(first.out == second.out);

  // Under --vs each policy's figures are those of a run on its own.
  const auto both = run_usegate({"sim", july, "--vs", august, "--scenario", scenario, "--format", "json"});
  REQUIRE(both.exit_code == 0);
  const auto policy_part = [](const std::string& report, std::size_t which) {
    std::size_t start = report.find("{\"label\":");
    for (std::size_t i = 0; i < which; ++i) start = report.find("{\"label\":", start + 1);
    const std::size_t end = report.find("{\"label\":", start + 1);
    std::string part = report.substr(start, end == std::string::npos ? std::string::npos : end - start);
    while (!part.empty() && (part.back() == ']' || part.back() == '}' || part.back() == ',' || part.back() == '\n' ||
                             part.back() == ' ')) {
      part.pop_back();
    }
    return part;
  };
  CHECK(policy_part(both.out, 1) == policy_part(first.out, 0));

  // Another seed, other users.
  const std::string directory = scratch_directory("sim-seed");
  std::string text = read_text(scenario);
  text.replace(text.find("seed: 2024"), 10, "seed: 2025");
  const auto other =
      run_usegate({"sim", august, "--scenario", scratch_file(directory, "s.yaml", text), "--format", "json"});
  REQUIRE(other.exit_code == 0);
  CHECK(policy_part(other.out, 0) != policy_part(first.out, 0));
}

TEST_CASE("sim: a built artifact simulates like its source") {
  const std::string directory = scratch_directory("sim-artifact");
  const std::string artifact = directory + "/x.ugt";
  REQUIRE(run_usegate({"build", august, "-o", artifact}).exit_code == 0);
  const std::string scenario = scratch_file(directory, "eu.yaml", eu_posts);
  const auto from_source = run_usegate({"sim", august, "--scenario", scenario});
  const auto from_artifact = run_usegate({"sim", artifact, "--scenario", scenario});
  REQUIRE(from_artifact.exit_code == 0);
  const auto body = [](const std::string& out) { return out.substr(out.find('\n')); };
  CHECK(body(from_artifact.out) == body(from_source.out));
}

TEST_CASE("sim: policy errors exit 3, usage errors 2") {
  const std::string directory = scratch_directory("sim-usage");
  const std::string scenario = scratch_file(directory, "eu.yaml", eu_posts);
  const std::string broken = scratch_file(directory, "broken.policy", "policy p \"t\"\nallow a when x\n");
  const auto policy_error = run_usegate({"sim", broken, "--scenario", scenario});
  CHECK(policy_error.exit_code == 3);
  CHECK(policy_error.err == broken +
                                ":2:14: error: unknown attribute `x`\n"
                                " 2 | allow a when x\n"
                                "   |              ^\n");
  const std::string garbage = scratch_file(directory, "garbage.ugt", std::string("USEGATE\0\1\2", 10));
  const auto artifact_error = run_usegate({"sim", garbage, "--scenario", scenario});
  CHECK(artifact_error.exit_code == 3);
  CHECK(artifact_error.err.find(garbage + ": error: ") == 0);

  CHECK(run_usegate({"sim", august}).exit_code == 2);
  CHECK(run_usegate({"sim", "--scenario", scenario}).exit_code == 2);
  CHECK(run_usegate({"sim", august, "--scenario", directory + "/none.yaml"}).exit_code == 2);
  CHECK(run_usegate({"sim", august, "--scenario", scenario, "--format", "xml"}).exit_code == 2);
  const auto help = run_usegate({"sim", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: usegate sim POLICY --scenario S.yaml") == 0);
}

}  // namespace
