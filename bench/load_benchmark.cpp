// Loading an artifact: what verifying its signature adds to the load a pipeline does once at
// start. The bundled August 2024 X policy (dense table of 58,800 cells, 119,451 bytes) and the
// July one (280 cells, 2,028 bytes), each signed with a fixed key, measured in the same run.
//
//   Load_Unsigned        Policy::from_bytes on the unsigned artifact (read and validate)
//   Load_SignedNoKey     Policy::from_bytes on the signed one: the trailer stepped over
//   Load_Verified        signing::load_verified: Ed25519 over the whole file, then the load
//   Verify_SignatureOnly signing::verify_signature alone
//   Sign                 signing::sign_artifact (what `build --sign` adds)
//
// The argument selects the policy: 0 July, 1 August. `bytes_per_second` is over the file.
#include <benchmark/benchmark.h>

#include <array>
#include <string>

#include "bench_support.hpp"
#include "usegate/signing/signed_artifact.hpp"

namespace {

using namespace usegate;

struct Artifacts {
  std::string unsigned_bytes, signed_bytes;
};

const Artifacts& artifacts(std::int64_t which) {
  static const std::array<Artifacts, 2> all = [] {
    std::array<Artifacts, 2> made;
    std::array<std::uint8_t, 32> seed{};
    seed.fill(7);
    const signing::SecretKey key(seed);
    const char* files[2] = {"x-grok-2024-07.policy", "x-grok-2024-08.policy"};
    for (std::size_t index = 0; index < made.size(); ++index) {
      made[index].unsigned_bytes = bench::compile_bundled_to_artifact(files[index]);
      made[index].signed_bytes = *signing::sign_artifact(made[index].unsigned_bytes, key);
    }
    return made;
  }();
  return all[static_cast<std::size_t>(which)];
}

signing::PublicKey public_key() {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(7);
  return signing::SecretKey(seed).public_key();
}

template <typename Load>
void run(benchmark::State& state, const std::string& bytes, Load&& load) {
  for (auto _ : state) {
    auto result = load(bytes);
    if (!result) state.SkipWithError("did not load");
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void Load_Unsigned(benchmark::State& state) {
  run(state, artifacts(state.range(0)).unsigned_bytes,
      [](const std::string& bytes) { return Policy::from_bytes(bytes); });
}

void Load_SignedNoKey(benchmark::State& state) {
  run(state, artifacts(state.range(0)).signed_bytes,
      [](const std::string& bytes) { return Policy::from_bytes(bytes); });
}

void Load_Verified(benchmark::State& state) {
  const auto key = public_key();
  run(state, artifacts(state.range(0)).signed_bytes,
      [&](const std::string& bytes) { return signing::load_verified(bytes, key); });
}

void Verify_SignatureOnly(benchmark::State& state) {
  const auto key = public_key();
  run(state, artifacts(state.range(0)).signed_bytes,
      [&](const std::string& bytes) { return signing::verify_signature(bytes, key); });
}

void Sign(benchmark::State& state) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(7);
  const signing::SecretKey key(seed);
  run(state, artifacts(state.range(0)).unsigned_bytes,
      [&](const std::string& bytes) { return signing::sign_artifact(bytes, key); });
}

}  // namespace

BENCHMARK(Load_Unsigned)->ArgName("august")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Load_SignedNoKey)->ArgName("august")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Load_Verified)->ArgName("august")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Verify_SignatureOnly)->ArgName("august")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(Sign)->ArgName("august")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
