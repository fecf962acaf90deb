#pragma once
// Strict JSON (RFC 8259) checked straight on a line's bytes: the record decoder's fast path.
//
// Checking a record through simdjson On-Demand costs a chain of calls per value, and every value
// has to be visited to be checked (json_validation.hpp), so the checks cost more than the parse.
// The scanner here checks the text itself in one pass and builds nothing. It vouches only for
// what it is sure of: each function returns where the text it checked ends, or nullptr when that
// text is not JSON *or* is JSON of a kind left to the exact reader — escaped surrogates, numbers
// near the limits of a double or of 64 bits, nesting deeper than `max_scan_depth`. On nullptr
// the decoder reads the line again with On-Demand, which finds the exact reject cause (or
// accepts), so a nullptr never has to say why, and a line the scan accepts is one On-Demand
// accepts too.
//
// Strings are found without looking at their bytes one by one: the line is first classified a
// block of 64 bytes at a time into bit masks of its quotes and of its backslashes and control
// characters, so a string without escapes ends at the next quote bit. The bytes after the line
// are readable (the rest of the line and the block's padding, at least SIMDJSON_PADDING bytes),
// so whole blocks and words are read across the end, but nothing past it counts.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace usegate::records::json_scan {

// Deeper nesting is left to On-Demand (which refuses beyond max_json_depth).
inline constexpr unsigned max_scan_depth = 64;

[[nodiscard]] inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// One 64-byte block of text as bit masks, bit i for byte i.
struct BlockMasks {
  std::uint64_t quotes = 0;
  std::uint64_t specials = 0;  // backslashes and control characters (below 0x20)
  std::uint64_t high = 0;      // bytes of 0x80 and above
};

// The masks of the 64 bytes at `block`, with vector instructions where the target has them.
[[nodiscard]] BlockMasks classify_block(const char* block);
// The same one byte at a time: the reference the vector version is tested against.
[[nodiscard]] BlockMasks classify_block_bytewise(const char* block);

// The escapes of a string from `at` (a backslash) on: returns its closing quote.
[[nodiscard]] const char* escaped_string_close(const char* at, const char* end);

// A number: returns where it ends; `integer`: it has no fraction and no exponent. Numbers that a
// double or 64 bits may not hold are left to On-Demand (it refuses them as number_out_of_range,
// or they are close enough to the edge to need its own reading).
[[nodiscard]] const char* number_end(const char* at, const char* end, bool& integer);

// The value of an integer that number_end passed, as simdjson reads it: through an int64 (so
// `-0` is 0) or, beyond, a uint64.
[[nodiscard]] double integer_value(std::string_view token);

// `true`, `false` or `null` at `at`: returns its end. Whatever follows is checked by the caller.
[[nodiscard]] inline const char* literal_end(const char* at, const char* end, std::string_view literal) {
  if (static_cast<std::size_t>(end - at) < literal.size()) return nullptr;
  return std::memcmp(at, literal.data(), literal.size()) == 0 ? at + literal.size() : nullptr;
}

// One line's scan. Reused from line to line: its masks keep their memory.
class TextScanner {
 public:
  // Classifies the line; false when it is not UTF-8 (On-Demand then says so).
  [[nodiscard]] bool start(const char* text, std::size_t size);

  [[nodiscard]] const char* end() const { return end_; }

  [[nodiscard]] const char* skip_space(const char* at) const {
    while (at < end_ && is_space(*at)) ++at;
    return at;
  }

  // A string from just after its opening quote: returns its closing quote, or nullptr.
  // `escaped`: it holds an escape (its text in the input is not its value). Strings must be
  // asked for in the order they come in the line, every one of them.
  [[nodiscard]] const char* string_close(const char* text, bool& escaped) {
    escaped = false;
    if (!has_specials_) {
      // Every quote opens or closes a string: the next two quote bits are this string's. An
      // opening quote out of step means a quote where no string can be: not JSON.
      if (next_quote() != text - 1) return nullptr;
      const char* close = next_quote();
      return close == end_ ? nullptr : close;
    }
    const char* close = next_bit(quotes_, text);
    if (close == end_) return nullptr;
    const char* special = next_bit(specials_, text);
    if (special > close) return close;
    if (*special != '\\') return nullptr;  // a raw control character
    escaped = true;
    return escaped_string_close(special, end_);
  }

  // A whole value starting at `at`; `depth` is its nesting. Returns its end.
  [[nodiscard]] const char* value_end(const char* at, unsigned depth);

 private:
  // The first byte at or after `at` whose bit is set in `masks`, or end_.
  [[nodiscard]] const char* next_bit(const std::vector<std::uint64_t>& masks, const char* at) const {
    auto offset = static_cast<std::size_t>(at - text_);
    std::size_t block = offset >> 6;
    if (block >= masks.size()) return end_;
    std::uint64_t bits = masks[block] & (~std::uint64_t{0} << (offset & 63));
    while (bits == 0) {
      if (++block == masks.size()) return end_;
      bits = masks[block];
    }
    return text_ + (block << 6) + __builtin_ctzll(bits);
  }

  // The quote after the last one taken, or end_: quote bits one by one, for lines with no
  // escape and no control character.
  [[nodiscard]] const char* next_quote() {
    while (quote_bits_ == 0) {
      if (++quote_block_ >= quotes_.size()) return end_;
      quote_bits_ = quotes_[quote_block_];
    }
    const auto bit = static_cast<std::size_t>(__builtin_ctzll(quote_bits_));
    quote_bits_ &= quote_bits_ - 1;
    return text_ + (quote_block_ << 6) + bit;
  }

  [[nodiscard]] const char* object_end(const char* at, unsigned depth);
  [[nodiscard]] const char* array_end(const char* at, unsigned depth);

  const char* text_ = nullptr;
  const char* end_ = nullptr;
  std::vector<std::uint64_t> quotes_;    // one per block of 64 bytes, nothing past end_
  std::vector<std::uint64_t> specials_;  // the same
  bool has_specials_ = false;
  std::size_t quote_block_ = 0;  // next_quote's place
  std::uint64_t quote_bits_ = 0;
};

// A key of an object, where it lies in the input (it holds no escape), for the repeated-key
// check: its first eight bytes (zero beyond its length) compare most keys in one step.
struct KeyMark {
  std::uint64_t head;
  std::uint32_t length;
  const char* text;
};

[[nodiscard]] inline KeyMark key_mark(const char* text, std::size_t length) {
  std::uint64_t head = 0;
  std::memcpy(&head, text, 8);  // in a padded input
  if (length < 8) head &= (std::uint64_t{1} << (8 * length)) - 1;
  return KeyMark{head, static_cast<std::uint32_t>(length), text};
}

// Whether any two keys are equal, for many keys.
[[nodiscard]] bool has_repeated_key_sorting(std::span<const KeyMark> keys);

// Whether any two keys are equal. Keys of up to eight bytes are equal exactly when their heads
// and lengths are; longer ones are compared in full only then.
[[nodiscard]] inline bool has_repeated_key(std::span<const KeyMark> keys) {
  if (keys.size() > 32) return has_repeated_key_sorting(keys);
  for (std::size_t i = 1; i < keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[i].head != keys[j].head || keys[i].length != keys[j].length) continue;
      if (keys[i].length <= 8 || std::memcmp(keys[i].text + 8, keys[j].text + 8, keys[i].length - 8) == 0) return true;
    }
  }
  return false;
}

}  // namespace usegate::records::json_scan
