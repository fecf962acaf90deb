#pragma once
// The whole front of the pipeline for one file: parse, check, lint.

#include <optional>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/checked_policy.hpp"
#include "usegate/compiler/lower.hpp"

namespace usegate::compiler {

struct PolicyAnalysis {
  std::optional<CheckedPolicy> policy;  // absent when there are errors
  usegate::DiagnosticList diagnostics;  // in source order
};

// Lints run only on a policy that checks.
[[nodiscard]] PolicyAnalysis analyze_policy(const usegate::SourceFile& source, bool run_lints = true,
                                            const CompileOptions& options = {});

}  // namespace usegate::compiler
