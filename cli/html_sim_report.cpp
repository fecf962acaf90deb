// `usegate sim --format html`: the report as one self-contained page. The figures are those of
// the text and JSON reports (cli/report_figures.hpp), each chart beside the table of its numbers.
#include <fmt/format.h>

#include "html_page.hpp"
#include "report_figures.hpp"
#include "sim_report.hpp"

namespace usegate::cli {
namespace {

// The per-purpose reports of each policy, in label order; every policy has the same purposes
// and breakdowns (the same records decided under each).
struct Columns {
  std::vector<std::string> labels;
  std::vector<const std::vector<review::PurposeReport>*> purposes;
};

template <typename Report>
Columns columns_of(std::span<const Labeled<Report>> reports) {
  Columns columns;
  for (const auto& labeled : reports) {
    columns.labels.push_back(labeled.label);
    columns.purposes.push_back(&labeled.report.purposes);
  }
  return columns;
}

std::string title_of(std::span<const std::string> names) {
  std::string title = "usegate sim: ";
  for (std::size_t i = 0; i < names.size(); ++i) title += (i ? " vs " : "") + names[i];
  return title;
}

std::string header_html(const std::string& title, const std::string& header_text) {
  std::string out = fmt::format("<h1>{}</h1>\n", html::escape(title));
  std::size_t start = 0;
  while (start < header_text.size()) {
    const std::size_t end = header_text.find('\n', start);
    out += fmt::format("<p class=\"meta\">{}</p>\n", html::escape(header_text.substr(start, end - start)));
    start = end == std::string::npos ? header_text.size() : end + 1;
  }
  return out;
}

// The header of a table comparing the policies: per policy a count and its share, then the
// change when there are two.
std::vector<std::string> compared_header(std::vector<std::string> header, const Columns& columns,
                                         const std::string& count, const std::string& share) {
  for (const auto& label : columns.labels) {
    header.push_back(fmt::format("{} {}", label, count));
    header.push_back(fmt::format("{} {}", label, share));
  }
  if (columns.labels.size() > 1) header.push_back("change");
  return header;
}

std::vector<bool> numeric_after(std::size_t text_columns, std::size_t total) {
  std::vector<bool> numeric(total, true);
  for (std::size_t i = 0; i < text_columns && i < total; ++i) numeric[i] = false;
  return numeric;
}

// The headline: the usable share of each purpose under each policy.
std::string headline_html(const Columns& columns) {
  html::Table table{
      "usable", "Usable share per purpose", compared_header({"purpose", "records"}, columns, "usable", "share"), {}, {},
      {}};
  table.numeric = numeric_after(1, table.header.size());
  std::vector<html::Bar> bars;
  const auto& first = *columns.purposes.front();
  for (std::size_t p = 0; p < first.size(); ++p) {
    std::vector<std::string> row{first[p].purpose, std::to_string(first[p].all.records)};
    html::Bar bar{first[p].purpose, {}, {}, false};
    for (const auto* purposes : columns.purposes) {
      const review::UsableCount& all = (*purposes)[p].all;
      row.push_back(std::to_string(all.usable));
      row.push_back(percent(all.usable, all.records));
      bar.shares.push_back(share_of(all.usable, all.records));
      bar.texts.push_back(percent(all.usable, all.records));
    }
    std::string row_class;
    if (columns.purposes.size() > 1) {
      const review::UsableCount& a = first[p].all;
      const review::UsableCount& b = (*columns.purposes[1])[p].all;
      row.push_back(points(share_of(a.usable, a.records), share_of(b.usable, b.records)));
      bar.highlight = row.back() != "0.00 pp";
      row_class = bar.highlight ? "changed" : "";
    }
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(row_class);
    bars.push_back(std::move(bar));
  }
  return "<section>\n<h2>Usable share per purpose</h2>\n" +
         html::chart_with_table(html::bar_chart("Usable share per purpose", columns.labels, bars), html::table(table)) +
         "</section>\n";
}

std::string breakdown_html(const Columns& columns, std::size_t p, std::size_t f) {
  const review::PurposeReport& first = (*columns.purposes.front())[p];
  const review::Breakdown& breakdown = first.breakdowns[f];
  const std::string caption = fmt::format("Usable share by {} ({})", breakdown.field, first.purpose);
  html::Table table{fmt::format("{}-{}", first.purpose, breakdown.field),
                    caption,
                    compared_header({breakdown.field, "records"}, columns, "usable", "share"),
                    {},
                    {},
                    {}};
  table.numeric = numeric_after(1, table.header.size());
  std::vector<html::Bar> bars;
  for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
    std::vector<std::string> row{breakdown.values[i], std::to_string(breakdown.counts[i].records)};
    html::Bar bar{breakdown.values[i], {}, {}, false};
    for (const auto* purposes : columns.purposes) {
      const review::UsableCount& count = (*purposes)[p].breakdowns[f].counts[i];
      row.push_back(std::to_string(count.usable));
      row.push_back(percent(count.usable, count.records));
      bar.shares.push_back(share_of(count.usable, count.records));
      bar.texts.push_back(row.back());
    }
    std::string row_class;
    if (columns.purposes.size() > 1) {
      const review::UsableCount& a = breakdown.counts[i];
      const review::UsableCount& b = (*columns.purposes[1])[p].breakdowns[f].counts[i];
      row.push_back(points(share_of(a.usable, a.records), share_of(b.usable, b.records)));
      bar.highlight = row.back() != "0.00 pp";
      row_class = bar.highlight ? "changed" : "";
    }
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(row_class);
    bars.push_back(std::move(bar));
  }
  return fmt::format("<h3>by {}</h3>\n", html::escape(breakdown.field)) +
         html::chart_with_table(html::bar_chart(caption, columns.labels, bars), html::table(table));
}

std::string denials_html(const Columns& columns, std::size_t p) {
  const review::PurposeReport& first = (*columns.purposes.front())[p];
  const review::PurposeReport* second = columns.purposes.size() > 1 ? &(*columns.purposes[1])[p] : nullptr;
  const std::vector<std::string> names = denial_names(first, second);
  if (names.empty()) return "<h3>denials</h3>\n<p>No record denied.</p>\n";
  const std::string caption = fmt::format("Records denied by reason ({})", first.purpose);
  html::Table table{fmt::format("{}-denials", first.purpose),
                    caption,
                    compared_header({"denied by", "rule"}, columns, "denied", "share"),
                    {},
                    {},
                    {}};
  table.numeric = numeric_after(2, table.header.size());
  std::vector<html::Bar> bars;
  for (const auto& name : names) {
    std::string description;
    std::vector<std::string> cells;
    html::Bar bar{name, {}, {}, false};
    std::vector<double> shares;
    for (const auto* purposes : columns.purposes) {
      const review::PurposeReport& purpose = (*purposes)[p];
      const review::ReasonCount* reason = reason_named(purpose, name);
      if (reason && description.empty()) description = reason->description;
      const std::uint64_t denied = reason ? reason->denied : 0;
      cells.push_back(reason ? std::to_string(denied) : "-");
      cells.push_back(reason ? percent(denied, purpose.all.records) : "-");
      shares.push_back(share_of(denied, purpose.all.records));
      bar.shares.push_back(shares.back());
      bar.texts.push_back(reason ? percent(denied, purpose.all.records) : "-");
    }
    std::vector<std::string> row{name, description};
    row.insert(row.end(), cells.begin(), cells.end());
    std::string row_class;
    if (shares.size() > 1) {
      row.push_back(points(shares[0], shares[1]));
      bar.highlight = row.back() != "0.00 pp";
      row_class = bar.highlight ? "changed" : "";
    }
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(row_class);
    bars.push_back(std::move(bar));
  }
  return "<h3>denials</h3>\n" +
         html::chart_with_table(html::bar_chart(caption, columns.labels, bars), html::table(table));
}

std::string purposes_html(const Columns& columns) {
  std::string out = headline_html(columns);
  const auto& first = *columns.purposes.front();
  for (std::size_t p = 0; p < first.size(); ++p) {
    out += fmt::format("<section>\n<h2>purpose {}</h2>\n", html::escape(first[p].purpose));
    for (std::size_t f = 0; f < first[p].breakdowns.size(); ++f) out += breakdown_html(columns, p, f);
    out += denials_html(columns, p);
    out += "</section>\n";
  }
  return out;
}

// `34052 (34.05%)`, or `-` for a setting the policy does not have.
std::string count_and_share(bool present, std::uint64_t count, std::uint64_t whole) {
  return present ? fmt::format("{} ({})", count, percent(count, whole)) : "-";
}

// A settings table: per setting (a pair when two policies are compared) one row per measure,
// the setting's name on the first; a column per policy, then `same`/`changed` for two.
struct SettingsTable {
  html::Table table;
  std::vector<html::Bar> bars;
  std::vector<std::string> labels;

  template <typename Report>
  SettingsTable(std::string caption, std::span<const Labeled<Report>> reports)
      : table{"settings", std::move(caption), {"setting", "measure"}, {false, false}, {}, {}} {
    for (const auto& labeled : reports) {
      labels.push_back(labeled.label);
      table.header.push_back(labeled.label);
      table.numeric.push_back(true);
    }
    if (reports.size() > 1) {
      table.header.push_back("change");
      table.numeric.push_back(false);
    }
  }

  // One measure's row; the first of a setting carries its name.
  void add(const std::string& setting, const std::string& measure, std::vector<std::string> cells) {
    const bool changed = cells.size() > 1 && cells[0] != cells[1];
    std::vector<std::string> row{setting, measure};
    if (cells.size() > 1) cells.push_back(changed ? "changed" : "same");
    row.insert(row.end(), cells.begin(), cells.end());
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(changed ? "changed" : "");
  }
};

// Reach of one setting (a pair under --vs) per platform pattern: of the users of each pattern,
// who could reach it and who could not. Nothing without platform patterns.
std::string pattern_reach_html(std::span<const LabeledReport> reports, const review::SettingReport* left,
                               const review::SettingReport* right) {
  const review::SettingReport* sides[] = {left, right};
  const review::SettingReport* first = left ? left : right;
  if (first->reach_by_platforms.empty()) return {};
  const std::string name = pair_name(left, right);
  const std::string caption = fmt::format("Reach of {} by platform mix", name);
  html::Table table{fmt::format("reach-{}", first->name), caption, {"platforms", "users"}, {false, true}, {}, {}};
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < reports.size(); ++i) {
    labels.push_back(reports[i].label);
    table.header.push_back(reports[i].label + " can reach");
    table.header.push_back(reports[i].label + " cannot reach");
    table.numeric.insert(table.numeric.end(), {true, true});
  }
  if (reports.size() > 1) {
    table.header.push_back("change");
    table.numeric.push_back(true);
  }
  std::vector<html::Bar> bars;
  for (std::size_t p = 0; p < first->reach_by_platforms.size(); ++p) {
    const review::PatternReach& pattern = first->reach_by_platforms[p];
    std::vector<std::string> row{pattern.platforms, std::to_string(pattern.users)};
    html::Bar bar{pattern.platforms, {}, {}, false};
    std::vector<double> shares;
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const review::SettingReport* setting = sides[i];
      const std::uint64_t reached = setting ? setting->reach_by_platforms[p].reached : 0;
      row.push_back(count_and_share(setting != nullptr, reached, pattern.users));
      row.push_back(count_and_share(setting != nullptr, pattern.users - reached, pattern.users));
      shares.push_back(share_of(reached, pattern.users));
      bar.shares.push_back(shares.back());
      bar.texts.push_back(setting ? percent(reached, pattern.users) : "-");
    }
    if (shares.size() > 1) {
      row.push_back(points(shares[0], shares[1]));
      bar.highlight = row.back() != "0.00 pp";
    }
    table.rows.push_back(std::move(row));
    table.row_classes.push_back(bar.highlight ? "changed" : "");
    bars.push_back(std::move(bar));
  }
  return fmt::format("<h3>{} by platform mix</h3>\n", html::escape(name)) +
         html::chart_with_table(html::bar_chart(caption, labels, bars), html::table(table));
}

// Reach per setting: who could reach it (where and when they acted), who could not, who
// switched it off, and the records its opt-out removed.
std::string scenario_settings_html(std::span<const LabeledReport> reports) {
  const std::vector<review::SettingReport> none;
  const auto pairs = setting_pairs(reports[0].report.settings, reports.size() > 1 ? reports[1].report.settings : none);
  if (pairs.empty()) return {};
  SettingsTable settings("Opt-out settings: reach and effect", reports);
  for (const auto& [left, right] : pairs) {
    const std::string name = pair_name(left, right);
    const review::SettingReport* sides[] = {left, right};
    std::vector<std::string> defaults, reached, not_reached, switched_off, removed;
    html::Bar bar{name, {}, {}, false};
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const review::SettingReport* setting = sides[i];
      const review::SimulationReport& report = reports[i].report;
      const bool present = setting != nullptr;
      defaults.push_back(present ? (setting->default_on ? "on" : "off") : "-");
      reached.push_back(count_and_share(present, present ? setting->users_reached : 0, report.users));
      not_reached.push_back(
          count_and_share(present, present ? report.users - setting->users_reached : 0, report.users));
      switched_off.push_back(count_and_share(present, present ? setting->users_switched_off : 0, report.users));
      removed.push_back(
          count_and_share(present, present ? setting->records_removed : 0, report.records * report.purposes.size()));
      bar.shares.push_back(present ? share_of(setting->users_reached, report.users) : 0.0);
      bar.texts.push_back(present ? percent(setting->users_reached, report.users) : "-");
    }
    bar.highlight = bar.texts.size() > 1 && bar.texts[0] != bar.texts[1];
    settings.add(name, "default", std::move(defaults));
    settings.add("", "users reached", std::move(reached));
    settings.add("", "users not reached", std::move(not_reached));
    settings.add("", "switched off", std::move(switched_off));
    settings.add("", "records removed", std::move(removed));
    settings.bars.push_back(std::move(bar));
  }
  std::string out =
      "<section>\n<h2>Opt-out reach</h2>\n<p class=\"meta\">Reach: the users to whom the setting was available "
      "where and when they acted; the others could not switch it off.</p>\n" +
      html::chart_with_table(html::bar_chart("Users who could reach each setting", settings.labels, settings.bars),
                             html::table(settings.table));
  for (const auto& [left, right] : pairs) out += pattern_reach_html(reports, left, right);
  return out + "</section>\n";
}

// The records source: the records each opt-out removed and, with a consent file, who switched
// a setting off and which changes were rejected. Reach is not measured.
std::string records_settings_html(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  const std::vector<review::RecordSettingReport> none;
  const auto pairs = setting_pairs(reports[0].report.settings, reports.size() > 1 ? reports[1].report.settings : none);
  if (pairs.empty()) return {};
  SettingsTable settings("Opt-out settings: effect", reports);
  for (const auto& [left, right] : pairs) {
    const std::string name = pair_name(left, right);
    const review::RecordSettingReport* sides[] = {left, right};
    std::vector<std::string> defaults, switched_off, rejected, removed;
    html::Bar bar{name, {}, {}, false};
    for (std::size_t i = 0; i < reports.size(); ++i) {
      const review::RecordSettingReport* setting = sides[i];
      const std::uint64_t decisions = reports[i].report.records * reports[i].report.purposes.size();
      const bool present = setting != nullptr;
      defaults.push_back(present ? (setting->default_on ? "on" : "off") : "-");
      switched_off.push_back(present ? std::to_string(setting->subjects_switched_off) : "-");
      rejected.push_back(present ? std::to_string(setting->changes_rejected) : "-");
      removed.push_back(count_and_share(present, present ? setting->records_removed : 0, decisions));
      bar.shares.push_back(present ? share_of(setting->records_removed, decisions) : 0.0);
      bar.texts.push_back(present ? percent(setting->records_removed, decisions) : "-");
    }
    bar.highlight = bar.texts.size() > 1 && bar.texts[0] != bar.texts[1];
    settings.add(name, "default", std::move(defaults));
    if (run.consent_path) {
      settings.add("", "switched off", std::move(switched_off));
      settings.add("", "changes rejected", std::move(rejected));
    }
    settings.add("", "records removed", std::move(removed));
    settings.bars.push_back(std::move(bar));
  }
  return "<section>\n<h2>Opt-out settings</h2>\n<p class=\"meta\">Reach is not measured: records do not say on "
         "which platforms their users could change a setting, nor when; a scenario simulation estimates it.</p>\n" +
         html::chart_with_table(html::bar_chart("Records removed by each opt-out", settings.labels, settings.bars),
                                html::table(settings.table)) +
         "</section>\n";
}

template <typename Report>
std::vector<std::string> policy_names(std::span<const Labeled<Report>> reports) {
  std::vector<std::string> names;
  for (const auto& labeled : reports) {
    names.push_back(fmt::format("{} {}", labeled.report.policy_name,
                                labeled.report.policy_version.empty() ? "-" : labeled.report.policy_version));
  }
  return names;
}

}  // namespace

std::string render_sim_html(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  const std::string title = title_of(policy_names(reports));
  std::string body = header_html(title, sim_header_text(scenario, reports));
  body += purposes_html(columns_of(reports));
  body += scenario_settings_html(reports);
  return html::page(title, body);
}

std::string render_records_sim_html(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  const std::string title = title_of(policy_names(reports));
  std::string body = header_html(title, records_header_text(run, reports));
  body += purposes_html(columns_of(reports));
  body += records_settings_html(run, reports);
  return html::page(title, body);
}

}  // namespace usegate::cli
