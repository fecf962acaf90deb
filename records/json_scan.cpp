#include "json_scan.hpp"

#include <simdjson.h>

#include <algorithm>
#include <vector>

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif

namespace usegate::records::json_scan {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Whether the eight bytes at `at` are all digits: each byte's high nibble is 3, and still 3
// with 6 added (0x3A..0x3F become 0x40..0x45; no byte carries into the next).
bool eight_digits(const char* at) {
  std::uint64_t word = 0;
  std::memcpy(&word, at, 8);
  constexpr std::uint64_t nibbles = 0xF0F0F0F0F0F0F0F0ULL;
  constexpr std::uint64_t threes = 0x3030303030303030ULL;
  return (word & nibbles) == threes && ((word + 0x0606060606060606ULL) & nibbles) == threes;
}

const char* digits_end(const char* at, const char* end) {
  while (end - at >= 8 && eight_digits(at)) at += 8;
  while (at < end && is_digit(*at)) ++at;
  return at;
}

// The first `"`, `\` or control character at or after `text`, or `end`: for strings with
// escapes, read byte by byte.
const char* string_stop(const char* text, const char* end) {
  while (text < end && *text != '"' && *text != '\\' && static_cast<unsigned char>(*text) >= 0x20) ++text;
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const char* escaped_string_close(const char* at, const char* end) {
  for (;;) {
    if (end - at < 2) return nullptr;
    switch (at[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't': at += 2; break;
      case 'u': {
        if (end - at < 6) return nullptr;
        std::uint32_t code_point = 0;
        for (int i = 2; i < 6; ++i) {
          const int digit = hex_digit(at[i]);
          if (digit < 0) return nullptr;
          code_point = code_point * 16 + static_cast<std::uint32_t>(digit);
        }
        // Surrogates must pair up; simdjson's own check decides.
        if (code_point >= 0xD800 && code_point <= 0xDFFF) return nullptr;
        at += 6;
        break;
      }
      default: return nullptr;
    }
    const char* stop = string_stop(at, end);
    if (stop == end) return nullptr;
    if (*stop == '"') return stop;
    if (*stop != '\\') return nullptr;
    at = stop;
  }
}

const char* number_end(const char* at, const char* end, bool& integer) {
  const bool negative = at < end && *at == '-';
  const char* digits = at + (negative ? 1 : 0);
  if (digits >= end || !is_digit(*digits)) return nullptr;
  const char* at_end = *digits == '0' ? digits + 1 : digits_end(digits + 1, end);
  const auto integer_digits = static_cast<std::size_t>(at_end - digits);
  integer = true;
  if (at_end < end && *at_end == '.') {
    integer = false;
    const char* fraction = at_end + 1;
    at_end = digits_end(fraction, end);
    if (at_end == fraction) return nullptr;
  }
  long exponent = 0;
  if (at_end < end && (*at_end == 'e' || *at_end == 'E')) {
    integer = false;
    ++at_end;
    const bool negative_exponent = at_end < end && *at_end == '-';
    if (at_end < end && (*at_end == '-' || *at_end == '+')) ++at_end;
    const char* exponent_digits = at_end;
    for (; at_end < end && is_digit(*at_end); ++at_end) {
      if (at_end - exponent_digits == 4) return nullptr;  // an extreme exponent: On-Demand reads it
      exponent = exponent * 10 + (*at_end - '0');
    }
    if (at_end == exponent_digits) return nullptr;
    if (negative_exponent) exponent = -exponent;
  }
  if (integer) {
    // simdjson reads integers into 64 bits: from -2^63 up to 2^64 - 1. Equal lengths of digits
    // compare as text.
    const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
    if (integer_digits > limit.size()) return nullptr;
    if (integer_digits == limit.size() && std::memcmp(digits, limit.data(), limit.size()) > 0) return nullptr;
    return at_end;
  }
  // The value is below 10^(digits before the point + exponent) (no digit counts when the part
  // before the point is 0); below 10^308 it is surely a finite double (DBL_MAX is 1.8e308).
  const long magnitude_bound = (*digits == '0' ? 0 : static_cast<long>(integer_digits)) + exponent;
  return magnitude_bound <= 308 ? at_end : nullptr;
}

double integer_value(std::string_view token) {
  const bool negative = !token.empty() && token.front() == '-';
  std::uint64_t magnitude = 0;
  for (const char digit : token.substr(negative ? 1 : 0))
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(digit - '0');
  if (negative) return static_cast<double>(static_cast<std::int64_t>(~magnitude + 1));
  if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) return static_cast<double>(magnitude);
  return static_cast<double>(static_cast<std::int64_t>(magnitude));
}

BlockMasks classify_block_bytewise(const char* block) {
  BlockMasks masks;
  for (unsigned i = 0; i < 64; ++i) {
    const auto byte = static_cast<unsigned char>(block[i]);
    const std::uint64_t bit = std::uint64_t{1} << i;
    if (byte == '"') masks.quotes |= bit;
    if (byte == '\\' || byte < 0x20) masks.specials |= bit;
    if (byte >= 0x80) masks.high |= bit;
  }
  return masks;
}

BlockMasks classify_block(const char* block) {
#if defined(__AVX512BW__)
  const __m512i bytes = _mm512_loadu_si512(block);
  BlockMasks masks;
  masks.quotes = _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('"'));
  masks.specials =
      _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\\')) | _mm512_cmplt_epu8_mask(bytes, _mm512_set1_epi8(0x20));
  masks.high = _mm512_movepi8_mask(bytes);
  return masks;
#elif defined(__AVX2__)
  BlockMasks masks;
  for (unsigned half = 0; half < 2; ++half) {
    const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * half));
    const __m256i quotes = _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('"'));
    const __m256i backslashes = _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('\\'));
    // Unsigned: a byte is below 0x20 exactly when max(byte, 0x1F) is 0x1F.
    const __m256i controls = _mm256_cmpeq_epi8(_mm256_max_epu8(bytes, _mm256_set1_epi8(0x1F)), _mm256_set1_epi8(0x1F));
    const unsigned shift = 32 * half;
    masks.quotes |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(quotes))} << shift;
    masks.specials |=
        std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(backslashes, controls)))}
        << shift;
    masks.high |= std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(bytes))} << shift;
  }
  return masks;
#elif defined(__SSE2__)
  BlockMasks masks;
  for (unsigned quarter = 0; quarter < 4; ++quarter) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * quarter));
    const __m128i quotes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
    const __m128i backslashes = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
    const __m128i controls = _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    const unsigned shift = 16 * quarter;
    masks.quotes |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(quotes))} << shift;
    masks.specials |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_or_si128(backslashes, controls)))}
                      << shift;
    masks.high |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(bytes))} << shift;
  }
  return masks;
#else
  return classify_block_bytewise(block);
#endif
}

bool TextScanner::start(const char* text, std::size_t size) {
  text_ = text;
  end_ = text + size;
  const std::size_t blocks = (size + 63) / 64;
  quotes_.resize(blocks);
  specials_.resize(blocks);
  std::uint64_t any_special = 0;
  std::uint64_t any_high = 0;
  for (std::size_t block = 0; block < blocks; ++block) {
    BlockMasks masks = classify_block(text + 64 * block);
    if (block + 1 == blocks && size % 64 != 0) {
      // The bytes after the line (the next line, padding) do not count.
      const std::uint64_t inside = (std::uint64_t{1} << (size % 64)) - 1;
      masks.quotes &= inside;
      masks.specials &= inside;
      masks.high &= inside;
    }
    quotes_[block] = masks.quotes;
    specials_[block] = masks.specials;
    any_special |= masks.specials;
    any_high |= masks.high;
  }
  has_specials_ = any_special != 0;
  quote_block_ = 0;
  quote_bits_ = blocks == 0 ? 0 : quotes_[0];
  return any_high == 0 || simdjson::validate_utf8(text, size);
}

const char* TextScanner::value_end(const char* at, unsigned depth) {
  if (at >= end_) return nullptr;
  switch (*at) {
    case '"': {
      bool escaped = false;
      const char* close = string_close(at + 1, escaped);
      return close == nullptr ? nullptr : close + 1;
    }
    case '{': return object_end(at + 1, depth);
    case '[': return array_end(at + 1, depth);
    case 't': return literal_end(at, end_, "true");
    case 'f': return literal_end(at, end_, "false");
    case 'n': return literal_end(at, end_, "null");
    default: {
      bool integer = false;
      return number_end(at, end_, integer);
    }
  }
}

const char* TextScanner::object_end(const char* at, unsigned depth) {
  if (depth > max_scan_depth) return nullptr;
  at = skip_space(at);
  if (at < end_ && *at == '}') return at + 1;
  for (;;) {
    if (at >= end_ || *at != '"') return nullptr;
    bool escaped = false;
    const char* close = string_close(at + 1, escaped);
    if (close == nullptr) return nullptr;
    at = skip_space(close + 1);
    if (at >= end_ || *at != ':') return nullptr;
    at = value_end(skip_space(at + 1), depth + 1);
    if (at == nullptr) return nullptr;
    at = skip_space(at);
    if (at >= end_) return nullptr;
    if (*at == '}') return at + 1;
    if (*at != ',') return nullptr;
    at = skip_space(at + 1);
  }
}

const char* TextScanner::array_end(const char* at, unsigned depth) {
  if (depth > max_scan_depth) return nullptr;
  at = skip_space(at);
  if (at < end_ && *at == ']') return at + 1;
  for (;;) {
    at = value_end(at, depth + 1);
    if (at == nullptr) return nullptr;
    at = skip_space(at);
    if (at >= end_) return nullptr;
    if (*at == ']') return at + 1;
    if (*at != ',') return nullptr;
    at = skip_space(at + 1);
  }
}

bool has_repeated_key_sorting(std::span<const KeyMark> keys) {
  std::vector<std::string_view> sorted;
  sorted.reserve(keys.size());
  for (const KeyMark& key : keys) sorted.emplace_back(key.text, key.length);
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

}  // namespace usegate::records::json_scan
