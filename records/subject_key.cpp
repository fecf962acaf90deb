#include "usegate/records/subject_key.hpp"

#include <charconv>
#include <cstdint>

namespace usegate::records {
namespace {

// The first byte of the keys of numbers other than integers written out: never a byte of UTF-8.
constexpr char number_kind = '\xFF';

// Exponents of up to this many digits are added to in 64-bit arithmetic: with the shift a
// token's own digits make (less than its length), they stay far from overflow.
constexpr std::size_t small_exponent_digits = 18;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t skip_digits(std::string_view text, std::size_t at) {
  while (at < text.size() && is_digit(text[at])) ++at;
  return at;
}

void append_integer(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

// `magnitude` (decimal digits, no leading zero, more digits than `delta` has) plus `delta`,
// appended to `out` as decimal digits. The sum cannot reach zero or change sign.
void append_offset_magnitude(std::string& out, std::string_view magnitude, std::int64_t delta) {
  const std::size_t start = out.size();
  out.append(magnitude);
  const bool subtract = delta < 0;
  std::uint64_t rest =
      subtract ? std::uint64_t{0} - static_cast<std::uint64_t>(delta) : static_cast<std::uint64_t>(delta);
  int carry = 0;
  for (std::size_t i = out.size(); i-- > start && (rest > 0 || carry != 0);) {
    int digit = out[i] - '0';
    const int change = static_cast<int>(rest % 10) + carry;
    rest /= 10;
    if (subtract) {
      digit -= change;
      carry = digit < 0 ? 1 : 0;
      digit += carry * 10;
    } else {
      digit += change;
      carry = digit / 10;
      digit %= 10;
    }
    out[i] = static_cast<char>('0' + digit);
  }
  if (carry != 0) out.insert(out.begin() + static_cast<std::ptrdiff_t>(start), '1');
  // A subtraction may leave a leading zero (1000…0 − 1 = 0999…9).
  std::size_t zeros = 0;
  while (start + zeros + 1 < out.size() && out[start + zeros] == '0') ++zeros;
  out.erase(start, zeros);
}

}  // namespace

void subject_key_from_string(std::string_view text, std::string& key) {
  key.clear();
  if (!text.empty() && text.front() == number_kind) key += number_kind;
  key.append(text);
}

bool subject_key_from_number(std::string_view token, std::string& key) {
  // The JSON grammar: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
  std::size_t at = 0;
  const bool negative = at < token.size() && token[at] == '-';
  if (negative) ++at;
  const std::size_t integer_begin = at;
  if (at >= token.size() || !is_digit(token[at])) return false;
  at = token[at] == '0' ? at + 1 : skip_digits(token, at);
  const std::string_view integer_part = token.substr(integer_begin, at - integer_begin);
  std::string_view fraction;
  if (at < token.size() && token[at] == '.') {
    const std::size_t begin = ++at;
    at = skip_digits(token, at);
    if (at == begin) return false;
    fraction = token.substr(begin, at - begin);
  }
  bool exponent_negative = false;
  std::string_view exponent;
  const bool has_exponent = at < token.size() && (token[at] == 'e' || token[at] == 'E');
  if (has_exponent) {
    ++at;
    if (at < token.size() && (token[at] == '+' || token[at] == '-')) exponent_negative = token[at++] == '-';
    const std::size_t begin = at;
    at = skip_digits(token, at);
    if (at == begin) return false;
    exponent = token.substr(begin, at - begin);
  }
  if (at != token.size()) return false;

  key.clear();
  // The common case, a plain integer: its text is already canonical (JSON allows no leading
  // zero), but for the sign of zero.
  if (fraction.empty() && !has_exponent && integer_part.size() <= subject_key_integer_digits) {
    if (negative && integer_part != "0") key += '-';
    key.append(integer_part);
    return true;
  }

  // The value is digits × 10^(exponent − fraction length), digits being the integer part
  // followed by the fraction. Leading zeros of the digits change nothing; each trailing zero
  // dropped adds one to the power of ten.
  const std::size_t digit_count = integer_part.size() + fraction.size();
  const auto digit_at = [&](std::size_t i) {
    return i < integer_part.size() ? integer_part[i] : fraction[i - integer_part.size()];
  };
  std::size_t first = 0;
  while (first < digit_count && digit_at(first) == '0') ++first;
  if (first == digit_count) {
    key += '0';
    return true;
  }
  std::size_t last = digit_count;
  while (digit_at(last - 1) == '0') --last;
  const std::size_t significant = last - first;
  const std::int64_t shift = static_cast<std::int64_t>(digit_count - last) - static_cast<std::int64_t>(fraction.size());

  while (exponent.size() > 1 && exponent.front() == '0') exponent.remove_prefix(1);
  const auto append_significant = [&] {
    if (negative) key += '-';
    for (std::size_t i = first; i < last; ++i) key += digit_at(i);
  };

  if (exponent.size() > small_exponent_digits) {
    // So far from 1 that no integer of it is written out: only the numeric form.
    key += number_kind;
    append_significant();
    key += 'e';
    if (exponent_negative) key += '-';
    append_offset_magnitude(key, exponent, exponent_negative ? -shift : shift);
    return true;
  }
  std::int64_t power = 0;
  std::from_chars(exponent.data(), exponent.data() + exponent.size(), power);
  power = (exponent_negative ? -power : power) + shift;
  if (power >= 0 && significant + static_cast<std::uint64_t>(power) <= subject_key_integer_digits) {
    append_significant();
    key.append(static_cast<std::size_t>(power), '0');
    return true;
  }
  key += number_kind;
  append_significant();
  key += 'e';
  append_integer(key, power);
  return true;
}

}  // namespace usegate::records
