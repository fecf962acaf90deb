// Consent carried by records: values under a setting's former names, and records whose subject
// cannot be read when consent changes are given. Each case is an opt-out that must not be lost.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::write_text;

// A setting renamed twice: `share_data` became `improve_models`, which became `model_training`.
constexpr const char* renamed_policy = R"(policy p "renamed setting"
enum purpose { training, analytics }
setting model_training {
  label "Use my data to train models"
  default on
  covers purpose == training
  formerly improve_models
  formerly share_data
}
allow train when purpose == training
allow analyse when purpose == analytics
)";

std::string decision(int number, const char* decision, const char* reason) {
  return std::string(R"({"line":)") + std::to_string(number) + R"(,"decision":")" + decision + R"(","reason":")" +
         reason + "\"}\n";
}

struct Fixture {
  std::string directory;
  std::string policy;
  explicit Fixture(const char* name) : directory(scratch_directory(name)), policy(directory + "/p.policy") {
    write_text(policy, renamed_policy);
  }
};

TEST_CASE("records: a value under a former setting name counts, own name first, then former names in order") {
  const Fixture fixture("record-former-names");
  const std::string input = R"({"purpose":"training"})"
                            "\n"  // the default
                            R"({"purpose":"training","improve_models":"off"})"
                            "\n"  // former name
                            R"({"purpose":"training","share_data":"off"})"
                            "\n"  // second former name
                            R"({"purpose":"training","model_training":"on","improve_models":"off"})"
                            "\n"  // own name first
                            R"({"purpose":"training","improve_models":"off","model_training":"on"})"
                            "\n"  // whatever the order
                            R"({"purpose":"training","model_training":null,"improve_models":"off"})"
                            "\n"  // null is no value
                            R"({"purpose":"training","improve_models":"on","share_data":"off"})"
                            "\n"  // former names in order
                            R"({"purpose":"training","improve_models":null,"share_data":false})"
                            "\n"
                            R"({"purpose":"training","improve_models":"maybe"})"
                            "\n"  // a bad value is off
                            R"({"purpose":"analytics","improve_models":"off"})"
                            "\n";  // not covered
  const auto result = run_usegate(
      {"eval", "--policy", fixture.policy, "--now", "2024-09-01", "--summary", fixture.directory + "/summary.json"},
      input);
  CHECK(result.exit_code == 0);
  CHECK(result.out == decision(1, "allow", "train") + decision(2, "deny", "optout_model_training") +
                          decision(3, "deny", "optout_model_training") + decision(4, "allow", "train") +
                          decision(5, "allow", "train") + decision(6, "deny", "optout_model_training") +
                          decision(7, "allow", "train") + decision(8, "deny", "optout_model_training") +
                          decision(9, "deny", "optout_model_training") + decision(10, "allow", "analyse"));
  CHECK(read_text(fixture.directory + "/summary.json").find(R"("bad_consent_values":1,)") != std::string::npos);
}

TEST_CASE("records: a bound setting field finds former names beside it") {
  const Fixture fixture("record-former-names-bound");
  write_text(fixture.directory + "/b.yaml", "settings:\n  model_training: prefs.ai.model_training\n");
  const std::string input = R"({"purpose":"training","prefs":{"ai":{"improve_models":"off"}}})"
                            "\n"
                            R"({"purpose":"training","prefs":{"ai":{"share_data":"off","model_training":"on"}}})"
                            "\n"
                            R"({"purpose":"training","improve_models":"off"})"
                            "\n";  // not where the bindings look
  const auto result = run_usegate(
      {"eval", "--policy", fixture.policy, "--bindings", fixture.directory + "/b.yaml", "--now", "2024-09-01"}, input);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        decision(1, "deny", "optout_model_training") + decision(2, "allow", "train") + decision(3, "allow", "train"));
}

TEST_CASE("records: with consent changes, a record whose subject cannot be read has its settings off") {
  const Fixture fixture("record-subject-unreadable");
  const std::string consent = fixture.directory + "/consent.jsonl";
  write_text(consent, R"({"user":"u1","setting":"model_training","value":"on","platform":"web","ts":"2024-08-01"})"
                      "\n");
  const std::string input = R"({"user":"u1","purpose":"training"})"
                            "\n"  // its subject opted in
                            R"({"user":"u2","purpose":"training"})"
                            "\n"  // no change: the record's value, else the default
                            R"({"purpose":"training"})"
                            "\n"  // no subject field
                            R"({"user":null,"purpose":"training"})"
                            "\n"
                            R"({"user":["u1"],"purpose":"training"})"
                            "\n"
                            R"({"user":{"id":"u1"},"purpose":"training"})"
                            "\n"
                            R"({"user":true,"purpose":"training","model_training":"on"})"
                            "\n"  // its own value cannot be trusted either
                            R"({"purpose":"analytics"})"
                            "\n";  // not covered: the opt-out does not apply
  const auto result = run_usegate({"eval", "--policy", fixture.policy, "--consent", consent, "--now", "2024-09-01",
                                   "--summary", fixture.directory + "/summary.json"},
                                  input);
  CHECK(result.exit_code == 0);
  CHECK(result.out == decision(1, "allow", "train") + decision(2, "allow", "train") +
                          decision(3, "deny", "optout_model_training") + decision(4, "deny", "optout_model_training") +
                          decision(5, "deny", "optout_model_training") + decision(6, "deny", "optout_model_training") +
                          decision(7, "deny", "optout_model_training") + decision(8, "allow", "analyse"));
  CHECK(read_text(fixture.directory + "/summary.json")
            .ends_with(R"("subject_unreadable":6})"
                       "\n"));
  CHECK(result.err.find("  records whose subject could not be read (their settings read as off): 6\n") !=
        std::string::npos);
}

TEST_CASE("records: a subject bound to a field the records lack shows up in the summary") {
  const Fixture fixture("record-subject-misbound");
  const std::string consent = fixture.directory + "/consent.jsonl";
  write_text(consent, "");
  write_text(fixture.directory + "/b.yaml", "user: author.id\n");
  const auto result = run_usegate({"filter", "--policy", fixture.policy, "--bindings", fixture.directory + "/b.yaml",
                                   "--consent", consent, "--now", "2024-09-01"},
                                  R"({"user":"u1","purpose":"training"})"
                                  "\n"
                                  R"({"user":"u2","purpose":"training"})"
                                  "\n");
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.find("(their settings read as off): 2\n") != std::string::npos);
  // Without consent changes the record's own value and the default apply as always.
  const auto without = run_usegate(
      {"filter", "--policy", fixture.policy, "--bindings", fixture.directory + "/b.yaml", "--now", "2024-09-01"},
      R"({"user":"u1","purpose":"training"})"
      "\n");
  CHECK(without.out == R"({"user":"u1","purpose":"training"})"
                       "\n");
}

}  // namespace
