// `usegate diff --format html`: the diff as one self-contained page. The changed regions are a
// table coloured by direction; the counts per direction a chart beside their table.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "diff_report.hpp"
#include "html_page.hpp"
#include "record_inputs.hpp"

namespace usegate::cli {
namespace {

std::size_t rows_in(const compiler::PolicyDiff& diff, compiler::DiffDirection direction) {
  std::size_t count = 0;
  for (const auto& row : diff.rows) count += row.direction == direction ? 1 : 0;
  return count;
}

bool shown(const DiffReport& report, compiler::DiffDirection direction) {
  return !report.decisions_only || direction != compiler::DiffDirection::reason_only;
}

// `newly-denied`: the class a row of that direction has.
std::string direction_class(compiler::DiffDirection direction) {
  std::string name = compiler::direction_name(direction);
  std::replace(name.begin(), name.end(), ' ', '-');
  return name;
}

// Rows (and records) per direction. A bar is the count's share of the largest count.
std::string summary_html(const DiffReport& report) {
  html::Table table{"summary", "Changed regions per direction", {"change", "rows"}, {false, true}, {}, {}};
  if (report.records) {
    table.header.push_back("records");
    table.numeric.push_back(true);
  }
  std::size_t largest = 1;
  for (const auto direction : diff_directions) largest = std::max(largest, rows_in(report.diff, direction));
  std::vector<html::Bar> bars;
  for (const auto direction : diff_directions) {
    if (!shown(report, direction)) continue;
    const std::size_t count = rows_in(report.diff, direction);
    std::vector<std::string> row{compiler::direction_name(direction), std::to_string(count)};
    if (report.records) row.push_back(std::to_string(report.records->changed_in(direction)));
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(count > 0 ? direction_class(direction) : "");
    bars.push_back({compiler::direction_name(direction),
                    {static_cast<double>(count) / static_cast<double>(largest)},
                    {std::to_string(count)},
                    false});
  }
  return "<section>\n<h2>Summary</h2>\n" +
         html::chart_with_table(html::bar_chart("Changed regions per direction", {"rows"}, bars), html::table(table)) +
         "</section>\n";
}

std::string structural_html(const DiffReport& report) {
  std::string out = "<section>\n<h2>Structural changes</h2>\n";
  if (!report.diff.structure_known) {
    return out + fmt::format("<p>Not available for artifacts ({}).</p>\n</section>\n", html::escape(report.artifacts));
  }
  if (report.diff.structural_changes.empty()) return out + "<p>No structural change.</p>\n</section>\n";
  html::Table table{"structural", "", {"kind", "subject", "change"}, {}, {}, {}};
  for (const auto& change : report.diff.structural_changes) {
    table.rows.push_back({compiler::change_kind_name(change.kind), change.subject, change.text});
  }
  return out + html::table(table) + "</section>\n";
}

std::string rows_html(const DiffReport& report) {
  std::string out = "<section>\n<h2>Changed regions</h2>\n";
  if (report.diff.rows.empty()) {
    return out + "<p>No semantic change: every input is decided as before, for the same reason.</p>\n</section>\n";
  }
  out +=
      "<p class=\"meta\">Each row is a region of the input space where the decision or its reason changes; every "
      "record decided differently lies in exactly one row.</p>\n";
  html::Table table{"rows", "", {"change", "region", "old", "new"}, {}, {}, {}};
  for (const auto direction : diff_directions) {
    if (!shown(report, direction)) continue;
    for (const auto& row : report.diff.rows) {
      if (row.direction != direction) continue;
      table.rows.push_back({compiler::direction_name(direction), row.condition,
                            outcome_text(effect_name(row.before), row.before.reason),
                            outcome_text(effect_name(row.after), row.after.reason)});
      table.row_classes.push_back(direction_class(direction));
    }
  }
  return out + html::table(table) + "</section>\n";
}

std::string records_html(const DiffReport& report) {
  const review::RecordDiff& diff = *report.records;
  const RecordDiffInputs& inputs = *report.record_inputs;
  std::string heading = fmt::format("{}, now {}", inputs.records_path, utc_time_text(inputs.now));
  if (!inputs.purposes.empty()) heading += fmt::format(", purposes {}", fmt::join(inputs.purposes, ", "));
  std::string out = fmt::format("<section>\n<h2>Record impact</h2>\n<p class=\"meta\">{}</p>\n", html::escape(heading));
  html::Table totals{"record-totals",          "", {"read", "changed", "unchanged", "rejected by both"},
                     {true, true, true, true}, {}, {}};
  totals.rows.push_back({std::to_string(diff.read), std::to_string(diff.changed()), std::to_string(diff.unchanged),
                         std::to_string(diff.rejected)});
  out += html::table(totals);
  html::Table pairs{"record-pairs",
                    "Records by change of outcome",
                    {"change", "old", "new", "records", "first lines"},
                    {false, false, false, true, false},
                    {},
                    {}};
  for (const auto direction : diff_directions) {
    if (!shown(report, direction)) continue;
    for (const auto& pair : diff.pairs) {
      if (pair.direction != direction) continue;
      pairs.rows.push_back({compiler::direction_name(direction), outcome_text(pair.before.decision, pair.before.reason),
                            outcome_text(pair.after.decision, pair.after.reason), std::to_string(pair.records),
                            fmt::format("{}", fmt::join(pair.first_lines, ", "))});
      pairs.row_classes.push_back(direction_class(direction));
    }
  }
  if (!pairs.rows.empty()) out += html::table(pairs);
  return out + "</section>\n";
}

}  // namespace

std::string render_diff_html(const DiffReport& report) {
  const std::string title = "usegate " + diff_heading_text(report.diff);
  std::string body = fmt::format("<h1>{}</h1>\n", html::escape(title));
  body += summary_html(report);
  body += structural_html(report);
  body += rows_html(report);
  if (report.records) body += records_html(report);
  return html::page(title, body);
}

}  // namespace usegate::cli
