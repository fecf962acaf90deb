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
#include <span>
#include <string_view>

#include "usegate/runtime/record_decoder.hpp"

namespace usegate::runtime {

// Nesting deeper than this is refused (too_deep); the walk below recurses once per level.
inline constexpr unsigned max_json_depth = 1024;

// Whole-value validation for values nobody reads. `depth` is the nesting of `value` itself.
// `escapes` is false when the line holds no backslash: its strings then need no look at all.
[[nodiscard]] simdjson::error_code validate_json_value(simdjson::ondemand::value value, unsigned depth, bool escapes);

// Checks a whole document whose root is an object, with no key twice in the root, for readers
// that are not on a hot path (consent changes). The document must be rewound before reading.
[[nodiscard]] RejectCause validate_json_object_document(simdjson::ondemand::document& document);

// The first `"` or `\` at or after `text`: the end of a string's text when it has no escape.
// `text` lies in a padded input where the string is known to be closed.
[[nodiscard]] const char* string_text_end(const char* text);

// Whether `token` (a number as written, possibly followed by white space) follows the JSON
// number grammar. Tells an out-of-range number from one that is not a number at all.
[[nodiscard]] bool is_json_number_text(std::string_view token);

// The reject cause of a simdjson error met while reading a number whose token is `token`.
[[nodiscard]] RejectCause number_error_cause(simdjson::error_code error, std::string_view token);

// Whether any two keys are equal (keys already unescaped).
[[nodiscard]] bool has_duplicate_key(std::span<const std::string_view> keys);

}  // namespace usegate::runtime
