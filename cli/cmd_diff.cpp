// `usegate diff OLD NEW`: what changes between two versions of a policy, for reviewers.
#include <unistd.h>

#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "arguments.hpp"
#include "artifact_diagram.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "diff_report.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "policy_files.hpp"
#include "record_diff_report.hpp"
#include "record_inputs.hpp"
#include "report_output.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/review/record_diff.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate diff [--format F] [-o FILE] [--fail-on WHAT] [--decisions-only] OLD NEW
       usegate diff OLD NEW --records FILE [--bindings B] [--consent C] [--now T] [--purpose P[,P]]

Compares two versions of a policy. Prints the structural changes (settings added, removed or
renamed, defaults, coverage and availability of settings, rules added, removed or renamed,
descriptions, enum values, attributes, the header), then every region of the input space where
the decision or its reason changes, as a condition with the old and the new outcome:

  purpose ∈ {training, fine_tuning} ∧ grok_sharing = off: allow (train_on_posts) → deny (optout_grok_sharing)

Rows are grouped as newly denied, newly allowed, and reason only (the same decision for
another reason). Every record the two versions decide differently lies in exactly one row.
Two versions that decide every record alike print `no semantic change`.

With --records, every record of a JSON Lines file is also decided under both versions, as
`usegate eval` decides it, and a `records` section counts the records whose decision or reason
changes, by direction and by pair of outcomes, with the first line numbers of each pair.

OLD and NEW are `.policy` files or artifacts built with `usegate build`, in any mix. An
artifact keeps the compiled decision function, so the rows are those the sources give. It
does not keep the rules' conditions, so structural changes need both sources: with an
artifact the output says `structural changes: not available for artifacts` in their place
(JSON: `"structural_changes": null`).

options:
  --format FORMAT     text (the default); json (one document with the structural changes and
                      the rows); markdown (a pull request's comment: GitHub tables, long lists
                      collapsed); html (one self-contained page, rows coloured by direction)
  -o, --output FILE   write the report to FILE instead of standard output
  --fail-on WHAT      the exit status of a CI gate: 1 only when some row is newly-allowed,
                      newly-denied, or any row at all (any); otherwise 0
  --decisions-only    leave reason-only rows (and record pairs) out of text, Markdown and HTML;
                      the JSON document keeps them
  --werror            refuse policies with lint warnings (they are printed either way)
  --verify-key FILE   both must be artifacts signed by this public key (docs/artifact.md)
  --records FILE      also decide these records under both versions (`-`: standard input)
  --bindings FILE     where attributes and settings come from in records (YAML); checked
                      against NEW; OLD skips entries naming what it does not declare
  --consent FILE      setting changes as JSON Lines, read once for both versions
  --now TIME          evaluation time, ISO-8601 or epoch seconds (default: now)
  --max-line BYTES    reject longer record lines as line_too_long (default 64M; K, M, G)
  --purpose P[,P...]  decide for these purposes, a record must be allowed for all of them;
                      checked against NEW; a purpose OLD does not declare reads as unknown

exit status (docs/cli.md, "Exit status"): 0 no row (structural changes alone do not count,
nor do records), 1 some decision or reason changes (reason-only rows count: records would
carry another reason; with --fail-on, a row of that direction), 2 a usage error or a file that
cannot be read, 3 a policy with errors (or lint warnings, with --werror) or an artifact that does
not load, two policies that cannot be compared, or bindings that do
not fit NEW
)";

// `OLD is an artifact`, `NEW is an artifact`, `OLD and NEW are artifacts`.
std::string artifacts_text(const PolicyFile& old_file, const PolicyFile& new_file) {
  if (old_file.is_artifact() && new_file.is_artifact()) return "OLD and NEW are artifacts";
  return old_file.is_artifact() ? "OLD is an artifact" : "NEW is an artifact";
}

// The text report; `records` is its records section, with --records.
std::string text_of(const DiffReport& report, const std::optional<std::string>& records) {
  const compiler::PolicyDiff& diff = report.diff;
  std::string out = diff_heading_text(diff) + "\n";
  if (!diff.structure_known) {
    out += "\nstructural changes: not available for artifacts (" + report.artifacts + ")\n";
  } else if (!diff.structural_changes.empty()) {
    out += "\nstructural changes:\n";
    for (const auto& change : diff.structural_changes) out += "  " + change.text + "\n";
  }
  for (const auto direction : diff_directions) {
    if (report.decisions_only && direction == compiler::DiffDirection::reason_only) continue;
    std::size_t count = 0;
    for (const auto& row : diff.rows) count += row.direction == direction ? 1 : 0;
    if (count == 0) continue;
    out += fmt::format("\n{} ({} row{}):\n", compiler::direction_name(direction), count, count == 1 ? "" : "s");
    for (const auto& row : diff.rows) {
      if (row.direction != direction) continue;
      out += fmt::format("  {}: {} → {}\n", row.condition, outcome_text(effect_name(row.before), row.before.reason),
                         outcome_text(effect_name(row.after), row.after.reason));
    }
  }
  if (diff.rows.empty()) out += "\nno semantic change\n";
  if (records) out += *records;
  return out;
}

// Keys in a fixed order; one structural change or row per line, so that the document reads
// and diffs well as text too. `records` is the value of the `records` member, with --records.
// Structural changes not known (an artifact) are `null`, never an empty list.
std::string json_of(const compiler::PolicyDiff& diff, const std::optional<std::string>& records) {
  std::ostringstream out;
  out << "{\n";
  out << fmt::format("  \"old\": {{\"policy\": {}, \"version\": {}}},\n", json::quote(diff.old_name),
                     json::quote(diff.old_version));
  out << fmt::format("  \"new\": {{\"policy\": {}, \"version\": {}}},\n", json::quote(diff.new_name),
                     json::quote(diff.new_version));
  out << fmt::format("  \"semantic_change\": {},\n", diff.rows.empty() ? "false" : "true");
  out << "  \"structural_changes\": " << (diff.structure_known ? "[" : "null");
  for (std::size_t i = 0; i < diff.structural_changes.size(); ++i) {
    const auto& change = diff.structural_changes[i];
    out << (i == 0 ? "\n" : ",\n")
        << fmt::format("    {{\"kind\": {}, \"subject\": {}, \"text\": {}}}",
                       json::quote(compiler::change_kind_name(change.kind)), json::quote(change.subject),
                       json::quote(change.text));
  }
  if (diff.structure_known) out << (diff.structural_changes.empty() ? "]" : "\n  ]");
  out << ",\n";
  out << "  \"rows\": [";
  for (std::size_t i = 0; i < diff.rows.size(); ++i) {
    const auto& row = diff.rows[i];
    std::string when;
    for (const auto& constraint : row.when) {
      std::string values;
      for (const auto& value : constraint.values) values += (values.empty() ? "" : ", ") + json::quote(value);
      when += fmt::format("{}{}: [{}]", when.empty() ? "" : ", ", json::quote(constraint.variable), values);
    }
    out << (i == 0 ? "\n" : ",\n")
        << fmt::format("    {{\"direction\": {}, \"when\": {{{}}}, \"condition\": {}, \"old\": {}, \"new\": {}}}",
                       json::quote(direction_key(row.direction)), when, json::quote(row.condition),
                       outcome_json(effect_name(row.before), row.before.reason),
                       outcome_json(effect_name(row.after), row.after.reason));
  }
  out << (diff.rows.empty() ? "]" : "\n  ]");
  if (records) out << ",\n  \"records\": " << *records;
  out << "\n}\n";
  return out.str();
}

// A version as its decision function: an artifact's own, or a source's lowered as `usegate
// build` lowers it.
Result<compiler::DecisionFunction, compiler::DiffError> decision_function_of(const PolicyFile& file) {
  if (!file.is_artifact()) return compiler::decision_function_of(*file.source->analysis.policy);
  try {
    return decision_function_of_artifact(runtime::compiled_of(*file.artifact));
  } catch (const compiler::DiagramTooLarge& error) {
    return compiler::DiffError{fmt::format("the decision table of artifact `{}` exceeds the diff's budget of {}",
                                           file.path, error.budget_text()),
                               fmt::format("the budget is {}", error.option_name()), std::nullopt};
  }
}

// The diff of two sources; with an artifact, the rows of the two decision functions.
Result<compiler::PolicyDiff, compiler::DiffError> diff_files(const PolicyFile& old_file, const PolicyFile& new_file) {
  if (!old_file.is_artifact() && !new_file.is_artifact()) {
    return compiler::diff_policies(*old_file.source->analysis.policy, *new_file.source->analysis.policy);
  }
  auto old_function = decision_function_of(old_file);
  if (auto* error = old_function.error_if()) return std::move(*error);
  auto new_function = decision_function_of(new_file);
  if (auto* error = new_function.error_if()) return std::move(*error);
  return compiler::diff_decision_functions(old_function.value(), new_function.value());
}

// `--fail-on newly-allowed|newly-denied|any`: the direction whose rows trip the gate, or
// nothing for any row (the status without the option).
std::optional<compiler::DiffDirection> read_fail_on(const Arguments& arguments) {
  const auto value = arguments.option("--fail-on");
  if (!value || *value == "any") return std::nullopt;
  if (*value == "newly-allowed") return compiler::DiffDirection::newly_allowed;
  if (*value == "newly-denied") return compiler::DiffDirection::newly_denied;
  throw UsageError(
      fmt::format("diff: unknown value `{}` for `--fail-on` (choose from newly-allowed, newly-denied, any)", *value));
}

// 1 when some row is in the gate's direction (any row without one), else 0. Which rows are
// printed (--decisions-only) does not change it.
int gate_status(const compiler::PolicyDiff& diff, const std::optional<compiler::DiffDirection>& fail_on) {
  for (const auto& row : diff.rows) {
    if (!fail_on || row.direction == *fail_on) return exit_code::answer_no;
  }
  return exit_code::success;
}

}  // namespace

int run_diff(const Words& words) {
  const Arguments arguments("diff", words, {"--help", "--decisions-only", "--werror"},
                            {"--format", "--records", "--bindings", "--consent", "--now", "--purpose", "--max-line",
                             "--fail-on", "-o", "--output", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json", "markdown", "html"});
  if (arguments.positionals().size() != 2) throw UsageError("diff: name two policy files, OLD and NEW");
  const std::optional<compiler::DiffDirection> fail_on = read_fail_on(arguments);
  const bool decisions_only = arguments.flag("--decisions-only");
  const auto records_path = arguments.option("--records");
  if (!records_path) {
    for (const char* option : {"--bindings", "--consent", "--now", "--purpose", "--max-line"}) {
      if (arguments.option(option)) throw UsageError(fmt::format("diff: `{}` applies to `--records FILE`", option));
    }
  }
  const auto consent_path = arguments.option("--consent");
  const auto bindings_path = arguments.option("--bindings");
  require_one_standard_input({{"OLD", arguments.positionals()[0]},
                              {"NEW", arguments.positionals()[1]},
                              {"--records", records_path},
                              {"--bindings", bindings_path},
                              {"--consent", consent_path},
                              {"--verify-key", arguments.option("--verify-key")}},
                             "diff");
  const VerifyKey verify_key = read_verify_key(arguments);
  const std::int64_t now = records_path ? read_now(arguments, "diff") : 0;
  const std::size_t max_line = read_max_line(arguments, "diff");
  const int records_input = records_path ? open_for_reading(*records_path, "records file") : -1;

  // Both files are read and checked before either is reported on, so one run shows every error.
  const PolicyFile old_file = read_policy_file(arguments.positionals()[0], true, verify_key);
  const PolicyFile new_file = read_policy_file(arguments.positionals()[1], true, verify_key);
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto* file : {&old_file, &new_file}) {
    print_policy_errors(*file);
    if (file->source) {
      errors += file->source->analysis.diagnostics.error_count();
      warnings += file->source->analysis.diagnostics.warning_count();
    } else if (!file->artifact) {
      ++errors;
    }
  }
  if (errors > 0) {
    std::cerr << fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                             warnings == 1 ? "" : "s");
    return exit_code::broken_input;
  }
  bool refused = false;
  for (const auto* file : {&old_file, &new_file})
    refused = refuse_for_lints(*file, arguments.flag("--werror")) || refused;
  if (refused) return exit_code::broken_input;

  // An artifact keeps the decision function, which is all the rows need; the structural
  // changes need the rules' conditions, which only sources have.
  auto result = diff_files(old_file, new_file);
  if (const auto* error = result.error_if()) {
    // A span points into NEW, which is then a source.
    if (error->span && new_file.source) {
      std::cerr << usegate::format_diagnostic(
          *new_file.source->source,
          usegate::Diagnostic{usegate::Severity::error, error->message, *error->span, error->help, "", {}, {}});
    } else {
      std::cerr << fmt::format("usegate diff: error: {}\n  = help: {}\n", error->message, error->help);
    }
    return exit_code::broken_input;
  }
  const compiler::PolicyDiff diff = std::move(result.value());

  std::optional<std::string> records;
  review::RecordDiff record_diff;
  std::optional<RecordDiffInputs> record_inputs;
  if (records_path) {
    const auto old_policy = decision_policy_of(old_file);
    const auto new_policy = decision_policy_of(new_file);
    if (!old_policy || !new_policy) return exit_code::broken_input;
    // The bindings describe the records as NEW reads them; OLD reads what it declares.
    const auto bindings_file = read_bindings_file(bindings_path);
    auto new_bindings = bindings_for(bindings_file, *new_policy);
    auto old_bindings = bindings_for(bindings_file, *old_policy, records::BindingsMode::skip_unknown_names);
    for (const auto* read : {&new_bindings, &old_bindings}) {
      if (!*read) {
        std::cerr << read->error().message;
        return exit_code::broken_input;
      }
    }
    std::optional<records::ConsentLedger> old_ledger;
    std::optional<records::ConsentLedger> new_ledger;
    if (consent_path) {
      auto ledgers = read_consent_option(*consent_path, {&*old_policy, &*new_policy}, now, "diff");
      if (ledgers.empty()) return 2;
      old_ledger = std::move(ledgers[0]);
      new_ledger = std::move(ledgers[1]);
    }
    const std::vector<std::string> purposes =
        arguments.option("--purpose") ? split_purposes(*arguments.option("--purpose")) : std::vector<std::string>{};
    // Purposes are checked against NEW, as eval checks them; OLD reads what it declares.
    records::PurposeCodes new_purposes;
    if (!purposes.empty()) new_purposes = required_purposes(*new_policy, purposes, "diff");
    const review::RecordDiffVersion old_version{*old_policy, *old_bindings, old_ledger ? &*old_ledger : nullptr,
                                                records::purposes_as_read_by(*old_policy, purposes)};
    const review::RecordDiffVersion new_version{*new_policy, *new_bindings, new_ledger ? &*new_ledger : nullptr,
                                                std::move(new_purposes)};
    try {
      ProgressLine progress;
      record_diff =
          review::diff_records(records_input, old_version, new_version, now, max_line,
                               [&progress](std::uint64_t read, std::uint64_t bytes) { progress.update(read, bytes); });
    } catch (const std::runtime_error& error) {
      std::cerr << fmt::format("usegate diff: {}: {}\n", *records_path, error.what());
      return 2;
    }
    if (records_input > 0) ::close(records_input);
    record_inputs = RecordDiffInputs{*records_path,
                                     now,
                                     purposes,
                                     consent_path,
                                     old_ledger ? &*old_ledger : nullptr,
                                     new_ledger ? &*new_ledger : nullptr,
                                     decisions_only};
    if (format == "json") records = record_diff_json(record_diff, *record_inputs);
    if (format == "text") records = record_diff_text(record_diff, *record_inputs);
  }

  const DiffReport report{diff, artifacts_text(old_file, new_file), records_path ? &record_diff : nullptr,
                          record_inputs ? &*record_inputs : nullptr, decisions_only};
  const std::string output = format == "json"       ? json_of(diff, records)
                             : format == "markdown" ? render_diff_markdown(report)
                             : format == "html"     ? render_diff_html(report)
                                                    : text_of(report, records);
  write_report(output, output_path(arguments), "diff");
  return gate_status(diff, fail_on);
}

}  // namespace usegate::cli
