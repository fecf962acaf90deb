#pragma once
// The policy a stream command decides with: a `.policy` source (checked and compiled in
// memory) or a built artifact (recognised by its magic bytes).

#include <optional>
#include <string>

#include "usegate/usegate.hpp"

namespace usegate::cli {

// Prints diagnostics or load errors on stderr and returns nothing when the policy is unusable.
[[nodiscard]] std::optional<Policy> load_decision_policy(const std::string& path);

}  // namespace usegate::cli
