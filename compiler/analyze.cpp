#include "usegate/compiler/analyze.hpp"

#include "usegate/compiler/check.hpp"
#include "usegate/compiler/lints.hpp"
#include "usegate/dsl/parser.hpp"

namespace usegate::compiler {

PolicyAnalysis analyze_policy(const usegate::SourceFile& source, bool run_lints, const CompileOptions& options) {
  PolicyAnalysis analysis;
  const dsl::PolicyFile file =
      dsl::parse_policy(source, analysis.diagnostics, dsl::ParseOptions{options.max_nesting_depth});
  // Checking a file with syntax errors would report the missing declarations over and over.
  if (!analysis.diagnostics.has_errors()) {
    analysis.policy = check_policy(file, analysis.diagnostics, options);
  }
  if (analysis.policy && run_lints) lint_policy(*analysis.policy, analysis.diagnostics, options);
  analysis.diagnostics.sort_by_position();
  return analysis;
}

}  // namespace usegate::compiler
