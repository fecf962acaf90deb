#include "literals.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "usegate/base/calendar.hpp"

namespace usegate::dsl {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads `count` digits at `at`; false if any is not a digit.
bool read_digits(std::string_view text, std::size_t at, std::size_t count, unsigned& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

// `YYYY-MM-DD` at the start of `text`, shape only.
bool read_date_shape(std::string_view text, unsigned& year, unsigned& month, unsigned& day) {
  return text.size() >= 10 && read_digits(text, 0, 4, year) && text[4] == '-' && read_digits(text, 5, 2, month) &&
         text[7] == '-' && read_digits(text, 8, 2, day);
}

bool is_decimal_number(std::string_view text) {
  std::size_t i = text.starts_with('-') ? 1 : 0;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == integer_start) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const std::size_t fraction_start = ++i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i > fraction_start && i == text.size();
}

const char* month_name(unsigned month) {
  constexpr const char* names[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
  return names[month - 1];
}

}  // namespace

Literal read_literal_token(std::string_view text, SourceSpan span, DiagnosticList& diagnostics) {
  Literal literal;
  literal.text = std::string(text);
  literal.span = span;
  literal.kind = LiteralKind::number;
  literal.well_formed = false;  // until one of the shapes below reads it

  unsigned year = 0, month = 0, day = 0;
  const bool looks_like_date = read_date_shape(text, year, month, day);
  if (looks_like_date && (text.size() == 10 || text[10] == 'T')) {
    unsigned hour = 0, minute = 0, second = 0;
    const bool is_datetime = text.size() == 20 && read_digits(text, 11, 2, hour) && text[13] == ':' &&
                             read_digits(text, 14, 2, minute) && text[16] == ':' && read_digits(text, 17, 2, second) &&
                             text[19] == 'Z';
    if (text.size() != 10 && !is_datetime) {
      diagnostics.error(span, "malformed date-time `" + literal.text + "`",
                        "write dates as `YYYY-MM-DD` and date-times as `YYYY-MM-DDTHH:MM:SSZ` (UTC)");
      return literal;
    }
    if (month < 1 || month > 12) {
      diagnostics.error(span, "`" + literal.text + "` is not a valid date", "months run from 01 to 12");
      return literal;
    }
    if (!calendar::is_valid_date(year, month, day)) {
      diagnostics.error(span, "`" + literal.text + "` is not a valid date",
                        std::string(month_name(month)) + " " + std::to_string(year) + " has " +
                            std::to_string(calendar::days_in_month(year, month)) + " days");
      return literal;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      diagnostics.error(span, "`" + literal.text + "` is not a valid time of day",
                        "hours run from 00 to 23, minutes and seconds from 00 to 59");
      return literal;
    }
    literal.kind = text.size() == 10 ? LiteralKind::date : LiteralKind::datetime;
    literal.well_formed = true;
    literal.epoch_seconds = calendar::days_from_civil(year, month, day) * 86400 +
                            static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second;
    return literal;
  }

  if (is_decimal_number(text)) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && std::isfinite(value)) {
      literal.number = value;
      literal.well_formed = true;
      return literal;
    }
    diagnostics.error(span, "number `" + literal.text + "` is out of range");
    return literal;
  }

  if (looks_like_date || text.find(':') != std::string_view::npos) {
    diagnostics.error(span, "malformed date-time `" + literal.text + "`",
                      "write dates as `YYYY-MM-DD` and date-times as `YYYY-MM-DDTHH:MM:SSZ` (UTC)");
  } else {
    diagnostics.error(span, "malformed number `" + literal.text + "`",
                      "numbers are decimal literals such as `18` or `-0.5`");
  }
  return literal;
}

std::string unquote(std::string_view quoted) {
  std::string text;
  if (quoted.size() < 2) return text;
  quoted = quoted.substr(1, quoted.size() - 2);
  text.reserve(quoted.size());
  for (std::size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
    text += quoted[i];
  }
  return text;
}

}  // namespace usegate::dsl
