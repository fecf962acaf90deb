// Compiling large policies: parse, check and compile (no lints), for policies of 250 to
// 2000 rules over 40 attributes (30 enums, 5 times, 5 numbers) and 3 settings. Each rule
// tests a purpose and two to four other attributes, as product-specific rules do; times and
// numbers are compared with a dozen distinct constants each.
//
//   Compile_Rules40Attributes/R   R rules; time per compile (target: < 1 s at 1000 rules,
//                                 growing about linearly)
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
  text += "enum purpose { p0, p1, p2, p3, p4, p5 }\n";
  for (int e = 1; e < 30; ++e) {
    text += fmt::format("enum e{} {{", e);
    const int values = 4 + e % 5;
    for (int v = 0; v < values; ++v) text += fmt::format("{}v{}", v ? ", " : " ", v);
    text += " }\n";
  }
  for (int t = 0; t < 5; ++t) text += fmt::format("time t{}\nnumber n{}\n", t, t);
  for (int s = 0; s < 3; ++s) {
    text += fmt::format("setting s{} {{ default on; covers purpose == p{} and e{} in {{v0, v1}}; available on {{web}} }}\n", s, s, s + 1);
  }
  for (int r = 0; r < rules; ++r) {
    std::string condition = fmt::format("purpose == p{}", below(6));
    const int tests = 2 + below(3);
    for (int i = 0; i < tests; ++i) {
      const int kind = below(10);
      if (kind < 7) {
        const int e = 1 + below(29);
        condition += below(2) ? fmt::format(" and e{} == v{}", e, below(4)) : fmt::format(" and e{} in {{v{}, v{}}}", e, below(4), below(4));
      } else if (kind < 9) {
        condition += fmt::format(" and t{} {} 2024-{:02}-01", below(5), below(2) ? ">=" : "<", 1 + below(12));
      } else {
        condition += fmt::format(" and n{} {} {}", below(5), below(2) ? ">=" : "<", 10 * below(12));
      }
    }
    text += fmt::format("{} r{} when {}\n", below(10) < 7 ? "allow" : "deny", r, condition);
  }
  return text + "default deny\n";
}

void Compile_Rules40Attributes(benchmark::State& state) {
  const std::string text = large_policy(static_cast<int>(state.range(0)), 1);
  for (auto _ : state) {
    const dsl::SourceFile source("large.policy", text);
    const auto analysis = compiler::analyze_policy(source, false);
    if (!analysis.policy) {
      state.SkipWithError("the generated policy does not check");
      return;
    }
    auto compiled = compiler::compile_policy(*analysis.policy);
    if (std::holds_alternative<compiler::CompileError>(compiled)) {
      state.SkipWithError(std::get<compiler::CompileError>(compiled).message.c_str());
      return;
    }
    benchmark::DoNotOptimize(compiled);
  }
  state.counters["rules"] = static_cast<double>(state.range(0));
}

BENCHMARK(Compile_Rules40Attributes)->Arg(250)->Arg(500)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
