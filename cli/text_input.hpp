#pragma once
// Text files read whole (policies, bindings, scenarios) are checked to be text before they
// are parsed: every message about a file may quote its lines, and a message must never
// carry bytes that a terminal would take as commands (or that are not text at all).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace usegate::cli {

// Where a file stops being text: line and column (in bytes) 1-based, as in diagnostics.
struct NonTextByte {
  std::size_t offset = 0;
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  unsigned char byte = 0;
};

// The first byte that is not UTF-8, or that begins a control character other than tab,
// line feed and carriage return (C0, DEL, and C1 written in UTF-8). Nothing for text.
[[nodiscard]] std::optional<NonTextByte> find_non_text_byte(std::string_view text);

// `FILE:LINE:COL: error: the WHAT holds a byte that is not text (0x00)` and a help line.
[[nodiscard]] std::string non_text_message(const std::string& path, const NonTextByte& where, const char* what,
                                           std::string_view help);

// Text safe to print: control characters and bytes that are not UTF-8 become `\xNN`.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace usegate::cli
