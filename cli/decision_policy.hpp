#pragma once
// The policy a command works with: a `.policy` source (checked, and compiled in memory to
// decide records) or a built artifact, told apart by the artifact's magic bytes — never by
// the file's name. The file is read once. Every command reads its policies here: with
// read_policy_file, or load_decision_policy when it only decides records.

#include <optional>
#include <string>

#include "policy_files.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/signing/signing_keys.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

struct PolicyFile {
  std::string path;
  std::optional<LoadedPolicy> source;  // a policy source, analyzed
  std::optional<Policy> artifact;      // an artifact that loaded
  std::string artifact_error;          // an artifact that did not load: why
  std::string signed_by;               // a signed artifact: the key id of its trailer
  bool signature_verified = false;     // and `--verify-key` checked it

  [[nodiscard]] bool is_artifact() const { return !source; }
};

// The public key of `--verify-key`: given one, a policy file must be an artifact signed by
// it; an unsigned or differently signed artifact, and a policy source, do not load.
using VerifyKey = std::optional<signing::PublicKey>;

// Reads a policy file (a usage error when it cannot be read). Every command that uses a
// policy lints it, so a policy that fails open is never enforced in silence; `check
// --no-lints` is the one way to read a source without its lints.
[[nodiscard]] PolicyFile read_policy_file(const std::string& path, bool run_lints = true,
                                          const VerifyKey& verify_key = std::nullopt);

// `--werror`: a policy source with lint warnings is refused. Prints why on stderr (after
// print_policy_errors has printed the warnings) and returns true when it is.
[[nodiscard]] bool refuse_for_lints(const PolicyFile& file, bool werror);

// Prints the diagnostics of a source, or the error of an artifact that did not load
// (`FILE: error: ...`), on stderr.
void print_policy_errors(const PolicyFile& file);

// Prints diagnostics or load errors on stderr and returns nothing when the policy is unusable.
// With `werror`, a source with lint warnings is refused as well.
[[nodiscard]] std::optional<Policy> load_decision_policy(const std::string& path, bool werror,
                                                         const VerifyKey& verify_key = std::nullopt);

// The policy of a file as a decision table: the artifact, or the source compiled; prints
// what is wrong on stderr and returns nothing when it cannot be had.
[[nodiscard]] std::optional<Policy> decision_policy_of(const PolicyFile& file);

// Compiles a policy that checked (read from `path`) for deciding records; prints the error on
// stderr and returns nothing when it does not compile within the table budget.
[[nodiscard]] std::optional<Policy> compile_decision_policy(const compiler::CheckedPolicy& checked,
                                                            const std::string& path);

}  // namespace usegate::cli
