// `usegate sim` against the reference interpreter: the simulation writes every record it
// generated (`--write-records`), the test decides each one again with compiler::interpret and
// counts on its own, and every figure of the JSON report must match exactly. The population
// is shared; the decisions, the consent seen by the interpreter's reach rule and the counting
// are not.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace {

using namespace usegate;
using testing::read_text;
using testing::run_usegate;
using testing::scratch_directory;
using testing::source_path;
using testing::write_text;

// ---- reading the report and the records (simdjson's DOM: no reader of the test's own)

using simdjson::dom::element;

element member(const element& object, std::string_view key) {
  element value;
  REQUIRE_MESSAGE(object[key].get(value) == simdjson::SUCCESS, "no key " << key);
  return value;
}

std::uint64_t count_of(const element& object, std::string_view key) {
  std::uint64_t count = 0;
  REQUIRE(member(object, key).get(count) == simdjson::SUCCESS);
  return count;
}

std::string text_of(const element& object, std::string_view key) {
  std::string_view text;
  REQUIRE(member(object, key).get(text) == simdjson::SUCCESS);
  return std::string(text);
}

simdjson::dom::array items_of(const element& object, std::string_view key) {
  simdjson::dom::array items;
  REQUIRE(member(object, key).get(items) == simdjson::SUCCESS);
  return items;
}

// ---- the independent count

// What one purpose's figures should be, counted from the interpreter's decisions.
struct ExpectedPurpose {
  std::uint64_t records = 0;
  std::uint64_t usable = 0;
  std::map<std::string, std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>> by;  // field, value
  std::map<std::string, std::uint64_t> reasons;
};

struct CrossCheck {
  std::string policy_text;
  std::string scenario_text;
  std::int64_t now = 0;
  std::vector<std::string> purposes;
  std::vector<std::string> breakdowns;  // report fields, in report order
  // Whether a user on these platforms (`web+ios`) could reach setting `name`, worked out from
  // the policy's `available` lines by hand.
  std::function<bool(const std::string& setting, const std::string& platforms)> reachable;
};

void cross_check(const CrossCheck& check, const std::string& name) {
  const std::string directory = scratch_directory("sim-interpreter-" + name);
  const std::string policy_path = directory + "/policy.policy";
  const std::string scenario_path = directory + "/scenario.yaml";
  const std::string records_path = directory + "/records.jsonl";
  write_text(policy_path, check.policy_text);
  write_text(scenario_path, check.scenario_text);
  const auto result = run_usegate(
      {"sim", policy_path, "--scenario", scenario_path, "--format", "json", "--write-records", records_path});
  REQUIRE(result.exit_code == 0);
  INFO(result.err);
  simdjson::dom::parser report_parser;
  element document;
  REQUIRE(report_parser.parse(result.out).get(document) == simdjson::SUCCESS);
  element report;
  REQUIRE(member(document, "policies").at(0).get(report) == simdjson::SUCCESS);

  const usegate::SourceFile source(policy_path, check.policy_text);
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  const compiler::CheckedPolicy& policy = *analysis.policy;

  std::map<std::string, ExpectedPurpose> expected;
  std::map<std::string, std::uint64_t> reached;
  std::map<std::string, std::uint64_t> switched_off;
  std::map<std::string, std::uint64_t> removed;
  std::int64_t last_user = -1;
  std::istringstream lines(read_text(records_path));
  std::string line;
  std::uint64_t record_count = 0;
  simdjson::dom::parser record_parser;
  while (std::getline(lines, line)) {
    ++record_count;
    element record_element;
    REQUIRE(record_parser.parse(line).get(record_element) == simdjson::SUCCESS);
    simdjson::dom::object record;
    REQUIRE(record_element.get(record) == simdjson::SUCCESS);
    compiler::InterpreterInput input;
    input.now = check.now;
    std::map<std::string, std::string> shown;  // how each breakdown field's value is reported
    for (const auto field : record) {
      const std::string key(field.key);
      if (key == "consent") {
        simdjson::dom::object consent;
        REQUIRE(field.value.get(consent) == simdjson::SUCCESS);
        for (const auto setting : consent) {
          std::string_view value;
          REQUIRE(setting.value.get(value) == simdjson::SUCCESS);
          input.consent[std::string(setting.key)] = compiler::RecordValue::of(std::string(value));
        }
        continue;
      }
      switch (field.value.type()) {
        case simdjson::dom::element_type::STRING: {
          const std::string text(field.value.get_string().value());
          input.attributes[key] = compiler::RecordValue::of(text);
          shown[key] = text;
          break;
        }
        case simdjson::dom::element_type::BOOL: {
          const bool flag = field.value.get_bool().value();
          input.attributes[key] = compiler::RecordValue::of(flag);
          shown[key] = flag ? "true" : "false";
          break;
        }
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE: {
          const double number = field.value.get_double().value();
          input.attributes[key] = compiler::RecordValue::of(number);
          std::ostringstream text;
          text << number;
          shown[key] = text.str();
          break;
        }
        default: FAIL("unexpected value for " << key);
      }
    }
    const std::int64_t user = static_cast<std::int64_t>(count_of(record_element, "user"));
    if (user != last_user) {
      last_user = user;
      for (const auto& setting : policy.settings) {
        const bool can_reach = check.reachable(setting.name, shown["platforms"]);
        if (can_reach) ++reached[setting.name];
        const auto consent = input.consent.find(setting.name);
        const bool off = consent != input.consent.end() && consent->second.text == "off";
        // Unreachable users keep the default.
        if (!can_reach) CHECK(off == !setting.default_on);
        if (can_reach && off && setting.default_on) ++switched_off[setting.name];
      }
    }
    for (const auto& purpose : check.purposes) {
      input.attributes["purpose"] = compiler::RecordValue::of(purpose);
      const compiler::Interpretation decision = compiler::interpret(policy, input);
      const bool allowed = decision.decision.effect == compiler::Effect::allow;
      ExpectedPurpose& counts = expected[purpose];
      ++counts.records;
      counts.usable += allowed ? 1 : 0;
      ++counts.reasons[decision.decision.reason];
      if (decision.decision.reason.rfind("optout_", 0) == 0) ++removed[decision.decision.reason.substr(7)];
      for (const auto& field : check.breakdowns) {
        const auto found = shown.find(field);
        auto& cell = counts.by[field][found == shown.end() ? "missing" : found->second];
        ++cell.first;
        cell.second += allowed ? 1 : 0;
      }
    }
  }
  CHECK(count_of(report, "records") == record_count);
  REQUIRE(items_of(report, "purposes").size() == check.purposes.size());

  for (const element purpose : items_of(report, "purposes")) {
    const std::string purpose_name = text_of(purpose, "purpose");
    CAPTURE(purpose_name);
    const ExpectedPurpose& counts = expected[purpose_name];
    CHECK(count_of(purpose, "records") == counts.records);
    CHECK(count_of(purpose, "usable") == counts.usable);
    std::uint64_t reason_total = 0;
    for (const element reason : items_of(purpose, "reasons")) {
      const std::string reason_name = text_of(reason, "reason");
      CAPTURE(reason_name);
      const auto found = counts.reasons.find(reason_name);
      CHECK(count_of(reason, "records") == (found == counts.reasons.end() ? 0 : found->second));
      reason_total += count_of(reason, "records");
    }
    CHECK(reason_total == counts.records);
    REQUIRE(items_of(purpose, "breakdowns").size() == check.breakdowns.size());
    for (const element breakdown : items_of(purpose, "breakdowns")) {
      const std::string field = text_of(breakdown, "field");
      CAPTURE(field);
      const auto& cells = counts.by.at(field);
      std::uint64_t total = 0;
      for (const element value : items_of(breakdown, "values")) {
        const std::string value_name = text_of(value, "value");
        CAPTURE(value_name);
        const auto cell = cells.find(value_name);
        const std::pair<std::uint64_t, std::uint64_t> zero{0, 0};
        const auto& [records, usable] = cell == cells.end() ? zero : cell->second;
        CHECK(count_of(value, "records") == records);
        CHECK(count_of(value, "usable") == usable);
        total += count_of(value, "records");
      }
      CHECK(total == counts.records);
    }
  }
  for (const element setting : items_of(report, "settings")) {
    const std::string setting_name = text_of(setting, "setting");
    CAPTURE(setting_name);
    CHECK(count_of(setting, "users_reached") == reached[setting_name]);
    CHECK(count_of(setting, "users_switched_off") == switched_off[setting_name]);
    CHECK(count_of(setting, "records_removed") == removed[setting_name]);
  }
}

bool has_platform(const std::string& platforms, const std::string& platform) {
  return ("+" + platforms + "+").find("+" + platform + "+") != std::string::npos;
}

TEST_CASE("sim: the August policy on a mixed population matches the reference interpreter") {
  CrossCheck check;
  check.policy_text = read_text(source_path("policies/x-grok-2024-08.policy"));
  check.scenario_text = R"(users: 400
seed: 99
now: 2024-08-15
purposes: [training, fine_tuning, realtime_answers]
population:
  region: {US: 0.3, EU: 0.35, UK: 0.1, other_region: 0.15, missing: 0.1}
  visibility: {public: 0.8, protected: 0.15, missing: 0.05}
platforms:
  - {uses: [web], share: 0.2}
  - {uses: [ios], share: 0.3}
  - {uses: [android, web], share: 0.25}
  - {uses: [android], share: 0.25}
records:
  category: {post: 4, interaction: 1, result: 1, direct_message: 1}
record_times:
  ts: {from: 2024-04-20, until: 2024-08-20T12:00:00Z}
settings:
  grok_sharing: {switch_off: 0.4, acts: 2024-07-30}
)";
  check.now = 1723680000;  // 2024-08-15
  check.purposes = {"training", "fine_tuning", "realtime_answers"};
  check.breakdowns = {"category", "region", "visibility", "platforms"};
  check.reachable = [](const std::string&, const std::string& platforms) { return has_platform(platforms, "web"); };
  cross_check(check, "august");
}

TEST_CASE("sim: bools, numbers, a default-off setting and availability that changes over time") {
  CrossCheck check;
  check.policy_text = R"(policy assistant "Assistant chats"
enum purpose  { training, evaluation }
enum category { chat, feedback }
enum platform { web, ios, android }
bool verified
number age
time ts
setting improve_model {
  label "Improve the model for everyone"
  default on
  covers purpose == training
  available on {web} from 2024-03-01
  available on {ios} from 2024-06-01 until 2024-07-01
}
setting share_feedback {
  label "Share feedback with reviewers"
  default off
  covers category == feedback
}
deny minors when age < 18
deny unverified_training when purpose == training and not verified and ts < 2024-06-15
allow use when category in {chat, feedback}
default deny
)";
  check.scenario_text = R"(users: 300
seed: 5
now: 2024-08-01
purpose_attribute: purpose
purposes: [training, evaluation]
population:
  verified: {true: 0.6, false: 0.3, missing: 0.1}
  age: {16: 0.1, 18: 0.1, 40: 0.8}
platforms:
  - {uses: [web], share: 0.3}
  - {uses: [ios], share: 0.4}
  - {uses: [android], share: 0.3}
records:
  category: {chat: 3, feedback: 2}
record_times:
  ts: {from: 2024-06-01, until: 2024-07-01}
settings:
  improve_model: {switch_off: 0.5, acts: 2024-06-20}
)";
  check.now = 1722470400;  // 2024-08-01
  check.purposes = {"training", "evaluation"};
  check.breakdowns = {"category", "verified", "age", "platforms"};
  // Acting on 2024-06-20: the web (from March) and iOS (June only) reach it; nobody acts on
  // share_feedback, which has no `available` line and so is in reach of everyone.
  check.reachable = [](const std::string& setting, const std::string& platforms) {
    if (setting == "share_feedback") return true;
    return has_platform(platforms, "web") || has_platform(platforms, "ios");
  };
  cross_check(check, "assistant");
}

}  // namespace
