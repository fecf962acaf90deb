#pragma once
// Reading the files a command reads whole — policies, bindings, scenarios — each exactly once
// (so a pipe, a FIFO or `<(…)` works as well as a file) and within a size limit; and policy
// sources to diagnostics and the checked policy.

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"

namespace usegate::cli {

// The most a command reads of a file it holds in memory whole. Record and consent streams
// are not held whole: their lines are limited instead (`--max-line`, BlockReader).
struct FileLimit {
  const char* what;  // `policy file`
  std::size_t bytes;
};
inline constexpr FileLimit policy_file_limit{"policy file", std::size_t{16} << 20};
inline constexpr FileLimit bindings_file_limit{"bindings file", std::size_t{4} << 20};
inline constexpr FileLimit scenario_file_limit{"scenario file", std::size_t{4} << 20};
// A key file is two short lines.
inline constexpr FileLimit key_file_limit{"key file", std::size_t{64} << 10};

// A file that cannot be used as it is; the message is complete (`FILE: error: ...` and a
// help line) and main prints it as it is, with exit status 2 like any unreadable file.
struct InputFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An input that can be read but cannot be used (a key file that holds no public key, for
// one); the message is complete, and main prints it as it is, with exit status 3.
struct BrokenInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The whole content of a file (`-` is standard input), read once. A usage error when it
// cannot be read; an InputFileError when it is larger than its limit.
[[nodiscard]] std::string read_file(const std::string& path, const FileLimit& limit);

// Whether the bytes are an artifact built with `usegate build` (by its magic bytes).
[[nodiscard]] bool is_artifact(std::string_view bytes);

struct LoadedPolicy {
  std::unique_ptr<usegate::SourceFile> source;
  compiler::PolicyAnalysis analysis;
  // The file is not text: its one error must be printed without quoting the source.
  bool not_text = false;
};

// Analyzes a policy source read from `path`. Commands read a policy with read_policy_file
// (decision_policy.hpp), which tells a source from an artifact and calls this for a source.
[[nodiscard]] LoadedPolicy analyze_policy_text(const std::string& path, std::string text, bool run_lints = true);

// Prints the diagnostics as text on stderr.
void print_diagnostics(const LoadedPolicy& policy);

}  // namespace usegate::cli
