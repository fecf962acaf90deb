#pragma once
// The policy a command decides records with: a `.policy` source (checked and compiled in
// memory) or a built artifact (recognised by its magic bytes).

#include <optional>
#include <string>

#include "usegate/compiler/checked_policy.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

// Prints diagnostics or load errors on stderr and returns nothing when the policy is unusable.
[[nodiscard]] std::optional<Policy> load_decision_policy(const std::string& path);

// Compiles a policy that checked (read from `path`) for deciding records; prints the error on
// stderr and returns nothing when it does not compile within the table budget.
[[nodiscard]] std::optional<Policy> compile_decision_policy(const compiler::CheckedPolicy& checked,
                                                            const std::string& path);

}  // namespace usegate::cli
