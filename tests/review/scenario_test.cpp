// Scenarios (review/scenario.hpp) read against the policies they will run under: what a valid
// scenario holds, and the exact diagnostic of each kind of mistake.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "policy_from_text.hpp"
#include "usegate/review/scenario.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

const char* const policy_text = R"(policy scenario_test "t"
enum purpose { training, ads }
enum category { post, chat }
enum region { US, EU }
enum platform { web, ios }
time ts
number age
bool verified
setting sharing {
  default on
  covers purpose == training
  available on {web}
}
allow train when purpose == training and region == US and ts >= 2024-06-01 and age >= 18 and verified
allow ads_posts when purpose == ads and category == post
)";

const Policy& test_policy() {
  static const Policy policy = usegate::testing::policy_from_text("scenario.policy", policy_text);
  return policy;
}

Result<review::Scenario> load(const std::string& text) {
  const runtime::CompiledPolicy* policies[] = {&runtime::compiled_of(test_policy())};
  return review::load_scenario("s.yaml", text, policies);
}

// The diagnostic of a scenario that does not load (its first line when `first_line_only`).
std::string error_of(const std::string& text, bool first_line_only = true) {
  const auto loaded = load(text);
  if (loaded.ok()) return "loaded";
  const std::string& message = loaded.error().message;
  return first_line_only ? message.substr(0, message.find('\n')) : message;
}

std::string render(const review::Scenario& scenario) {
  std::string out = fmt::format("users {}, seed {}, now {} ({})\npurposes {}:", scenario.users, scenario.seed,
                                scenario.now, scenario.now_text, scenario.purpose_attribute);
  for (const auto& purpose : scenario.purposes) out += fmt::format(" {}", purpose);
  out += "\n";
  for (const auto& attribute : scenario.population) {
    out += fmt::format("population {}:", attribute.name);
    for (const auto& value : attribute.values) out += fmt::format(" {}={}", value.value, value.share);
    out += "\n";
  }
  for (const auto& pattern : scenario.platforms) out += fmt::format("platforms {}={}\n", pattern.label, pattern.share);
  out += fmt::format("records {}:", scenario.records_attribute);
  for (const auto& record : scenario.records) out += fmt::format(" {}={}", record.value, record.count);
  out += fmt::format(" ({} per user)\n", scenario.records_per_user());
  for (const auto& times : scenario.record_times) {
    out += fmt::format("times {}: {} to {}\n", times.attribute, times.from, times.until);
  }
  for (const auto& setting : scenario.settings) {
    out += fmt::format("setting {}: switch_off {} acts {}\n", setting.name, setting.switch_off, setting.acts);
  }
  return out;
}

// What every invalid scenario below changes one line of.
const std::string valid_scenario = R"(users: 1000
seed: 42
now: 2024-08-15
purposes: [training, ads]
population:
  region: {US: 0.75, EU: 0.25}
  age: {17: 0.1, 30: 0.8, missing: 0.1}
  verified: {true: 0.5, false: 0.5}
platforms:
  - {uses: [web], share: 0.5}
  - {uses: [ios, web], share: 0.5}
records:
  category: {post: 3, chat: 2}
record_times:
  ts: {from: 2024-05-01, until: 2024-09-01T12:00:00Z}
settings:
  sharing: {switch_off: 0.25, acts: 2024-07-30}
)";

std::string replaced(const std::string& from, const std::string& to) {
  std::string text = valid_scenario;
  const std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("scenario: a valid scenario, read in full") {
  CHECK(render(*load(valid_scenario)) ==
        "users 1000, seed 42, now 1723680000 (2024-08-15)\n"
        "purposes purpose: training ads\n"
        "population region: US=0.75 EU=0.25\n"
        "population age: 17=0.1 30=0.8 missing=0.1\n"
        "population verified: true=0.5 false=0.5\n"
        "platforms web=0.5\n"
        "platforms ios+web=0.5\n"
        "records category: post=3 chat=2 (5 per user)\n"
        "times ts: 1714521600 to 1725192000\n"
        "setting sharing: switch_off 0.25 acts 1722297600\n");
  // The least a scenario needs: `acts` defaults to `now`, and without `platforms` every user
  // uses every platform.
  CHECK(render(*load("users: 1\nnow: 2024-08-15T06:00:00Z\npurposes: [ads]\nrecords: {category: {chat: 1}}\n"
                     "settings: {sharing: {switch_off: 1}}\n")) ==
        "users 1, seed 0, now 1723701600 (2024-08-15T06:00:00Z)\n"
        "purposes purpose: ads\n"
        "platforms web+ios=1\n"
        "records category: chat=1 (1 per user)\n"
        "setting sharing: switch_off 1 acts 1723701600\n");
}

TEST_CASE("scenario: each kind of mistake, at its line and column") {
  struct Case {
    std::string text;
    std::string expected;  // the diagnostic's first line
  };
  const std::vector<Case> cases = {
      {"- 1\n", "s.yaml:1:1: error: a scenario must be a map of keys such as `users` and `now`"},
      {replaced("seed: 42", "sede: 42"), "s.yaml:2:1: error: unknown key `sede` in the scenario"},
      {replaced("seed: 42\n", "seed: 42\nseed: 43\n"), "s.yaml:3:1: error: `seed` appears twice in the scenario"},
      {replaced("users: 1000\n", ""), "s.yaml:1:1: error: the scenario needs `users`"},
      {replaced("users: 1000", "users: 0"),
       "s.yaml:1:8: error: `users` must be a whole number from 1 to 1000000000, not `0`"},
      {replaced("users: 1000", "users: 1.5"),
       "s.yaml:1:8: error: `users` must be a whole number from 1 to 1000000000, not `1.5`"},
      {replaced("now: 2024-08-15", "now: 2024-02-30"), "s.yaml:3:6: error: `now` must be a date, not `2024-02-30`"},
      {replaced("purposes: [training, ads]", "purposes: [training, sales]"),
       "s.yaml:4:22: error: `sales` is not a value of `purpose` in policy `scenario_test`"},
      {replaced("purposes: [training, ads]", "purposes: [training, training]"),
       "s.yaml:4:22: error: `training` appears twice in `purposes`"},
      {replaced("purposes: [training, ads]", "purposes: []"),
       "s.yaml:4:11: error: `purposes` must be a list of at least one purpose"},
      {replaced("region: {US: 0.75, EU: 0.25}", "region: {US: 0.75, Mars: 0.25}"),
       "s.yaml:6:22: error: `Mars` is not a value of `region` in policy `scenario_test`"},
      {replaced("region: {US: 0.75, EU: 0.25}", "region: {US: 0.75, EU: 0.5}"),
       "s.yaml:6:11: error: the shares of `population.region` sum to 1.25, not 1"},
      {replaced("region: {US: 0.75, EU: 0.25}", "region: {US: 1.25, EU: -0.25}"),
       "s.yaml:6:16: error: the share of `US` is 1.25, outside [0, 1]"},
      {replaced("region: {US: 0.75, EU: 0.25}", "regoin: {US: 1}"),
       "s.yaml:6:3: error: `regoin` is not an attribute of policy `scenario_test`"},
      {replaced("region: {US: 0.75, EU: 0.25}", "ts: {2024-01-01: 1}"), "s.yaml:6:3: error: `ts` is a time attribute"},
      {replaced("region: {US: 0.75, EU: 0.25}", "purpose: {ads: 1}"),
       "s.yaml:6:3: error: `purpose` is the purpose attribute"},
      {replaced("region: {US: 0.75, EU: 0.25}", "now: {x: 1}"), "s.yaml:6:3: error: `now` is the evaluation time"},
      {replaced("verified: {true: 0.5, false: 0.5}", "verified: {yes: 0.5, false: 0.5}"),
       "s.yaml:8:14: error: `yes` is not a value of bool `verified`"},
      {replaced("age: {17: 0.1, 30: 0.8, missing: 0.1}", "age: {old: 1}"),
       "s.yaml:7:9: error: `old` is not a number for `age`"},
      {replaced("uses: [ios, web]", "uses: [tv]"),
       "s.yaml:11:13: error: `tv` is not a value of `platform` in policy `scenario_test`"},
      {replaced("uses: [ios, web]", "uses: [web]"), "s.yaml:11:12: error: the platforms `web` are listed twice"},
      {replaced("category: {post: 3, chat: 2}", "category: {post: 3, chat: -1}"),
       "s.yaml:13:29: error: the count of `chat` must be a whole number from 0 to 1000000, not `-1`"},
      {replaced("ts: {from: 2024-05-01, until: 2024-09-01T12:00:00Z}", "ts: {from: 2024-05-01, until: 2024-05-01}"),
       "s.yaml:15:33: error: `until` must be after `from`"},
      {replaced("sharing: {switch_off: 0.25, acts: 2024-07-30}", "sharing: {switch_off: 0.25, acts: 2024-08-16}"),
       "s.yaml:17:37: error: `acts` is after `now`"},
      {replaced("sharing: {switch_off: 0.25, acts: 2024-07-30}", "sharnig: {switch_off: 0.25}"),
       "s.yaml:17:3: error: `sharnig` is not a setting of policy `scenario_test`"},
      {replaced("sharing: {switch_off: 0.25, acts: 2024-07-30}", "sharing: {acts: 2024-07-30}"),
       "s.yaml:17:12: error: `settings.sharing` needs `switch_off`"},
      {"users: [1\n", "s.yaml:2:1: error: end of sequence flow not found"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(error_of(c.text) == c.expected);
  }
}

TEST_CASE("scenario: a diagnostic quotes the line and underlines the node") {
  CHECK(error_of(replaced("region: {US: 0.75, EU: 0.25}", "region: {US: 0.75, Mars: 0.25}"), false) ==
        "s.yaml:6:22: error: `Mars` is not a value of `region` in policy `scenario_test`\n"
        " 6 |   region: {US: 0.75, Mars: 0.25}\n"
        "   |                      ^~~~\n");
}
