// Compiling large policies: parse, check and compile (no lints), for policies of 250 to
// 2000 rules over 40 tested attributes (31 enums, 4 times, 4 numbers and `now`) and 3
// settings, shaped like a large platform's policy: rules are scoped to one product (`app`, 50
// of them) and one purpose, and then test two or three of the other attributes — a category
// set, a region, an account type, a collection window, an age threshold. Deny rules (30%) are
// scoped the same way.
//
//   Compile_Rules40Attributes/R   R rules; time per compile (target: < 1 s at 1000 rules,
//                                 growing about linearly)
//
// Rules that test random attributes with no common scope make the exact decision function
// itself exponential in size (which rule matches first depends on everything at once); the
// compiler then stops at its node budget with an error naming the attributes responsible, as
// tests/compiler/compile_test.cpp checks. Real policies are scoped, as here.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include <fmt/format.h>

#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"

namespace {

using namespace usegate;

std::string large_policy(int rules, unsigned seed) {
  std::mt19937 random(seed);
  const auto below = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  std::string text = "policy large \"generated\"\nversion 1\nenum platform { web, ios, android }\n";
  text += "enum app {";
  for (int a = 0; a < 50; ++a) text += fmt::format("{}a{}", a ? ", " : " ", a);
  text += " }\nenum purpose { p0, p1, p2, p3, p4, p5 }\n";
  // 29 more enums of 4 to 10 values, 4 times and 4 numbers: 40 tested attributes with app,
  // purpose and `now`.
  for (int e = 1; e <= 29; ++e) {
    text += fmt::format("enum e{} {{", e);
    const int values = 4 + e % 7;
    for (int v = 0; v < values; ++v) text += fmt::format("{}v{}", v ? ", " : " ", v);
    text += " }\n";
  }
  for (int t = 0; t < 4; ++t) text += fmt::format("time t{}\nnumber n{}\n", t, t);
  for (int s = 0; s < 3; ++s) {
    text += fmt::format(
        "setting s{0} {{ default on; covers purpose == p{0} and e{1} in {{v0, v1}}; available on {{web}} }}\n", s,
        s + 1);
  }
  for (int r = 0; r < rules; ++r) {
    std::string condition = fmt::format("app == a{} and purpose == p{}", r % 50, below(6));
    const int tests = 2 + below(2);
    for (int i = 0; i < tests; ++i) {
      const int kind = below(10);
      if (kind < 7) {
        const int e = 1 + below(29);
        condition += below(2) ? fmt::format(" and e{} == v{}", e, below(4))
                              : fmt::format(" and e{} in {{v{}, v{}}}", e, below(4), below(4));
      } else if (kind < 9) {
        condition += fmt::format(" and t{} {} 2024-{:02}-01", below(4), below(2) ? ">=" : "<", 1 + below(12));
      } else {
        condition += fmt::format(" and n{} {} {}", below(4), below(2) ? ">=" : "<", 10 * below(12));
      }
    }
    if (r % 97 == 0) condition += " and now >= 2024-06-01";
    text += fmt::format("{} r{} when {}\n", below(10) < 7 ? "allow" : "deny", r, condition);
  }
  return text + "default deny\n";
}

void Compile_Rules40Attributes(benchmark::State& state) {
  const std::string text = large_policy(static_cast<int>(state.range(0)), 1);
  for (auto _ : state) {
    const usegate::SourceFile source("large.policy", text);
    const auto analysis = compiler::analyze_policy(source, false);
    if (!analysis.policy) {
      state.SkipWithError("the generated policy does not check");
      return;
    }
    auto compiled = compiler::compile_policy(*analysis.policy);
    if (!compiled.ok()) {
      state.SkipWithError(compiled.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
}

BENCHMARK(Compile_Rules40Attributes)->Arg(250)->Arg(500)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
