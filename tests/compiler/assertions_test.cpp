// Assertions proved on the decision table: for hand-made policies, whether each holds, the
// exact rows where it fails (as `describe_region` words them, with the deciding reason) and
// the example record; and every bundled policy's assertions hold.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/assertions.hpp"

namespace {

using namespace usegate;

compiler::CheckedPolicy checked(const std::string& text) {
  const usegate::SourceFile source("assert.policy", text);
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
  INFO(text);
  REQUIRE(analysis.policy.has_value());
  return *analysis.policy;
}

std::string value_text(const compiler::RecordValue& value) {
  using Kind = compiler::RecordValue::Kind;
  switch (value.kind) {
    case Kind::boolean: return value.boolean ? "true" : "false";
    case Kind::number: return std::to_string(value.number);
    case Kind::string: return "\"" + value.text + "\"";
    default: return "?";
  }
}

// `FAILS` and one line per failing row (`condition -> decision reason`), then the example's
// fields and, when it matters, `now`; or `HOLDS`.
std::string proof_text(const compiler::CheckedPolicy& policy, const compiler::AssertionProof& proof) {
  if (proof.holds) return "HOLDS";
  std::string text = "FAILS\n";
  for (const auto& region : proof.failing_regions) {
    const std::uint32_t reason = compiler::cell_reason(region.value);
    text += "  " + compiler::describe_region(proof.partitions, region) + " -> " +
            (compiler::cell_allows(region.value) ? "allow " : "deny ") +
            (reason == 0 ? std::string("default") : policy.rules[reason - 1].id) + "\n";
  }
  text += "  example:";
  for (const auto& [name, value] : proof.example.attributes) text += " " + name + "=" + value_text(value);
  for (const auto& [name, value] : proof.example.consent) text += " " + name + "=" + value_text(value);
  if (proof.example_needs_now) text += " now=" + compiler::describe_time(proof.example.now);
  return text + "\n";
}

const std::string header = R"(policy p "Assertions"
enum purpose  { training, ads }
enum category { post, direct_message }
enum region   { US, EU }
time ts

setting sharing {
  default on
  covers purpose == training
}

allow train when purpose == training and category == post
allow ads when purpose == ads and ts < 2024-08-01 and now < 2024-09-01
deny eu when region == EU and purpose == ads
)";

struct Case {
  const char* assertion;
  const char* expected;
};

TEST_CASE("assertions: each is proved, and a failing one shows its rows and an example") {
  const std::vector<Case> cases = {
      // `ads` does not test the category: direct messages may be used for ads.
      {"assert a never allow when category == direct_message",
       "FAILS\n"
       "  purpose = ads ∧ category = direct_message ∧ region ∈ {US, missing, unknown} ∧ ts < 2024-08-01 ∧ "
       "now < 2024-09-01 -> allow ads\n"
       "  example: category=\"direct_message\" purpose=\"ads\" region=\"US\" ts=\"2024-07-31\" sharing=\"on\" "
       "now=2024-08-31\n"},
      {"assert a never allow when category == direct_message and purpose == training", "HOLDS"},
      {"assert a never allow when purpose == training and not consent sharing", "HOLDS"},
      {"assert a never allow when region == EU and purpose == ads", "HOLDS"},
      // The allow rule does not test the region: a missing or unknown one is allowed too.
      {"assert a never allow when purpose == ads and region != US",
       "FAILS\n"
       "  purpose = ads ∧ region ∈ {missing, unknown} ∧ ts < 2024-08-01 ∧ now < 2024-09-01 -> allow ads\n"
       "  example: category=\"post\" purpose=\"ads\" ts=\"2024-07-31\" sharing=\"on\" now=2024-08-31\n"},
      // The proof splits `ts` at the assertion's own constant, which no rule uses.
      {"assert a never allow when purpose == ads and ts >= 2024-07-01",
       "FAILS\n"
       "  purpose = ads ∧ region ∈ {US, missing, unknown} ∧ ts ∈ [2024-07-01, 2024-08-01) ∧ now < 2024-09-01 -> "
       "allow ads\n"
       "  example: category=\"post\" purpose=\"ads\" region=\"US\" ts=\"2024-07-01\" sharing=\"on\" now=2024-08-31\n"},
      // `always allow`: the opt-out and records that are not posts are denied.
      {"assert a always allow when purpose == training",
       "FAILS\n"
       "  purpose = training ∧ category ∈ {direct_message, missing, unknown} ∧ sharing = on -> deny default\n"
       "  purpose = training ∧ sharing = off -> deny optout_sharing\n"
       "  example: category=\"direct_message\" purpose=\"training\" region=\"US\" ts=\"2024-07-31\" sharing=\"on\"\n"},
      // Whatever `now` is: after 2024-09-01 nothing allows ads.
      {"assert a always allow when purpose == ads and region == US and ts < 2024-08-01",
       "FAILS\n"
       "  purpose = ads ∧ region = US ∧ ts < 2024-08-01 ∧ now ≥ 2024-09-01 -> deny default\n"
       "  example: category=\"post\" purpose=\"ads\" region=\"US\" ts=\"2024-07-31\" sharing=\"on\" now=2024-09-01\n"},
      {"assert a always allow when false", "HOLDS"},
      {"assert a never allow when true",
       "FAILS\n"
       "  purpose = training ∧ category = post ∧ sharing = on -> allow train\n"
       "  purpose = ads ∧ region ∈ {US, missing, unknown} ∧ ts < 2024-08-01 ∧ now < 2024-09-01 -> allow ads\n"
       "  example: category=\"post\" purpose=\"training\" region=\"US\" ts=\"2024-07-31\" sharing=\"on\"\n"},
  };
  for (const auto& c : cases) {
    const compiler::CheckedPolicy policy = checked(header + c.assertion + "\n");
    const auto proofs = compiler::prove_assertions(policy);
    REQUIRE(proofs.size() == 1);
    INFO("assertion: " << c.assertion);
    CHECK(proof_text(policy, proofs.front()) == c.expected);
    if (!proofs.front().holds) {
      CHECK_FALSE(compiler::assertion_holds_for(policy, policy.assertions.front(), proofs.front().example));
    }
  }
}

TEST_CASE("assertions: a policy without assertions proves nothing, and assertions change no decision") {
  const compiler::CheckedPolicy without = checked(header);
  CHECK(compiler::prove_assertions(without).empty());
  const compiler::CheckedPolicy with = checked(header + "assert a never allow when region == EU\n");
  CHECK(with.rules.size() == without.rules.size());
  CHECK(with.assertions.size() == 1);
  CHECK(with.assertions.front().kind == compiler::AssertionKind::never_allow);
}

TEST_CASE("assertions: every bundled policy's promises hold") {
  const auto policies = testing::files_ending_with(testing::source_path("policies"), ".policy");
  CHECK(policies.size() >= 4);
  for (const auto& path : policies) {
    const compiler::CheckedPolicy policy = checked(testing::read_text(path));
    INFO("policy: " << path);
    CHECK(policy.assertions.size() >= 2);
    for (const auto& proof : compiler::prove_assertions(policy)) {
      INFO("assertion: " << policy.assertions[proof.assertion].id);
      CHECK(proof.holds);
    }
  }
}

}  // namespace
