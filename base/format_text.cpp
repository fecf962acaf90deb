#include "usegate/base/format_text.hpp"

namespace usegate {

namespace format_text_detail {

void append_until_placeholder(std::string& out, std::string_view& pattern) {
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
      out += c;  // `{{` or `}}`
      i += 2;
    } else if (c == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}') {
      pattern.remove_prefix(i + 2);
      return;
    } else {
      out += c;
      ++i;
    }
  }
  pattern = {};
}

}  // namespace format_text_detail

std::string hex32(std::uint32_t value) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = digits[value & 0xF];
  return out;
}

}  // namespace usegate
