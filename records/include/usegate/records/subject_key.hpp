#pragma once
// Subject keys: the bytes a subject id (the `user` of a consent change, or the field a record's
// setting is keyed by) is matched by, so that ids equal by value are equal byte for byte.
//
//   subject id (JSON)                         key
//   "u42"                                     u42          strings: their bytes
//   50, 50.0, 5e1, 5.0E+1, 500e-1, "50"       50           an integer and its decimal text are
//   -7, -7.0, "-7"                            -7           one subject
//   0, -0, 0.0e5, "0"                         0
//   123456789012345678901234, "1234…234"      1234…234     exactly, never through a double
//   1.5, 1.50, 15e-1                          \xFF15e-1    other numbers by value: significant
//   -0.25, -25e-2                             \xFF-25e-2   digits without leading or trailing
//   "1.5", "050", " 50", "50.0", "-0"         (as written)  zeros, then the power of ten; a string
//                                                          never reads as a number
//
// Two kinds of key, kept apart by the first byte: strings and integers are their (decimal)
// text, so a string id's key is the id itself; the other numbers start with the byte 0xFF,
// which no UTF-8 text contains. (A string that is not UTF-8 and starts with 0xFF gets a second
// 0xFF, so that even then no string takes a number's key.)
//
// A bound on the work: an integer of more than subject_key_integer_digits digits is not written
// out (`1e999999999` would take a gigabyte); it keeps the numeric kind's form (`\xFF1e999999999`),
// which is still exact by value, so it equals every other number token of that value but not
// the string of its digits. So a key is never longer than the longer of the id plus a few
// bytes and subject_key_integer_digits plus one.

#include <cstddef>
#include <string>
#include <string_view>

namespace usegate::records {

// Integers with at most this many digits key as their decimal text; longer ones as numbers.
inline constexpr std::size_t subject_key_integer_digits = 128;

// Canonical key of a subject id, so that ids equal by value are equal byte for byte.
// From a JSON string's content (already unescaped). Never fails.
void subject_key_from_string(std::string_view text, std::string& key);

// From a JSON number token exactly as written (e.g. `50`, `50.0`, `5e1`, `-0`,
// `123456789012345678901234`), without surrounding whitespace.
// Returns false if the token is not a JSON number (key unspecified then).
[[nodiscard]] bool subject_key_from_number(std::string_view token, std::string& key);

}  // namespace usegate::records
