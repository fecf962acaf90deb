#pragma once
// A policy's text compiled in process and loaded through the artifact bytes, as a pipeline
// would load a built file: the runtime tests' way to get a usegate::Policy.

#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/usegate.hpp"

namespace usegate::testing {

inline Policy policy_from_text(const std::string& file_name, const std::string& text,
                               const compiler::CompileOptions& options = {}) {
  const usegate::SourceFile source(file_name, text);
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  auto compiled = compiler::compile_policy(*analysis.policy, options);
  REQUIRE(compiled.ok());
  auto policy = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  REQUIRE(policy.ok());
  return *policy;
}

}  // namespace usegate::testing
