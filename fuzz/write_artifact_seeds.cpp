// Writes the artifact fuzzers' seeds: each bundled policy compiled on the dense and the
// decision-diagram layouts, those of at most 16 KiB, as `DIRECTORY/<policy>.<layout>.ugt`.
// `make fuzz-seeds` runs it into fuzz/corpus/artifact_bytes and artifact_structure.
#include <cstdio>
#include <fstream>
#include <string>
#include <variant>

#include "support.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"

int main(int argc, char** argv) {
  using namespace usegate;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  constexpr std::size_t max_seed_size = 16 * 1024;
  for (const std::string name : {"x-grok-2024-05", "x-grok-2024-07", "x-grok-2024-08", "meta-ai-2024-06"}) {
    const std::string path = "policies/" + name + ".policy";
    const usegate::SourceFile source(path, fuzz::source_text(path));
    const auto analysis = compiler::analyze_policy(source, false);
    if (!analysis.policy) fuzz::property_failed(path + " does not check");
    for (const bool dense : {true, false}) {
      compiler::CompileOptions options;
      if (!dense) options.max_dense_cells = 1;
      auto compiled = compiler::compile_policy(*analysis.policy, options);
      if (!compiled.ok()) fuzz::property_failed(path + " does not compile");
      const std::string bytes = runtime::write_artifact(compiled.value());
      if (bytes.size() > max_seed_size) continue;
      const std::string out = std::string(argv[1]) + "/" + name + (dense ? ".dense" : ".diagram") + ".ugt";
      std::ofstream(out, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      std::printf("%s: %zu bytes\n", out.c_str(), bytes.size());
    }
  }
  return 0;
}
