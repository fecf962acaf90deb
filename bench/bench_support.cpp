#include "bench_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"

namespace usegate::bench {

std::string compile_text_to_artifact(const std::string& name, const std::string& text,
                                     compiler::CompileOptions options) {
  const usegate::SourceFile source(name, text);
  const auto analysis = compiler::analyze_policy(source, false, options);
  if (!analysis.policy) {
    std::fprintf(stderr, "%s does not check\n", name.c_str());
    std::abort();
  }
  auto compiled = compiler::compile_policy(*analysis.policy, options);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s does not compile: %s\n", name.c_str(), compiled.error().message.c_str());
    std::abort();
  }
  return runtime::write_artifact(compiled.value());
}

Policy compile_text(const std::string& name, const std::string& text, compiler::CompileOptions options) {
  auto policy = Policy::from_bytes(compile_text_to_artifact(name, text, options));
  if (!policy) std::abort();
  return *policy;
}

std::string compile_bundled_to_artifact(const std::string& file, compiler::CompileOptions options) {
  const std::string path = std::string(USEGATE_SOURCE_DIR) + "/policies/" + file;
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return compile_text_to_artifact(path, text, options);
}

Policy compile_bundled(const std::string& file, compiler::CompileOptions options) {
  auto policy = Policy::from_bytes(compile_bundled_to_artifact(file, options));
  if (!policy) std::abort();
  return *policy;
}

}  // namespace usegate::bench
