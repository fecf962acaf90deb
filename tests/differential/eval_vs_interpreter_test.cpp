// `usegate eval` against the reference interpreter: random records for each bundled policy,
// written as JSON Lines and decided by the real program (record reader, bindings, consent,
// table), must get exactly the interpreter's decision and reason on every line.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "differential_check.hpp"
#include "random_record.hpp"
#include "record_json.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"

namespace {

using namespace usegate;
using differential::json_line;

struct EvalLine {
  std::uint64_t line = 0;
  std::string decision;
  std::string reason;
};

// `{"line":N,"decision":"...","reason":"..."}`, as `usegate eval` writes it.
EvalLine parse_eval_line(const std::string& text) {
  EvalLine parsed;
  const auto field = [&](const std::string& key) {
    const std::size_t at = text.find("\"" + key + "\":");
    REQUIRE(at != std::string::npos);
    return at + key.size() + 3;
  };
  parsed.line = std::stoull(text.substr(field("line")));
  const std::size_t decision = field("decision") + 1;
  parsed.decision = text.substr(decision, text.find('"', decision) - decision);
  const std::size_t reason = field("reason") + 1;
  parsed.reason = text.substr(reason, text.find('"', reason) - reason);
  return parsed;
}

TEST_CASE("eval agrees with the reference interpreter on random records of every bundled policy") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const std::size_t records_per_run = testing::reduced_scale() ? 2000 : 20000;
  const std::string directory = testing::scratch_directory("eval-vs-interpreter");
  std::size_t compared = 0;
  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    const dsl::SourceFile source(path, testing::read_text(path));
    const auto analysis = compiler::analyze_policy(source, false);
    REQUIRE(analysis.policy.has_value());
    const compiler::CheckedPolicy& policy = *analysis.policy;
    differential::RecordGenerator generator(policy);
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(policy.name + policy.version));

    // `now` is one value per run: each constant the policy compares `now` with, and a second
    // either side of it, and one far later.
    std::set<std::int64_t> nows{1893456000};  // 2030-01-01
    const std::function<void(const compiler::CheckedCondition&)> collect = [&](const compiler::CheckedCondition& c) {
      for (const auto& operand : c.operands) collect(operand);
      if (c.op == compiler::ConditionOp::compare && c.subject == policy.now_attribute) {
        const auto seconds = static_cast<std::int64_t>(c.key / 2);
        nows.insert({seconds - 1, seconds, seconds + 1});
      }
    };
    for (const auto& rule : policy.rules) collect(rule.condition);

    for (const std::int64_t now : nows) {
      std::vector<compiler::InterpreterInput> records;
      std::string input;
      for (std::size_t i = 0; i < records_per_run; ++i) {
        compiler::InterpreterInput record = generator.next(rng);
        record.now = now;
        // Default bindings read a setting's own name only; former names are a bindings matter.
        for (const auto& setting : policy.settings) {
          for (const auto& former : setting.formerly) record.consent.erase(former);
        }
        input += json_line(record);
        records.push_back(std::move(record));
      }
      const auto result = testing::run_usegate({"eval", "--policy", path, "--now", std::to_string(now)}, input);
      REQUIRE(result.exit_code == 0);
      std::size_t line_start = 0;
      for (std::size_t i = 0; i < records.size(); ++i) {
        const std::size_t line_end = result.out.find('\n', line_start);
        REQUIRE(line_end != std::string::npos);
        const EvalLine line = parse_eval_line(result.out.substr(line_start, line_end - line_start));
        line_start = line_end + 1;
        const differential::Answer expected = differential::interpreter_answer(policy, records[i]);
        const bool agrees = line.line == i + 1 && line.decision == (expected.allowed ? "allow" : "deny") &&
                            line.reason == expected.reason;
        if (!agrees) {
          FAIL("policy " << path << ", --now " << now << ", seed " << seed << "\nrecord: " << json_line(records[i])
                         << "interpreter: " << differential::describe_answer(expected) << "\neval: line " << line.line
                         << " " << line.decision << " (" << line.reason << ")");
        }
        ++compared;
      }
      CHECK(line_start == result.out.size());
    }
  }
  MESSAGE(compared << " records compared");
  CHECK(compared >= (testing::reduced_scale() ? 10000U : 100000U));
}

}  // namespace
