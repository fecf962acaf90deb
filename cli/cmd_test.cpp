// `usegate test [FILES|DIRS]`: runs the YAML test cases written next to policies.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "record_explanation.hpp"
#include "record_inputs.hpp"
#include "table_rows.hpp"
#include "text_input.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/base/suggest.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/review/policy_tests.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate test [--coverage] [--format text|json|junit] [--werror] FILE|DIR...

Runs policy test files: YAML files of cases, each a record (with consent changes, `now` and
a purpose when it needs them) and the decision and reason the policy must give it. A
directory stands for every `*.test.yaml` under it. Each case is decided exactly as
`usegate eval` decides a record. A failing case is printed with what was expected, what the
policy decided, and the explanation of `usegate explain`; the last line counts the cases.
docs/testing-policies.md describes the file format.

options:
  --coverage        also report, per policy, the rules no case matched, the rules that decided
                    no case, and the rows of `usegate table` no case reached
  --format json     the results (and the coverage) as one JSON document
  --format junit    JUnit XML on stdout for CI systems (one test suite per file)
  --werror          refuse policies with lint warnings (they are printed either way)

exit status (docs/cli.md, "Exit status"): 0 every case passed, 1 some case failed, 2 usage
             error or a file that cannot be read, 3 a test file, a policy or bindings that
             cannot be used
)";

// A test file holds cases, not data: a few megabytes is far more than any.
constexpr FileLimit test_file_limit{"test file", std::size_t{4} << 20};

// A file or directory argument as the list of test files it stands for, sorted.
std::vector<std::string> test_files_of(const std::vector<std::string>& arguments) {
  std::vector<std::string> files;
  for (const auto& argument : arguments) {
    std::error_code error;
    if (!std::filesystem::is_directory(argument, error)) {
      files.push_back(argument);
      continue;
    }
    std::vector<std::string> found;
    for (std::filesystem::recursive_directory_iterator it(argument, error), end; !error && it != end;
         it.increment(error)) {
      const std::string path = it->path().string();
      if (it->is_regular_file(error) && path.ends_with(".test.yaml")) found.push_back(path);
    }
    if (error)
      throw UsageError(fmt::format("test: cannot read directory `{}`: {}", printable(argument), error.message()));
    if (found.empty()) throw UsageError(fmt::format("test: no `*.test.yaml` file under `{}`", printable(argument)));
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

// A policy named by test files, loaded once (its lints printed once) and shared by them.
struct TestedPolicy {
  std::string path;
  PolicyFile file;
  std::optional<Policy> policy;
  std::optional<TableRows> rows;
  // Coverage over every case of every file naming the policy.
  std::set<std::string> matched;
  std::set<std::string> decided;
  std::set<std::size_t> rows_reached;
  std::size_t cases = 0;
};

struct CaseResult {
  std::string file;
  std::string name;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  bool passed = false;
  std::string expected;  // `deny by optout_grok_sharing`, `allow`
  std::string got;
  std::optional<Explanation> explanation;
};

// Consent changes for one case, read through the same ledger as `--consent`.
records::ConsentLedger ledger_of(const std::string& lines, const Policy& policy, std::int64_t now) {
  std::FILE* file = std::tmpfile();
  if (file == nullptr) throw std::runtime_error("cannot create a temporary file for consent changes");
  std::fwrite(lines.data(), 1, lines.size(), file);
  std::fflush(file);
  ::lseek(::fileno(file), 0, SEEK_SET);
  try {
    auto ledger = records::ConsentLedger::read(::fileno(file), policy, now);
    std::fclose(file);
    return ledger;
  } catch (...) {
    std::fclose(file);
    throw;
  }
}

std::string outcome_text(const std::string& decision, const std::optional<std::string>& reason) {
  return reason ? fmt::format("{} by {}", decision, *reason) : decision;
}

std::string xml_escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\t':
      case '\n':
      case '\r': out += c; break;
      // XML 1.0 has no way to write other control characters, not even escaped.
      default: out += static_cast<unsigned char>(c) < 0x20 ? std::string("\xEF\xBF\xBD") : std::string(1, c); break;
    }
  }
  return out;
}

std::string indented(const std::string& text, const std::string& margin) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out += margin + text.substr(start, end == std::string::npos ? std::string::npos : end - start) + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

class TestRun {
 public:
  explicit TestRun(bool werror) : werror_(werror) {}

  // Runs the cases of one file; false when the file (or its policy or bindings) cannot be used.
  bool run_file(const std::string& path) {
    const std::string text = read_file(path, test_file_limit);
    if (const auto where = find_non_text_byte(text)) {
      std::cerr << non_text_message(path, *where, "test file", "a test file is YAML, which is text");
      return false;
    }
    const auto read = review::read_policy_test_file(printable(path), text);
    if (!read) {
      std::cerr << read.error().message;
      return false;
    }
    const review::PolicyTestFile& file = read.value();
    const std::filesystem::path directory = std::filesystem::path(path).parent_path();
    const std::string policy_path = (directory / file.policy.text).lexically_normal().string();
    TestedPolicy* tested = policy_at(policy_path);
    if (tested == nullptr) {
      std::cerr << review::test_file_error(file, file.policy.span,
                                           fmt::format("policy `{}` cannot be used", file.policy.text),
                                           "its problems are printed above");
      return false;
    }
    const Policy& policy = *tested->policy;
    std::optional<BindingsFile> bindings_file;
    if (file.bindings)
      bindings_file = read_bindings_file((directory / file.bindings->text).lexically_normal().string());
    auto bindings = bindings_for(bindings_file, policy);
    if (!bindings) {
      std::cerr << bindings.error().message;
      return false;
    }

    // Every case is checked before any runs, so a mistake in the file is reported, not tested.
    for (const auto& test : file.cases) {
      const auto& now = test.now ? test.now : file.now;
      if (!now) {
        std::cerr << review::test_file_error(
            file, test.name.span, fmt::format("case `{}` has no `now`, and the file gives none", test.name.text),
            "a test must not depend on the clock; give `now` to the file or the case");
        return false;
      }
      if (const auto& purpose = test.purpose ? test.purpose : file.purpose) {
        const auto variable = policy.find_variable(records::purpose_attribute);
        if (!variable || policy.encode(*variable, FieldValue::from_string(purpose->text)) < runtime::first_value_code) {
          std::cerr << review::test_file_error(file, purpose->span,
                                               fmt::format("the policy has no purpose `{}`", purpose->text),
                                               did_you_mean(purpose->text, purposes_of(policy)));
          return false;
        }
      }
      if (test.reason && !policy.find_reason(test.reason->text) && !is_reject_cause(test.reason->text)) {
        std::vector<std::string> reasons;
        for (std::size_t r = 0; r < policy.reason_count(); ++r) {
          reasons.emplace_back(policy.reason_name(static_cast<std::uint16_t>(r)));
        }
        std::cerr << review::test_file_error(file, test.reason->span,
                                             fmt::format("the policy has no rule `{}`", test.reason->text),
                                             did_you_mean(test.reason->text, reasons));
        return false;
      }
    }

    std::vector<CaseResult> results;
    for (const auto& test : file.cases) {
      const std::int64_t now = *runtime::epoch_seconds_from_text((test.now ? test.now : file.now)->text);
      std::optional<records::ConsentLedger> ledger;
      if (test.consent) ledger = ledger_of(*test.consent, policy, now);
      const auto& purpose = test.purpose ? test.purpose : file.purpose;
      const Explanation explanation =
          explain_record(ExplainInputs{*tested->file.source->analysis.policy, *tested->file.source->source, policy,
                                       *tested->rows, bindings.value(), ledger ? &*ledger : nullptr, now,
                                       purpose ? std::optional<std::string>(purpose->text) : std::nullopt},
                         test.record);
      CaseResult result;
      result.file = printable(path);
      result.name = test.name.text;
      result.line = test.name.span.begin.line;
      result.column = test.name.span.begin.column;
      const std::string decision = explanation.rejected ? "reject" : explanation.allowed ? "allow" : "deny";
      const std::string reason = explanation.rejected ? *explanation.rejected : explanation.reason;
      result.passed = decision == test.expect.text && (!test.reason || test.reason->text == reason);
      result.expected = outcome_text(test.expect.text, test.reason ? std::optional(test.reason->text) : std::nullopt);
      result.got = outcome_text(decision, reason);
      ++tested->cases;
      if (!explanation.rejected) {
        tested->matched.insert(explanation.matched.begin(), explanation.matched.end());
        tested->decided.insert(explanation.reason);
        tested->rows_reached.insert(explanation.row);
      }
      result.explanation = explanation;
      results.push_back(std::move(result));
    }
    files_.emplace_back(printable(path), std::move(results));
    return true;
  }

  [[nodiscard]] std::size_t count(bool passed) const {
    std::size_t n = 0;
    for (const auto& [path, results] : files_) {
      for (const auto& result : results) n += result.passed == passed ? 1 : 0;
    }
    return n;
  }

  [[nodiscard]] std::string text(bool coverage) const {
    std::string out;
    for (const auto& [path, results] : files_) {
      for (const auto& result : results) {
        if (result.passed) continue;
        // Names and expectations come from YAML, whose escapes can write any character.
        out += fmt::format("{}:{}:{}: FAIL {}: expected {}, got {}\n", result.file, result.line, result.column,
                           printable(result.name), printable(result.expected), result.got);
        out += indented(explanation_text(*result.explanation), "    ");
      }
    }
    if (coverage) {
      for (const auto& tested : policies_) {
        if (!tested->policy) continue;
        out += coverage_text(*tested);
      }
    }
    return out + fmt::format("{} passed, {} failed\n", count(true), count(false));
  }

  [[nodiscard]] std::string json(bool coverage) const {
    std::string out = fmt::format("{{\"passed\":{},\"failed\":{},\"cases\":[", count(true), count(false));
    bool first = true;
    for (const auto& [path, results] : files_) {
      for (const auto& result : results) {
        out += fmt::format("{}{{\"file\":{},\"line\":{},\"name\":{},\"passed\":{},\"expected\":{},\"got\":{}",
                           first ? "" : ",", json::quote(result.file), result.line, json::quote(result.name),
                           result.passed, json::quote(result.expected), json::quote(result.got));
        if (!result.passed) out += ",\"explanation\":" + explanation_json(*result.explanation);
        out += "}";
        first = false;
      }
    }
    out += "]";
    if (coverage) {
      out += ",\"coverage\":[";
      bool first_policy = true;
      for (const auto& tested : policies_) {
        if (!tested->policy) continue;
        if (!first_policy) out += ',';
        out += coverage_json(*tested);
        first_policy = false;
      }
      out += "]";
    }
    return out + "}\n";
  }

  [[nodiscard]] std::string junit() const {
    std::string out =
        fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{}\" failures=\"{}\">\n",
                    count(true) + count(false), count(false));
    for (const auto& [path, results] : files_) {
      std::size_t failures = 0;
      for (const auto& result : results) failures += result.passed ? 0 : 1;
      out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_escaped(path), results.size(),
                         failures);
      for (const auto& result : results) {
        out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", xml_escaped(path), xml_escaped(result.name));
        if (result.passed) {
          out += "/>\n";
          continue;
        }
        out += fmt::format(">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                           xml_escaped(fmt::format("expected {}, got {}", result.expected, result.got)),
                           xml_escaped(explanation_text(*result.explanation)));
      }
      out += "  </testsuite>\n";
    }
    return out + "</testsuites>\n";
  }

 private:
  static bool is_reject_cause(const std::string& name) {
    for (std::size_t c = 1; c < records::reject_cause_count; ++c) {
      if (name == records::reject_cause_name(static_cast<records::RejectCause>(c))) return true;
    }
    return false;
  }

  static std::vector<std::string> purposes_of(const Policy& policy) {
    std::vector<std::string> names;
    const auto variable = policy.find_variable(records::purpose_attribute);
    if (!variable) return names;
    const auto& compiled = runtime::compiled_of(policy);
    for (const auto& value : compiled.attributes[compiled.variables[*variable].source].values) names.push_back(value);
    return names;
  }

  TestedPolicy* policy_at(const std::string& path) {
    for (const auto& tested : policies_) {
      if (tested->path == path) return tested->policy ? tested.get() : nullptr;
    }
    auto tested = std::make_unique<TestedPolicy>();
    tested->path = path;
    tested->file = read_policy_file(path);
    print_policy_errors(tested->file);
    TestedPolicy* added = tested.get();
    policies_.push_back(std::move(tested));
    if (added->file.is_artifact()) {
      if (added->file.artifact) {
        std::cerr << fmt::format(
            "{}: error: `test` needs a policy source; an artifact keeps no conditions to explain\n", printable(path));
      }
      return nullptr;
    }
    if (refuse_for_lints(added->file, werror_)) return nullptr;
    added->policy = decision_policy_of(added->file);
    if (!added->policy) return nullptr;
    added->rows = rows_of_source(*added->file.source->analysis.policy);
    return added;
  }

  struct Coverage {
    std::vector<std::string> unmatched;
    std::vector<std::string> undeciding;
    std::vector<std::size_t> unreached;
  };

  static Coverage coverage_of(const TestedPolicy& tested) {
    Coverage coverage;
    for (const auto& rule : tested.file.source->analysis.policy->rules) {
      if (!tested.matched.contains(rule.id)) coverage.unmatched.push_back(rule.id);
      if (!tested.decided.contains(rule.id)) coverage.undeciding.push_back(rule.id);
    }
    for (std::size_t row = 0; row < tested.rows->regions.size(); ++row) {
      if (!tested.rows_reached.contains(row)) coverage.unreached.push_back(row);
    }
    return coverage;
  }

  static std::string list_text(const std::vector<std::string>& ids) {
    if (ids.empty()) return "none";
    std::string out;
    for (const auto& id : ids) {
      if (!out.empty()) out += ", ";
      out += id;
    }
    return out;
  }

  static std::string coverage_text(const TestedPolicy& tested) {
    const Coverage coverage = coverage_of(tested);
    std::string out = fmt::format("coverage of {} ({}):\n", tested.path, counted(tested.cases, "case"));
    out += fmt::format("  rules no case matched: {}\n", list_text(coverage.unmatched));
    out += fmt::format("  rules that decided no case: {}\n", list_text(coverage.undeciding));
    out += fmt::format("  rows no case reached: {} of {}\n", coverage.unreached.size(), tested.rows->regions.size());
    if (!coverage.unreached.empty()) out += indented(render_rows(*tested.rows, coverage.unreached), "    ");
    return out;
  }

  static std::string coverage_json(const TestedPolicy& tested) {
    const Coverage coverage = coverage_of(tested);
    const auto id_list = [](const std::vector<std::string>& ids) {
      std::string out = "[";
      for (const auto& id : ids) {
        if (out.size() > 1) out += ',';
        out += json::quote(id);
      }
      return out + "]";
    };
    std::string out = fmt::format(
        "{{\"policy\":{},\"cases\":{},\"unmatched_rules\":{},\"undeciding_rules\":{},\"rows\":{},"
        "\"unreached_rows\":[",
        json::quote(tested.path), tested.cases, id_list(coverage.unmatched), id_list(coverage.undeciding),
        tested.rows->regions.size());
    const auto header = row_header(*tested.rows);
    for (std::size_t i = 0; i < coverage.unreached.size(); ++i) {
      const auto cells = row_cells(*tested.rows, coverage.unreached[i]);
      out += fmt::format("{}{{\"number\":{}", i ? "," : "", cells[0]);
      for (std::size_t c = 1; c < cells.size(); ++c)
        out += fmt::format(",{}:{}", json::quote(header[c]), json::quote(cells[c]));
      out += "}";
    }
    return out + "]}";
  }

  bool werror_;
  std::vector<std::unique_ptr<TestedPolicy>> policies_;
  std::vector<std::pair<std::string, std::vector<CaseResult>>> files_;
};

}  // namespace

int run_test(const Words& words) {
  const Arguments arguments("test", words, {"--help", "--coverage", "--werror"}, {"--format"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json", "junit"});
  if (arguments.positionals().empty()) throw UsageError("test: name test files or directories holding them");
  if (format == "junit" && arguments.flag("--coverage")) {
    throw UsageError(
        "test: JUnit XML has no place for coverage; use `--format text` or `--format json` with `--coverage`");
  }
  TestRun run(arguments.flag("--werror"));
  bool usable = true;
  for (const auto& path : test_files_of(arguments.positionals())) usable = run.run_file(path) && usable;
  if (!usable) return exit_code::broken_input;
  const bool coverage = arguments.flag("--coverage");
  std::cout << (format == "json" ? run.json(coverage) : format == "junit" ? run.junit() : run.text(coverage));
  return run.count(false) > 0 ? exit_code::answer_no : exit_code::success;
}

}  // namespace usegate::cli
