#include "usegate/runtime/time_text.hpp"

#include <charconv>
#include <cstdint>

#include "usegate/base/calendar.hpp"

namespace usegate::runtime {
namespace {

constexpr std::int64_t earliest_second = -62167219200;  // 0000-01-01T00:00:00Z
constexpr std::int64_t latest_second = 253402300799;    // 9999-12-31T23:59:59Z

// Two ASCII digits at `p`, or -1.
inline int two_digits(const char* p) {
  const unsigned high = static_cast<unsigned char>(p[0]) - '0';
  const unsigned low = static_cast<unsigned char>(p[1]) - '0';
  return (high <= 9 && low <= 9) ? static_cast<int>(high * 10 + low) : -1;
}

}  // namespace

std::optional<double> time_key_from_text(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const char* p = text.data();
  const int century = two_digits(p), year_in_century = two_digits(p + 2);
  const int month = two_digits(p + 5), day = two_digits(p + 8);
  if (century < 0 || year_in_century < 0 || month < 0 || day < 0) return std::nullopt;
  const int year = century * 100 + year_in_century;
  if (!calendar::is_valid_date(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) {
    return std::nullopt;
  }
  std::int64_t seconds = calendar::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
  if (text.size() == 10) return calendar::time_key(seconds, false);

  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const int hour = two_digits(p + 11), minute = two_digits(p + 14), second = two_digits(p + 17);
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
    const int offset_hours = two_digits(p + at + 1), offset_minutes = two_digits(p + at + 4);
    if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) return std::nullopt;
    const int offset = offset_hours * 3600 + offset_minutes * 60;
    seconds += text[at] == '+' ? -offset : offset;  // local time minus its offset is UTC
  } else {
    return std::nullopt;
  }
  if (seconds < earliest_second || seconds > latest_second) return std::nullopt;
  return calendar::time_key(seconds, fraction);
}

std::optional<double> time_key_from_epoch(double epoch_seconds) {
  // The range test also rejects NaN and infinities; within it the cast is exact enough to
  // floor by hand (std::floor is a library call on baseline x86-64).
  if (!(epoch_seconds >= static_cast<double>(earliest_second) &&
        epoch_seconds < static_cast<double>(latest_second) + 1.0)) {
    return std::nullopt;
  }
  std::int64_t whole = static_cast<std::int64_t>(epoch_seconds);  // rounds toward zero
  if (static_cast<double>(whole) > epoch_seconds) --whole;
  return calendar::time_key(whole, static_cast<double>(whole) != epoch_seconds);
}

std::optional<std::int64_t> epoch_seconds_from_text(std::string_view text) {
  std::optional<double> key = time_key_from_text(text);
  if (!key) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error == std::errc() && end == text.data() + text.size()) key = time_key_from_epoch(static_cast<double>(seconds));
  }
  if (!key) return std::nullopt;
  return calendar::seconds_of_time_key(*key);
}

}  // namespace usegate::runtime
