#include "decision_policy.hpp"

#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "text_input.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/signature_trailer.hpp"
#include "usegate/signing/signed_artifact.hpp"

namespace usegate::cli {

PolicyFile read_policy_file(const std::string& path, bool run_lints, const VerifyKey& verify_key) {
  PolicyFile file;
  file.path = path;
  std::string bytes = read_file(path, policy_file_limit);
  if (!is_artifact(bytes)) {
    if (verify_key) {
      // A key asks for a signed artifact; a source vouches for nothing, so it is refused
      // rather than compiled.
      file.artifact_error = fmt::format(
          "a policy source cannot be verified: with `--verify-key` only an artifact signed by key {} is accepted "
          "(`usegate build POLICY --sign SECRET_KEY -o FILE` makes one)",
          signing::key_id_text(signing::key_id(*verify_key)));
      return file;
    }
    file.source = analyze_policy_text(path, std::move(bytes), run_lints);
    return file;
  }
  auto loaded = verify_key ? signing::load_verified(bytes, *verify_key) : Policy::from_bytes(bytes);
  if (loaded) {
    file.artifact = std::move(*loaded);
    if (const auto parts = runtime::split_signature(bytes); parts && parts->is_signed()) {
      signing::KeyId id{};
      std::memcpy(id.data(), parts->key_id.data(), id.size());
      file.signed_by = signing::key_id_text(id);
      file.signature_verified = verify_key.has_value();
    }
  } else {
    file.artifact_error = loaded.error().message;
  }
  return file;
}

void print_policy_errors(const PolicyFile& file) {
  if (file.source) {
    print_diagnostics(*file.source);
  } else if (!file.artifact) {
    std::cerr << fmt::format("{}: error: {}\n", printable(file.path), printable(file.artifact_error));
  }
}

std::optional<Policy> decision_policy_of(const PolicyFile& file) {
  if (file.is_artifact()) return file.artifact;
  const auto& checked = file.source->analysis.policy;
  if (!checked || file.source->analysis.diagnostics.has_errors()) return std::nullopt;
  return compile_decision_policy(*checked, file.path);
}

bool refuse_for_lints(const PolicyFile& file, bool werror) {
  if (!werror || !file.source) return false;
  const std::size_t warnings = file.source->analysis.diagnostics.warning_count();
  if (warnings == 0 || file.source->analysis.diagnostics.has_errors()) return false;
  std::cerr << fmt::format(
      "{}: error: the policy has {}, and `--werror` refuses it\n = help: fix them (`usegate check {}` shows them), "
      "or leave out `--werror`\n",
      printable(file.path), counted(warnings, "lint warning"), printable(file.path));
  return true;
}

std::optional<Policy> load_decision_policy(const std::string& path, bool werror, const VerifyKey& verify_key) {
  const PolicyFile file = read_policy_file(path, true, verify_key);
  print_policy_errors(file);
  if (refuse_for_lints(file, werror)) return std::nullopt;
  return decision_policy_of(file);
}

std::optional<Policy> compile_decision_policy(const compiler::CheckedPolicy& checked, const std::string& path) {
  auto compiled = compiler::compile_policy(checked);
  if (const auto* error = compiled.error_if()) {
    std::cerr << fmt::format("{}: error: {}\n = help: {}\n", path, error->message, error->help);
    return std::nullopt;
  }
  auto loaded = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  if (!loaded) {
    std::cerr << fmt::format("{}: internal error: {}\n", path, loaded.error().message);
    return std::nullopt;
  }
  return *loaded;
}

}  // namespace usegate::cli
