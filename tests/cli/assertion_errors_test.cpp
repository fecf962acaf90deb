// Failing assertions in `check` and `build`: the error, its exit status, the JSON
// counterexample, and the example record, which `usegate eval` must decide against the
// assertion. The whole text output is the golden case tests/golden/check-assertion-fails.
#include <doctest/doctest.h>

#include <simdjson.h>
#include <filesystem>

#include "support.hpp"

namespace {

using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::write_text;

const std::string header = R"(policy p "Assertions"
enum purpose  { training, ads, analytics }
enum category { post, direct_message }
bool minor
number age
time ts

setting sharing {
  default on
  covers purpose == training
}

allow train when purpose == training and category == post and not minor
allow ads when purpose == ads and age >= 18 and ts < 2024-08-01 and now < 2024-09-01
allow analytics when purpose == analytics and (minor is missing or age > 21.5)
)";

struct Case {
  const char* assertion;
  const char* decision;  // what eval must decide on the example
};

TEST_CASE("assertions: eval decides every example record against its failing assertion") {
  const std::vector<Case> cases = {
      {"assert a never allow when category == direct_message", "allow"},
      {"assert a never allow when minor", "allow"},
      {"assert a never allow when purpose == training and minor is unknown", "allow"},
      {"assert a never allow when age < 18", "allow"},
      {"assert a never allow when ts >= 2024-07-31T12:00:00Z and ts <= 2024-07-31T12:00:01Z", "allow"},
      {"assert a never allow when purpose == ads and now >= 2024-08-15", "allow"},
      {"assert a never allow when not consent sharing", "allow"},
      {"assert a always allow when purpose == ads and age >= 18", "deny"},
      {"assert a always allow when purpose == training and category == post", "deny"},
      {"assert a always allow when purpose == analytics and age is unknown", "deny"},
  };
  const std::string directory = scratch_directory("assertion-examples");
  const std::string path = directory + "/p.policy";
  for (const auto& c : cases) {
    INFO("assertion: " << c.assertion);
    write_text(path, header + c.assertion + "\n");
    const auto check = run_usegate({"check", "--no-lints", "--format", "json", path});
    CHECK(check.exit_code == 1);
    simdjson::dom::parser parser;
    simdjson::dom::element diagnostic;
    REQUIRE(parser.parse(check.out).get(diagnostic) == simdjson::SUCCESS);
    CHECK(std::string(diagnostic["severity"].get_string().value()) == "error");
    CHECK(diagnostic["line"].get_int64().value() == 16);
    CHECK(diagnostic["column"].get_int64().value() == 8);
    const auto counterexample = diagnostic["counterexample"];
    CHECK(counterexample["rows"].get_array().size() >= 1);
    const std::string record = simdjson::minify(counterexample["example"].value());
    std::vector<std::string> eval{"eval", "--policy", path};
    if (counterexample["now"].is_string()) {
      eval.insert(eval.end(), {"--now", std::string(counterexample["now"].get_string().value())});
    }
    eval.emplace_back("-");
    INFO("record: " << record);
    const auto decided = run_usegate(eval, record + "\n");
    CHECK(decided.out.find(std::string("\"decision\":\"") + c.decision + "\"") != std::string::npos);
  }
}

TEST_CASE("assertions: build refuses a policy whose assertion fails, and writes nothing") {
  const std::string directory = scratch_directory("assertion-build");
  const std::string output = directory + "/p.usegate";
  std::filesystem::remove(output);
  const auto failing = run_usegate({"build", "-", "-o", output}, header + "assert a never allow when minor\n");
  CHECK(failing.exit_code == 3);
  // After the policy's lint warnings, which build prints too.
  CHECK(failing.err.find("-:13:67: warning: allow rule `train` matches records whose `minor` is missing") == 0);
  CHECK(
      failing.err.find("\n-:16:8: error: assertion `a` fails: the policy allows records where its condition holds\n") !=
      std::string::npos);
  CHECK_FALSE(std::filesystem::exists(output));
  const auto holding =
      run_usegate({"build", "-", "-o", output}, header +
                                                    "assert a never allow when category == direct_message "
                                                    "and purpose == training\n");
  CHECK(holding.exit_code == 0);
  CHECK(std::filesystem::exists(output));
}

}  // namespace
