// Lints, one at a time: for each lint a policy that triggers it (exact lint name, message, line
// and column) and near misses that must stay quiet. Every case asserts the whole list of
// diagnostics, so a lint firing where it should not fails the case too.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"

namespace {

using namespace usegate;

struct Lint {
  std::string name;
  std::string message;
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  bool operator==(const Lint&) const = default;
};

std::string describe(const std::vector<Lint>& lints) {
  std::string out;
  for (const auto& lint : lints) {
    out += "  " + std::to_string(lint.line) + ":" + std::to_string(lint.column) + " [" + lint.name + "] " +
           lint.message + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

// Checks the policy (it must have no errors) and returns its lints.
std::vector<Lint> lints_of(const std::string& policy_text) {
  const usegate::SourceFile source("lint.policy", policy_text);
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source);
  std::string printed;
  for (const auto& diagnostic : analysis.diagnostics.all()) printed += usegate::format_diagnostic(source, diagnostic);
  INFO("policy:\n" << policy_text << "\ndiagnostics:\n" << printed);
  REQUIRE(analysis.policy.has_value());
  REQUIRE(analysis.diagnostics.error_count() == 0);
  std::vector<Lint> lints;
  for (const auto& diagnostic : analysis.diagnostics.all()) {
    CHECK(diagnostic.severity == usegate::Severity::warning);
    CHECK(!diagnostic.help.empty());
    lints.push_back({diagnostic.lint, diagnostic.message, diagnostic.span.begin.line, diagnostic.span.begin.column});
  }
  return lints;
}

void check_lints(const std::string& body, const std::vector<Lint>& expected) {
  // Lines 1-5 are the header; a body's first line is line 6.
  const std::string policy_text = R"(policy p "lint cases"
enum purpose { training, ads }
enum region { US, EU }
time ts
number age
)" + body;
  const std::vector<Lint> actual = lints_of(policy_text);
  INFO("policy:\n" << policy_text << "\nexpected:\n" << describe(expected) << "actual:\n" << describe(actual));
  CHECK(actual == expected);
}

const std::vector<Lint> none;

// ---------------------------------------------------------------------------------------------

TEST_CASE("never-matches") {
  SUBCASE("an allow rule whose condition is contradictory") {
    check_lints(R"(allow a when region == EU and region == US
default deny
)",
                {{"never-matches", "allow rule `a` can never match", 6, 7}});
  }
  SUBCASE("a deny rule, on ordered bounds that leave nothing") {
    check_lints(R"(allow a when purpose == training
deny d when ts >= 2024-08-01 and ts < 2024-08-01
)",
                {{"never-matches", "deny rule `d` can never match", 7, 6}});
  }
  SUBCASE("a number interval that is empty") {
    check_lints(R"(allow a when age > 20 and age < 18
)",
                {{"never-matches", "allow rule `a` can never match", 6, 7}});
  }
  SUBCASE("a setting that covers nothing") {
    check_lints(R"(setting s {
  default on
  covers purpose == training and purpose == ads
}
allow a when purpose == training
)",
                {{"never-matches", "setting `s` covers no record", 6, 9}});
  }
  SUBCASE("near miss: `or` instead of `and`") {
    check_lints("allow a when region == EU or region == US\n", none);
  }
  SUBCASE("near miss: a one-point interval still matches") {
    check_lints(R"(allow a when purpose == training and ts is known
deny d when ts >= 2024-08-01 and ts <= 2024-08-01
)",
                none);
  }
  SUBCASE("near miss: `is missing` and `!=` can hold together") {
    check_lints("deny d when region is missing and region != EU\nallow a when purpose == ads and region is known\n",
                none);
  }
}

TEST_CASE("allow-always-denied") {
  SUBCASE("a deny that takes every record of the allow") {
    check_lints(R"(allow a when purpose == training and region == EU
deny d when region == EU
default deny
)",
                {{"allow-always-denied", "every record allow rule `a` matches is denied anyway", 6, 7}});
  }
  SUBCASE("several denies that together take every record of the allow") {
    check_lints(R"(deny us when region == US
allow a when purpose == training and region is known
deny eu when region == EU
)",
                {{"allow-always-denied", "every record allow rule `a` matches is denied anyway", 7, 7}});
  }
  SUBCASE("near miss: the deny leaves some of the allow's records") {
    check_lints(R"(allow a when purpose == training and region == EU
deny d when region == EU and purpose == ads
default deny
)",
                none);
  }
  SUBCASE("near miss: a setting's opt-out denies only without consent") {
    check_lints(R"(setting s {
  default off
  covers purpose == training
}
allow a when purpose == training
)",
                none);
  }
}

TEST_CASE("optout-changes-nothing") {
  SUBCASE("a setting whose coverage meets no allow") {
    check_lints(R"(setting s {
  label "Use my data for ads"
  default on
  covers purpose == ads
}
allow a when purpose == training
)",
                {{"optout-changes-nothing", "setting `s` changes nothing: no record it covers is allowed", 6, 9}});
  }
  SUBCASE("a setting whose covered records are all denied anyway") {
    check_lints(R"(deny no_ads when purpose == ads
setting s { default on; covers purpose == ads }
allow a when purpose is known
)",
                {{"optout-changes-nothing", "setting `s` changes nothing: no record it covers is allowed", 7, 9}});
  }
  SUBCASE("near miss: the coverage meets an allow") {
    check_lints(R"(setting s {
  label "Use my data"
  default on
  covers purpose in {training, ads}
}
allow a when purpose == training
)",
                none);
  }
  SUBCASE("near miss: the coverage meets only what the default allows") {
    check_lints(R"(setting s { default off; covers purpose == ads }
deny train when purpose == training
deny no_purpose when not purpose is known
default allow
)",
                {{"default-allow", "`default allow` allows every record that no rule decides (fails open)", 9, 1}});
  }
}

TEST_CASE("default-allow") {
  SUBCASE("`default allow`") {
    check_lints(R"(allow a when purpose == training
default allow
)",
                {{"default-allow", "`default allow` allows every record that no rule decides (fails open)", 7, 1}});
  }
  SUBCASE("near miss: `default deny`") {
    check_lints("allow a when purpose == training\ndefault deny\n", none);
  }
  SUBCASE("near miss: no `default` at all") {
    check_lints("allow a when purpose == training\n", none);
  }
}

TEST_CASE("negation-matches-missing") {
  SUBCASE("`!=`") {
    check_lints(R"(allow a when purpose == training and region != EU
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is missing through a negation", 6, 38}});
  }
  SUBCASE("`not in`") {
    check_lints(R"(allow a when region not in {EU}
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is missing through a negation", 6, 14}});
  }
  SUBCASE("`not (...)`: the lint points at the negated atom") {
    check_lints(R"(allow a when purpose == training and not (region == EU)
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is missing through a negation", 6, 43}});
  }
  SUBCASE("`not (ts < d)` on an ordered attribute") {
    check_lints(R"(allow a when not (ts < 2024-08-01)
)",
                {{"negation-matches-missing", "allow rule `a` matches records whose `ts` is missing through a negation",
                  6, 19}});
  }
  SUBCASE("only unknown values get through") {
    check_lints(R"(allow a when not region is missing and region != EU
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is unknown through a negation", 6, 40}});
  }
  SUBCASE("an explicit `is missing` leaves the unknown values to the negation") {
    check_lints(R"(allow a when region != EU or region is missing
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is unknown through a negation", 6, 14}});
  }
  SUBCASE("a bare bool, negated") {
    check_lints(R"(bool verified
allow a when purpose == training and not verified
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `verified` is missing through a negation", 7, 42}});
  }
  SUBCASE("a negation in one branch of an `or`") {
    check_lints(R"(allow a when region != EU or purpose == training
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is missing through a negation", 6, 14}});
  }
  SUBCASE("a negated conjunction: missing `region`, readable `ts`") {
    check_lints(R"(allow a when not (region == EU and ts < 2024-08-01)
)",
                {{"negation-matches-missing",
                  "allow rule `a` matches records whose `region` is missing through a negation", 6, 19},
                 {"negation-matches-missing", "allow rule `a` matches records whose `ts` is missing through a negation",
                  6, 36}});
  }
  SUBCASE("near miss: `region != EU and region is known`") {
    check_lints("allow a when region != EU and region is known\n", none);
  }
  SUBCASE("near miss: listing the values meant") {
    check_lints("allow a when region in {US}\n", none);
  }
  SUBCASE("near miss: `ts >= d` instead of `not (ts < d)`") {
    check_lints("allow a when ts >= 2024-08-01\n", none);
  }
  SUBCASE("near miss: a state test says what it means") {
    check_lints("allow a when purpose == training and region is missing\n", none);
  }
  SUBCASE("near miss: a deny rule may negate freely") {
    check_lints(R"(allow a when purpose == training and region is known
deny d when region != EU
)",
                none);
  }
}

TEST_CASE("deny-escaped-by-missing") {
  SUBCASE("a deny that a missing region slips past, then an allow allows") {
    check_lints(R"(allow a when purpose == training
deny eu when purpose == training and region == EU
default deny
)",
                {{"deny-escaped-by-missing",
                  "deny rule `eu` does not match records whose `region` is missing or unknown, and `a` "
                  "then allows them",
                  7, 38}});
  }
  SUBCASE("two allows, and the default, take the escaped records") {
    check_lints(R"(allow a when purpose == training
allow b when purpose == ads
deny eu when region == EU and ts < 2024-08-01
default allow
)",
                {
                    {"deny-escaped-by-missing",
                     "deny rule `eu` does not match records whose `region` is missing or unknown, and the "
                     "default, `a`, `b` then allows them",
                     8, 14},
                    {"deny-escaped-by-missing",
                     "deny rule `eu` does not match records whose `ts` is missing or unknown, and the "
                     "default, `a`, `b` then allows them",
                     8, 31},
                    {"default-allow", "`default allow` allows every record that no rule decides (fails open)", 9, 1},
                });
  }
  SUBCASE("a setting whose coverage an unreadable attribute escapes") {
    check_lints(R"(setting s {
  default off
  covers purpose == training and region == EU
}
allow a when purpose == training
)",
                {{"deny-escaped-by-missing",
                  "setting `s` does not cover records whose `region` is missing or unknown, and `a` then "
                  "allows them",
                  6, 9}});
  }
  SUBCASE("near miss: the EU deny plus `deny x when not region is known`") {
    check_lints(R"(allow a when purpose == training
deny eu when purpose == training and region == EU
deny x when not region is known
default deny
)",
                none);
  }
  SUBCASE("near miss: the allow itself requires a readable region") {
    check_lints(R"(allow a when purpose == training and region is known
deny eu when purpose == training and region == EU
)",
                none);
  }
  SUBCASE("near miss: nothing is allowed after the escape") {
    check_lints(R"(allow a when purpose == ads
deny eu when purpose == training and region == EU
)",
                none);
  }
  SUBCASE("near miss: `now` is never missing") {
    check_lints(R"(allow a when purpose == training
deny late when purpose == training and now >= 2024-08-07
)",
                none);
  }
}

TEST_CASE("the bundled policies produce no lints") {
  const auto policies = testing::files_ending_with(testing::source_path("policies"), ".policy");
  CHECK(policies.size() >= 4);
  for (const auto& path : policies) {
    INFO("policy: " << path);
    const std::vector<Lint> actual = lints_of(testing::read_text(path));
    INFO("lints:\n" << describe(actual));
    CHECK(actual.empty());
  }
}

}  // namespace
