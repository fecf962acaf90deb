// `compiler::diff_policies`: the rows and structural changes of the bundled X versions, exactly;
// text-only differences that are no change; renames; availability, coverage, default and
// declaration changes in words; the errors. The randomized check against the reference
// interpreter is tests/differential/diff_vs_interpreter_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "support.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/diff.hpp"

// Lists of lines print one per line when a check fails.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
  static doctest::String convert(const std::vector<std::string>& lines) {
    std::string text = "\n";
    for (const auto& line : lines) text += "  " + line + "\n";
    return text.c_str();
  }
};

namespace {

using namespace usegate;

compiler::CheckedPolicy checked(const std::string& name, const std::string& policy_text) {
  const usegate::SourceFile source(name, policy_text);
  compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
  std::string diagnostics;
  for (const auto& diagnostic : analysis.diagnostics.all())
    diagnostics += usegate::format_diagnostic(source, diagnostic);
  INFO(diagnostics);
  REQUIRE(analysis.policy.has_value());
  return std::move(*analysis.policy);
}

compiler::CheckedPolicy bundled(const std::string& file) {
  return checked(file, testing::read_text(testing::source_path("policies/" + file)));
}

compiler::PolicyDiff diff_of(const compiler::CheckedPolicy& old_policy, const compiler::CheckedPolicy& new_policy) {
  auto result = compiler::diff_policies(old_policy, new_policy);
  if (const auto* error = result.error_if()) FAIL("diff error: " << error->message);
  return std::move(result.value());
}

compiler::PolicyDiff diff_of(const std::string& old_text, const std::string& new_text) {
  return diff_of(checked("old.policy", old_text), checked("new.policy", new_text));
}

// Each row as `direction: condition: old → new`, in the diff's order.
std::vector<std::string> rows(const compiler::PolicyDiff& diff) {
  std::vector<std::string> lines;
  for (const auto& row : diff.rows) {
    const auto outcome = [](const compiler::RuleDecision& decision) {
      return std::string(decision.effect == compiler::Effect::allow ? "allow" : "deny") + " (" + decision.reason + ")";
    };
    lines.push_back(std::string(compiler::direction_name(row.direction)) + ": " + row.condition + ": " +
                    outcome(row.before) + " → " + outcome(row.after));
  }
  return lines;
}

std::vector<std::string> changes(const compiler::PolicyDiff& diff) {
  std::vector<std::string> lines;
  for (const auto& change : diff.structural_changes) lines.push_back(change.text);
  return lines;
}

using Lines = std::vector<std::string>;

TEST_CASE("diff: X May → July 2024, the Data sharing setting arrives") {
  const auto diff = diff_of(bundled("x-grok-2024-05.policy"), bundled("x-grok-2024-07.policy"));
  CHECK(diff.old_version == "2024-05-07");
  CHECK(diff.new_version == "2024-07-26");
  CHECK(changes(diff) ==
        Lines{"version: 2024-05-07 → 2024-07-26",
              "source added: \"X Settings, Data sharing and personalization -> Grok, as reported from 2024-07-26\"",
              "source added: \"X Help Center: Grok data sharing setting, web only at launch, mobile to follow\"",
              "source removed: \"X Help Center and press reports: public posts used to train Grok since at least May "
              "2024\"",
              "setting added: grok_sharing (default on) \"Allow your posts as well as your interactions, inputs, "
              "and results with Grok to be used for training and fine-tuning.\"",
              "rule added: allow train_on_grok_use \"Grok is trained on users' interactions, inputs and results with "
              "Grok\"",
              "assertion added: sharing_off_means_no_training never allow \"Switching Grok sharing off keeps all of "
              "the user's data out of training and fine-tuning\""});
  CHECK(rows(diff) ==
        Lines{"newly denied: category = post ∧ purpose ∈ {training, fine_tuning} ∧ visibility = public ∧ "
              "grok_sharing = off: allow (train_on_posts) → deny (optout_grok_sharing)",
              "newly allowed: category ∈ {interaction, input, result} ∧ purpose ∈ {training, fine_tuning} ∧ "
              "grok_sharing = on: deny (default) → allow (train_on_grok_use)",
              "reason only: category = post ∧ purpose ∈ {training, fine_tuning} ∧ visibility ∈ {missing, unknown} ∧ "
              "grok_sharing = off: deny (default) → deny (optout_grok_sharing)",
              "reason only: category ∈ {interaction, input, result} ∧ purpose ∈ {training, fine_tuning} ∧ "
              "grok_sharing = off: deny (default) → deny (optout_grok_sharing)",
              "reason only: category = post ∧ purpose ∈ {training, fine_tuning} ∧ visibility = protected ∧ "
              "grok_sharing = off: deny (protected_posts) → deny (optout_grok_sharing)"});
  // The structured form of the first row: only the constrained variables, in variable order.
  REQUIRE(!diff.rows.empty());
  const auto& when = diff.rows.front().when;
  REQUIRE(when.size() == 4);
  CHECK(when[0].variable == "category");
  CHECK(when[0].values == Lines{"post"});
  CHECK(when[1].variable == "purpose");
  CHECK(when[1].values == Lines{"training", "fine_tuning"});
  CHECK(when[3].variable == "grok_sharing");
  CHECK(when[3].values == Lines{"off"});
}

TEST_CASE("diff: X July → August 2024, the EU suspension") {
  const auto diff = diff_of(bundled("x-grok-2024-07.policy"), bundled("x-grok-2024-08.policy"));
  CHECK(
      changes(diff) ==
      Lines{
          "version: 2024-07-26 → 2024-08-08",
          "source added: \"Irish Data Protection Commission, High Court proceedings of 2024-08-06 and X's "
          "undertaking of about 2024-08-08\"",
          "source added: \"Irish Data Protection Commission statement of 2024-09-04: the undertaking made permanent\"",
          "source removed: \"Irish Data Protection Commission court filing, August 2024: processing window from "
          "2024-05-07\"",
          "rule added: deny eu_suspension \"EU users' posts from 2024-05-07 to 2024-08-01 are not used for training\"",
          "rule added: deny eu_suspension_unreadable \"While the EU suspension applies, posts of unknown region or "
          "date are not used\"",
          "assertion added: eu_posts_suspended never allow \"Once the suspension applies, EU users' posts from "
          "2024-05-07 to 2024-08-01 are not used for training\"",
          "assertion added: unreadable_posts_suspended never allow \"Once the suspension applies, posts of unknown "
          "region are not used for training\""});
  const std::string posts = "category = post ∧ purpose ∈ {training, fine_tuning} ∧ ";
  const std::string suspended = " ∧ now ≥ 2024-08-08 ∧ grok_sharing = on: ";
  CHECK(rows(diff) ==
        Lines{"newly denied: " + posts + "region = EU ∧ visibility = public ∧ ts ∈ [2024-05-07, 2024-08-01)" +
                  suspended + "allow (train_on_posts) → deny (eu_suspension)",
              "newly denied: " + posts + "region ∈ {missing, unknown} ∧ visibility = public" + suspended +
                  "allow (train_on_posts) → deny (eu_suspension_unreadable)",
              "newly denied: " + posts + "region = EU ∧ visibility = public ∧ ts ∈ {missing, unknown}" + suspended +
                  "allow (train_on_posts) → deny (eu_suspension_unreadable)",
              "reason only: " + posts +
                  "region = EU ∧ visibility ∈ {missing, unknown} ∧ ts ∈ [2024-05-07, 2024-08-01)" + suspended +
                  "deny (default) → deny (eu_suspension)",
              "reason only: " + posts + "region ∈ {missing, unknown} ∧ visibility ∈ {missing, unknown}" + suspended +
                  "deny (default) → deny (eu_suspension_unreadable)",
              "reason only: " + posts + "region = EU ∧ visibility ∈ {missing, unknown} ∧ ts ∈ {missing, unknown}" +
                  suspended + "deny (default) → deny (eu_suspension_unreadable)"});
}

// x-grok-2024-08.policy rewritten: comments, declarations in another order, setting fields
// in another order, operands swapped, `in {v}` for `== v`, `not in` for `!=`, allow rules
// after the denies (deny overrides allow, so only the order among denies decides reasons).
const char* const x_august_reformatted = R"(# the same policy, written differently
policy x_grok "X: use of posts and Grok interactions for Grok training"
version 2024-08-08
source "X Settings, Data sharing and personalization -> Grok, as reported from 2024-07-26"
source "X Help Center: Grok data sharing setting, web only at launch, mobile to follow"
source "Irish Data Protection Commission, High Court proceedings of 2024-08-06 and X's undertaking of about 2024-08-08"
source "Irish Data Protection Commission statement of 2024-09-04: the undertaking made permanent"

time ts
enum visibility { public, protected }
enum region     { US, EU, UK, other_region }
enum purpose    { training, fine_tuning, realtime_answers }
enum category   { post, interaction, input, result, direct_message }
enum platform   { web, ios, android }

setting grok_sharing {
  available on {web} from 2024-07-26
  covers  category in {post, interaction, input, result} and (purpose == training or purpose == fine_tuning)
  default on
  label   "Allow your posts as well as your interactions, inputs, and results with Grok to be used for training and fine-tuning."
}

deny protected_posts "Posts of protected accounts are never used for training"
  when visibility in {protected} and category in {post} and purpose not in {realtime_answers}
   and purpose is known
deny direct_messages "Direct messages are never used" when category in {direct_message}
deny eu_suspension "EU users' posts from 2024-05-07 to 2024-08-01 are not used for training"
  when now >= 2024-08-08 and ts < 2024-08-01 and ts >= 2024-05-07 and region == EU
   and category == post and purpose in {fine_tuning, training}
deny eu_suspension_unreadable "While the EU suspension applies, posts of unknown region or date are not used"
  when (not region is known or (not ts is known and region == EU))
   and now >= 2024-08-08 and purpose in {training, fine_tuning} and category == post

allow train_on_grok_use "Grok is trained on users' interactions, inputs and results with Grok"
  when category in {interaction, input, result} and purpose in {training, fine_tuning}
allow train_on_posts "Grok is trained on public posts"
  when visibility == public and category == post and purpose in {training, fine_tuning}
allow realtime_public "Grok answers may cite public posts"
  when visibility == public and category == post and purpose == realtime_answers
default deny
assert unreadable_posts_suspended "Once the suspension applies, posts of unknown region are not used for training" never allow when purpose in {training, fine_tuning} and category == post and now >= 2024-08-08 and not region is known
assert eu_posts_suspended "Once the suspension applies, EU users' posts from 2024-05-07 to 2024-08-01 are not used for training" never allow when purpose in {training, fine_tuning} and category == post and now >= 2024-08-08 and region == EU and ts >= 2024-05-07 and ts < 2024-08-01
assert sharing_off_means_no_training "Switching Grok sharing off keeps all of the user's data out of training and fine-tuning" never allow when purpose in {training, fine_tuning} and not consent grok_sharing
assert no_protected_posts_in_training "Posts of protected accounts are never used for training" never allow when purpose in {training, fine_tuning} and category == post and visibility == protected
assert no_direct_messages "Direct messages are never used" never allow when category == direct_message
)";

TEST_CASE("diff: a reformatted copy of a policy is no change at all") {
  // Reordered, re-indented, assertions in another order: the same policy.
  const auto original = bundled("x-grok-2024-08.policy");
  const auto reformatted = checked("x-grok-2024-08-reformatted.policy", x_august_reformatted);
  const auto diff = diff_of(original, reformatted);
  CHECK(rows(diff).empty());
  CHECK(changes(diff).empty());
  CHECK(rows(diff_of(reformatted, original)).empty());
  CHECK(rows(diff_of(original, original)).empty());
}

TEST_CASE("diff: a rule with the same effect and condition under a new id is a rename") {
  const std::string head = "policy p \"t\"\nenum purpose { training, ads }\nenum region { EU, US }\n";
  const auto diff = diff_of(head + "allow train_on_x when purpose == training and region == US\n",
                            head + "allow train_on_posts when region in {US} and purpose == training\n");
  CHECK(changes(diff) == Lines{"rule renamed: train_on_x → train_on_posts"});
  // Records now carry another reason: that is a change, reported as reason only.
  CHECK(rows(diff) ==
        Lines{"reason only: purpose = training ∧ region = US: allow (train_on_x) → allow (train_on_posts)"});
}

TEST_CASE("diff: a setting renamed with `formerly` is a rename, not a removal and an addition") {
  const std::string head = "policy p \"t\"\nenum purpose { training, ads }\n";
  const auto diff = diff_of(
      head +
          "setting data_sharing { label \"Share\"; default on; covers purpose == training }\n"
          "allow train when purpose == training\n",
      head +
          "setting grok_sharing { label \"Share\"; default on; covers purpose == training; formerly data_sharing }\n"
          "allow train when purpose == training\n");
  CHECK(changes(diff) == Lines{"setting renamed: data_sharing → grok_sharing"});
  // One variable for both names: the only change is the opt-out rule's name.
  CHECK(rows(diff) == Lines{"reason only: purpose = training ∧ grok_sharing = off: deny (optout_data_sharing) → deny "
                            "(optout_grok_sharing)"});

  // Another former name, beside the rename's own, is reported: values recorded under it now count.
  const auto more_names =
      diff_of(head +
                  "setting sharing { default on; covers purpose == training; formerly old_a }\nallow train when "
                  "purpose == training\n",
              head +
                  "setting sharing { default on; covers purpose == training; formerly old_b; formerly old_c }\n"
                  "allow train when purpose == training\n");
  CHECK(changes(more_names) ==
        Lines{"sharing: former names added: old_b, old_c", "sharing: former name removed: old_a"});
  CHECK(rows(more_names).empty());
}

TEST_CASE("diff: a flipped setting default changes the decision for users who never chose") {
  const std::string head = "policy p \"t\"\nenum purpose { training, ads }\n";
  const std::string rule = "allow train when purpose == training\n";
  const auto diff = diff_of(head + "setting sharing { default on; covers purpose == training }\n" + rule,
                            head + "setting sharing { default off; covers purpose == training }\n" + rule);
  CHECK(changes(diff) == Lines{"sharing: default on → off"});
  CHECK(rows(diff) ==
        Lines{"newly denied: purpose = training ∧ sharing is unset: allow (train) → deny (optout_sharing)"});
  REQUIRE(diff.rows.size() == 1);
  CHECK(diff.rows.front().when.back().values == Lines{"unset"});
}

TEST_CASE("diff: availability changes in the words of `available`") {
  struct Case {
    std::string old_lines, new_lines;
    Lines expected;
  };
  const std::vector<Case> cases = {
      {"available on {web} from 2024-07-26",
       "available on {web} from 2024-07-26\n available on {ios, android} from 2024-09-01",
       {"sharing: now also on ios, android from 2024-09-01"}},
      {"available on {web, ios}", "available on {ios}", {"sharing: no longer on web"}},
      {"available on {web} from 2024-07-26",
       "available on {web} from 2024-06-01",
       {"sharing: now also on web from 2024-06-01 until 2024-07-26"}},
      {"available on {web}",
       "available on {web} until 2025-01-01T12:00:00Z",
       {"sharing: no longer on web from 2025-01-01T12:00:00Z"}},
      // No `available` line: every platform, at any time.
      {"",
       "available on {web} from 2024-07-26",
       {"sharing: no longer on web until 2024-07-26", "sharing: no longer on ios, android"}},
      {"available on {web}\n available on {ios}", "available on {web, ios}", {}},
  };
  for (const auto& c : cases) {
    const auto policy = [](const std::string& availability) {
      return "policy p \"t\"\nenum purpose { training }\nenum platform { web, ios, android }\n"
             "setting sharing {\n default on\n covers purpose == training\n " +
             availability + "\n}\nallow train when purpose == training\n";
    };
    INFO("old: " << c.old_lines << "\nnew: " << c.new_lines);
    const auto diff = diff_of(policy(c.old_lines), policy(c.new_lines));
    CHECK(changes(diff) == c.expected);
    CHECK(rows(diff).empty());
  }
}

TEST_CASE("diff: coverage and rule conditions widened, narrowed, changed") {
  const auto policy = [](const std::string& covers, const std::string& rule) {
    return "policy p \"t\"\nenum purpose { training, ads, search }\nenum category { post, message }\n"
           "setting sharing { default on; covers " +
           covers + " }\nallow use when " + rule + "\n";
  };
  const std::string base_rule = "purpose == training";
  CHECK(changes(diff_of(policy("purpose == training", base_rule), policy("purpose in {training, ads}", base_rule))) ==
        Lines{"sharing: coverage widened: now also covers purpose = ads"});
  CHECK(changes(diff_of(policy("purpose in {training, ads}", base_rule), policy("purpose == training", base_rule))) ==
        Lines{"sharing: coverage narrowed: no longer covers purpose = ads"});
  CHECK(changes(diff_of(policy("purpose == training", base_rule), policy("purpose == ads", base_rule))) ==
        Lines{"sharing: coverage changed: now also covers purpose = ads; no longer covers purpose = training"});
  CHECK(changes(diff_of(policy("true", "purpose == training"),
                        policy("true", "purpose == training or (purpose == search and category == post)"))) ==
        Lines{"rule use: condition widened: now also matches purpose = search ∧ category = post"});
  CHECK(changes(diff_of(policy("true", "purpose == training"), policy("true", "purpose in {ads, search}"))) ==
        Lines{"rule use: condition changed: now also matches purpose ∈ {ads, search}; no longer matches purpose = "
              "training"});
}

TEST_CASE("diff: declarations, values, defaults, effects and descriptions") {
  const auto diff = diff_of(
      "policy p \"Old title\"\nversion 1\nenum purpose { training, ads }\nenum region { EU, US }\nnumber age\n"
      "allow train \"Training\" when purpose == training\ndeny minors when age < 18\ndeny old_rule when region == EU\n"
      "default deny\n",
      "policy q \"New title\"\nversion 2\nenum purpose { training, search }\nenum region { EU, US }\ntime ts\n"
      "bool verified\nallow train \"Training on posts\" when purpose == training\nallow minors when purpose == search\n"
      "deny new_rule when verified\ndefault allow\n");
  CHECK(changes(diff) ==
        Lines{"policy renamed: p → q", "title: \"Old title\" → \"New title\"", "version: 1 → 2",
              "default: deny → allow", "enum purpose: value added: search", "enum purpose: value removed: ads",
              "attribute added: time ts", "attribute added: bool verified", "attribute removed: number age",
              "rule train: description \"Training\" → \"Training on posts\"", "rule minors: deny → allow",
              // The points gained and lost, exactly: the old condition tested age alone.
              "rule minors: condition changed: now also matches purpose = search ∧ age ∈ {≥ 18, "
              "missing, unknown}; no longer matches purpose ∈ {training, ads, missing, unknown} ∧ age < 18",
              "rule added: deny new_rule", "rule removed: deny old_rule"});
}

TEST_CASE("diff: an attribute whose kind changed cannot be compared") {
  const auto result =
      compiler::diff_policies(checked("old.policy", "policy p \"t\"\nnumber age\nallow adult when age >= 18\n"),
                              checked("new.policy", "policy p \"t\"\ntime age\nallow adult when age >= 2024-01-01\n"));
  const auto* error = result.error_if();
  REQUIRE(error != nullptr);
  CHECK(error->message == "attribute `age` is a number in the old policy and a time in the new one");
  REQUIRE(error->span.has_value());
  CHECK(error->span->begin.line == 2);
  CHECK(error->span->begin.column == 6);
}

TEST_CASE("diff: a diff larger than the node budget is an error, not a crash") {
  const auto x_july = bundled("x-grok-2024-07.policy");
  const auto x_august = bundled("x-grok-2024-08.policy");
  compiler::CompileOptions tiny;
  tiny.max_diagram_nodes = 8;
  const auto result = compiler::diff_policies(x_july, x_august, tiny);
  const auto* error = result.error_if();
  REQUIRE(error != nullptr);
  CHECK(error->message.find("the diff exceeds its budget of 8 diagram nodes; most nodes test `") == 0);
}

}  // namespace

TEST_CASE("diff: assertions added, removed and changed, matched by id") {
  const std::string head =
      "policy p\nenum purpose { training, ads }\nsetting s { formerly old_s; default on; covers purpose == "
      "training }\nallow a when purpose == training\n";
  const std::string old_head =
      "policy p\nenum purpose { training, ads }\nsetting old_s { default on; covers purpose == training "
      "}\nallow a when purpose == training\n";
  const auto old_policy = checked("old.policy", old_head +
                                                    "assert gone never allow when purpose == ads\n"
                                                    "assert same \"d\" never allow when not consent old_s\n"
                                                    "assert flipped never allow when purpose == ads\n"
                                                    "assert narrowed \"old\" never allow when purpose in {training, "
                                                    "ads}\n");
  const auto new_policy = checked("new.policy", head +
                                                    "assert same \"d\" never allow when not (consent s)\n"
                                                    "assert flipped always allow when purpose == ads\n"
                                                    "assert narrowed \"new\" never allow when purpose == ads\n"
                                                    "assert fresh always allow when false\n");
  CHECK(changes(diff_of(old_policy, new_policy)) ==
        Lines{"setting renamed: old_s → s", "assertion added: fresh always allow",
              "assertion removed: gone never allow", "assertion flipped: never allow → always allow",
              "assertion narrowed: condition changed, description \"old\" → \"new\""});
}
