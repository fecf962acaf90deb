#pragma once
// Name resolution and type checking: syntax tree in, checked policy out.

#include <optional>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/dsl/ast.hpp"
#include "usegate/dsl/diagnostics.hpp"

namespace usegate::compiler {

// The checked policy, or nothing when there were errors; every problem is in `diagnostics`.
[[nodiscard]] std::optional<CheckedPolicy> check_policy(const dsl::PolicyFile& file,
                                                        dsl::DiagnosticList& diagnostics);

}  // namespace usegate::compiler
