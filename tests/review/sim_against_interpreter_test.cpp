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

// ---- a small JSON reader, enough for the report and the records

struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;

  const Json& operator[](const std::string& key) const {
    for (const auto& [name, value] : members) {
      if (name == key) return value;
    }
    FAIL("no key " << key);
    static const Json none;
    return none;
  }
  const Json& operator[](std::size_t index) const { return items.at(index); }
  [[nodiscard]] std::uint64_t count() const { return static_cast<std::uint64_t>(number); }
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& text) : text_(text) {}

  Json value() {
    skip_space();
    Json json;
    const char c = text_.at(at_);
    if (c == '{') {
      json.kind = Json::Kind::object;
      ++at_;
      skip_space();
      if (text_[at_] == '}') return ++at_, json;
      while (true) {
        skip_space();
        std::string key = string();
        skip_space();
        REQUIRE(text_[at_++] == ':');
        json.members.emplace_back(std::move(key), value());
        skip_space();
        if (text_[at_] == ',') {
          ++at_;
          continue;
        }
        REQUIRE(text_[at_++] == '}');
        return json;
      }
    }
    if (c == '[') {
      json.kind = Json::Kind::array;
      ++at_;
      skip_space();
      if (text_[at_] == ']') return ++at_, json;
      while (true) {
        json.items.push_back(value());
        skip_space();
        if (text_[at_] == ',') {
          ++at_;
          continue;
        }
        REQUIRE(text_[at_++] == ']');
        return json;
      }
    }
    if (c == '"') {
      json.kind = Json::Kind::string;
      json.text = string();
      return json;
    }
    if (text_.compare(at_, 4, "true") == 0 || text_.compare(at_, 5, "false") == 0) {
      json.kind = Json::Kind::boolean;
      json.boolean = text_[at_] == 't';
      at_ += json.boolean ? 4 : 5;
      return json;
    }
    if (text_.compare(at_, 4, "null") == 0) {
      at_ += 4;
      return json;
    }
    std::size_t used = 0;
    json.kind = Json::Kind::number;
    json.number = std::stod(text_.substr(at_, 40), &used);
    at_ += used;
    return json;
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n')) ++at_;
  }
  std::string string() {
    REQUIRE(text_[at_++] == '"');
    std::string out;
    while (text_[at_] != '"') {
      if (text_[at_] == '\\') ++at_;
      out += text_[at_++];
    }
    ++at_;
    return out;
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

Json parse_json(const std::string& text) {
  return JsonReader(text).value();
}

// ---- the independent count

// What one purpose's figures should be, counted from the interpreter's decisions.
struct ExpectedPurpose {
  std::uint64_t records = 0;
  std::uint64_t usable = 0;
  std::map<std::string, std::map<std::string, std::pair<std::uint64_t, std::uint64_t>>>
      by;  // field, value
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
  const auto result = run_usegate({"sim", policy_path, "--scenario", scenario_path, "--format",
                                   "json", "--write-records", records_path});
  REQUIRE(result.exit_code == 0);
  INFO(result.err);
  const Json report = parse_json(result.out)["policies"][0];

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
  while (std::getline(lines, line)) {
    ++record_count;
    const Json record = parse_json(line);
    compiler::InterpreterInput input;
    input.now = check.now;
    std::map<std::string, std::string> shown;  // how each breakdown field's value is reported
    for (const auto& [key, value] : record.members) {
      if (key == "consent") {
        for (const auto& [setting, consent] : value.members)
          input.consent[setting] = compiler::FieldValue::of(consent.text);
        continue;
      }
      switch (value.kind) {
        case Json::Kind::string:
          input.attributes[key] = compiler::FieldValue::of(value.text);
          shown[key] = value.text;
          break;
        case Json::Kind::boolean:
          input.attributes[key] = compiler::FieldValue::of(value.boolean);
          shown[key] = value.boolean ? "true" : "false";
          break;
        case Json::Kind::number: {
          input.attributes[key] = compiler::FieldValue::of(value.number);
          std::ostringstream text;
          text << value.number;
          shown[key] = text.str();
          break;
        }
        default:
          FAIL("unexpected value for " << key);
      }
    }
    const std::int64_t user = static_cast<std::int64_t>(record["user"].number);
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
      input.attributes["purpose"] = compiler::FieldValue::of(purpose);
      const compiler::Interpretation decision = compiler::interpret(policy, input);
      const bool allowed = decision.decision.effect == compiler::Effect::allow;
      ExpectedPurpose& counts = expected[purpose];
      ++counts.records;
      counts.usable += allowed ? 1 : 0;
      ++counts.reasons[decision.decision.reason];
      if (decision.decision.reason.rfind("optout_", 0) == 0)
        ++removed[decision.decision.reason.substr(7)];
      for (const auto& field : check.breakdowns) {
        const auto found = shown.find(field);
        auto& cell = counts.by[field][found == shown.end() ? "missing" : found->second];
        ++cell.first;
        cell.second += allowed ? 1 : 0;
      }
    }
  }
  CHECK(report["records"].count() == record_count);
  REQUIRE(report["purposes"].items.size() == check.purposes.size());

  for (const Json& purpose : report["purposes"].items) {
    CAPTURE(purpose["purpose"].text);
    const ExpectedPurpose& counts = expected[purpose["purpose"].text];
    CHECK(purpose["records"].count() == counts.records);
    CHECK(purpose["usable"].count() == counts.usable);
    std::uint64_t reason_total = 0;
    for (const Json& reason : purpose["reasons"].items) {
      CAPTURE(reason["reason"].text);
      const auto found = counts.reasons.find(reason["reason"].text);
      CHECK(reason["records"].count() == (found == counts.reasons.end() ? 0 : found->second));
      reason_total += reason["records"].count();
    }
    CHECK(reason_total == counts.records);
    REQUIRE(purpose["breakdowns"].items.size() == check.breakdowns.size());
    for (const Json& breakdown : purpose["breakdowns"].items) {
      const std::string field = breakdown["field"].text;
      CAPTURE(field);
      const auto& cells = counts.by.at(field);
      std::uint64_t total = 0;
      for (const Json& value : breakdown["values"].items) {
        CAPTURE(value["value"].text);
        const auto cell = cells.find(value["value"].text);
        const std::pair<std::uint64_t, std::uint64_t> zero{0, 0};
        const auto& [records, usable] = cell == cells.end() ? zero : cell->second;
        CHECK(value["records"].count() == records);
        CHECK(value["usable"].count() == usable);
        total += value["records"].count();
      }
      CHECK(total == counts.records);
    }
  }
  for (const Json& setting : report["settings"].items) {
    const std::string setting_name = setting["setting"].text;
    CAPTURE(setting_name);
    CHECK(setting["users_reached"].count() == reached[setting_name]);
    CHECK(setting["users_switched_off"].count() == switched_off[setting_name]);
    CHECK(setting["records_removed"].count() == removed[setting_name]);
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
  check.reachable = [](const std::string&, const std::string& platforms) {
    return has_platform(platforms, "web");
  };
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
