// `available on {...} from A until B` against its definition: the checker accepts the line
// exactly when B is after A (an empty window is a mistake), whichever way the two instants are
// spelled (a date is its midnight, so `2024-08-01` and `2024-08-01T00:00:00Z` are the same
// instant), and the checked policy keeps both bounds to the second.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>

#include <fmt/format.h>

#include "civil_time.hpp"
#include "differential_check.hpp"
#include "random_policy.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/dsl/diagnostics.hpp"
#include "usegate/dsl/source.hpp"

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
    const dsl::SourceFile source("window.policy", text);
    const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, false);
    std::string diagnostics;
    for (const auto& diagnostic : analysis.diagnostics.all()) diagnostics += dsl::format_diagnostic(source, diagnostic);
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
