#pragma once
// Reading record times into time keys (see base/calendar.hpp) on the hot path. The
// hand-written baseline of bench/ and the command line's `--now` use it too.

#include <cstdint>
#include <optional>
#include <string_view>

namespace usegate::runtime {

// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, years 0000 to 9999 after
// conversion to UTC; anything else is not a time.
[[nodiscard]] std::optional<double> time_key_from_text(std::string_view text);
// Epoch seconds (a fraction allowed) within the same years.
[[nodiscard]] std::optional<double> time_key_from_epoch(double epoch_seconds);
// `--now` and similar: ISO-8601 text or whole epoch seconds, to epoch seconds (a fraction of a
// second is dropped).
[[nodiscard]] std::optional<std::int64_t> epoch_seconds_from_text(std::string_view text);

}  // namespace usegate::runtime
