#pragma once
// Civil dates and the ordering key of times, shared by the policy front end (literals) and
// the runtime (record values), so that `ts < 2024-08-01` means the same on both sides.

#include <cstdint>

namespace usegate::calendar {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

constexpr bool is_leap_year(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t year, unsigned month) {
  constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : lengths[month - 1];
}

constexpr bool is_valid_date(std::int64_t year, unsigned month, unsigned day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

// Times are ordered by a key in half-seconds: 2 * (whole epoch seconds, rounded down), plus
// one when there is a fraction of a second. Policy constants are whole seconds, so a record
// time of 12:00:00.5 sorts strictly between 12:00:00 and 12:00:01, as it should, and keys
// stay exact in a double (they fit in 53 bits for every year from -9999 to 9999).
constexpr double time_key(std::int64_t whole_seconds, bool has_fraction) {
  return static_cast<double>(whole_seconds) * 2.0 + (has_fraction ? 1.0 : 0.0);
}

// Whole seconds (rounded down) of a time key.
constexpr std::int64_t seconds_of_time_key(double key) {
  const auto half_seconds = static_cast<std::int64_t>(key);
  return half_seconds >= 0 ? half_seconds / 2 : -((-half_seconds + 1) / 2);
}

}  // namespace usegate::calendar
