#pragma once
// A unified diff of two texts (as `diff -u` prints it): golden files that do not match, and
// what `usegate fmt --diff` would change.

#include <string>
#include <string_view>

namespace usegate {

// Empty when the texts are equal. Lines are compared with their line ends, so a missing final
// newline shows as `\ No newline at end of file`.
[[nodiscard]] std::string unified_diff(std::string_view expected, std::string_view actual,
                                       std::string_view expected_name, std::string_view actual_name);

}  // namespace usegate
