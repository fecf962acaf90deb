// `--consent FILE` end to end, as `usegate eval` reads it: values neither on nor off applied as
// off and reported, former names in policy order, subject ids matched by value.
#include <doctest/doctest.h>

#include <string>

#include "x_records.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::scratch_file;
using usegate::testing::x_record;

const std::string& august = usegate::testing::august_policy;

std::string line(int number, const char* decision, const char* reason) {
  return std::string(R"({"line":)") + std::to_string(number) + R"(,"decision":")" + decision + R"(","reason":")" +
         reason + "\"}\n";
}

std::string grok_change(const std::string& user, const std::string& value, const std::string& platform,
                        const std::string& ts) {
  return R"({"user":")" + user + R"(","setting":"grok_sharing","value":)" + value + R"(,"platform":")" + platform +
         R"(","ts":")" + ts + "\"}\n";
}

TEST_CASE("consent changes: a value neither on nor off is applied as off, after the checks every change passes") {
  const std::string directory = scratch_directory("consent-bad-values");
  const std::string changes = scratch_file(
      directory, "changes.jsonl",
      grok_change("a", R"("OFF")", "web", "2024-07-28") +           // 1: read as off
          grok_change("b", R"("disabled")", "web", "2024-07-28") +  // 2: read as off
          grok_change("c", "1", "web", "2024-07-28") +              // 3: read as off
          grok_change("d", R"("maybe")", "ios", "2024-07-28") +     // 4: the app had no such setting: rejected
          grok_change("e", R"("maybe")", "web", "2024-07-20") +     // 5: before the setting existed: rejected
          grok_change("f", R"("maybe")", "web", "2024-09-05") +     // 6: after --now: not applied
          grok_change("g", R"("off")", "web", "2024-07-28") +       // 7: a plain opt-out
          grok_change("h", R"("maybe")", "web", "2024-07-28") +     // 8: read as off, then
          grok_change("h", R"("on")", "web", "2024-07-29"));        // 9: switched on again
  std::string input;
  for (const char* user : {"a", "b", "c", "d", "e", "f", "g", "h"}) input += x_record(user, "US", "2024-06-01");
  const auto result = run_usegate({"eval", "--policy", august, "--now", "2024-09-01", "--consent", changes, "--summary",
                                   directory + "/summary.json"},
                                  input);
  CHECK(result.exit_code == 0);
  // Decisions and notes, byte for byte: the golden case tests/golden/eval-consent-bad-values.
  CHECK(
      read_text(directory + "/summary.json") ==
      R"({"policy":"x_grok","version":"2024-08-08","now":"2024-09-01T00:00:00Z","read":8,"allowed":4,"denied":4,"rejected":0,"empty_lines":0,)"
      R"("denied_by_reason":{"optout_grok_sharing":4},"rejected_by_cause":{},"consent_applied":6,)"
      R"("consent_rejected":2,"consent_rejected_by_cause":{"unavailable":2},"consent_after_now":1,)"
      R"("consent_bad_value_read_as_off":4,"bad_consent_values":0,"subject_unreadable":0})"
      "\n");
}

TEST_CASE("consent changes: past the first 100 notes, the rest are counted by kind") {
  const std::string directory = scratch_directory("consent-many-notes");
  std::string text;
  // Users u0… and v0… (the name built in steps: GCC 12 warns falsely on "..." + std::string).
  for (int i = 0; i < 60; ++i)
    text += grok_change(std::string("u").append(std::to_string(i)), R"("nope")", "web", "2024-07-28");
  for (int i = 0; i < 70; ++i)
    text += grok_change(std::string("v").append(std::to_string(i)), R"("off")", "tv", "2024-07-28");
  const std::string changes = scratch_file(directory, "changes.jsonl", text);
  const auto result = run_usegate({"eval", "--policy", august, "--now", "2024-09-01", "--consent", changes},
                                  x_record("u0", "US", "2024-06-01"));
  CHECK(result.exit_code == 0);
  CHECK(result.out == line(1, "deny", "optout_grok_sharing"));
  // 60 bad values, then the first 40 of the 70 rejections.
  CHECK(result.err.find(changes + ":100:65: warning: consent change rejected: the policy has no platform `tv` "
                                  "[unknown_platform]\n") != std::string::npos);
  CHECK(result.err.find("   = help") == std::string::npos);
  CHECK(result.err.find("^~~~\n" + changes + ": 30 more consent changes rejected\n" +
                        "usegate eval: 1 record: 0 allowed, 1 denied, 0 rejected\n") != std::string::npos);
  CHECK(result.err.find(":101:") == std::string::npos);
  CHECK(result.err.find("more consent changes read as off") == std::string::npos);
  CHECK(
      result.err.ends_with("  consent changes: 60 applied, 70 rejected, 0 after --now\n"
                           "  consent change values neither on nor off (read as off): 60\n"
                           "  policy: x_grok version 2024-08-08\n"
                           "  now: 2024-09-01T00:00:00Z\n"));
}

TEST_CASE("consent changes: own name first, then the former names in the order the policy lists them") {
  const std::string directory = scratch_directory("consent-former-names");
  const std::string policy = scratch_file(directory, "blog.policy", R"(policy blogs "t"
enum purpose { training }
setting comment_training {
  default on
  covers purpose == training
  formerly ai_comments
  formerly comments_for_ai
}
allow train when purpose == training
)");
  const auto change = [](const char* user, const char* setting, const char* value, const char* ts) {
    return std::string(R"({"user":")") + user + R"(","setting":")" + setting + R"(","value":")" + value +
           R"(","ts":")" + ts + "\"}\n";
  };
  const std::string changes = scratch_file(
      directory, "changes.jsonl",
      // u1: the first former name wins over the second, though the second is later.
      change("u1", "ai_comments", "on", "2024-01-01") + change("u1", "comments_for_ai", "off", "2024-02-01") +
          // u2: only the second former name.
          change("u2", "comments_for_ai", "off", "2024-01-01") +
          // u3: the second former name is earlier; the first still wins.
          change("u3", "comments_for_ai", "on", "2024-01-01") + change("u3", "ai_comments", "off", "2024-02-01") +
          // u4: the own name wins over both.
          change("u4", "ai_comments", "off", "2024-01-01") + change("u4", "comments_for_ai", "off", "2024-01-01") +
          change("u4", "comment_training", "on", "2023-01-01"));
  std::string input;
  for (const char* user : {"u1", "u2", "u3", "u4", "u5"}) {
    input += std::string(R"({"user":")") + user +
             R"(","purpose":"training"})"
             "\n";
  }
  const auto result = run_usegate({"eval", "--policy", policy, "--now", "2024-06-01", "--consent", changes}, input);
  CHECK(result.exit_code == 0);
  CHECK(result.out == line(1, "allow", "train") + line(2, "deny", "optout_comment_training") +
                          line(3, "deny", "optout_comment_training") + line(4, "allow", "train") +
                          line(5, "allow", "train"));
}

TEST_CASE("consent changes: consent for user 50.0 reaches records of user 50, \"50\" and 5e1") {
  const std::string directory = scratch_directory("consent-numeric-subjects");
  const std::string changes = scratch_file(
      directory, "changes.jsonl",
      R"({"user":50.0,"setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-28"})"
      "\n"
      R"({"user":"123456789012345678901234","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-28"})"
      "\n"
      R"({"user":9007199254740993,"setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-28"})"
      "\n");
  const auto record = [](const std::string& user) {
    return R"({"user":)" + user +
           R"(,"purpose":"training","category":"post","region":"US","visibility":"public","ts":"2024-06-01"})"
           "\n";
  };
  const std::string input = record("50") + record(R"("50")") + record("5e1") + record("5.0E+1") + record("500e-1") +
                            record(R"("050")") + record(R"("50.0")") + record("51") +
                            record(R"("123456789012345678901234")") + record("1.23456789012345678901234e23") +
                            record("123456789012345678901235") + record("9007199254740993") +
                            record(R"("9007199254740993")") + record("9007199254740992");
  const auto result = run_usegate({"eval", "--policy", august, "--now", "2024-09-01", "--consent", changes}, input);
  CHECK(result.exit_code == 0);
  CHECK(result.out == line(1, "deny", "optout_grok_sharing") + line(2, "deny", "optout_grok_sharing") +
                          line(3, "deny", "optout_grok_sharing") + line(4, "deny", "optout_grok_sharing") +
                          line(5, "deny", "optout_grok_sharing") + line(6, "allow", "train_on_posts") +
                          line(7, "allow", "train_on_posts") + line(8, "allow", "train_on_posts") +
                          line(9, "deny", "optout_grok_sharing") + line(10, "deny", "optout_grok_sharing") +
                          // A record's integer beyond 64 bits is refused like any number readers disagree on.
                          line(11, "reject", "number_out_of_range") +
                          // Above 2^53 ids are compared exactly: a double would make these one id.
                          line(12, "deny", "optout_grok_sharing") + line(13, "deny", "optout_grok_sharing") +
                          line(14, "allow", "train_on_posts"));
}

}  // namespace
