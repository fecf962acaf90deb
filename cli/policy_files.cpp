#include "policy_files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "arguments.hpp"

namespace usegate::cli {

std::string read_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw UsageError(fmt::format("cannot read `{}`: {}", path, std::strerror(errno)));
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

LoadedPolicy load_policy(const std::string& path, bool run_lints) {
  LoadedPolicy loaded;
  loaded.source = std::make_unique<dsl::SourceFile>(path, read_file(path));
  loaded.analysis = compiler::analyze_policy(*loaded.source, run_lints);
  return loaded;
}

void print_diagnostics(const LoadedPolicy& policy) {
  for (const auto& diagnostic : policy.analysis.diagnostics.all()) {
    std::cerr << dsl::format_diagnostic(*policy.source, diagnostic);
  }
}

std::optional<compiler::CheckedPolicy> require_policy(const std::string& path) {
  LoadedPolicy loaded = load_policy(path, false);
  print_diagnostics(loaded);
  return std::move(loaded.analysis.policy);
}

}  // namespace usegate::cli
