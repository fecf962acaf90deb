#pragma once
// Epoch seconds to ISO-8601 text, for writing policy literals and record values. Written
// independently of base/calendar.hpp so that the tests do not share the code they test.

#include <cstdint>
#include <cstdio>
#include <string>

namespace usegate::differential {

struct CivilTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

// H. Hinnant's civil_from_days, with the time of day.
inline CivilTime civil_from_seconds(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  CivilTime civil;
  civil.day = day_of_year - (153 * mp + 2) / 5 + 1;
  civil.month = mp < 10 ? mp + 3 : mp - 9;
  civil.year = static_cast<std::int64_t>(year_of_era) + era * 400 + (civil.month <= 2 ? 1 : 0);
  civil.hour = static_cast<unsigned>(rest / 3600);
  civil.minute = static_cast<unsigned>(rest / 60 % 60);
  civil.second = static_cast<unsigned>(rest % 60);
  return civil;
}

// Whether the year of `seconds` can be written with four digits.
inline bool writable_year(std::int64_t seconds) {
  const CivilTime civil = civil_from_seconds(seconds);
  return civil.year >= 0 && civil.year <= 9999;
}

// `YYYY-MM-DD` of the day `seconds` falls in.
inline std::string date_text(std::int64_t seconds) {
  const CivilTime c = civil_from_seconds(seconds);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buffer;
}

// `YYYY-MM-DDTHH:MM:SS`, followed by `suffix` (a fraction and/or a zone).
inline std::string datetime_text(std::int64_t seconds, const std::string& suffix = "Z") {
  const CivilTime c = civil_from_seconds(seconds);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02u", static_cast<long long>(c.year), c.month,
                c.day, c.hour, c.minute, c.second);
  return buffer + suffix;
}

}  // namespace usegate::differential
