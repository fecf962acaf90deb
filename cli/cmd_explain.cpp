// `usegate explain --policy P RECORD|-`: why one record gets its decision.
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "record_explanation.hpp"
#include "record_inputs.hpp"
#include "table_rows.hpp"
#include "text_input.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate explain --policy POLICY [options] RECORD|-

Explains the decision for one record, given as JSON text or `-` for the first line of
standard input: each bound field's raw value and how it was read, each setting's effective
value and where it came from, every rule in source order (implicit opt-outs included) with
the first false condition of each rule that did not match and the value it saw, the
decision and why, and the row of `usegate table` the record falls in. The decision is
exactly the one `usegate eval` makes with the same options.

options:
  --policy FILE       a .policy file (a source: an artifact keeps no rules to show) (required)
  --bindings FILE     where attributes and settings come from in records
  --consent FILE      setting changes as JSON Lines {user, setting, value, platform, ts}
  --now TIME          evaluation time, ISO-8601 or epoch seconds (default: now)
  --purpose P         decide for this purpose instead of the record's own
  --format json       the same as one JSON object
  --werror            refuse a policy with lint warnings

exit status (docs/cli.md, "Exit status"): 0 explained, 2 usage error or a file that cannot
             be read, 3 the policy, the bindings or the record cannot be used
)";

}  // namespace

int run_explain(const Words& words) {
  const Arguments arguments("explain", words, {"--help", "--werror"},
                            {"--policy", "--bindings", "--consent", "--now", "--purpose", "--format"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json"});
  if (arguments.positionals().size() != 1) throw UsageError("explain: give one record (JSON text, or `-`)");
  const std::string policy_path = arguments.required("--policy");
  const std::int64_t now = read_now(arguments, "explain");
  require_one_standard_input({{"--policy", policy_path},
                              {"--bindings", arguments.option("--bindings")},
                              {"--consent", arguments.option("--consent")},
                              {"the record", arguments.positionals().front()}},
                             "explain");

  const PolicyFile file = read_policy_file(policy_path, true);
  print_policy_errors(file);
  if (file.is_artifact()) {
    if (file.artifact) {
      std::cerr << fmt::format(
          "{}: error: `explain` needs a policy source; an artifact keeps no conditions to show\n = help: "
          "give the .policy file the artifact was built from\n",
          printable(policy_path));
    }
    return exit_code::broken_input;
  }
  if (refuse_for_lints(file, arguments.flag("--werror"))) return exit_code::broken_input;
  const auto policy = decision_policy_of(file);
  if (!policy) return exit_code::broken_input;
  const compiler::CheckedPolicy& checked = *file.source->analysis.policy;

  auto bindings = bindings_for(read_bindings_file(arguments.option("--bindings")), *policy);
  if (!bindings) {
    std::cerr << bindings.error().message;
    return exit_code::broken_input;
  }
  std::optional<records::ConsentLedger> ledger;
  if (const auto path = arguments.option("--consent")) {
    auto ledgers = read_consent_option(*path, {&*policy}, now, "explain");
    if (ledgers.empty()) return exit_code::usage;
    ledger = std::move(ledgers.front());
    report_consent_rejections(*path, *ledger);
  }
  const auto purpose = arguments.option("--purpose");
  if (purpose) (void)required_purposes(*policy, {*purpose}, "explain");

  std::string record = arguments.positionals().front();
  if (record == "-") {
    std::getline(std::cin, record);
  }
  const TableRows rows = rows_of_source(checked);
  const Explanation explanation = explain_record(
      ExplainInputs{checked, *file.source->source, *policy, rows, *bindings, ledger ? &*ledger : nullptr, now, purpose},
      record);
  std::cout << (format == "json" ? explanation_json(explanation) + "\n" : explanation_text(explanation));
  return explanation.rejected ? exit_code::broken_input : exit_code::success;
}

}  // namespace usegate::cli
