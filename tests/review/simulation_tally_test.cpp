// The simulation tally (review/simulation.hpp): users and records handed to a PolicySimulation
// one by one, and a scenario whose draws cannot vary, counted exactly.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "policy_from_text.hpp"
#include "usegate/review/scenario.hpp"
#include "usegate/review/simulation.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

// `sharing` is the first rule (`optout_sharing`), then `train`, `eu`, `ads_posts`.
const char* const policy_text = R"(policy tally_test "t"
enum purpose { training, ads }
enum category { post, chat }
enum region { US, EU }
enum platform { web, ios }
time ts
setting sharing {
  default on
  covers purpose == training
  available on {web}
}
allow train when purpose == training
deny eu when region == EU and ts < 2024-06-01
allow ads_posts when purpose == ads and category == post
)";

constexpr std::int64_t may_15 = 1715731200;   // 2024-05-15
constexpr std::int64_t july_01 = 1719792000;  // 2024-07-01
constexpr std::int64_t aug_15 = 1723680000;   // 2024-08-15

Policy test_policy() {
  return usegate::testing::policy_from_text("tally.policy", policy_text);
}

std::string render(const review::SimulationReport& report) {
  std::string out = fmt::format("users {}, records {}\n", report.users, report.records);
  for (const auto& purpose : report.purposes) {
    out += fmt::format("{}: {} of {}\n", purpose.purpose, purpose.all.usable, purpose.all.records);
    for (const auto& breakdown : purpose.breakdowns) {
      out += fmt::format("  {}:", breakdown.field);
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        out += fmt::format(" {} {}/{}", breakdown.values[i], breakdown.counts[i].usable, breakdown.counts[i].records);
      }
      out += "\n";
    }
    out += "  reasons:";
    for (const auto& reason : purpose.reasons)
      out += fmt::format(" {} +{}-{}", reason.reason, reason.allowed, reason.denied);
    out += "\n";
  }
  for (const auto& setting : report.settings) {
    out += fmt::format("setting {} (acts as {}): reached {}, switched off {}, records removed {}\n", setting.name,
                       setting.acts_as, setting.users_reached, setting.users_switched_off, setting.records_removed);
    out += "  reached by platforms:";
    for (const auto& pattern : setting.reach_by_platforms)
      out += fmt::format(" {} {}/{}", pattern.platforms, pattern.reached, pattern.users);
    out += "\n";
  }
  return out;
}

}  // namespace

TEST_CASE(
    "simulation tally: two users and their records, counted per purpose, breakdown, reason, setting and platform "
    "pattern") {
  review::SimulationSchema schema;
  schema.fields = {
      {"category", false, false, true, true, {"post", "chat"}},
      {"region", true, false, true, true, {"US", "EU"}},
      {"platforms", true, false, false, true, {"web", "ios"}},
      {"ts", false, true, true, false, {}},
  };
  schema.purpose_attribute = "purpose";
  schema.purposes = {"training", "ads"};
  schema.settings = {"sharing"};
  schema.platforms = {"web", "ios"};
  schema.now = aug_15;
  review::PolicySimulation simulation(test_policy(), schema);

  // A US user on the web, who can reach the setting and switches it off.
  const std::vector<std::int64_t> us_user{0, 0, 0, 0};
  const std::vector<review::SettingAction> switch_off_on_web{{0b01, aug_15, true}};
  simulation.begin_user({1, us_user, switch_off_on_web});
  CHECK_FALSE(simulation.consents(0));
  simulation.add_record(std::vector<std::int64_t>{0, 0, 0, may_15});   // a post from May
  simulation.add_record(std::vector<std::int64_t>{1, 0, 0, july_01});  // a chat from July
  // An EU user of the app, where the setting is not available: it stays on.
  const std::vector<std::int64_t> eu_user{0, 1, 1, 0};
  const std::vector<review::SettingAction> switch_off_in_app{{0b10, aug_15, true}};
  simulation.begin_user({2, eu_user, switch_off_in_app});
  CHECK(simulation.consents(0));
  simulation.add_record(std::vector<std::int64_t>{0, 1, 1, may_15});
  simulation.add_record(std::vector<std::int64_t>{0, 1, 1, july_01});

  // training: the US user's records are opted out, the EU post from May is suspended, the
  // one from July is usable. ads: posts only, except the suspended one.
  CHECK(render(simulation.report()) ==
        "users 2, records 4\n"
        "training: 1 of 4\n"
        "  category: post 1/3 chat 0/1\n"
        "  region: US 0/2 EU 1/2\n"
        "  platforms: web 0/2 ios 1/2\n"
        "  reasons: default +0-0 optout_sharing +0-2 train +1-0 eu +0-1 ads_posts +0-0 invalid_input +0-0\n"
        "ads: 2 of 4\n"
        "  category: post 2/3 chat 0/1\n"
        "  region: US 1/2 EU 1/2\n"
        "  platforms: web 1/2 ios 1/2\n"
        "  reasons: default +0-1 optout_sharing +0-0 train +0-0 eu +0-1 ads_posts +2-0 invalid_input +0-0\n"
        "setting sharing (acts as sharing): reached 1, switched off 1, records removed 2\n"
        "  reached by platforms: web 1/1 ios 0/1\n");
}

TEST_CASE("simulation tally: a scenario whose shares leave nothing to chance, counted exactly") {
  const Policy policy = test_policy();
  const runtime::CompiledPolicy* compiled[] = {&runtime::compiled_of(policy)};
  const auto loaded = review::load_scenario("s.yaml",
                                            "users: 3\n"
                                            "seed: 9\n"
                                            "now: 2024-08-15\n"
                                            "purposes: [training, ads]\n"
                                            "population: {region: {US: 0, EU: 1}}\n"
                                            "platforms: [{uses: [web], share: 1}, {uses: [ios], share: 0}]\n"
                                            "records: {category: {post: 2, chat: 1}}\n"
                                            "record_times: {ts: {from: 2024-05-01, until: 2024-05-02}}\n"
                                            "settings: {sharing: {switch_off: 1}}\n",
                                            compiled);
  REQUIRE(loaded.ok());
  const review::Scenario& scenario = *loaded;
  const std::vector<Policy> policies{policy};
  const review::SimulationSchema schema = review::schema_of(scenario, policies);
  std::vector<std::string> fields;
  for (const auto& field : schema.fields) fields.push_back(field.name);
  CHECK(fields == std::vector<std::string>{"category", "region", "platforms", "ts"});
  std::vector<review::PolicySimulation> simulations;
  simulations.emplace_back(policy, schema);
  std::vector<std::uint64_t> progress;
  review::run_population(scenario, schema, simulations, nullptr, [&](std::uint64_t done) { progress.push_back(done); });
  CHECK(progress.back() == 3);
  // Every user is in the EU, on the web and opted out, and every record is from May: the
  // opt-out, the first rule, decides training; `eu` decides ads.
  CHECK(render(simulations.front().report()) ==
        "users 3, records 9\n"
        "training: 0 of 9\n"
        "  category: post 0/6 chat 0/3\n"
        "  region: US 0/0 EU 0/9\n"
        "  platforms: web 0/9 ios 0/0\n"
        "  reasons: default +0-0 optout_sharing +0-9 train +0-0 eu +0-0 ads_posts +0-0 invalid_input +0-0\n"
        "ads: 0 of 9\n"
        "  category: post 0/6 chat 0/3\n"
        "  region: US 0/0 EU 0/9\n"
        "  platforms: web 0/9 ios 0/0\n"
        "  reasons: default +0-0 optout_sharing +0-0 train +0-0 eu +0-9 ads_posts +0-0 invalid_input +0-0\n"
        "setting sharing (acts as sharing): reached 3, switched off 3, records removed 9\n"
        "  reached by platforms: web 3/3 ios 0/0\n");
}
