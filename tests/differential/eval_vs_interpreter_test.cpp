// `usegate eval` against the reference interpreter: random records for each bundled policy,
// written as JSON Lines and decided by the real program (record reader, bindings, consent,
// table), must get exactly the interpreter's decision and reason on every line.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "differential_check.hpp"
#include "json_lines.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

using differential::EvalLine;
using differential::json_line;

TEST_CASE("eval agrees with the reference interpreter on random records of every bundled policy") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const std::size_t records_per_run = testing::reduced_scale() ? 2000 : 20000;
  const std::string directory = testing::scratch_directory("eval-vs-interpreter");
  std::size_t compared = 0;
  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    const usegate::SourceFile source(path, testing::read_text(path));
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
        EvalLine line;
        REQUIRE(differential::parse_eval_line(result.out.substr(line_start, line_end - line_start), line));
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

// ---------------------------------------------------------------------------------------------
// Random policies through the real program. Each policy is given to `usegate eval` as its
// `.policy` text, as an artifact written in process, or as one `usegate build` wrote (in turn),
// with every edge record of the generator and random ones, a few unreadable and blank lines
// among them. Every line's decision and reason, and the summary's counts and its denials by
// reason (most frequent first, ties in rule order), must be the interpreter's.

namespace {

using namespace usegate::differential;

// Whether records carry setting values under former names too (default bindings read them
// there, own name first, then the former names in order), or under the own name only.
enum class SettingNames { own, own_and_former };

struct EvalScale {
  int policies_per_block;
  int random_records;  // per policy, besides the edge records
};

EvalScale eval_scale() {
  if (testing::reduced_scale()) return {8, 100};
  return {40, 200};
}

// A record line, or a line that is no record.
struct TestLine {
  std::string text;
  std::optional<compiler::InterpreterInput> record;  // none: rejected or blank
  std::string reject_cause;                          // empty for a blank line
};

// Lines that cannot be read as records, each with the cause eval gives.
const std::vector<std::pair<std::string, std::string>> unreadable_lines = {
    {"{\"category\": \"post\"", "invalid_json"},
    {"[1, 2]", "not_an_object"},
    {"\"post\"", "not_an_object"},
    {"{\"a\": 1} x", "invalid_json"},
    {"{\"name\": \"\xff\"}", "invalid_utf8"},
};

struct EvalCase {
  std::string policy_text;
  std::int64_t now = 0;
  // `--purpose`: each record decided for each, allowed only if every one allows it; the reason
  // is the first denying purpose's, else the first purpose's. Empty: the record's own purpose.
  std::vector<std::string> purposes;
  std::vector<TestLine> lines;
};

// What the program must answer for the case, line by line, from the interpreter.
struct Expected {
  std::vector<EvalLine> lines;
  std::uint64_t read = 0, allowed = 0, denied = 0, rejected = 0, empty = 0, bad_consent = 0;
  std::vector<std::pair<std::string, std::uint64_t>> denied_by_reason;  // most frequent first
};

Expected expected_answers(const compiler::CheckedPolicy& policy, const EvalCase& eval_case) {
  Expected expected;
  std::vector<std::uint64_t> denials(policy.rules.size() + 1, 0);  // by reason: 0 default, rules from 1
  for (std::size_t i = 0; i < eval_case.lines.size(); ++i) {
    const TestLine& line = eval_case.lines[i];
    const std::uint64_t number = i + 1;
    if (!line.record) {
      if (line.reject_cause.empty()) {
        ++expected.empty;
        continue;
      }
      ++expected.read;
      ++expected.rejected;
      expected.lines.push_back(EvalLine{number, "reject", line.reject_cause});
      continue;
    }
    compiler::InterpreterInput record = *line.record;
    record.now = eval_case.now;
    compiler::Interpretation result;
    for (std::size_t p = 0; p < std::max<std::size_t>(eval_case.purposes.size(), 1); ++p) {
      if (!eval_case.purposes.empty()) record.attributes["purpose"] = compiler::RecordValue::of(eval_case.purposes[p]);
      compiler::Interpretation decided = compiler::interpret(policy, record);
      if (p == 0) result = decided;
      if (decided.decision.effect != compiler::Effect::allow) {
        decided.bad_consent_values = result.bad_consent_values;
        result = std::move(decided);
        break;
      }
    }
    const bool allowed = result.decision.effect == compiler::Effect::allow;
    ++expected.read;
    ++(allowed ? expected.allowed : expected.denied);
    if (!allowed) ++denials[result.decision.rule ? *result.decision.rule + 1 : 0];
    expected.bad_consent += result.bad_consent_values.size();
    expected.lines.push_back(EvalLine{number, allowed ? "allow" : "deny", result.decision.reason});
  }
  std::vector<std::size_t> order;
  for (std::size_t reason = 0; reason < denials.size(); ++reason) {
    if (denials[reason] > 0) order.push_back(reason);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return denials[a] > denials[b]; });
  for (const std::size_t reason : order) {
    expected.denied_by_reason.emplace_back(reason == 0 ? "default" : policy.rules[reason - 1].id, denials[reason]);
  }
  return expected;
}

// A number field of the summary's JSON object.
std::optional<std::uint64_t> summary_count(const std::string& json, const std::string& key) {
  const std::string quoted = fmt::format("\"{}\":", key);
  const std::size_t at = json.find(quoted);
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(json.substr(at + quoted.size()));
}

// The summary's `denied_by_reason` object, in the order written.
std::vector<std::pair<std::string, std::uint64_t>> summary_denials(const std::string& json) {
  std::vector<std::pair<std::string, std::uint64_t>> list;
  const std::string key = "\"denied_by_reason\":{";
  std::size_t at = json.find(key);
  if (at == std::string::npos) return list;
  at += key.size();
  while (at < json.size() && json[at] == '"') {
    const std::size_t name_end = json.find('"', at + 1);
    const std::string name = json.substr(at + 1, name_end - at - 1);
    const std::size_t value_at = name_end + 2;  // `":`
    list.emplace_back(name, std::stoull(json.substr(value_at)));
    at = json.find_first_of(",}", value_at);
    if (at == std::string::npos || json[at] == '}') break;
    ++at;
  }
  return list;
}

std::string denial_listing(const std::vector<std::pair<std::string, std::uint64_t>>& list) {
  std::string text;
  for (const auto& [name, count] : list) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(count);
  return text;
}

// How the policy reaches the program.
enum class PolicyForm { source, artifact_in_process, artifact_from_build };

// Runs `usegate eval` on the case and compares everything; a description of the first
// difference, or nothing.
std::string run_eval_case(const EvalCase& eval_case, PolicyForm form, const std::string& directory,
                          bool check_summary) {
  const Pipeline pipeline = run_pipeline(eval_case.policy_text, compiler::CompileOptions{});
  if (!pipeline.checked) return "the policy does not check:\n" + pipeline.errors;
  const compiler::CheckedPolicy& checked = *pipeline.checked;
  const std::string source_path = directory + "/random.policy";
  const std::string artifact_path = directory + "/random.ugt";
  testing::write_text(source_path, eval_case.policy_text);
  std::string policy_path = source_path;
  if (form == PolicyForm::artifact_in_process) {
    auto compiled = compiler::compile_policy(checked, compiler::CompileOptions{});
    if (const auto* error = compiled.error_if()) return "compile error: " + error->message;
    testing::write_text(artifact_path, runtime::write_artifact(compiled.value()));
    policy_path = artifact_path;
  }
  if (form == PolicyForm::artifact_from_build) {
    const auto built = testing::run_usegate({"build", source_path, "-o", artifact_path});
    if (built.exit_code != 0)
      return "usegate build failed (exit " + std::to_string(built.exit_code) + "):\n" + built.err;
    policy_path = artifact_path;
  }
  std::string input;
  for (const auto& line : eval_case.lines) input += line.text + "\n";
  const std::string summary_path = directory + "/summary.json";
  std::vector<std::string> arguments{"eval",      "--policy",  policy_path, "--now", std::to_string(eval_case.now),
                                     "--summary", summary_path};
  if (!eval_case.purposes.empty()) {
    std::string list;
    for (const auto& purpose : eval_case.purposes) list += (list.empty() ? "" : ",") + purpose;
    arguments.insert(arguments.end(), {"--purpose", list});
  }
  const auto result = testing::run_usegate(arguments, input);
  if (result.exit_code != 0)
    return "usegate eval failed (exit " + std::to_string(result.exit_code) + "):\n" + result.err;

  const Expected expected = expected_answers(checked, eval_case);
  std::vector<EvalLine> lines;
  if (!parse_eval_output(result.out, lines)) return "eval wrote lines of an unexpected shape:\n" + result.out;
  for (std::size_t i = 0; i < std::max(lines.size(), expected.lines.size()); ++i) {
    if (i >= lines.size()) return fmt::format("eval wrote {} lines, {} expected", lines.size(), expected.lines.size());
    if (i >= expected.lines.size())
      return fmt::format("eval wrote {} lines, {} expected", lines.size(), expected.lines.size());
    const EvalLine& got = lines[i];
    const EvalLine& want = expected.lines[i];
    if (got.line != want.line || got.decision != want.decision || got.reason != want.reason) {
      const TestLine& in = eval_case.lines[want.line - 1];
      return fmt::format("line {}: {}\ninterpreter: {} ({})\neval:        line {}, {} ({})", want.line, in.text,
                         want.decision, want.reason, got.line, got.decision, got.reason);
    }
  }
  if (!check_summary) return {};
  const std::string summary = testing::read_text(summary_path);
  const std::pair<const char*, std::uint64_t> counts[] = {
      {"read", expected.read},         {"allowed", expected.allowed},   {"denied", expected.denied},
      {"rejected", expected.rejected}, {"empty_lines", expected.empty}, {"bad_consent_values", expected.bad_consent}};
  for (const auto& [key, want] : counts) {
    if (summary_count(summary, key) != want) {
      return fmt::format("summary `{}`: {} expected\n{}", key, want, summary);
    }
  }
  const auto denials = summary_denials(summary);
  if (denials != expected.denied_by_reason) {
    return "summary `denied_by_reason`: expected " + denial_listing(expected.denied_by_reason) + "\n" + summary;
  }
  const std::string text_line = "  denied by reason: " + denial_listing(expected.denied_by_reason) + "\n";
  if (expected.denied > 0 && result.err.find(text_line) == std::string::npos) {
    return "summary on stderr: expected the line\n" + text_line + "got\n" + result.err;
  }
  return {};
}

// `now` for a run: a constant the policy compares `now` with, a second either side, or a
// random day.
std::int64_t pick_now(const compiler::CheckedPolicy& policy, std::mt19937_64& rng) {
  std::vector<std::int64_t> constants;
  const std::function<void(const compiler::CheckedCondition&)> collect = [&](const compiler::CheckedCondition& c) {
    for (const auto& operand : c.operands) collect(operand);
    if (c.op == compiler::ConditionOp::compare && c.subject == policy.now_attribute) {
      constants.push_back(static_cast<std::int64_t>(c.key / 2));
    }
  };
  for (const auto& rule : policy.rules) collect(rule.condition);
  if (!constants.empty() && std::bernoulli_distribution(0.8)(rng)) {
    const std::int64_t deltas[] = {-1, 0, 0, 1};
    const std::int64_t now = constants[std::uniform_int_distribution<std::size_t>(0, constants.size() - 1)(rng)] +
                             deltas[std::uniform_int_distribution<int>(0, 3)(rng)];
    return std::clamp<std::int64_t>(now, -62167219200, 253402300799);  // what `--now` can name
  }
  return std::uniform_int_distribution<std::int64_t>(1704067200, 1798761600)(rng);  // 2024 to 2027
}

// Drops setting values recorded under former names, for the runs that read own names only.
void keep_own_names(const compiler::CheckedPolicy& policy, compiler::InterpreterInput& record) {
  for (const auto& setting : policy.settings) {
    for (const auto& former : setting.formerly) record.consent.erase(former);
  }
}

EvalCase make_eval_case(const RandomPolicy& random, const Pipeline& pipeline, SettingNames names, int random_records,
                        std::mt19937_64& rng) {
  const compiler::CheckedPolicy& checked = *pipeline.checked;
  EvalCase eval_case;
  eval_case.policy_text = random.render();
  eval_case.now = pick_now(checked, rng);
  // A third of the policies that test an enum `purpose` are decided for one to three of its values.
  if (const auto purpose = checked.find_attribute("purpose");
      purpose && checked.attributes[*purpose].kind == compiler::AttributeKind::enumeration &&
      pipeline.table->policy().find_variable("purpose") && std::bernoulli_distribution(0.33)(rng)) {
    const auto& values = checked.attributes[*purpose].values;
    const int count = std::uniform_int_distribution<int>(1, 3)(rng);
    for (int i = 0; i < count; ++i) {
      eval_case.purposes.push_back(values[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng)]);
    }
  }
  const RecordGenerator generator(checked);
  std::vector<compiler::InterpreterInput> records = generator.edge_records(rng);
  for (int i = 0; i < random_records; ++i) records.push_back(generator.next(rng));
  std::shuffle(records.begin(), records.end(), rng);
  for (auto& record : records) {
    if (names == SettingNames::own) keep_own_names(checked, record);
    record.now = eval_case.now;
    // Now and then a line that is no record: blank, or unreadable.
    const int roll = std::uniform_int_distribution<int>(0, 199)(rng);
    if (roll == 0) eval_case.lines.push_back(TestLine{"", std::nullopt, ""});
    if (roll == 1) {
      const auto& [text, cause] =
          unreadable_lines[std::uniform_int_distribution<std::size_t>(0, unreadable_lines.size() - 1)(rng)];
      eval_case.lines.push_back(TestLine{text, std::nullopt, cause});
    }
    std::string text = json_line(record);
    text.pop_back();  // the newline
    eval_case.lines.push_back(TestLine{std::move(text), std::move(record), ""});
  }
  return eval_case;
}

// Shrinks a failing case to one record line and a smaller policy, while the program still
// disagrees with the interpreter on it.
EvalCase shrink_eval_case(RandomPolicy policy, const TestLine& line, std::int64_t now,
                          const std::vector<std::string>& purposes, PolicyForm form, const std::string& directory) {
  const auto case_of = [&](const RandomPolicy& p, const compiler::InterpreterInput& record) {
    EvalCase c;
    c.policy_text = p.render();
    c.now = now;
    c.purposes = purposes;
    std::string text = json_line(record);
    text.pop_back();
    c.lines.push_back(TestLine{std::move(text), record, ""});
    return c;
  };
  const auto fails = [&](const RandomPolicy& p, const compiler::InterpreterInput& record) {
    const EvalCase c = case_of(p, record);
    if (!run_pipeline(c.policy_text, compiler::CompileOptions{}).table) return false;
    // A smaller policy the program refuses (without the `purpose` that --purpose names, say)
    // is not the same failure.
    const std::string problem = run_eval_case(c, form, directory, /*check_summary=*/false);
    return !problem.empty() && !problem.starts_with("usegate eval failed");
  };
  compiler::InterpreterInput record = *line.record;
  for (int round = 0; round < 200; ++round) {
    bool changed = false;
    for (auto& candidate : policy_simplifications(policy)) {
      if (fails(candidate, record)) {
        policy = std::move(candidate);
        changed = true;
        break;
      }
    }
    const compiler::InterpreterInput smaller =
        shrink_record(record, [&](const compiler::InterpreterInput& r) { return fails(policy, r); });
    if (smaller.attributes.size() != record.attributes.size() || smaller.consent.size() != record.consent.size()) {
      record = smaller;
      changed = true;
    }
    if (!changed) break;
  }
  return case_of(policy, record);
}

void run_eval_block(int block, SettingNames names) {
  const EvalScale size = eval_scale();
  const std::uint64_t base = base_seed();
  const std::string test_name = names == SettingNames::own
                                    ? "eval vs interpreter: random policies: block "
                                    : "eval vs interpreter: random policies with former setting names: block ";
  MESSAGE(test_name << block << ": base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), "
                    << size.policies_per_block << " policies");
  const std::string directory =
      testing::scratch_directory(fmt::format("eval-random-{}-{}", static_cast<int>(names), block));
  std::uint64_t compared = 0, wide_policies = 0, with_former_names = 0, with_purposes = 0;
  for (int index = 0; index < size.policies_per_block; ++index) {
    const std::uint64_t seed =
        mix_seed(base ^ mix_seed(0x6576616CULL + static_cast<std::uint64_t>(block) * 7919 +
                                 static_cast<std::uint64_t>(index) * 104729 + static_cast<std::uint64_t>(names)));
    RandomPolicy random = generate_policy(seed);
    const Pipeline pipeline = run_pipeline(random.render(), compiler::CompileOptions{});
    REQUIRE_MESSAGE(pipeline.table.has_value(), "policy seed " << seed << ": " << pipeline.errors);
    const compiler::CheckedPolicy& checked = *pipeline.checked;
    bool has_former = false;
    for (const auto& setting : checked.settings) has_former = has_former || !setting.formerly.empty();
    if (names == SettingNames::own_and_former && !has_former) continue;
    with_former_names += has_former ? 1 : 0;
    for (std::size_t v = 0; v < pipeline.table->policy().variable_count(); ++v) {
      // Nine constants or more: 2 + 2 * 9 + 1 codes.
      if (pipeline.table->policy().variable(v).code_count >= 21) {
        ++wide_policies;
        break;
      }
    }
    std::mt19937_64 rng(mix_seed(seed ^ 0x6C696E6573ULL));
    const EvalCase eval_case = make_eval_case(random, pipeline, names, size.random_records, rng);
    with_purposes += eval_case.purposes.empty() ? 0 : 1;
    const auto form = static_cast<PolicyForm>(index % 3);
    const std::string problem = run_eval_case(eval_case, form, directory, /*check_summary=*/true);
    if (!problem.empty()) {
      std::string report = fmt::format(
          "usegate eval and the reference interpreter disagree\nreproduce: USEGATE_SEED={} "
          "differential_tests -tc='{}{}' (policy #{}, policy seed {}, --now {})\n{}\n",
          base, test_name, block, index, seed, eval_case.now, problem);
      // The first record the program gets wrong, shrunk with its policy.
      for (const auto& line : eval_case.lines) {
        if (!line.record) continue;
        EvalCase single;
        single.policy_text = eval_case.policy_text;
        single.now = eval_case.now;
        single.purposes = eval_case.purposes;
        single.lines.push_back(line);
        if (run_eval_case(single, form, directory, false).empty()) continue;
        const EvalCase minimal = shrink_eval_case(random, line, eval_case.now, eval_case.purposes, form, directory);
        std::string options = fmt::format("--now {}", minimal.now);
        for (std::size_t p = 0; p < minimal.purposes.size(); ++p)
          options += (p ? "," : " --purpose ") + minimal.purposes[p];
        report += fmt::format(
            "--- minimal policy ---\n{}--- minimal record (usegate eval {}) ---\n{}\n--- answers ---\n{}\n",
            minimal.policy_text, options, minimal.lines.front().text, run_eval_case(minimal, form, directory, false));
        break;
      }
      FAIL(report);
    }
    compared += eval_case.lines.size();
  }
  MESSAGE(compared << " lines compared; " << wide_policies
                   << " policies compare an attribute with more than eight constants, " << with_former_names
                   << " have settings with former names, " << with_purposes << " are decided with --purpose");
  CHECK(compared > 0);
  if (names == SettingNames::own) {
    CHECK(wide_policies > 0);
    // A third of the policies that test a purpose get --purpose: at the sanitizer build's eight
    // policies a block may have none, so only the full scale demands one.
    if (!testing::reduced_scale()) CHECK(with_purposes > 0);
  }
}

}  // namespace

TEST_CASE("eval vs interpreter: random policies: block 0") {
  run_eval_block(0, SettingNames::own);
}
TEST_CASE("eval vs interpreter: random policies: block 1") {
  run_eval_block(1, SettingNames::own);
}
TEST_CASE("eval vs interpreter: random policies: block 2") {
  run_eval_block(2, SettingNames::own);
}
TEST_CASE("eval vs interpreter: random policies with former setting names: block 0") {
  run_eval_block(0, SettingNames::own_and_former);
}
