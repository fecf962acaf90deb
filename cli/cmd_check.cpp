// `usegate check FILE...`: parse, type-check and lint policies.
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "assertion_report.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "policy_files.hpp"
#include "stage_show.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate check [--werror] [--format text|json] [--show STAGE[,STAGE]] FILE...

Parses, type-checks and lints each policy file, and proves its assertions on the decision
table (a failing one is an error with a counterexample). Errors and warnings are printed as
`FILE:LINE:COL: severity: message`, with the source line and a caret. An artifact built with
`usegate build` is loaded and verified byte for byte instead (`FILE: error: ...` when it
cannot be used).

options:
  --werror         treat warnings as errors (exit 1 when there is any)
  --format json    one JSON object per diagnostic on stdout, one per line
  --no-lints       check only, without lints
  --show STAGES    print stages of the pipeline on stdout instead of the `ok` line, each after a
                   `# STAGE: FILE` line, in this order whatever the order given: `ast` (the syntax
                   tree, printed when the file parses), `checked` (the checked policy, implicit
                   opt-out rules included), `partitions` (each variable's cells), `diagram` (the
                   reduced decision diagram); the last three need a policy that checks. A list
                   (`--show ast,diagram`), or the option repeated. Text only; not for artifacts
  --verify-key FILE  accept only artifacts signed by this public key: an unsigned or otherwise
                   signed artifact, or a policy source, is an error (docs/artifact.md)

exit status (docs/cli.md, "Exit status"): 0 clean, 1 errors (or warnings with --werror, or
             an artifact refused by --verify-key), 2 usage error or a file that cannot be read,
             3 a --verify-key file that holds no public key
)";

// An artifact has no source to lint: checking it is loading it. Returns its error count.
std::size_t check_artifact(const PolicyFile& file, const std::string& format) {
  if (!file.artifact) {
    if (format == "json") {
      std::cout << fmt::format("{{\"file\":{},\"severity\":\"error\",\"message\":{}}}\n", json::quote(file.path),
                               json::quote(file.artifact_error));
    } else {
      print_policy_errors(file);
    }
    return 1;
  }
  if (format == "text") {
    const auto& compiled = runtime::compiled_of(*file.artifact);
    std::size_t explicit_rules = 0;
    for (const auto& rule : compiled.rules) explicit_rules += rule.setting < 0 ? 1 : 0;
    // Whether the signature was checked matters as much as the signature itself.
    const std::string signature =
        file.signed_by.empty()    ? ""
        : file.signature_verified ? fmt::format(", signed by key {} (verified)", file.signed_by)
                                  : fmt::format(", signed by key {} (not verified: no --verify-key)", file.signed_by);
    std::cout << fmt::format("{}: ok: artifact of policy {} version {}, {}, {}{}\n", file.path, compiled.name,
                             compiled.version.empty() ? "-" : compiled.version, counted(explicit_rules, "rule"),
                             counted(compiled.settings.size(), "setting"), signature);
  }
  return 0;
}

}  // namespace

int run_check(const Words& words) {
  const Arguments arguments("check", words, {"--werror", "--no-lints", "--help"},
                            {"--format", "--show", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json"});
  if (arguments.positionals().empty()) throw UsageError("check: name at least one policy file");
  StagePrinter stages(stages_to_show(arguments.all("--show")));
  if (!stages.empty() && format != "text")
    throw UsageError("check: `--show` prints text; it cannot be combined with `--format json`");

  const VerifyKey verify_key = read_verify_key(arguments);
  std::size_t errors = 0;
  std::size_t warnings = 0;
  for (const auto& path : arguments.positionals()) {
    PolicyFile file = read_policy_file(path, !arguments.flag("--no-lints"), verify_key);
    if (file.source) add_assertion_errors(*file.source);
    if (file.is_artifact()) {
      if (!stages.empty()) {
        std::cerr << fmt::format(
            "{}: error: `--show` needs a policy source; an artifact keeps no syntax tree or "
            "checked policy\n = help: run `usegate table` for the rows of an artifact\n",
            path);
        ++errors;
        continue;
      }
      errors += check_artifact(file, format);
      continue;
    }
    const LoadedPolicy& loaded = *file.source;
    const auto& diagnostics = loaded.analysis.diagnostics;
    errors += diagnostics.error_count();
    warnings += diagnostics.warning_count();
    if (format == "json") {
      for (const auto& diagnostic : diagnostics.all()) {
        std::cout << usegate::format_diagnostic_json(*loaded.source, diagnostic) << '\n';
      }
      continue;
    }
    print_diagnostics(loaded);
    if (!stages.empty()) {
      errors += stages.print(path, loaded);
      continue;
    }
    if (const auto& policy = loaded.analysis.policy; policy && !diagnostics.has_errors()) {
      std::size_t explicit_rules = 0;
      for (const auto& rule : policy->rules) explicit_rules += rule.setting ? 0 : 1;
      std::cout << fmt::format(
          "{}: ok: policy {} version {}, {} rule{}, {} setting{}{}{}\n", path, policy->name,
          policy->version.empty() ? "-" : policy->version, explicit_rules, explicit_rules == 1 ? "" : "s",
          policy->settings.size(), policy->settings.size() == 1 ? "" : "s",
          policy->assertions.empty() ? "" : fmt::format(", {} proved", counted(policy->assertions.size(), "assertion")),
          diagnostics.warning_count() > 0
              ? fmt::format(", {} warning{}", diagnostics.warning_count(), diagnostics.warning_count() == 1 ? "" : "s")
              : "");
    }
  }
  if (format == "text" && (errors > 0 || warnings > 0)) {
    std::cerr << fmt::format("{} error{}, {} warning{}\n", errors, errors == 1 ? "" : "s", warnings,
                             warnings == 1 ? "" : "s");
  }
  if (errors > 0) return 1;
  if (warnings > 0 && arguments.flag("--werror")) return 1;
  return 0;
}

}  // namespace usegate::cli
