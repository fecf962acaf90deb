#pragma once
// "did you mean `region`?" for misspelled names.

#include <string>
#include <string_view>
#include <vector>

namespace usegate {

// The help line for a misspelled name, or empty when no candidate is close enough.
[[nodiscard]] std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace usegate
