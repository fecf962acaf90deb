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

}  // namespace usegate::bench
