#pragma once
// How a compiled policy numbers what it decides over, defined once for the compiler that
// writes tables and the runtime that reads them: the codes of each variable's cells and the
// decision cell. docs/artifact.md documents the same numbers.

#include <cstddef>
#include <cstdint>

namespace usegate::runtime {

enum class VariableKind : std::uint8_t {
  categorical = 0,  // codes: missing, unknown, then one per value
  ordered = 1,      // codes: missing, unknown, then (-inf,c0), [c0], (c0,c1), ..., (ck-1,+inf)
  setting = 2,      // codes: off, on
};

inline constexpr std::uint16_t missing_code = 0;
inline constexpr std::uint16_t unknown_code = 1;
inline constexpr std::uint16_t first_value_code = 2;
inline constexpr std::uint16_t setting_off_code = 0;
inline constexpr std::uint16_t setting_on_code = 1;

// A decision cell: bit 0 is allow, the rest the reason: 0 the default, r the rule r - 1.
using Cell = std::uint16_t;
inline constexpr std::size_t max_rules = 0x7FFE;  // reasons must fit a cell

[[nodiscard]] constexpr std::uint32_t encode_cell(bool allow, std::uint32_t reason) {
  return (reason << 1) | (allow ? 1U : 0U);
}
[[nodiscard]] constexpr bool cell_allows(std::uint32_t cell) {
  return (cell & 1U) != 0;
}
[[nodiscard]] constexpr std::uint32_t cell_reason(std::uint32_t cell) {
  return cell >> 1;
}

}  // namespace usegate::runtime
