// Limits on what the commands read: line length, file sizes, text that is not text. Each is
// reported, and nothing read grows memory without bound or reaches a terminal unescaped.
#include <doctest/doctest.h>

#include <string>

#include "child_process.hpp"
#include "x_records.hpp"

namespace {

using usegate::testing::august_policy;
using usegate::testing::july_policy;
using usegate::testing::read_text;
using usegate::testing::run_bash;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::scratch_file;
using usegate::testing::x_record;

std::string decision(int line, const char* decision, const char* reason) {
  return std::string(R"({"line":)") + std::to_string(line) + R"(,"decision":")" + decision + R"(","reason":")" +
         reason + "\"}\n";
}

// A record of the August policy padded to `length` bytes (its newline not counted).
std::string padded_record(const std::string& user, std::size_t length) {
  std::string record = x_record(user, "US", "2024-06-01");
  record.pop_back();  // the newline
  const std::string start = record.substr(0, record.size() - 1) + R"(,"padding":")";
  return start + std::string(length - start.size() - 2, 'p') + "\"}";
}

}  // namespace

// ------------------------------------------------------------------ --max-line

TEST_CASE("--max-line: a longer line is rejected as line_too_long, and the lines after it are decided") {
  // Line 2 is exactly the limit; line 3 one byte longer, line 5 far longer, line 7 blanks.
  const std::string input = x_record("u1", "US", "2024-06-01") + padded_record("u2", 200) + "\n" +
                            padded_record("u3", 201) + "\n" + x_record("u4", "EU", "2024-06-01") +
                            std::string(100000, 'x') + "\n\n" + std::string(300, ' ') + "\n" +
                            x_record("u7", "US", "2024-06-01");
  const std::string expected = decision(1, "allow", "train_on_posts") + decision(2, "allow", "train_on_posts") +
                               decision(3, "reject", "line_too_long") + decision(4, "deny", "eu_suspension") +
                               decision(5, "reject", "line_too_long") + decision(7, "reject", "line_too_long") +
                               decision(8, "allow", "train_on_posts");
  const std::string summary =
      "usegate eval: 7 records: 3 allowed, 1 denied, 3 rejected (1 empty line skipped)\n"
      "  denied by reason: eu_suspension 1\n"
      "  rejected by cause: line_too_long 3\n"
      "  policy: x_grok version 2024-08-08\n"
      "  now: 2024-09-01T00:00:00Z\n";
  for (const char* threads : {"1", "3"}) {
    INFO("-j " << threads);
    const auto result = run_usegate(
        {"eval", "--policy", august_policy, "--now", "2024-09-01", "--max-line", "200", "-j", threads}, input);
    CHECK(result.exit_code == 0);
    CHECK(result.out == expected);
    CHECK(result.err == summary);
  }
}

TEST_CASE("--max-line: --rejects gets the line number and cause in place of a line too long, --keep no record") {
  const std::string directory = scratch_directory("max-line-rejects");
  const std::string input = x_record("u1", "US", "2024-06-01") + std::string(5000, '{') + "\n" + "{oops\n" +
                            x_record("u4", "US", "2024-06-01");
  const auto filtered = run_usegate({"filter", "--policy", august_policy, "--now", "2024-09-01", "--max-line", "1K",
                                     "--rejects", directory + "/rejects", "--summary", directory + "/summary.json"},
                                    input);
  CHECK(filtered.exit_code == 0);
  CHECK(filtered.out == x_record("u1", "US", "2024-06-01") + x_record("u4", "US", "2024-06-01"));
  CHECK(read_text(directory + "/rejects") == decision(2, "reject", "line_too_long") + "{oops\n");
  CHECK(read_text(directory + "/summary.json").find(R"("rejected_by_cause":{"invalid_json":1,"line_too_long":1})") !=
        std::string::npos);
  const auto kept =
      run_usegate({"eval", "--policy", august_policy, "--now", "2024-09-01", "--max-line", "1K", "--keep"},
                  std::string(5000, '{') + "\n");
  CHECK(kept.out == R"({"line":1,"decision":"reject","reason":"line_too_long","record":null})"
                    "\n");
}

TEST_CASE("--max-line: an endless line ends in one rejection, its bytes never held") {
  // 64 MB of zero bytes without a newline, then a record: with a limit of 1 MiB the filter
  // holds about that much, whatever the line's length.
  const std::string directory = scratch_directory("max-line-zero");
  for (const char* threads : {"1", "2"}) {
    INFO("-j " << threads);
    const auto result = run_bash(
        directory, "{ head -c 64000000 /dev/zero; printf '\\n%s' '" + x_record("u1", "US", "2024-06-01") +
                       "'; } | \"$USEGATE\" filter --policy '" + august_policy +
                       "' --now 2024-09-01 --max-line 1M -j " + threads + " --rejects '" + directory + "/rejects'\n");
    CHECK(result.exit_code == 0);
    CHECK(result.out == x_record("u1", "US", "2024-06-01"));
    CHECK(read_text(directory + "/rejects") == decision(1, "reject", "line_too_long"));
    CHECK(result.err ==
          "usegate filter: 2 records: 1 allowed, 0 denied, 1 rejected\n"
          "  rejected by cause: line_too_long 1\n"
          "  policy: x_grok version 2024-08-08\n"
          "  now: 2024-09-01T00:00:00Z\n");
  }
}

TEST_CASE("--max-line: diff --records and sim --records reject long lines too") {
  const std::string directory = scratch_directory("max-line-review");
  const std::string records =
      scratch_file(directory, "r.jsonl", x_record("u1", "EU", "2024-06-01") + std::string(2000, 'x') + "\n");
  const auto diff = run_usegate(
      {"diff", july_policy, august_policy, "--records", records, "--now", "2024-09-01", "--max-line", "1K"});
  CHECK(diff.exit_code == 1);
  CHECK(diff.out.ends_with("records (" + records +
                           ", now 2024-09-01T00:00:00Z): 2 read, 1 changed, 0 unchanged, "
                           "1 rejected\n"
                           "  newly denied: 1 record\n"
                           "    allow (train_on_posts) → deny (eu_suspension): 1 record, line 1\n"
                           "  newly allowed: 0 records\n"
                           "  reason only: 0 records\n"));
  const auto sim = run_usegate(
      {"sim", august_policy, "--records", records, "--now", "2024-09-01", "--purpose", "training", "--max-line", "1K"});
  CHECK(sim.exit_code == 0);
  CHECK(sim.out.find("records " + records + ": 2 read, 1 decided, 1 rejected (unreadable") != std::string::npos);
}

TEST_CASE("--max-line: a length in bytes, K, M or G, from 1 byte to 1024G") {
  for (const char* bad : {"0", "12x", "1.5M", "-1", "M", "1025G", "99999999999999"}) {
    INFO(bad);
    const auto result = run_usegate({"eval", "--policy", august_policy, "--max-line", bad}, "");
    CHECK(result.exit_code == 2);
    CHECK(result.err == "usegate eval: `--max-line " + std::string(bad) +
                            "` is not a line length (write bytes, or a number followed by K, M or G, from 1 to "
                            "1024G)\n");
  }
  for (const char* good : {"1", "4096", "64K", "64M", "1G", "1024G"}) {
    INFO(good);
    CHECK(run_usegate({"eval", "--policy", august_policy, "--max-line", good}, "").exit_code == 0);
  }
  const auto scenario = run_usegate({"sim", august_policy, "--scenario", "x.yaml", "--max-line", "1K"});
  CHECK(scenario.exit_code == 2);
  CHECK(scenario.err ==
        "usegate sim: `--max-line` applies to `--records FILE`; a scenario sets the time, the purposes "
        "and the settings itself\n");
}

// ------------------------------------------------------------------ file sizes

TEST_CASE("files read whole stop at their size limit with a clear error") {
  const auto check = run_usegate({"check", "/dev/zero"});
  CHECK(check.exit_code == 2);
  CHECK(check.out.empty());
  CHECK(check.err ==
        "/dev/zero: error: the policy file is larger than the limit of 16 MiB\n"
        " = help: a policy file is at most 16 MiB; is this the file you meant?\n");
  const auto policy = run_usegate({"eval", "--policy", "/dev/zero"}, "");
  CHECK(policy.exit_code == 2);
  CHECK(policy.err == check.err);
  const auto bindings = run_usegate({"eval", "--policy", august_policy, "--bindings", "/dev/zero"}, "");
  CHECK(bindings.exit_code == 2);
  CHECK(bindings.err ==
        "/dev/zero: error: the bindings file is larger than the limit of 4 MiB\n"
        " = help: a bindings file is at most 4 MiB; is this the file you meant?\n");
  const auto scenario = run_usegate({"sim", august_policy, "--scenario", "/dev/zero"});
  CHECK(scenario.exit_code == 2);
  CHECK(scenario.err ==
        "/dev/zero: error: the scenario file is larger than the limit of 4 MiB\n"
        " = help: a scenario file is at most 4 MiB; is this the file you meant?\n");
  // Exactly at the limit is within it.
  const std::string directory = scratch_directory("size-limits");
  const std::string full = scratch_file(directory, "full.yaml", std::string(std::size_t{4} << 20, '#'));
  const auto at_limit = run_usegate({"eval", "--policy", august_policy, "--bindings", full}, "");
  CHECK(at_limit.exit_code == 0);
}

TEST_CASE("a consent stream is read line by line: a line too long is rejected like any unreadable change") {
  const std::string directory = scratch_directory("consent-long-line");
  const auto result =
      run_bash(directory, "printf '%s' '" + x_record("u1", "US", "2024-06-01") + "' | \"$USEGATE\" eval --policy '" +
                              august_policy +
                              "' --now 2024-09-01 --consent <(head -c 70000000 /dev/zero; echo; echo "
                              "'{\"user\":\"u1\",\"setting\":\"grok_sharing\",\"value\":\"off\",\"platform\":\"web\","
                              "\"ts\":\"2024-08-01\"}')\n");
  CHECK(result.exit_code == 0);
  CHECK(result.out == decision(1, "deny", "optout_grok_sharing"));
  CHECK(result.err.find(":1: warning: consent change rejected: longer than the limit of 64 MiB: never parsed "
                        "[line_too_long]\n") != std::string::npos);
}

// ------------------------------------------------------------------ bytes that are not text

TEST_CASE("a file that is not text is refused at its first such byte, and never printed") {
  const std::string directory = scratch_directory("not-text");
  const std::string binary = scratch_file(directory, "x.bin", std::string("policy x\n\x1b[31mred\x00\xff", 18));
  const std::string policy_error = binary +
                                   ":2:1: error: the policy file holds a byte that is not text (0x1B)\n"
                                   " = help: a policy is UTF-8 text without control characters, and an artifact "
                                   "from `usegate build` begins with `USEGATE`; is this the file you meant?\n";
  const auto check = run_usegate({"check", binary});
  CHECK(check.exit_code == 1);
  CHECK(check.err == policy_error + "1 error, 0 warnings\n");
  const auto eval = run_usegate({"eval", "--policy", binary}, "");
  CHECK(eval.exit_code == 3);
  CHECK(eval.err == policy_error);
  const auto json = run_usegate({"check", "--format", "json", binary});
  CHECK(json.out == R"x({"file":")x" + binary +
                        R"x(","line":2,"column":1,"end_line":2,"end_column":2,"severity":"error","message":"the )x"
                        R"x(policy file holds a byte that is not text (0x1B)","help":"a policy is UTF-8 text without )x"
                        R"x(control characters, and an artifact from `usegate build` begins with `USEGATE`; is this )x"
                        R"x(the file you meant?","lint":""})x"
                        "\n");
  // Bytes that are not UTF-8, and C1 controls written in UTF-8, are no text either.
  const std::string latin1 = scratch_file(directory, "latin1.policy", "policy caf\xe9\n");
  CHECK(run_usegate({"check", latin1})
            .err.starts_with(latin1 + ":1:11: error: the policy file holds a byte that is "
                                      "not text (0xE9)\n"));
  const std::string c1 = scratch_file(directory, "c1.policy",
                                      "# \xc2\x9b"
                                      "2J\n");
  CHECK(run_usegate({"check", c1})
            .err.starts_with(c1 + ":1:3: error: the policy file holds a byte that is not text "
                                  "(0xC2)\n"));

  const std::string bindings = scratch_file(directory, "b.yaml", std::string("attributes:\n  region: geo\x00\n", 27));
  const auto with_bindings = run_usegate({"eval", "--policy", august_policy, "--bindings", bindings}, "");
  CHECK(with_bindings.exit_code == 3);
  CHECK(with_bindings.err == bindings +
                                 ":2:14: error: the bindings file holds a byte that is not text (0x00)\n"
                                 " = help: bindings are YAML, which is text\n");
  // A YAML escape puts a control character in a name without a control byte in the file.
  const std::string escaped = scratch_file(directory, "e.yaml", "attributes:\n  \"reg\\e[2Jion\": geo\n");
  const auto with_escape = run_usegate({"eval", "--policy", august_policy, "--bindings", escaped}, "");
  CHECK(with_escape.exit_code == 3);
  CHECK(with_escape.err.starts_with(escaped + ":2:3: error: unknown attribute `reg\\x1B[2Jion`"));
  const std::string scenario = scratch_file(directory, "s.yaml", "users: 10\x07\n");
  const auto with_scenario = run_usegate({"sim", august_policy, "--scenario", scenario});
  CHECK(with_scenario.exit_code == 3);
  CHECK(with_scenario.err == scenario +
                                 ":1:10: error: the scenario file holds a byte that is not text (0x07)\n"
                                 " = help: a scenario is YAML, which is text\n");
}

TEST_CASE("consent rejections are printed with control characters escaped") {
  const std::string directory = scratch_directory("consent-escapes");
  const std::string consent =
      scratch_file(directory, "c.jsonl",
                   R"({"user":"u1","setting":"grok\u001b[2J","value":"off","platform":"web","ts":"2024-08-01"})"
                   "\n");
  const auto result = run_usegate({"eval", "--policy", august_policy, "--now", "2024-09-01", "--consent", consent}, "");
  CHECK(result.exit_code == 0);
  CHECK(result.err.starts_with(
      consent +
      ":1:24: warning: consent change rejected: the policy has no setting `grok\\x1B[2J` [unknown_setting]\n"
      " 1 | "
      "{\"user\":\"u1\",\"setting\":\"grok\\u001b[2J\",\"value\":\"off\",\"platform\":\"web\",\"ts\":\"2024-08-01\"}\n"
      "   |                        ^~~~~~~~~~~~~~~\n"));
}
