// Scenario mistakes: load_scenario returns them as Results, rendered like a policy's
// diagnostics, with "did you mean" for misspelled keys and names.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "policy_from_text.hpp"
#include "usegate/review/scenario.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

const char* const policy_text = R"(policy scenario "t"
enum purpose { training, ads }
enum category { post, direct_message }
enum region { US, EU }
setting sharing {
  default on
  covers purpose == training
}
allow train when purpose == training and category == post
)";

const std::string valid_start = "users: 10\nnow: 2024-08-15\npurposes: [training]\nrecords: {category: {post: 1}}\n";

std::string error_of(const std::string& yaml) {
  const Policy policy = usegate::testing::policy_from_text("scenario.policy", policy_text);
  const runtime::CompiledPolicy* const policies[] = {&runtime::compiled_of(policy)};
  const auto loaded = review::load_scenario("s.yaml", yaml, policies);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == Error::Code::invalid_input);
  return loaded.error().message;
}

}  // namespace

TEST_CASE("scenario diagnostics: a valid scenario loads") {
  const Policy policy = usegate::testing::policy_from_text("scenario.policy", policy_text);
  const runtime::CompiledPolicy* const policies[] = {&runtime::compiled_of(policy)};
  const auto loaded = review::load_scenario("s.yaml", valid_start, policies);
  REQUIRE(loaded.ok());
  CHECK(loaded->users == 10);
}

TEST_CASE("scenario diagnostics: a misspelled key") {
  CHECK(error_of(valid_start + "sed: 4\n") ==
        "s.yaml:5:1: error: unknown key `sed` in the scenario\n"
        " 5 | sed: 4\n"
        "   | ^~~\n"
        "   = help: did you mean `seed`?\n");
  CHECK(error_of(valid_start + "settings:\n  sharing: {switch_of: 0.5}\n") ==
        "s.yaml:6:13: error: unknown key `switch_of` in `settings.sharing`\n"
        " 6 |   sharing: {switch_of: 0.5}\n"
        "   |             ^~~~~~~~~\n"
        "   = help: did you mean `switch_off`?\n");
}

TEST_CASE("scenario diagnostics: a misspelled attribute, value, purpose and setting") {
  CHECK(error_of(valid_start + "population:\n  regoin: {US: 1}\n") ==
        "s.yaml:6:3: error: `regoin` is not an attribute of policy `scenario`\n"
        " 6 |   regoin: {US: 1}\n"
        "   |   ^~~~~~\n"
        "   = help: did you mean `region`?\n");
  CHECK(error_of(valid_start + "population:\n  region: {UK: 1}\n") ==
        "s.yaml:6:12: error: `UK` is not a value of `region` in policy `scenario`\n"
        " 6 |   region: {UK: 1}\n"
        "   |            ^~\n"
        "   = help: did you mean `US`?\n");
  CHECK(error_of("users: 10\nnow: 2024-08-15\npurposes: [trainig]\nrecords: {category: {post: 1}}\n") ==
        "s.yaml:3:12: error: `trainig` is not a value of `purpose` in policy `scenario`\n"
        " 3 | purposes: [trainig]\n"
        "   |            ^~~~~~~\n"
        "   = help: did you mean `training`?\n");
  CHECK(error_of(valid_start + "settings:\n  sharnig: {switch_off: 0.5}\n") ==
        "s.yaml:6:3: error: `sharnig` is not a setting of policy `scenario`\n"
        " 6 |   sharnig: {switch_off: 0.5}\n"
        "   |   ^~~~~~~\n"
        "   = help: did you mean `sharing`?\n");
}
