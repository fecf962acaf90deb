// The same problem exits with the same status in every command (docs/cli.md, "Exit status"):
// 1 the answer is no, 2 usage or a file that cannot be read, 3 an input that is broken.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace usegate::testing;

const char* const broken_policy = "policy p \"t\"\nenum purpose { training }\nallow a when purpos == training\n";
const char* const good_policy = "policy p \"t\"\nenum purpose { training }\nallow a when purpose == training\n";

struct Files {
  std::string broken;
  std::string good;
  std::string missing;
  std::string not_artifact;
  std::string bad_bindings;
  std::string bad_scenario;
};

// Each test case writes its own folder: ctest runs the cases side by side, and a shared folder
// would be emptied by one case while another reads it.
Files write_files(const std::string& case_name) {
  const std::string directory = scratch_directory("exit-codes-" + case_name);
  Files files{directory + "/broken.policy", directory + "/good.policy", directory + "/missing.policy",
              directory + "/truncated.ugt", directory + "/b.yaml",      directory + "/s.yaml"};
  write_text(files.broken, broken_policy);
  write_text(files.good, good_policy);
  write_text(files.not_artifact, std::string("USEGATE\0\1", 9));
  write_text(files.bad_bindings, "attributes:\n  purpos: p\n");
  write_text(files.bad_scenario, "users: 1\nnow: 2024-08-15\npurposes: [training]\nrecords: {purpos: {x: 1}}\n");
  return files;
}

int exit_of(const std::vector<std::string>& arguments) {
  return run_usegate(arguments, "").exit_code;
}

}  // namespace

TEST_CASE("exit codes: a policy with errors is 1 for check, whose answer it is, and 3 everywhere else") {
  const Files files = write_files("policy");
  CHECK(exit_of({"check", files.broken}) == 1);
  CHECK(exit_of({"table", files.broken}) == 3);
  CHECK(exit_of({"build", files.broken, "-o", files.missing}) == 3);
  CHECK(exit_of({"eval", "--policy", files.broken}) == 3);
  CHECK(exit_of({"filter", "--policy", files.broken}) == 3);
  CHECK(exit_of({"diff", files.broken, files.good}) == 3);
  CHECK(exit_of({"sim", files.broken, "--records", "-", "--now", "2024-08-15"}) == 3);
}

TEST_CASE("exit codes: an artifact that does not load is 3") {
  const Files files = write_files("artifact");
  CHECK(exit_of({"table", files.not_artifact}) == 3);
  CHECK(exit_of({"build", files.not_artifact, "-o", files.missing}) == 3);
  CHECK(exit_of({"eval", "--policy", files.not_artifact}) == 3);
  CHECK(exit_of({"diff", files.not_artifact, files.good, "--records", "-", "--now", "2024-08-15"}) == 3);
}

TEST_CASE("exit codes: a file that cannot be read is 2") {
  const Files files = write_files("unreadable");
  CHECK(exit_of({"check", files.missing}) == 2);
  CHECK(exit_of({"table", files.missing}) == 2);
  CHECK(exit_of({"build", files.missing, "-o", files.not_artifact}) == 2);
  CHECK(exit_of({"eval", "--policy", files.missing}) == 2);
  CHECK(exit_of({"diff", files.missing, files.good}) == 2);
  CHECK(exit_of({"sim", files.good, "--scenario", files.missing}) == 2);
  CHECK(exit_of({"eval", "--policy", files.good, "--consent", files.missing}) == 2);
}

TEST_CASE("exit codes: bindings and scenarios that do not fit are 3 in every command") {
  const Files files = write_files("fit");
  CHECK(exit_of({"eval", "--policy", files.good, "--bindings", files.bad_bindings}) == 3);
  CHECK(exit_of({"diff", files.good, files.good, "--records", "-", "--now", "2024-08-15", "--bindings",
                 files.bad_bindings}) == 3);
  CHECK(exit_of({"sim", files.good, "--records", "-", "--now", "2024-08-15", "--bindings", files.bad_bindings}) == 3);
  CHECK(exit_of({"sim", files.good, "--scenario", files.bad_scenario}) == 3);
}

TEST_CASE("exit codes: every command's --help points at the table") {
  for (const char* command : {"check", "table", "build", "keygen", "eval", "filter", "diff", "sim"}) {
    INFO(command);
    const auto result = run_usegate({command, "--help"});
    CHECK(result.exit_code == 0);
    CHECK(result.out.find("exit status (docs/cli.md, \"Exit status\"):") != std::string::npos);
  }
}
