// `usegate build POLICY -o FILE`: compile a policy to a decision-table artifact.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "assertion_report.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "record_inputs.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/signing/signed_artifact.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate build [--werror] POLICY [--sign SECRET_KEY] -o FILE
       usegate build [--werror] POLICY --target sql --dialect D --table T [--bindings B] [--purpose P[,P...]]
                     [--consent-table C [--consent-order COLUMN]] (--now T | --now-param) [-o FILE]

Compiles a policy to a decision-table artifact that pipelines load with the runtime library
(or pass to `usegate eval/filter --policy`). The policy's assertions are proved first; when
one fails, nothing is written. The format is described in docs/artifact.md.
Given an artifact, verifies it and writes it again in the current format (without its
signature, unless --sign signs it again).

With `--target sql`, writes SQL instead (docs/sql.md): a view `T_usegate` of the table with
each row's `usegate_reason` and `usegate_decision`, as `usegate eval` decides the same record,
and a view `T_usegate_usable` of the rows the policy allows.

options:
  -o, --output FILE   where to write the artifact (required), or the SQL (default: stdout)
  --werror            refuse a policy with lint warnings (they are printed either way)
  --sign FILE         sign the artifact with this secret key (`usegate keygen`); loaders given
                      the public key accept only what it signed (docs/artifact.md)
  --verify-key FILE   POLICY must be an artifact signed by this public key
  --target T          `artifact` (the default) or `sql`
  --dialect D         the SQL dialect: sqlite, postgres or duckdb
  --table T           the table whose rows are decided (`schema.table` allowed)
  --bindings FILE     which column holds each attribute and setting (docs/cli.md, "Bindings");
                      default: the column named as the attribute or setting
  --purpose P[,P...]  decide for these purposes (a row must be allowed for all of them)
  --consent-table C   consent changes (subject, setting, value, platform, ts, seq), read as
                      `--consent` reads them; the subject joins on the bound user column
  --consent-order COL the column ordering changes made at the same time (default: seq)
  --now T             `now` as a constant (ISO-8601 or epoch seconds)
  --now-param         `now` read when the query runs, in epoch seconds: sqlite's parameter
                      :usegate_now (then two queries, since a view holds no parameter),
                      postgres's setting usegate.now, duckdb's variable usegate_now

exit status (docs/cli.md, "Exit status"): 0 written, 2 usage error or a file that cannot be
             read, 3 the policy has errors (a failing assertion too, or lint warnings with
             --werror), its table exceeds the budget, or the artifact cannot be used
)";

// The policy `build` builds, for either target, or none when it is refused (why is printed):
// its assertions proved, since a policy whose promises would not hold where it is enforced is
// not built; its lint warnings printed, and refused with --werror; an artifact only when the
// key of --verify-key signed it.
std::optional<PolicyFile> read_buildable_policy(const Arguments& arguments, const VerifyKey& verify_key) {
  PolicyFile input = read_policy_file(arguments.positionals().front(), true, verify_key);
  if (input.source) add_assertion_errors(*input.source);
  print_policy_errors(input);
  if (input.is_artifact() ? !input.artifact : input.source->analysis.diagnostics.has_errors()) return std::nullopt;
  if (refuse_for_lints(input, arguments.flag("--werror"))) return std::nullopt;
  return input;
}

int build_sql(const Arguments& arguments, const std::optional<std::string>& output) {
  const auto dialect_text = arguments.option("--dialect");
  if (!dialect_text) throw UsageError("build: `--target sql` needs `--dialect sqlite|postgres|duckdb`");
  const auto dialect = sql::dialect_named(*dialect_text);
  if (!dialect)
    throw UsageError(fmt::format("build: unknown dialect `{}` (known: sqlite, postgres, duckdb)", *dialect_text));
  const auto table = arguments.option("--table");
  if (!table || table->empty()) throw UsageError("build: `--target sql` needs `--table T`, the table to decide");
  if (arguments.option("--now") && arguments.flag("--now-param")) {
    throw UsageError("build: give `--now T` or `--now-param`, not both");
  }
  const std::optional<PolicyFile> input = read_buildable_policy(arguments, read_verify_key(arguments));
  if (!input) return exit_code::broken_input;
  const std::optional<Policy> policy = decision_policy_of(*input);
  if (!policy) return exit_code::broken_input;
  const auto bindings = bindings_for(read_bindings_file(arguments.option("--bindings")), *policy);
  if (!bindings) {
    std::cerr << bindings.error().message;
    return exit_code::broken_input;
  }
  sql::SqlOptions options;
  options.dialect = *dialect;
  options.table = *table;
  if (const auto list = arguments.option("--purpose")) {
    options.purposes = required_purposes(*policy, split_purposes(*list), "build");
  }
  if (arguments.option("--now")) options.now = read_now(arguments, "build");
  options.consent_table = arguments.option("--consent-table");
  if (const auto order = arguments.option("--consent-order")) {
    if (!options.consent_table) throw UsageError("build: `--consent-order` goes with `--consent-table`");
    options.consent_order = *order;
  }
  if (!options.now && !arguments.flag("--now-param")) {
    // `now` baked in from the clock would silently change decisions later: ask.
    if (policy->find_variable("now") || options.consent_table) {
      throw UsageError(fmt::format("build: {} `now`: give `--now T` or `--now-param`",
                                   options.consent_table ? "consent is read as of" : "the policy tests"));
    }
  }
  const auto lowered = sql::lower_to_sql(*policy, bindings.value(), options);
  if (!lowered) {
    // The bindings decide which columns are read: a refusal is about them when they were given.
    const auto bindings_path = arguments.option("--bindings");
    std::cerr << fmt::format("{}: error: {}", bindings_path ? *bindings_path : arguments.positionals().front(),
                             lowered.error().message);
    return exit_code::broken_input;
  }
  const std::string& text = lowered.value().text;
  if (output) {
    std::ofstream file(*output, std::ios::binary);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) throw UsageError(fmt::format("build: cannot write `{}`", *output));
  } else {
    std::cout << text;
  }
  std::cerr << fmt::format("wrote {}: {} SQL for table {}, {} walking {} of {}, {}\n",
                           output ? *output : std::string("standard output"), *dialect_text, *table,
                           counted(lowered.value().diagram_nodes, "diagram node"),
                           counted(lowered.value().steps, "step"), counted(policy->variable_count(), "variable"),
                           counted(text.size(), "byte"));
  return 0;
}

}  // namespace

int run_build(const Words& words) {
  const Arguments arguments("build", words, {"--help", "--werror", "--now-param"},
                            {"-o", "--output", "--sign", "--verify-key", "--target", "--dialect", "--table",
                             "--bindings", "--purpose", "--now", "--consent-table", "--consent-order"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  if (arguments.positionals().size() != 1) throw UsageError("build: name exactly one policy file");
  const std::string target = arguments.option("--target").value_or("artifact");
  if (target != "artifact" && target != "sql") {
    throw UsageError(fmt::format("build: unknown target `{}` (known: artifact, sql)", target));
  }
  if (target == "sql") {
    if (arguments.option("--sign")) throw UsageError("build: `--sign` signs artifacts, not `--target sql`");
    return build_sql(arguments, arguments.option("-o") ? arguments.option("-o") : arguments.option("--output"));
  }
  for (const char* option :
       {"--dialect", "--table", "--bindings", "--purpose", "--now", "--consent-table", "--consent-order"}) {
    if (arguments.option(option)) throw UsageError(fmt::format("build: `{}` is for `--target sql`", option));
  }
  if (arguments.flag("--now-param")) throw UsageError("build: `--now-param` is for `--target sql`");
  const auto output = arguments.option("-o") ? arguments.option("-o") : arguments.option("--output");
  if (!output) throw UsageError("build: `-o FILE` is required");

  const VerifyKey verify_key = read_verify_key(arguments);
  const auto sign_path = arguments.option("--sign");
  const std::optional<signing::SecretKey> secret_key =
      sign_path ? std::optional(read_signing_key(*sign_path)) : std::nullopt;

  const std::optional<PolicyFile> read = read_buildable_policy(arguments, verify_key);
  if (!read) return exit_code::broken_input;
  const PolicyFile& input = *read;
  // An artifact is written again as it is; a source is compiled.
  const Result<runtime::CompiledPolicy, compiler::CompileError> compiled =
      input.is_artifact()
          ? Result<runtime::CompiledPolicy, compiler::CompileError>(runtime::compiled_of(*input.artifact))
          : compiler::compile_policy(*input.source->analysis.policy);
  if (const auto* error = compiled.error_if()) {
    std::cerr << fmt::format("{}: error: {}\n = help: {}\n", arguments.positionals().front(), error->message,
                             error->help);
    return exit_code::broken_input;
  }
  const auto& table = compiled.value();
  std::string bytes = runtime::write_artifact(table);
  std::string signed_by;
  if (secret_key) {
    auto signed_bytes = signing::sign_artifact(bytes, *secret_key);
    if (const auto* error = signed_bytes.error_if()) {
      std::cerr << fmt::format("{}: internal error: {}\n", *output, error->message);
      return exit_code::internal_error;
    }
    bytes = std::move(*signed_bytes);
    signed_by = fmt::format(", signed by key {}", signing::key_id_text(signing::key_id(secret_key->public_key())));
  }
  std::ofstream file(*output, std::ios::binary);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) throw UsageError(fmt::format("build: cannot write `{}`", *output));
  const std::string layout = table.table.layout == runtime::DecisionTable::Layout::dense
                                 ? "dense table of " + counted(table.table.cells.size(), "cell")
                                 : "decision diagram of " + counted(table.table.words.size(), "word");
  std::cerr << fmt::format("wrote {}: policy {} version {}, {}, {}, {}{}\n", *output, table.name,
                           table.version.empty() ? "-" : table.version, counted(table.variables.size(), "variable"),
                           layout, counted(bytes.size(), "byte"), signed_by);
  return 0;
}

}  // namespace usegate::cli
