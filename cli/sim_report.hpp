#pragma once
// Rendering `usegate sim` reports: text tables for people, JSON for machines. One report, or
// two side by side (`--vs`) with the difference in percentage points. Both are deterministic:
// the same reports give the same bytes.

#include <span>
#include <string>

#include "scenario.hpp"
#include "simulation.hpp"

namespace usegate::cli {

// A report and the policy file it came from.
struct LabeledReport {
  std::string label;  // the column heading: the file's name without directory and extension
  std::string path;
  SimulationReport report;
};

[[nodiscard]] std::string render_sim_text(const Scenario& scenario,
                                          std::span<const LabeledReport> reports);
[[nodiscard]] std::string render_sim_json(const Scenario& scenario,
                                          std::span<const LabeledReport> reports);

}  // namespace usegate::cli
