#pragma once
// Strict JSON (RFC 8259) checks on top of simdjson On-Demand, for the record and consent readers.
//
// On-Demand validates UTF-8, control characters in strings and the placement of brackets and
// quotes for the whole line, but it does not look at a value nobody asks for: `tru`, `01` or
// `[1,]` in a skipped field would pass. A reader that lets such a line through hands
// downstream readers something they may read differently, or not at all. So every value the
// decoder does not read is walked here, and every scalar is checked the way a strict reader
// checks it.
//
// Numbers that are valid JSON text but that readers disagree on — integers outside 64 bits,
// magnitudes beyond a double — are refused too: some readers fail on them, others round them
// or read infinity, so a decision on one reading could differ from what a downstream job sees.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "usegate/records/record_decoder.hpp"

namespace usegate::records {

// Nesting deeper than this is refused (too_deep); the walk below recurses once per level.
inline constexpr unsigned max_json_depth = 1024;

// Whole-value validation for values nobody reads. `depth` is the nesting of `value` itself.
// `escapes` is false when the line holds no backslash: its strings then need no unescaping.
// Scalars, the common case, are checked inline; objects and arrays out of line.
[[nodiscard]] inline simdjson::error_code validate_json_value(simdjson::ondemand::value value, unsigned depth,
                                                              bool escapes);

// An object or an array, member by member.
[[nodiscard]] simdjson::error_code validate_json_container(simdjson::ondemand::value value,
                                                           simdjson::ondemand::json_type type, unsigned depth,
                                                           bool escapes);
// A string: its escapes, when the line has any. Consumed either way: On-Demand checks what
// follows a value only when the value was read; otherwise it skips ahead, and takes a string
// followed by `:` for a key, which lets `["a","b":{}}` through.
[[nodiscard]] simdjson::error_code validate_json_string(simdjson::ondemand::value& value, bool escapes);
// A number: its syntax, and that readers agree on it (see above).
[[nodiscard]] simdjson::error_code validate_json_number(simdjson::ondemand::value& value);

inline simdjson::error_code validate_json_value(simdjson::ondemand::value value, unsigned depth, bool escapes) {
  using simdjson::ondemand::json_type;
  json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case json_type::string: return validate_json_string(value, escapes);
    case json_type::number: return validate_json_number(value);
    case json_type::boolean: {
      bool flag = false;
      return value.get_bool().get(flag);
    }
    case json_type::null: {
      bool is_null = false;
      if (auto error = value.is_null().get(is_null)) return error;
      return is_null ? simdjson::SUCCESS : simdjson::INCORRECT_TYPE;
    }
    case json_type::object:
    case json_type::array: return validate_json_container(value, type, depth, escapes);
  }
  return simdjson::TAPE_ERROR;
}

// Checks a whole document whose root is an object, with no key twice in the root, for readers
// that are not on a hot path (consent changes). The document must be rewound before reading.
[[nodiscard]] RejectCause validate_json_object_document(simdjson::ondemand::document& document);

// The first `"` or `\` at or after `text`: the end of a string's text when it has no escape.
// `text` lies in a padded input where the string is known to be closed. Inline: it runs for
// every key of every record.
[[nodiscard]] inline const char* string_text_end(const char* text) {
  // Eight bytes at a time: a byte equal to `"` or `\` sets its high bit in `found` (bits above
  // the lowest may be false alarms; the lowest is exact).
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  for (;; text += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text, 8);
    const std::uint64_t quote = word ^ (ones * '"');
    const std::uint64_t backslash = word ^ (ones * '\\');
    const std::uint64_t found = ((quote - ones) & ~quote & highs) | ((backslash - ones) & ~backslash & highs);
    if (found != 0) return text + (__builtin_ctzll(found) >> 3);
  }
}

// Whether `token` (a number as written, possibly followed by white space) follows the JSON
// number grammar. Tells an out-of-range number from one that is not a number at all.
[[nodiscard]] bool is_json_number_text(std::string_view token);

// The reject cause of a simdjson error met while reading a number whose token is `token`.
[[nodiscard]] RejectCause number_error_cause(simdjson::error_code error, std::string_view token);

// Whether any two keys are equal (keys already unescaped), for many keys.
[[nodiscard]] bool has_duplicate_key_sorting(std::span<const std::string_view> keys);

// Whether any two keys are equal (keys already unescaped). Records have a handful of keys:
// comparing pairs, mostly by length alone, beats hashing them.
[[nodiscard]] inline bool has_duplicate_key(std::span<const std::string_view> keys) {
  if (keys.size() > 32) return has_duplicate_key_sorting(keys);
  for (std::size_t i = 1; i < keys.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[i].size() == keys[j].size() && std::memcmp(keys[i].data(), keys[j].data(), keys[i].size()) == 0) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace usegate::records
