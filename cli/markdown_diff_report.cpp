// `usegate diff --format markdown`: a summary a CI job posts on a pull request. The counts per
// direction come first; long lists (structural changes, many rows) are collapsible sections.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "diff_report.hpp"
#include "markdown_table.hpp"
#include "record_inputs.hpp"
#include "usegate/base/format_text.hpp"

namespace usegate::cli {
namespace {

using markdown::cell;
using markdown::code_cell;

// More rows than this in one direction are folded into a collapsible section.
constexpr std::size_t rows_shown_open = 10;

std::size_t rows_in(const compiler::PolicyDiff& diff, compiler::DiffDirection direction) {
  std::size_t count = 0;
  for (const auto& row : diff.rows) count += row.direction == direction ? 1 : 0;
  return count;
}

bool shown(const DiffReport& report, compiler::DiffDirection direction) {
  return !report.decisions_only || direction != compiler::DiffDirection::reason_only;
}

std::string summary_table(const DiffReport& report) {
  std::vector<std::string> header{"change", "rows"};
  if (report.records) header.push_back("records");
  std::vector<std::vector<std::string>> rows;
  for (const auto direction : diff_directions) {
    if (!shown(report, direction)) continue;
    std::vector<std::string> row{compiler::direction_name(direction), std::to_string(rows_in(report.diff, direction))};
    if (report.records) row.push_back(std::to_string(report.records->changed_in(direction)));
    rows.push_back(std::move(row));
  }
  return markdown::table(header, {false, true, true}, rows);
}

std::string structural_markdown(const DiffReport& report) {
  if (!report.diff.structure_known) {
    return fmt::format("structural changes: not available for artifacts ({})\n", cell(report.artifacts));
  }
  if (report.diff.structural_changes.empty()) return "no structural change\n";
  std::string list;
  for (const auto& change : report.diff.structural_changes) list += "- " + cell(change.text) + "\n";
  return markdown::details(fmt::format("structural changes ({})", report.diff.structural_changes.size()), list);
}

std::string rows_markdown(const DiffReport& report) {
  std::string out;
  for (const auto direction : diff_directions) {
    const std::size_t count = rows_in(report.diff, direction);
    if (count == 0 || !shown(report, direction)) continue;
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : report.diff.rows) {
      if (row.direction != direction) continue;
      rows.push_back({code_cell(row.condition), code_cell(outcome_text(effect_name(row.before), row.before.reason)),
                      code_cell(outcome_text(effect_name(row.after), row.after.reason))});
    }
    const std::string title = fmt::format("{} ({})", compiler::direction_name(direction), counted(count, "row"));
    const std::string table = markdown::table({"region", "old", "new"}, {}, rows);
    out += count > rows_shown_open ? fmt::format("\n{}", markdown::details(title, table))
                                   : fmt::format("\n#### {}\n\n{}", title, table);
  }
  return out;
}

std::string records_markdown(const DiffReport& report) {
  const review::RecordDiff& diff = *report.records;
  const RecordDiffInputs& inputs = *report.record_inputs;
  std::string heading = fmt::format("{}, now {}", inputs.records_path, utc_time_text(inputs.now));
  if (!inputs.purposes.empty()) heading += fmt::format(", purposes {}", fmt::join(inputs.purposes, ", "));
  std::string out = fmt::format("\n#### records\n\n{}: {} read, {} changed, {} unchanged, {} rejected\n", cell(heading),
                                diff.read, diff.changed(), diff.unchanged, diff.rejected);
  std::vector<std::vector<std::string>> rows;
  for (const auto direction : diff_directions) {
    if (!shown(report, direction)) continue;
    for (const auto& pair : diff.pairs) {
      if (pair.direction != direction) continue;
      rows.push_back({compiler::direction_name(direction),
                      code_cell(outcome_text(pair.before.decision, pair.before.reason)),
                      code_cell(outcome_text(pair.after.decision, pair.after.reason)), std::to_string(pair.records),
                      fmt::format("{}", fmt::join(pair.first_lines, ", "))});
    }
  }
  if (!rows.empty()) {
    out += fmt::format("\n{}", markdown::table({"change", "old", "new", "records", "first lines"},
                                               {false, false, false, true, false}, rows));
  }
  return out;
}

}  // namespace

std::string render_diff_markdown(const DiffReport& report) {
  std::string out = fmt::format("### usegate {}\n\n", cell(diff_heading_text(report.diff)));
  if (report.diff.rows.empty()) {
    out += "no semantic change: every input is decided as before, for the same reason\n\n";
  } else {
    out += summary_table(report) + "\n";
  }
  out += structural_markdown(report);
  out += rows_markdown(report);
  if (report.records) out += records_markdown(report);
  return out;
}

}  // namespace usegate::cli
