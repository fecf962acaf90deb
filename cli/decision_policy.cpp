#include "decision_policy.hpp"

#include <iostream>

#include <fmt/format.h>

#include "policy_files.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {

std::optional<Policy> load_decision_policy(const std::string& path) {
  const std::string bytes = read_file(path);
  if (bytes.compare(0, 8, std::string("USEGATE\0", 8)) == 0) {
    auto loaded = Policy::from_bytes(bytes);
    if (!loaded) {
      std::cerr << fmt::format("{}: error: {}\n", path, loaded.error().message);
      return std::nullopt;
    }
    return *loaded;
  }
  const auto checked = require_policy(path);
  if (!checked) return std::nullopt;
  return compile_decision_policy(*checked, path);
}

std::optional<Policy> compile_decision_policy(const compiler::CheckedPolicy& checked, const std::string& path) {
  auto compiled = compiler::compile_policy(checked);
  if (const auto* error = std::get_if<compiler::CompileError>(&compiled)) {
    std::cerr << fmt::format("{}: error: {}\n = help: {}\n", path, error->message, error->help);
    return std::nullopt;
  }
  auto loaded = Policy::from_bytes(runtime::write_artifact(std::get<runtime::CompiledPolicy>(compiled)));
  if (!loaded) {
    std::cerr << fmt::format("{}: internal error: {}\n", path, loaded.error().message);
    return std::nullopt;
  }
  return *loaded;
}

}  // namespace usegate::cli
