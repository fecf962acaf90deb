#pragma once
// `{}` placeholders filled in order, for messages of the libraries that must not depend on
// anything but the C++ standard library (the runtime, and base itself). GCC 12's library has
// no std::format; fmt is for the stages that may link it. Only `{}`, `{{` and `}}`: a message
// needs no more.

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace usegate {

namespace format_text_detail {

// One argument as text: strings as they are, integers in decimal, characters as themselves.
inline void append(std::string& out, std::string_view text) {
  out += text;
}
inline void append(std::string& out, char character) {
  out += character;
}
template <std::integral Integer>
requires(!std::same_as<Integer, char> && !std::same_as<Integer, bool>) void append(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Appends the pattern up to its next `{}` (unescaping `{{` and `}}`); the rest stays in it.
void append_until_placeholder(std::string& out, std::string_view& pattern);

}  // namespace format_text_detail

template <typename... Args>
[[nodiscard]] std::string format_text(std::string_view pattern, const Args&... args) {
  std::string out;
  out.reserve(pattern.size() + 16 * sizeof...(args));
  ((format_text_detail::append_until_placeholder(out, pattern), format_text_detail::append(out, args)), ...);
  format_text_detail::append_until_placeholder(out, pattern);
  return out;
}

// A count and what it counts, for messages: `1 record`, `2 records`, `0 records`. The plural
// is the noun and an `s`, which every noun a message counts takes.
[[nodiscard]] inline std::string counted(std::uint64_t count, std::string_view noun) {
  std::string out = std::to_string(count);
  out += ' ';
  out += noun;
  if (count != 1) out += 's';
  return out;
}

// A 32-bit value as 8 lower-case hex digits (checksums).
[[nodiscard]] std::string hex32(std::uint32_t value);

}  // namespace usegate
