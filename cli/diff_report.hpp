#pragma once
// What `usegate diff` reports, for every format but JSON's single document: the diff of two
// versions, which of them are artifacts, and with --records the record diff. The text is
// printed by cli/cmd_diff.cpp; Markdown (a pull request's comment) and HTML (a page for
// reviewers) by cli/markdown_diff_report.cpp and cli/html_diff_report.cpp.

#include <string>

#include "record_diff_report.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/review/record_diff.hpp"

namespace usegate::cli {

struct DiffReport {
  const compiler::PolicyDiff& diff;
  std::string artifacts;                            // which version is an artifact, when the structure is unknown
  const review::RecordDiff* records = nullptr;      // with --records
  const RecordDiffInputs* record_inputs = nullptr;  // with --records
  bool decisions_only = false;                      // leave reason-only rows (and record pairs) out
};

// The directions in the order every format lists them.
inline constexpr compiler::DiffDirection diff_directions[] = {compiler::DiffDirection::newly_denied,
                                                              compiler::DiffDirection::newly_allowed,
                                                              compiler::DiffDirection::reason_only};

// `diff x_grok 2024-07-26 → 2024-08-08`, without a newline.
[[nodiscard]] std::string diff_heading_text(const compiler::PolicyDiff& diff);
// `allow` or `deny`.
[[nodiscard]] const char* effect_name(const compiler::RuleDecision& decision);

[[nodiscard]] std::string render_diff_markdown(const DiffReport& report);
[[nodiscard]] std::string render_diff_html(const DiffReport& report);

}  // namespace usegate::cli
