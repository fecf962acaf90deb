// `usegate sim --format markdown`: the report as a pull-request comment. The headline table is
// open; each purpose's breakdowns and denials, and the settings, are collapsible sections.
#include <fmt/format.h>

#include "markdown_table.hpp"
#include "report_figures.hpp"
#include "sim_report.hpp"

namespace usegate::cli {
namespace {

using markdown::cell;

template <typename Report>
std::string heading(std::span<const Labeled<Report>> reports, const std::string& header_text) {
  std::string title;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const auto& report = reports[i].report;
    title += fmt::format("{}{} {}", i ? " vs " : "", report.policy_name,
                         report.policy_version.empty() ? "-" : report.policy_version);
  }
  std::string out = fmt::format("### usegate sim: {}\n\n", cell(title));
  // One line of the text header per line of the comment (a hard break: two spaces).
  std::size_t start = 0;
  while (start < header_text.size()) {
    const std::size_t end = header_text.find('\n', start);
    out += cell(header_text.substr(start, end - start));
    start = end == std::string::npos ? header_text.size() : end + 1;
    out += start < header_text.size() ? "  \n" : "\n";
  }
  return out + "\n";
}

template <typename Report>
std::string purposes_markdown(std::span<const Labeled<Report>> reports) {
  const bool compared = reports.size() > 1;
  const auto& first = reports[0].report.purposes;
  std::vector<std::string> header{"purpose", "records"};
  for (const auto& labeled : reports) header.push_back(cell(labeled.label) + " usable");
  if (compared) header.push_back("change");
  std::vector<bool> right(header.size(), true);
  right[0] = false;
  std::vector<std::vector<std::string>> rows;
  for (std::size_t p = 0; p < first.size(); ++p) {
    std::vector<std::string> row{cell(first[p].purpose), std::to_string(first[p].all.records)};
    for (const auto& labeled : reports) {
      const review::UsableCount& all = labeled.report.purposes[p].all;
      row.push_back(fmt::format("{} ({})", percent(all.usable, all.records), all.usable));
    }
    if (compared) {
      const review::UsableCount& a = first[p].all;
      const review::UsableCount& b = reports[1].report.purposes[p].all;
      row.push_back(points(share_of(a.usable, a.records), share_of(b.usable, b.records)));
    }
    rows.push_back(std::move(row));
  }
  std::string out = markdown::table(header, right, rows);

  for (std::size_t p = 0; p < first.size(); ++p) {
    std::vector<std::string> breakdown_header{"breakdown", "value", "records"};
    for (const auto& labeled : reports) breakdown_header.push_back(cell(labeled.label));
    if (compared) breakdown_header.push_back("change");
    std::vector<bool> breakdown_right(breakdown_header.size(), true);
    breakdown_right[0] = breakdown_right[1] = false;
    std::vector<std::vector<std::string>> breakdown_rows;
    std::size_t changed = 0;
    for (std::size_t f = 0; f < first[p].breakdowns.size(); ++f) {
      const review::Breakdown& breakdown = first[p].breakdowns[f];
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        std::vector<std::string> row{i == 0 ? cell(breakdown.field) : "", cell(breakdown.values[i]),
                                     std::to_string(breakdown.counts[i].records)};
        for (const auto& labeled : reports) {
          const review::UsableCount& count = labeled.report.purposes[p].breakdowns[f].counts[i];
          row.push_back(percent(count.usable, count.records));
        }
        if (compared) {
          const review::UsableCount& a = breakdown.counts[i];
          const review::UsableCount& b = reports[1].report.purposes[p].breakdowns[f].counts[i];
          row.push_back(points(share_of(a.usable, a.records), share_of(b.usable, b.records)));
          // A change is in bold, so that it stands out in a long table.
          if (row.back() != "0.00 pp") {
            row.back() = "**" + row.back() + "**";
            ++changed;
          }
        }
        breakdown_rows.push_back(std::move(row));
      }
    }
    std::string content = markdown::table(breakdown_header, breakdown_right, breakdown_rows);

    const review::PurposeReport* second = compared ? &reports[1].report.purposes[p] : nullptr;
    const std::vector<std::string> names = denial_names(first[p], second);
    if (names.empty()) {
      content += "\nno record denied\n";
    } else {
      std::vector<std::string> denial_header{"denied by"};
      for (const auto& labeled : reports) denial_header.push_back(cell(labeled.label));
      if (compared) denial_header.push_back("change");
      std::vector<bool> denial_right(denial_header.size(), true);
      denial_right[0] = false;
      std::vector<std::vector<std::string>> denial_rows;
      for (const auto& name : names) {
        std::vector<std::string> row{markdown::code_cell(name)};
        std::vector<double> shares;
        for (const auto& labeled : reports) {
          const review::PurposeReport& purpose = labeled.report.purposes[p];
          const review::ReasonCount* reason = reason_named(purpose, name);
          row.push_back(reason ? fmt::format("{} ({})", reason->denied, percent(reason->denied, purpose.all.records))
                               : "-");
          shares.push_back(share_of(reason ? reason->denied : 0, purpose.all.records));
        }
        if (compared) row.push_back(points(shares[0], shares[1]));
        denial_rows.push_back(std::move(row));
      }
      content += "\n" + markdown::table(denial_header, denial_right, denial_rows);
    }
    const std::string summary =
        compared ? fmt::format("purpose {}: breakdowns ({} values change) and denials", cell(first[p].purpose), changed)
                 : fmt::format("purpose {}: breakdowns and denials", cell(first[p].purpose));
    out += "\n" + markdown::details(summary, content);
  }
  return out;
}

// `8542 (8.54%)`, or `-` for a setting the policy does not have.
std::string count_and_share(bool present, std::uint64_t count, std::uint64_t whole) {
  return present ? fmt::format("{} ({})", count, percent(count, whole)) : "-";
}

std::string scenario_settings_markdown(std::span<const LabeledReport> reports) {
  const std::vector<review::SettingReport> none;
  const auto pairs = setting_pairs(reports[0].report.settings, reports.size() > 1 ? reports[1].report.settings : none);
  if (pairs.empty()) return {};
  std::vector<std::string> header{"setting", "measure"};
  for (const auto& labeled : reports) header.push_back(cell(labeled.label));
  std::vector<bool> right(header.size(), true);
  right[0] = right[1] = false;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [left, right_setting] : pairs) {
    const review::SettingReport* sides[] = {left, right_setting};
    std::vector<std::string> defaults{markdown::code_cell(pair_name(left, right_setting)), "default"};
    std::vector<std::string> reach{"", "users reached"};
    std::vector<std::string> switched{"", "switched off"};
    std::vector<std::string> removed{"", "records removed"};
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const review::SettingReport* setting = sides[i];
      const review::SimulationReport& report = reports[i].report;
      const bool present = setting != nullptr;
      defaults.push_back(present ? (setting->default_on ? "on" : "off") : "-");
      reach.push_back(count_and_share(present, present ? setting->users_reached : 0, report.users));
      switched.push_back(count_and_share(present, present ? setting->users_switched_off : 0, report.users));
      removed.push_back(
          count_and_share(present, present ? setting->records_removed : 0, report.records * report.purposes.size()));
    }
    for (auto* row : {&defaults, &reach, &switched, &removed}) rows.push_back(std::move(*row));
  }
  std::string content = markdown::table(header, right, rows);
  // Reach per platform pattern: who could reach each setting, by the platforms they use.
  for (const auto& [left, right_setting] : pairs) {
    const review::SettingReport* sides[] = {left, right_setting};
    const review::SettingReport* first = left ? left : right_setting;
    if (first->reach_by_platforms.empty()) continue;
    std::vector<std::string> pattern_header{"platforms", "users"};
    for (const auto& labeled : reports) pattern_header.push_back(cell(labeled.label) + " can reach");
    std::vector<bool> pattern_right(pattern_header.size(), true);
    pattern_right[0] = false;
    std::vector<std::vector<std::string>> pattern_rows;
    for (std::size_t p = 0; p < first->reach_by_platforms.size(); ++p) {
      const review::PatternReach& pattern = first->reach_by_platforms[p];
      std::vector<std::string> row{cell(pattern.platforms), std::to_string(pattern.users)};
      for (std::size_t i = 0; i < reports.size(); ++i) {
        const review::SettingReport* setting = sides[i];
        row.push_back(
            count_and_share(setting != nullptr, setting ? setting->reach_by_platforms[p].reached : 0, pattern.users));
      }
      pattern_rows.push_back(std::move(row));
    }
    content += fmt::format("\n{} by platform mix:\n\n{}", markdown::code_cell(pair_name(left, right_setting)),
                           markdown::table(pattern_header, pattern_right, pattern_rows));
  }
  return fmt::format("\n{}", markdown::details("settings: opt-out reach (users to whom the setting was available where "
                                               "and when they acted) and effect",
                                               content));
}

std::string records_settings_markdown(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  const std::vector<review::RecordSettingReport> none;
  const auto pairs = setting_pairs(reports[0].report.settings, reports.size() > 1 ? reports[1].report.settings : none);
  if (pairs.empty()) return {};
  std::vector<std::string> header{"setting", "measure"};
  for (const auto& labeled : reports) header.push_back(cell(labeled.label));
  std::vector<bool> right(header.size(), true);
  right[0] = right[1] = false;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [left, right_setting] : pairs) {
    const review::RecordSettingReport* sides[] = {left, right_setting};
    std::vector<std::string> defaults{markdown::code_cell(pair_name(left, right_setting)), "default"};
    std::vector<std::string> switched{"", "switched off"};
    std::vector<std::string> rejected{"", "changes rejected"};
    std::vector<std::string> removed{"", "records removed"};
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const review::RecordSettingReport* setting = sides[i];
      const bool present = setting != nullptr;
      defaults.push_back(present ? (setting->default_on ? "on" : "off") : "-");
      switched.push_back(present ? std::to_string(setting->subjects_switched_off) : "-");
      rejected.push_back(present ? std::to_string(setting->changes_rejected) : "-");
      removed.push_back(count_and_share(present, present ? setting->records_removed : 0,
                                        reports[i].report.records * reports[i].report.purposes.size()));
    }
    rows.push_back(std::move(defaults));
    if (run.consent_path) {
      rows.push_back(std::move(switched));
      rows.push_back(std::move(rejected));
    }
    rows.push_back(std::move(removed));
  }
  return "\n" + markdown::details("settings: records each opt-out removed (reach is not measured from records)",
                                  markdown::table(header, right, rows));
}

}  // namespace

std::string render_sim_markdown(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  return heading(reports, sim_header_text(scenario, reports)) + purposes_markdown(reports) +
         scenario_settings_markdown(reports);
}

std::string render_records_sim_markdown(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  return heading(reports, records_header_text(run, reports)) + purposes_markdown(reports) +
         records_settings_markdown(run, reports);
}

}  // namespace usegate::cli
