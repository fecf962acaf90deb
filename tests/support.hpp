#pragma once
// Helpers shared by the test suites: paths into the source tree, files, running the CLI.

#include <string>
#include <vector>

namespace usegate::testing {

// A path inside the source tree, e.g. source_path("policies/x-grok-2024-07.policy").
std::string source_path(const std::string& relative);
// The `usegate` program of this build.
std::string usegate_binary();
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
// A fresh directory under the build tree for one test's files.
std::string scratch_directory(const std::string& name);
// The files of a directory whose names end in `suffix`, sorted.
std::vector<std::string> files_ending_with(const std::string& directory, const std::string& suffix);

// Golden files: with UPDATE_GOLDEN=1 in the environment, `actual` is written to `path` and
// returned; otherwise the file's text (empty when there is none) is returned for comparison.
std::string golden_text(const std::string& path, const std::string& actual);

struct CommandResult {
  int exit_code = 0;
  std::string out;  // standard output
  std::string err;  // standard error
};
// Runs `usegate` with the arguments (shell-quoted here) and optional standard input.
CommandResult run_usegate(const std::vector<std::string>& arguments, const std::string& input = {});

// Whether the suite runs at reduced scale (under sanitizers, set by `make test-sanitize`).
bool reduced_scale();

}  // namespace usegate::testing
