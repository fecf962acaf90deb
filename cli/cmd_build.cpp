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
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/signing/signed_artifact.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate build [--werror] POLICY [--sign SECRET_KEY] -o FILE

Compiles a policy to a decision-table artifact that pipelines load with the runtime library
(or pass to `usegate eval/filter --policy`). The policy's assertions are proved first; when
one fails, nothing is written. The format is described in docs/artifact.md.
Given an artifact, verifies it and writes it again in the current format (without its
signature, unless --sign signs it again).

options:
  -o, --output FILE   where to write the artifact (required)
  --werror            refuse a policy with lint warnings (they are printed either way)
  --sign FILE         sign the artifact with this secret key (`usegate keygen`); loaders given
                      the public key accept only what it signed (docs/artifact.md)
  --verify-key FILE   POLICY must be an artifact signed by this public key

exit status (docs/cli.md, "Exit status"): 0 written, 2 usage error or a file that cannot be
             read, 3 the policy has errors (a failing assertion too, or lint warnings with
             --werror), its table exceeds the budget, or the artifact cannot be used
)";

}  // namespace

int run_build(const Words& words) {
  const Arguments arguments("build", words, {"--help", "--werror"}, {"-o", "--output", "--sign", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  if (arguments.positionals().size() != 1) throw UsageError("build: name exactly one policy file");
  const auto output = arguments.option("-o") ? arguments.option("-o") : arguments.option("--output");
  if (!output) throw UsageError("build: `-o FILE` is required");

  const VerifyKey verify_key = read_verify_key(arguments);
  const auto sign_path = arguments.option("--sign");
  const std::optional<signing::SecretKey> secret_key =
      sign_path ? std::optional(read_signing_key(*sign_path)) : std::nullopt;

  PolicyFile input = read_policy_file(arguments.positionals().front(), true, verify_key);
  // A policy whose assertions fail is not built: its promises would not hold where it is enforced.
  if (input.source) add_assertion_errors(*input.source);
  print_policy_errors(input);
  if (input.is_artifact() ? !input.artifact : input.source->analysis.diagnostics.has_errors()) {
    return exit_code::broken_input;
  }
  if (refuse_for_lints(input, arguments.flag("--werror"))) return exit_code::broken_input;
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
