// `usegate explain` against `usegate eval` and the reference interpreter: on the records of the
// differential generator (every edge record and random ones) for each bundled policy and for
// random policies, the explanation must give eval's decision and reason, and list as matching
// exactly the rules `eval --explain` lists and the interpreter finds matching.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include <simdjson.h>

#include "differential_check.hpp"
#include "json_lines.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "record_explanation.hpp"
#include "support.hpp"
#include "table_rows.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

struct EvalExplainLine {
  std::string decision;
  std::string reason;
  std::vector<std::string> matched;
};

// `{"line":N,"decision":..,"reason":..,"matched":[..]}` as `eval --explain` writes it.
bool parse_explained_line(std::string_view text, EvalExplainLine& parsed) {
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(text.data(), text.size()).get(object) != simdjson::SUCCESS) return false;
  std::string_view decision;
  std::string_view reason;
  if (object["decision"].get(decision) != simdjson::SUCCESS || object["reason"].get(reason) != simdjson::SUCCESS) {
    return false;
  }
  parsed = EvalExplainLine{std::string(decision), std::string(reason), {}};
  simdjson::dom::array matched;
  if (object["matched"].get(matched) != simdjson::SUCCESS) return decision == "reject";
  for (const auto id : matched) {
    std::string_view text_id;
    if (id.get(text_id) != simdjson::SUCCESS) return false;
    parsed.matched.emplace_back(text_id);
  }
  return true;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// Compares explain, eval --explain and the interpreter on `records`; returns how many agreed
// and reports every disagreement.
std::size_t compare_on(const std::string& path, const std::string& policy_text,
                       const std::vector<compiler::InterpreterInput>& records, std::int64_t now, std::uint64_t seed) {
  const SourceFile source(path, policy_text);
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  const compiler::CheckedPolicy& checked = *analysis.policy;
  auto compiled = compiler::compile_policy(checked);
  REQUIRE(compiled.error_if() == nullptr);
  auto policy = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  REQUIRE(policy);
  const records::Bindings bindings = records::default_bindings(*policy);
  const cli::TableRows rows = cli::rows_of_source(checked);
  const cli::ExplainInputs inputs{checked, source, *policy, rows, bindings, nullptr, now, std::nullopt};

  std::string input;
  std::vector<std::string> lines;
  for (const auto& record : records) {
    lines.push_back(differential::json_line(record));
    input += lines.back();
  }
  const auto result =
      testing::run_usegate({"eval", "--explain", "--policy", path, "--now", std::to_string(now)}, input);
  REQUIRE(result.exit_code == 0);
  std::size_t agreed = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::size_t end = result.out.find('\n', start);
    REQUIRE(end != std::string::npos);
    EvalExplainLine eval_line;
    REQUIRE(parse_explained_line(std::string_view(result.out).substr(start, end - start), eval_line));
    start = end + 1;

    std::string line = lines[i];
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const cli::Explanation explanation = cli::explain_record(inputs, line);
    compiler::InterpreterInput record = records[i];
    record.now = now;
    const compiler::Interpretation interpreted = compiler::interpret(checked, record);
    std::vector<std::string> interpreter_matched;
    for (const auto rule : interpreted.matched_rules) interpreter_matched.push_back(checked.rules[rule].id);

    const std::string explain_decision = explanation.rejected ? "reject" : explanation.allowed ? "allow" : "deny";
    const bool agrees = !explanation.rejected && explain_decision == eval_line.decision &&
                        explanation.reason == eval_line.reason && explanation.matched == eval_line.matched &&
                        explanation.matched == interpreter_matched && explanation.rules.size() == checked.rules.size();
    if (!agrees) {
      FAIL_CHECK("policy " << path << ", --now " << now << ", seed " << seed << " (USEGATE_SEED=" << seed
                           << ")\nrecord: " << line << "\nexplain: " << explain_decision << " by " << explanation.reason
                           << ", matched " << joined(explanation.matched) << "\neval: " << eval_line.decision << " by "
                           << eval_line.reason << ", matched " << joined(eval_line.matched) << "\ninterpreter: matched "
                           << joined(interpreter_matched));
      continue;
    }
    ++agreed;
  }
  return agreed;
}

TEST_CASE("explain agrees with eval --explain and the interpreter on the generator's records") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const std::size_t random_records = testing::reduced_scale() ? 100 : 400;
  const int random_policies = testing::reduced_scale() ? 6 : 24;
  const std::string directory = testing::scratch_directory("explain-vs-eval");
  std::size_t compared = 0;

  const auto records_for = [&](const compiler::CheckedPolicy& policy, std::mt19937_64& rng) {
    differential::RecordGenerator generator(policy);
    std::vector<compiler::InterpreterInput> records = generator.edge_records(rng);
    for (std::size_t i = 0; i < random_records; ++i) records.push_back(generator.next(rng));
    // Default bindings read a setting's own name only; former names are a bindings matter.
    for (auto& record : records) {
      for (const auto& setting : policy.settings) {
        for (const auto& former : setting.formerly) record.consent.erase(former);
      }
    }
    return records;
  };

  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    const std::string text = testing::read_text(path);
    const SourceFile source(path, text);
    const auto analysis = compiler::analyze_policy(source, false);
    REQUIRE(analysis.policy.has_value());
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(path));
    for (const std::int64_t now : {1717200000, 1725148800}) {  // 2024-06-01, 2024-09-01
      compared += compare_on(path, text, records_for(*analysis.policy, rng), now, seed);
    }
  }
  for (int i = 0; i < random_policies; ++i) {
    const std::uint64_t policy_seed = differential::mix_seed(seed + static_cast<std::uint64_t>(i));
    const std::string text = differential::generate_policy(policy_seed).render();
    const std::string path = directory + "/random.policy";
    testing::write_text(path, text);
    const SourceFile source(path, text);
    const auto analysis = compiler::analyze_policy(source, false);
    REQUIRE(analysis.policy.has_value());
    std::mt19937_64 rng(policy_seed);
    compared += compare_on(path, text, records_for(*analysis.policy, rng), 1725148800, seed);
  }
  MESSAGE(compared << " records compared");
  CHECK(compared >= (testing::reduced_scale() ? 1000U : 4000U));
}

}  // namespace
