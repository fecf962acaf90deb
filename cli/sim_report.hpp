#pragma once
// Rendering `usegate sim` reports: text tables for people, JSON for machines, Markdown for a
// pull request's comment and a self-contained HTML page for reviewers (cli/html_sim_report.cpp,
// cli/markdown_sim_report.cpp), all from the same reports. One report, or
// two side by side (`--vs`) with the difference in percentage points. The two sources — a
// synthetic population (`--scenario`) and real records (`--records`) — share the per-purpose
// part (usable shares, breakdowns, denials); their headers and settings differ. Both are
// deterministic: the same reports give the same bytes.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "usegate/review/record_simulation.hpp"
#include "usegate/review/scenario.hpp"
#include "usegate/review/simulation.hpp"

namespace usegate::cli {

// A report and the policy file it came from.
template <typename Report>
struct Labeled {
  std::string label;  // the column heading: the file's name without directory and extension
  std::string path;
  Report report;
};
using LabeledReport = Labeled<review::SimulationReport>;
using LabeledRecordReport = Labeled<review::RecordPolicyReport>;

[[nodiscard]] std::string render_sim_text(const review::Scenario& scenario, std::span<const LabeledReport> reports);
[[nodiscard]] std::string render_sim_json(const review::Scenario& scenario, std::span<const LabeledReport> reports);

// The lines that open the text report (the policies, the scenario, the records per purpose);
// the other formats show the same lines.
[[nodiscard]] std::string sim_header_text(const review::Scenario& scenario, std::span<const LabeledReport> reports);
[[nodiscard]] std::string render_sim_html(const review::Scenario& scenario, std::span<const LabeledReport> reports);
[[nodiscard]] std::string render_sim_markdown(const review::Scenario& scenario, std::span<const LabeledReport> reports);

// What `sim --records` read, as its report introduces it.
struct RecordsRun {
  std::string path;
  std::string now;  // as a policy writes a time
  std::vector<std::string> purposes;
  std::optional<std::string> consent_path;
  review::RecordSimulationCounts counts;
};

[[nodiscard]] std::string render_records_sim_text(const RecordsRun& run, std::span<const LabeledRecordReport> reports);
[[nodiscard]] std::string render_records_sim_json(const RecordsRun& run, std::span<const LabeledRecordReport> reports);

[[nodiscard]] std::string records_header_text(const RecordsRun& run, std::span<const LabeledRecordReport> reports);
[[nodiscard]] std::string render_records_sim_html(const RecordsRun& run, std::span<const LabeledRecordReport> reports);
[[nodiscard]] std::string render_records_sim_markdown(const RecordsRun& run,
                                                      std::span<const LabeledRecordReport> reports);

}  // namespace usegate::cli
