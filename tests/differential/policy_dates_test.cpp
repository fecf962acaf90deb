// Dates in policies against their definition, with a calendar written here:
// - a date or date-time literal is accepted exactly when it names an instant (no month 13, no
//   February 29 outside leap years, no hour 24, no second 60), and reads to that second;
// - `available on {...} from A until B` is accepted exactly when B is after A (an empty window
//   is a mistake), whichever way the two instants are spelled (a date is its midnight, so
//   `2024-08-01` and `2024-08-01T00:00:00Z` are the same instant), and keeps both bounds.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include <fmt/format.h>

#include "civil_time.hpp"
#include "differential_check.hpp"
#include "random_policy.hpp"
#include "support.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

// An instant as a policy literal: a date when it is a midnight (sometimes), else a date-time.
std::string spelled(std::int64_t seconds, std::mt19937_64& rng) {
  if (seconds % 86400 == 0 && std::bernoulli_distribution(0.5)(rng)) return date_text(seconds);
  return datetime_text(seconds);
}

}  // namespace

TEST_CASE("availability windows: accepted exactly when until is after from") {
  const std::uint64_t base = base_seed();
  MESSAGE("availability windows: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run)");
  std::mt19937_64 rng(mix_seed(base ^ 0x77696E646F77ULL));
  const std::int64_t gaps[] = {-86400, -3600, -1, 0, 0, 0, 1, 3600, 86400};
  int accepted = 0, refused = 0, equal = 0;
  for (int i = 0; i < 400; ++i) {
    // From a midnight or a second of 2024-2026, until a few gaps away (often none).
    std::int64_t from = 1704067200 + std::uniform_int_distribution<std::int64_t>(0, 1000)(rng) * 86400;
    if (std::bernoulli_distribution(0.3)(rng)) from += std::uniform_int_distribution<std::int64_t>(1, 86399)(rng);
    const std::int64_t until = from + gaps[std::uniform_int_distribution<int>(0, 8)(rng)];
    const std::string from_text = spelled(from, rng);
    const std::string until_text = spelled(until, rng);
    const std::string text = fmt::format(
        "policy w\nenum platform {{ web, ios }}\nenum purpose {{ training }}\n"
        "setting sharing {{\n  default on\n  covers purpose == training\n  available on {{web}} from {} until {}\n}}\n"
        "allow t when purpose == training\n",
        from_text, until_text);
    const usegate::SourceFile source("window.policy", text);
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
    std::string diagnostics;
    for (const auto& diagnostic : analysis.diagnostics.all())
      diagnostics += usegate::format_diagnostic(source, diagnostic);
    INFO("seed " << base << ", window #" << i << "\n" << text << diagnostics);
    equal += until == from ? 1 : 0;
    if (until > from) {
      ++accepted;
      REQUIRE(analysis.policy.has_value());
      REQUIRE(!analysis.diagnostics.has_errors());
      const auto& availability = analysis.policy->settings.front().availability;
      REQUIRE(availability.size() == 1);
      CHECK(availability.front().from == from);
      CHECK(availability.front().until == until);
    } else {
      ++refused;
      CHECK(analysis.diagnostics.has_errors());
      CHECK(diagnostics.find(fmt::format("error: `until {}` is not after `from {}`", until_text, from_text)) !=
            std::string::npos);
    }
  }
  CHECK(equal > 50);
  CHECK(accepted > 50);
  CHECK(refused > 100);
}

namespace {

// Days from 1970-01-01 to a civil date (H. Hinnant's days_from_civil), written apart from
// base/calendar.hpp so that the test does not share the code it tests.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static const unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : lengths[month - 1];
}

}  // namespace

TEST_CASE("time literals: accepted exactly when they name an instant, and read to the second") {
  const std::uint64_t base = base_seed();
  MESSAGE("time literals: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run)");
  std::mt19937_64 rng(mix_seed(base ^ 0x6C69746572616CULL));
  const auto draw = [&rng](std::initializer_list<unsigned> values) {
    return std::data(values)[std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(rng)];
  };
  int valid = 0, invalid = 0;
  for (int i = 0; i < 600; ++i) {
    const std::int64_t year = draw({1900, 1970, 2000, 2023, 2024, 2100, 9999, 0});
    const unsigned month = draw({0, 1, 2, 2, 7, 12, 13});
    const unsigned day = draw({0, 1, 15, 28, 29, 30, 31, 32});
    const bool with_time = std::bernoulli_distribution(0.6)(rng);
    const unsigned hour = with_time ? draw({0, 12, 23, 24}) : 0;
    const unsigned minute = with_time ? draw({0, 30, 59, 60}) : 0;
    const unsigned second = with_time ? draw({0, 30, 59, 60}) : 0;
    std::string literal = fmt::format("{:04}-{:02}-{:02}", year, month, day);
    if (with_time) literal += fmt::format("T{:02}:{:02}:{:02}Z", hour, minute, second);
    const bool date_ok = month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
    const bool ok = date_ok && hour <= 23 && minute <= 59 && second <= 59;
    const std::string text = fmt::format("policy l\ntime ts\nallow a when ts >= {}\n", literal);
    const usegate::SourceFile source("literal.policy", text);
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
    INFO("seed " << base << ", literal #" << i << ": " << literal);
    if (!ok) {
      ++invalid;
      CHECK(analysis.diagnostics.has_errors());
      continue;
    }
    ++valid;
    REQUIRE(analysis.policy.has_value());
    const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    CHECK(analysis.policy->rules.front().condition.key == static_cast<double>(2 * seconds));
  }
  CHECK(valid > 100);
  CHECK(invalid > 100);
}
