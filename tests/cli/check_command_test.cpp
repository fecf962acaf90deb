// `usegate check`: exit codes, text and JSON diagnostics, --werror, help and version. Whole
// outputs are golden cases: tests/golden/check-* (diagnostics) and tests/golden/show-*
// (`--show`); check_show_test.cpp tests the choices `--show` makes.
#include <doctest/doctest.h>

#include "support.hpp"

namespace {

using usegate::testing::run_usegate;
using usegate::testing::source_path;

TEST_CASE("check: a clean policy exits 0 and says so") {
  const auto result = run_usegate({"check", source_path("policies/x-grok-2024-07.policy")});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(result.out == source_path("policies/x-grok-2024-07.policy") +
                          ": ok: policy x_grok version 2024-07-26, 5 rules, 1 setting, 3 assertions proved\n");
}

TEST_CASE("check: warnings pass unless --werror") {
  const std::string text = "policy p \"t\"\nenum r { EU }\nallow a when r == EU\ndefault allow\n";
  const auto plain = run_usegate({"check", "-"}, text);
  CHECK(plain.exit_code == 0);
  CHECK(plain.err.find(
            "-:4:1: warning: `default allow` allows every record that no rule decides (fails open) [default-allow]") ==
        0);
  const auto strict = run_usegate({"check", "--werror", "-"}, text);
  CHECK(strict.exit_code == 1);
}

TEST_CASE("check: --format json prints one object per diagnostic") {
  const auto result = run_usegate({"check", "--format", "json", "-"}, "policy p \"t\"\nallow a when x\n");
  CHECK(result.exit_code == 1);
  CHECK(result.out ==
        "{\"file\":\"-\",\"line\":2,\"column\":14,\"end_line\":2,\"end_column\":15,"
        "\"severity\":\"error\",\"message\":\"unknown attribute `x`\",\"help\":\"\",\"lint\":\"\"}\n");
}

TEST_CASE("check: usage errors exit 2") {
  CHECK(run_usegate({"check"}).exit_code == 2);
  CHECK(run_usegate({"check", "--frobnicate", "x.policy"}).exit_code == 2);
  CHECK(run_usegate({"check", "--format", "xml", "x.policy"}).exit_code == 2);
  const auto missing = run_usegate({"check", "/nonexistent/x.policy"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "usegate cannot read `/nonexistent/x.policy`: No such file or directory\n");
  CHECK(run_usegate({"frobnicate"}).exit_code == 2);
}

TEST_CASE("help and version") {
  const auto help = run_usegate({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: usegate COMMAND") == 0);
  const auto check_help = run_usegate({"check", "--help"});
  CHECK(check_help.exit_code == 0);
  CHECK(check_help.out.find("usage: usegate check") == 0);
  const auto version = run_usegate({"--version"});
  CHECK(version.exit_code == 0);
  CHECK(version.out.find("usegate ") == 0);
}

}  // namespace
