// `usegate fmt`: rewriting in place, `--check`, `--diff`, `--stdout`, standard input, and files
// it must leave alone. The layout itself is tested in tests/dsl/format_test.cpp.
#include <doctest/doctest.h>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::write_text;

const std::string messy = "policy p \"P\"\nenum purpose {training,ads,}\nallow a when purpose==training # why\n";
const std::string clean =
    "policy p \"P\"\n\nenum purpose { training, ads }\n\nallow a when purpose == training  # why\n";

TEST_CASE("fmt: rewrites a file in place, and a second run changes nothing") {
  const std::string path = scratch_directory("fmt-in-place") + "/p.policy";
  write_text(path, messy);
  const auto first = run_usegate({"fmt", path});
  CHECK(first.exit_code == 0);
  CHECK(first.out.empty());
  CHECK(read_text(path) == clean);
  const auto second = run_usegate({"fmt", path});
  CHECK(second.exit_code == 0);
  CHECK(read_text(path) == clean);
}

TEST_CASE("fmt: --check names the files that would change and exits 1") {
  const std::string directory = scratch_directory("fmt-check");
  write_text(directory + "/messy.policy", messy);
  write_text(directory + "/clean.policy", clean);
  const auto result = run_usegate({"fmt", "--check", directory + "/clean.policy", directory + "/messy.policy"});
  CHECK(result.exit_code == 1);
  CHECK(result.out == directory + "/messy.policy\n");
  CHECK(read_text(directory + "/messy.policy") == messy);
  const auto clean_only = run_usegate({"fmt", "--check", directory + "/clean.policy"});
  CHECK(clean_only.exit_code == 0);
  CHECK(clean_only.out.empty());
}

TEST_CASE("fmt: --diff prints a unified diff and exits 1, --stdout and `-` print the result") {
  const std::string path = scratch_directory("fmt-diff") + "/p.policy";
  write_text(path, messy);
  const auto diff = run_usegate({"fmt", "--diff", path});
  CHECK(diff.exit_code == 1);
  CHECK(diff.out == "--- " + path + "\n+++ " + path +
                        "\n@@ -1,3 +1,5 @@\n policy p \"P\"\n-enum purpose {training,ads,}\n"
                        "-allow a when purpose==training # why\n+\n+enum purpose { training, ads }\n+\n"
                        "+allow a when purpose == training  # why\n");
  CHECK(read_text(path) == messy);
  const auto printed = run_usegate({"fmt", "--stdout", path});
  CHECK(printed.exit_code == 0);
  CHECK(printed.out == clean);
  const auto piped = run_usegate({"fmt", "-"}, messy);
  CHECK(piped.exit_code == 0);
  CHECK(piped.out == clean);
}

TEST_CASE("fmt: a file with syntax errors is reported and left alone, usage errors exit 2") {
  const std::string path = scratch_directory("fmt-broken") + "/p.policy";
  const std::string broken = "policy p\nallow a when purpose = training\n";
  write_text(path, broken);
  const auto result = run_usegate({"fmt", path});
  CHECK(result.exit_code == 3);
  CHECK(result.err.find(path + ":2:22: error: `=` is not an operator") == 0);
  CHECK(read_text(path) == broken);
  CHECK(run_usegate({"fmt"}).exit_code == 2);
  CHECK(run_usegate({"fmt", "--check", "--diff", path}).exit_code == 2);
}

}  // namespace
