// `usegate test`, `usegate explain` and lints in every command: what golden cases do not pin
// down (tests/golden/test-*, explain-*, eval-explain, *-werror-lints hold whole outputs).
#include <doctest/doctest.h>

#include <filesystem>

#include "support.hpp"

namespace {

using usegate::testing::files_ending_with;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

TEST_CASE("test: every bundled policy has a test file beside it, and every case passes") {
  for (const auto& policy : files_ending_with(source_path("policies"), ".policy")) {
    const std::string tests = policy.substr(0, policy.size() - 7) + ".test.yaml";
    INFO(policy);
    REQUIRE(std::filesystem::exists(tests));
    const auto result = run_usegate({"test", "--werror", tests});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    const auto passed = std::stoul(result.out);
    CHECK(passed >= 8);
    CHECK(result.out == std::to_string(passed) + " passed, 0 failed\n");
  }
}

// A bool and a number: a record written as a map must reach the decoder as JSON types would.
constexpr const char* typed_policy = R"(policy typed "t"
bool verified
number age
allow adults when verified and age >= 18
default deny
)";

TEST_CASE("test: a record written as a map is typed as JSON: plain true and numbers, anything quoted a string") {
  const std::string directory = scratch_directory("test-typed-records");
  write_text(directory + "/typed.policy", typed_policy);
  write_text(directory + "/typed.test.yaml", R"(policy: typed.policy
now: 2024-01-01
cases:
  - {name: plain true and 18, record: {verified: true, age: 18}, expect: allow, reason: adults}
  - {name: quoted true is text, record: {verified: "true", age: 18}, expect: deny, reason: default}
  - {name: quoted 18 is text, record: {verified: true, age: "18"}, expect: deny, reason: default}
  - {name: a decimal is a number, record: {verified: true, age: 18.5}, expect: allow}
  - {name: null is missing, record: {verified: null, age: 30}, expect: deny, reason: default}
  - {name: JSON text as it is, record: '{"verified": true, "age": 1e2}', expect: allow, reason: adults}
  - {name: a key twice is rejected, record: '{"verified": true, "verified": false}', expect: reject, reason: duplicate_key}
)");
  const auto result = run_usegate({"test", directory + "/typed.test.yaml"});
  CHECK(result.err == "");
  CHECK(result.out == "7 passed, 0 failed\n");
  CHECK(result.exit_code == 0);
}

TEST_CASE("test: the right decision for the wrong reason fails the case") {
  const std::string directory = scratch_directory("test-wrong-reason");
  write_text(directory + "/typed.policy", typed_policy);
  write_text(directory + "/typed.test.yaml", R"(policy: typed.policy
now: 2024-01-01
cases:
  - {name: denied but not by adults, record: {verified: false, age: 30}, expect: deny, reason: adults}
  - {name: denied by default, record: {verified: false, age: 30}, expect: deny, reason: default}
)");
  const auto result = run_usegate({"test", directory + "/typed.test.yaml"});
  CHECK(result.exit_code == 1);
  CHECK(
      result.out.starts_with(directory +
                             "/typed.test.yaml:4:12: FAIL denied but not by adults: expected deny by adults, got deny "
                             "by default\n"));
  CHECK(result.out.ends_with("1 passed, 1 failed\n"));
}

TEST_CASE("test: mistakes in a test file are errors at their place, before any case runs") {
  const std::string directory = scratch_directory("test-file-errors");
  write_text(directory + "/typed.policy", typed_policy);
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"policy: typed.policy\ncases:\n  - {name: no time, record: {age: 1}, expect: deny}\n",
       ":3:12: error: case `no time` has no `now`, and the file gives none\n"},
      {"policy: typed.policy\nnow: tomorrow\ncases:\n  - {name: a, record: {age: 1}, expect: deny}\n",
       ":2:6: error: `now` is not a time: `tomorrow`\n"},
      {"policy: typed.policy\nnow: 2024-01-01\ncases:\n  - {name: a, record: {age: 1}, expect: denied}\n",
       ":4:41: error: `expect` must be allow, deny or reject, not `denied`\n"},
      {"policy: typed.policy\nnow: 2024-01-01\ncases:\n  - {name: a, record: {age: 1}, expect: deny, reason: adult}\n",
       ":4:55: error: the policy has no rule `adult`\n"},
      {"policy: typed.policy\nnow: 2024-01-01\ncases: []\n", ":3:8: error: `cases` is empty\n"},
      {"policy: missing.policy\nnow: 2024-01-01\ncases:\n  - {name: a, record: {age: 1}, expect: deny}\n", ""},
  };
  for (const auto& test_case : cases) {
    INFO(test_case.text);
    write_text(directory + "/case.test.yaml", test_case.text);
    const auto result = run_usegate({"test", directory + "/case.test.yaml"});
    CHECK(result.out.empty());
    if (*test_case.error == '\0') {
      CHECK(result.exit_code == 2);  // the policy file cannot be read
      CHECK(result.err.find("cannot read") != std::string::npos);
      continue;
    }
    CHECK(result.exit_code == 3);
    const std::string first_line = result.err.substr(0, result.err.find('\n') + 1);
    CHECK(first_line == directory + "/case.test.yaml" + test_case.error);
  }
}

TEST_CASE("test: a test file must be text, and what YAML escapes write is printed escaped") {
  const std::string directory = scratch_directory("test-file-text");
  write_text(directory + "/typed.policy", typed_policy);
  write_text(directory + "/binary.test.yaml",
             "policy: typed.policy\n\x01"
             "cases: []\n");
  const auto binary = run_usegate({"test", directory + "/binary.test.yaml"});
  CHECK(binary.exit_code == 3);
  CHECK(binary.err == directory +
                          "/binary.test.yaml:2:1: error: the test file holds a byte that is not text (0x01)\n"
                          " = help: a test file is YAML, which is text\n");
  write_text(directory + "/escaped.test.yaml", R"(policy: typed.policy
now: 2024-01-01
cases:
  - {name: "clear \e[2J screen", record: {age: 30}, expect: allow}
)");
  const auto text = run_usegate({"test", directory + "/escaped.test.yaml"});
  CHECK(text.exit_code == 1);
  CHECK(text.out.starts_with(directory +
                             "/escaped.test.yaml:4:12: FAIL clear \\x1B[2J screen: expected allow, got deny by "
                             "default\n"));
  const auto junit = run_usegate({"test", "--format", "junit", directory + "/escaped.test.yaml"});
  CHECK(junit.out.find("name=\"clear \xEF\xBF\xBD[2J screen\"") != std::string::npos);
  CHECK(junit.out.find('\x1B') == std::string::npos);
}

TEST_CASE("test: usage errors exit 2") {
  CHECK(run_usegate({"test"}).exit_code == 2);
  CHECK(run_usegate({"test", "no-such.test.yaml"}).exit_code == 2);
  CHECK(run_usegate({"test", "--format", "junit", "--coverage", source_path("policies")}).exit_code == 2);
  const auto empty = run_usegate({"test", scratch_directory("test-empty-directory")});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("no `*.test.yaml` file under") != std::string::npos);
}

TEST_CASE("explain: needs a policy source and one record, and an unreadable record exits 3") {
  const std::string directory = scratch_directory("explain-errors");
  const std::string policy = source_path("policies/x-grok-2024-08.policy");
  REQUIRE(run_usegate({"build", policy, "-o", directory + "/x.ugt"}).exit_code == 0);
  const auto artifact = run_usegate({"explain", "--policy", directory + "/x.ugt", "--now", "2024-09-01", "{}"});
  CHECK(artifact.exit_code == 3);
  CHECK(artifact.err.find(directory + "/x.ugt: error: `explain` needs a policy source") == 0);
  CHECK(run_usegate({"explain", "--policy", policy, "--now", "2024-09-01"}).exit_code == 2);
  CHECK(run_usegate({"explain", "--policy", policy, "--purpose", "ads", "--now", "2024-09-01", "{}"}).exit_code == 2);
  const auto broken = run_usegate({"explain", "--policy", policy, "--now", "2024-09-01", "{\"a\": 1"});
  CHECK(broken.exit_code == 3);
  CHECK(broken.out ==
        "policy x_grok version 2024-08-08, now 2024-09-01T00:00:00Z\n"
        "decision: reject (invalid_json): the record cannot be read, so it is never allowed\n");
}

constexpr const char* open_policy = R"(policy open "t"
enum category { post, message }
deny messages when category == message
default allow
)";

TEST_CASE("lints: every command that loads a source prints its warnings once, and --werror refuses it") {
  const std::string directory = scratch_directory("lints-everywhere");
  const std::string path = directory + "/open.policy";
  write_text(path, open_policy);
  const std::string warning = path + ":3:20: warning: ";
  const std::string refusal = path + ": error: the policy has 2 lint warnings, and `--werror` refuses it\n";
  const std::vector<std::vector<std::string>> commands = {
      {"build", path, "-o", directory + "/open.ugt"},
      {"eval", "--policy", path, "--now", "2024-01-01"},
      {"filter", "--policy", path, "--now", "2024-01-01"},
      {"diff", path, source_path("policies/x-grok-2024-05.policy")},
      {"sim", path, "--records", "-", "--now", "2024-01-01"},
      {"explain", "--policy", path, "--now", "2024-01-01", "{\"category\": \"post\"}"},
  };
  for (const auto& command : commands) {
    INFO(command.front());
    const auto warned = run_usegate(command, "{\"category\": \"post\"}\n");
    CHECK(warned.err.find(warning) == 0);
    CHECK(warned.err.find(warning, 1) == std::string::npos);  // once
    CHECK(warned.exit_code != 3);
    std::vector<std::string> strict = command;
    strict.insert(strict.begin() + 1, "--werror");
    const auto refused = run_usegate(strict, "{\"category\": \"post\"}\n");
    CHECK(refused.exit_code == 3);
    CHECK(refused.out.empty());
    CHECK(refused.err.find(warning) == 0);
    CHECK(refused.err.find(refusal) != std::string::npos);
  }
  // `sim P --vs P` reads P once, and says so once.
  const auto twice =
      run_usegate({"sim", path, "--vs", path, "--records", "-", "--now", "2024-01-01"}, "{\"category\": \"post\"}\n");
  CHECK(twice.exit_code == 2);  // then: no `enum purpose` to report on, a usage error
  CHECK(twice.err.find(warning) == 0);
  CHECK(twice.err.find(warning, 1) == std::string::npos);
  // An artifact has no source to lint: it is used as it is, `--werror` or not.
  CHECK(run_usegate({"eval", "--werror", "--policy", directory + "/open.ugt", "--now", "2024-01-01"},
                    "{\"category\": \"post\"}\n")
            .exit_code == 0);
}

TEST_CASE("eval --explain: needs a source and at most one purpose") {
  const std::string directory = scratch_directory("eval-explain-errors");
  const std::string policy = source_path("policies/x-grok-2024-08.policy");
  REQUIRE(run_usegate({"build", policy, "-o", directory + "/x.ugt"}).exit_code == 0);
  CHECK(run_usegate({"eval", "--explain", "--policy", directory + "/x.ugt", "--now", "2024-09-01"}, "{}\n").exit_code ==
        3);
  CHECK(run_usegate({"eval", "--explain", "--policy", policy, "--purpose", "training,fine_tuning"}, "{}\n").exit_code ==
        2);
  const auto one =
      run_usegate({"eval", "--explain", "--policy", policy, "--now", "2024-09-01", "--purpose", "training"},
                  "{\"category\": \"post\", \"visibility\": \"protected\", \"grok_sharing\": \"off\"}\n");
  CHECK(one.out ==
        "{\"line\":1,\"decision\":\"deny\",\"reason\":\"optout_grok_sharing\",\"matched\":[\"optout_grok_"
        "sharing\",\"protected_posts\",\"eu_suspension_unreadable\"]}\n");
}

TEST_CASE("eval --explain -j 4: the same lines as on one thread, in input order") {
  const std::string policy = source_path("policies/x-grok-2024-08.policy");
  const char* const categories[] = {"post", "interaction", "direct_message", "video"};
  const char* const regions[] = {"US", "EU", "UK"};
  std::string input;
  for (int i = 0; i < 20000; ++i) {
    input += "{\"user\": \"u";
    input += std::to_string(i % 97);
    input += "\", \"purpose\": \"training\", \"category\": \"";
    input += categories[i % 4];
    input += "\", \"visibility\": \"public\", \"region\": \"";
    input += regions[i % 3];
    input += "\", \"ts\": \"2024-0";
    input += std::to_string(5 + i % 4);
    input += "-15\"}\n";
  }
  const auto one = run_usegate({"eval", "--explain", "--policy", policy, "--now", "2024-09-01"}, input);
  const auto four = run_usegate({"eval", "--explain", "-j", "4", "--policy", policy, "--now", "2024-09-01"}, input);
  REQUIRE(one.exit_code == 0);
  CHECK(four.exit_code == 0);
  CHECK(four.out == one.out);
  CHECK(one.out.find("\"matched\":[\"train_on_posts\",\"eu_suspension\"]") != std::string::npos);
}

}  // namespace
