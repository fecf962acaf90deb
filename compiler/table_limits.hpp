#pragma once
// What one decision table can hold. The artifact names a rule in 15 bits of a cell and a
// variable's codes in 16 bits, and the runtime refuses to load an artifact beyond that; so
// the checker reports a policy beyond a limit where it passes it, and compile_policy refuses
// it with the same message. `usegate check` passes exactly what `usegate build` can write.
//
//   rules, each setting's opt-out included    at most runtime::max_rules (32766)
//   values of one enum                        at most 65533 (65535 codes: missing, unknown, values)
//   distinct constants one time or number     at most 32766 (65535 codes: missing, unknown,
//     attribute is compared with                one per constant, one per gap around them)
//   variables: tested attributes and settings at most CompileOptions::max_table_variables
//                                             (4096; the artifact could name 65535)

#include <cstdint>
#include <string>
#include <vector>

#include "usegate/base/source.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"

namespace usegate::compiler {

inline constexpr std::uint32_t max_variable_cells = 0xFFFF;
inline constexpr std::uint32_t max_enum_values = max_variable_cells - 2;
inline constexpr std::uint32_t max_ordered_constants = (max_variable_cells - 3) / 2;
inline constexpr std::uint32_t max_artifact_variables = 0xFFFF;

struct TableLimitError {
  std::string message;
  std::string help;
  usegate::SourceSpan span;  // where the policy passes the limit
};

// Every limit the policy passes, once each, in the order of the table above.
[[nodiscard]] std::vector<TableLimitError> table_limit_errors(const CheckedPolicy& policy,
                                                              const CompileOptions& options);

}  // namespace usegate::compiler
