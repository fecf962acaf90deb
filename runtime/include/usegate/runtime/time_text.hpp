#pragma once
// Reading record times into time keys (see base/calendar.hpp) on the hot path: defined here,
// inline, so that encoding a field does not pay for a call. The hand-written baseline of
// bench/ and the command line's `--now` use them too.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "usegate/base/calendar.hpp"

namespace usegate::runtime {

namespace time_text_detail {

constexpr std::int64_t earliest_second = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t latest_second = 253402300799;    // 9999-12-31T23:59:59Z

// Two ASCII digits at `p`, or -1.
inline int two_digits(const char* p) {
  const unsigned high = static_cast<unsigned char>(p[0]) - '0';
  const unsigned low = static_cast<unsigned char>(p[1]) - '0';
  return (high <= 9 && low <= 9) ? static_cast<int>(high * 10 + low) : -1;
}

// Days since the epoch of the first of each month, for the years records mostly hold, so
// that a date is one table read instead of the civil-calendar arithmetic (which the years
// outside the table still use).
constexpr int table_first_year = 1970;
constexpr int table_years = 130;
struct MonthStarts {
  std::int32_t days[table_years * 12 + 1];
};
constexpr MonthStarts make_month_starts() {
  MonthStarts starts{};
  for (int i = 0; i <= table_years * 12; ++i) {
    const int year = table_first_year + i / 12;
    const auto month = static_cast<unsigned>(i % 12 + 1);
    starts.days[i] = static_cast<std::int32_t>(calendar::days_from_civil(year, month, 1));
  }
  return starts;
}
constexpr MonthStarts month_starts = make_month_starts();

// Days since the epoch of a valid date, or nothing when the date does not exist.
inline std::optional<std::int64_t> epoch_days(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  const int index = (year - table_first_year) * 12 + (month - 1);
  if (index >= 0 && index < table_years * 12) {
    const std::int32_t first = month_starts.days[index];
    if (day > month_starts.days[index + 1] - first) return std::nullopt;
    return first + day - 1;
  }
  if (!calendar::is_valid_date(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) return std::nullopt;
  return calendar::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

}  // namespace time_text_detail

// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, years 0000 to 9999 after
// conversion to UTC; anything else is not a time.
inline std::optional<double> time_key_from_text(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const char* p = text.data();
  const int century = time_text_detail::two_digits(p), year_in_century = time_text_detail::two_digits(p + 2);
  const int month = time_text_detail::two_digits(p + 5), day = time_text_detail::two_digits(p + 8);
  if (century < 0 || year_in_century < 0 || month < 0 || day < 0) return std::nullopt;
  const auto days = time_text_detail::epoch_days(century * 100 + year_in_century, month, day);
  if (!days) return std::nullopt;
  std::int64_t seconds = *days * 86400;
  if (text.size() == 10) return calendar::time_key(seconds, false);

  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const int hour = time_text_detail::two_digits(p + 11), minute = time_text_detail::two_digits(p + 14),
            second = time_text_detail::two_digits(p + 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return std::nullopt;
  seconds += hour * 3600 + minute * 60 + second;

  std::size_t at = 19;
  bool fraction = false;
  if (text[at] == '.') {
    const std::size_t first_digit = ++at;
    for (; at < text.size() && static_cast<unsigned>(text[at] - '0') <= 9; ++at) fraction |= text[at] != '0';
    if (at == first_digit) return std::nullopt;
  }
  if (at + 1 == text.size() && text[at] == 'Z') {
    // UTC already.
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    const int offset_hours = time_text_detail::two_digits(p + at + 1),
              offset_minutes = time_text_detail::two_digits(p + at + 4);
    if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) return std::nullopt;
    const int offset = offset_hours * 3600 + offset_minutes * 60;
    seconds += text[at] == '+' ? -offset : offset;  // local time minus its offset is UTC
  } else {
    return std::nullopt;
  }
  if (seconds < time_text_detail::earliest_second || seconds > time_text_detail::latest_second) return std::nullopt;
  return calendar::time_key(seconds, fraction);
}

// Epoch seconds (a fraction allowed) within the same years.
inline std::optional<double> time_key_from_epoch(double epoch_seconds) {
  // The range test also rejects NaN and infinities. The key is computed in doubles, which
  // hold every whole second of the range exactly (see calendar::time_key).
  if (!(epoch_seconds >= static_cast<double>(time_text_detail::earliest_second) &&
        epoch_seconds < static_cast<double>(time_text_detail::latest_second) + 1.0)) {
    return std::nullopt;
  }
  const double whole = std::floor(epoch_seconds);
  return whole * 2.0 + (epoch_seconds > whole ? 1.0 : 0.0);
}

// `--now` and similar: ISO-8601 text or whole epoch seconds, to epoch seconds (a fraction of a
// second is dropped).
[[nodiscard]] std::optional<std::int64_t> epoch_seconds_from_text(std::string_view text);

}  // namespace usegate::runtime
