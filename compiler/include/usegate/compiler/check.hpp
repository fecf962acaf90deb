#pragma once
// Name resolution and type checking: syntax tree in, checked policy out.

#include <optional>

#include "usegate/base/diagnostics.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/dsl/ast.hpp"

namespace usegate::compiler {

// The checked policy, or nothing when there were errors; every problem is in `diagnostics`.
// Besides names and types it checks what a decision table can hold (see table_limits.hpp),
// so a policy that checks also compiles, budgets aside.
[[nodiscard]] std::optional<CheckedPolicy> check_policy(const dsl::PolicyFile& file,
                                                        usegate::DiagnosticList& diagnostics,
                                                        const CompileOptions& options = {});

}  // namespace usegate::compiler
