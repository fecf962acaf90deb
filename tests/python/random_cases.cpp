// Random policies and records for the Python module's tests: writes `COUNT` policies from the
// differential generator (tests/differential) with records aimed at the edges of each, as
//
//   OUT/policy_N.policy    OUT/records_N.jsonl
//
// and prints the base seed (USEGATE_SEED replays it). The Python test compiles each policy,
// runs `usegate eval` on the records, and compares the module's decisions with it.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "../differential/differential_check.hpp"
#include "../differential/json_lines.hpp"
#include "../differential/random_policy.hpp"
#include "../differential/random_record.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"

namespace differential = usegate::differential;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: python_random_cases OUT_DIR POLICIES RECORDS_PER_POLICY\n";
    return 2;
  }
  const std::string out = argv[1];
  const int count = std::atoi(argv[2]);
  const int records = std::atoi(argv[3]);
  const std::uint64_t base = differential::base_seed();
  std::cout << "seed " << base << " (replay with USEGATE_SEED=" << base << ")\n";
  for (int index = 0; index < count; ++index) {
    const std::uint64_t seed = differential::mix_seed(base + static_cast<std::uint64_t>(index));
    differential::PolicyShape shape;
    shape.settings_with_availability = index % 2 == 1;
    const differential::RandomPolicy random = differential::generate_policy(seed, shape);
    const std::string text = random.render();
    const usegate::SourceFile source("policy_" + std::to_string(index) + ".policy", text);
    const auto analysis = usegate::compiler::analyze_policy(source, false);
    if (!analysis.policy) {
      std::cerr << "generated policy " << index << " does not check (seed " << seed << ")\n";
      return 1;
    }
    std::ofstream(out + "/policy_" + std::to_string(index) + ".policy") << text;
    std::ofstream lines(out + "/records_" + std::to_string(index) + ".jsonl");
    const differential::RecordGenerator generator(*analysis.policy);
    std::mt19937_64 rng(seed);
    int written = 0;
    for (const auto& record : generator.edge_records(rng)) {
      lines << differential::json_line(record, "\"user\":\"u" + std::to_string(written % 7) + "\"");
      ++written;
    }
    for (int extra = 0; extra < records; ++extra) {
      lines << differential::json_line(generator.next(rng), "\"user\":\"u" + std::to_string(written % 7) + "\"");
      ++written;
    }
  }
  return 0;
}
