#include "text_input.hpp"

#include <fmt/format.h>

namespace usegate::cli {
namespace {

bool is_control(std::uint32_t code_point) {
  return (code_point < 0x20 && code_point != '\t' && code_point != '\n' && code_point != '\r') ||
         (code_point >= 0x7F && code_point < 0xA0);
}

// The length of the UTF-8 sequence at `at` that encodes no control character, or 0.
std::size_t text_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  std::uint32_t smallest = 0;  // the least code point that needs this many bytes (no overlong forms)
  if (lead < 0x80) {
    return is_control(lead) ? 0 : 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1Fu, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0Fu, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07u, smallest = 0x10000;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(at + i) & 0x3Fu);
  }
  if (code_point < smallest || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point < 0xE000)) return 0;
  return is_control(code_point) ? 0 : length;
}

}  // namespace

std::optional<NonTextByte> find_non_text_byte(std::string_view text) {
  NonTextByte where;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = text_sequence_length(text, at);
    if (length == 0) {
      where.offset = at;
      where.byte = static_cast<unsigned char>(text[at]);
      return where;
    }
    if (text[at] == '\n') {
      ++where.line;
      where.column = 1;
    } else {
      where.column += static_cast<std::uint32_t>(length);  // columns count bytes, as in diagnostics
    }
    at += length;
  }
  return std::nullopt;
}

std::string non_text_message(const std::string& path, const NonTextByte& where, const char* what,
                             std::string_view help) {
  return fmt::format("{}:{}:{}: error: the {} holds a byte that is not text (0x{:02X})\n = help: {}\n", printable(path),
                     where.line, where.column, what, where.byte, help);
}

std::string printable(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = text_sequence_length(text, at);
    if (length == 0) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[at]));
      ++at;
      continue;
    }
    out.append(text, at, length);
    at += length;
  }
  return out;
}

}  // namespace usegate::cli
