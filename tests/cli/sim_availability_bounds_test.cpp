// `usegate sim`: a setting change at, just before and just after the bounds of an `available`
// window. `from` is inclusive and `until` exclusive, in the synthetic simulation (a user's
// `acts` time) as in the consent stream of `sim --records` (a change's `ts`), and both give the
// same figures. The window is 2024-07-26 to 2024-08-01 on the web; every user acts once.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "x_records.hpp"

namespace {

using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::scratch_file;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* const window_policy = R"(policy window "A setting that could be changed for six days"
enum purpose  { training }
enum category { post }
enum platform { web }
setting sharing {
  label   "Allow your posts to be used for training"
  default on
  covers  purpose == training
  available on {web} from 2024-07-26 until 2024-08-01
}
allow train_on_posts when purpose == training and category == post
default deny
)";

struct Bound {
  std::string acts;
  bool reached;
};

// Whole seconds: the scenario's times have no fractions.
const std::vector<Bound> bounds = {
    {"2024-07-25T23:59:59Z", false},  // the second before `from`
    {"2024-07-26T00:00:00Z", true},   // exactly `from`
    {"2024-07-26T00:00:01Z", true},   // the second after `from`
    {"2024-07-31T23:59:59Z", true},   // the last second before `until`
    {"2024-08-01T00:00:00Z", false},  // exactly `until`
    {"2024-08-01T00:00:01Z", false},  // the second after `until`
};

TEST_CASE("sim: a switch-off at, just before and just after `from` and `until` of the setting's window") {
  const std::string directory = scratch_directory("sim-availability-bounds");
  const std::string policy = scratch_file(directory, "window.policy", window_policy);
  for (const Bound& bound : bounds) {
    CAPTURE(bound.acts);
    // 10 users on the web, 3 posts each; all of them switch the setting off at `acts`.
    const std::string scenario = scratch_file(directory, "s.yaml",
                                              std::string("users: 10\nnow: 2024-08-15\npurposes: [training]\n"
                                                          "platforms: [{uses: [web], share: 1}]\n"
                                                          "records: {category: {post: 3}}\n"
                                                          "settings: {sharing: {switch_off: 1, acts: ") +
                                                  bound.acts + "}}\n");
    const auto result = run_usegate({"sim", policy, "--scenario", scenario, "--format", "json"});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    if (bound.reached) {
      CHECK(contains(result.out, R"({"purpose":"training","records":30,"usable":0,"usable_share":0.000000,)"));
      CHECK(contains(result.out, R"({"reason":"optout_sharing","effect":"deny","records":30,"share":1.000000})"));
      CHECK(contains(result.out,
                     R"({"setting":"sharing","default":"on","acts_as":"sharing","users_reached":10,"reach":1.000000,)"
                     R"("users_switched_off":10,"switched_off_share":1.000000,)"
                     R"("records_removed":30,"records_removed_share":1.000000,)"
                     R"("reach_by_platforms":[{"platforms":"web","users":10,"reached":10,"reach":1.000000}]})"));
    } else {
      CHECK(contains(result.out, R"({"purpose":"training","records":30,"usable":30,"usable_share":1.000000,)"));
      CHECK(contains(result.out, R"({"reason":"train_on_posts","effect":"allow","records":30,"share":1.000000})"));
      CHECK(contains(result.out,
                     R"({"setting":"sharing","default":"on","acts_as":"sharing","users_reached":0,"reach":0.000000,)"
                     R"("users_switched_off":0,"switched_off_share":0.000000,)"
                     R"("records_removed":0,"records_removed_share":0.000000,)"
                     R"("reach_by_platforms":[{"platforms":"web","users":10,"reached":0,"reach":0.000000}]})"));
    }
  }
}

TEST_CASE("sim --records: a consent change at, just before and just after `from` and `until` of the setting's window") {
  const std::string directory = scratch_directory("sim-records-availability-bounds");
  const std::string policy = scratch_file(directory, "window.policy", window_policy);
  // u1 has two posts, u2 one; only u1 changes the setting.
  const std::string records = scratch_file(directory, "r.jsonl",
                                           R"({"user":"u1","purpose":"training","category":"post"}
{"user":"u2","purpose":"training","category":"post"}
{"user":"u1","purpose":"training","category":"post"}
)");
  std::vector<Bound> times = bounds;
  // A fraction of a second counts with its second: half a second into `until`'s first second
  // is refused, half a second before `from` too.
  times.push_back({"2024-07-25T23:59:59.5Z", false});
  times.push_back({"2024-08-01T00:00:00.5Z", false});
  times.push_back({"2024-07-31T23:59:59.5Z", true});
  for (const Bound& bound : times) {
    CAPTURE(bound.acts);
    const std::string consent =
        scratch_file(directory, "c.jsonl",
                     std::string(R"({"user":"u1","setting":"sharing","value":"off","platform":"web","ts":")") +
                         bound.acts + "\"}\n");
    const auto result = run_usegate(
        {"sim", policy, "--records", records, "--consent", consent, "--now", "2024-08-15", "--format", "json"});
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    if (bound.reached) {
      CHECK(contains(result.out, R"({"purpose":"training","records":3,"usable":1,"usable_share":0.333333,)"));
      CHECK(contains(result.out, R"({"setting":"sharing","default":"on","reach":null,"subjects_switched_off":1,)"
                                 R"("changes_rejected":0,"records_removed":2,"records_removed_share":0.666667})"));
      CHECK(contains(result.out, R"("consent":{"applied":1,"rejected":0,"after_now":0}})"));
    } else {
      CHECK(contains(result.out, R"({"purpose":"training","records":3,"usable":3,"usable_share":1.000000,)"));
      CHECK(contains(result.out, R"({"setting":"sharing","default":"on","reach":null,"subjects_switched_off":0,)"
                                 R"("changes_rejected":1,"records_removed":0,"records_removed_share":0.000000})"));
      CHECK(contains(result.out, R"("consent":{"applied":0,"rejected":1,"after_now":0}})"));
    }
  }
}

}  // namespace
