#pragma once
// Shared by the benchmarks: compiling bundled policies in memory.

#include <string>

#include "usegate/compiler/lower.hpp"
#include "usegate/usegate.hpp"

namespace usegate::bench {

// Checks and compiles a policy text, then loads it as a pipeline would; aborts on errors.
Policy compile_text(const std::string& name, const std::string& text, compiler::CompileOptions options = {});
// The same for a file under policies/.
Policy compile_bundled(const std::string& file, compiler::CompileOptions options = {});
// The artifact's bytes, for loaders other than the C++ API (the C API's benchmark).
std::string compile_text_to_artifact(const std::string& name, const std::string& text,
                                     compiler::CompileOptions options = {});
std::string compile_bundled_to_artifact(const std::string& file, compiler::CompileOptions options = {});

}  // namespace usegate::bench
