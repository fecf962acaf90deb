#pragma once
// Compiling a checked policy to the runtime's decision table and artifact model.

#include <string>
#include <variant>

#include "usegate/base/result.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::compiler {

struct CompileError {
  std::string message;
  std::string help;
};

[[nodiscard]] Result<runtime::CompiledPolicy, CompileError> compile_policy(const CheckedPolicy& policy,
                                                                           const CompileOptions& options = {});

}  // namespace usegate::compiler
