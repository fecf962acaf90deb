// Writes the artifact fuzzers' seeds: each bundled policy compiled on the dense and the
// decision-diagram layouts, those of at most 16 KiB, as `DIRECTORY/<policy>.<layout>.ugt`, and
// the dense July X artifact signed with the tests' key (`<policy>.dense.signed.ugt`), so that
// the fuzzers start from a signature trailer too.
// `make fuzz-seeds` runs it into fuzz/corpus/artifact_bytes and artifact_structure.
#include <cstdio>
#include <fstream>
#include <string>
#include <variant>

#include "support.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/signing/signed_artifact.hpp"

int main(int argc, char** argv) {
  using namespace usegate;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  constexpr std::size_t max_seed_size = 16 * 1024;
  const char* const key_path = "tests/capi/data/test-signing.key";
  const auto key = signing::parse_secret_key(fuzz::source_text(key_path), key_path);
  if (!key) fuzz::property_failed(key.error().message);
  const auto write = [&](const std::string& out, const std::string& bytes) {
    std::ofstream(out, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::printf("%s: %zu bytes\n", out.c_str(), bytes.size());
  };
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
      const std::string out = std::string(argv[1]) + "/" + name + (dense ? ".dense" : ".diagram");
      write(out + ".ugt", bytes);
      if (dense && name == "x-grok-2024-07") {
        const auto signed_bytes = signing::sign_artifact(bytes, *key);
        if (!signed_bytes) fuzz::property_failed(signed_bytes.error().message);
        write(out + ".signed.ugt", *signed_bytes);
      }
    }
  }
  return 0;
}
