#pragma once
// Reading policy files for the commands: text, diagnostics, the checked policy.

#include <memory>
#include <optional>
#include <string>

#include "usegate/compiler/analyze.hpp"
#include "usegate/dsl/source.hpp"

namespace usegate::cli {

struct LoadedPolicy {
  std::unique_ptr<dsl::SourceFile> source;
  compiler::PolicyAnalysis analysis;
};

// Reads and analyzes a policy; a file that cannot be read is a usage error.
[[nodiscard]] LoadedPolicy load_policy(const std::string& path, bool run_lints = true);

// Prints the diagnostics as text on stderr.
void print_diagnostics(const LoadedPolicy& policy);

// Loads a policy for a command that needs it to check: prints its diagnostics and returns
// the checked policy, or nothing when it has errors.
[[nodiscard]] std::optional<compiler::CheckedPolicy> require_policy(const std::string& path);

// The whole content of a file (`-` is standard input); a usage error when unreadable.
[[nodiscard]] std::string read_file(const std::string& path);

}  // namespace usegate::cli
