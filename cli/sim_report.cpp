#include "sim_report.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "report_figures.hpp"
#include "text_table.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"

namespace usegate::cli {
namespace {

// A text table whose numeric columns are aligned on the right.
class ReportTable {
 public:
  explicit ReportTable(std::vector<std::string> header, std::vector<bool> right) : right_(std::move(right)) {
    rows_.push_back(std::move(header));
  }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  [[nodiscard]] bool empty() const { return rows_.size() == 1; }

  [[nodiscard]] std::string render() const {
    std::vector<std::size_t> widths(right_.size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], display_width(row[i]));
    }
    TextTable table;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      std::vector<std::string> cells = rows_[r];
      for (std::size_t i = 0; i < cells.size() && i < right_.size(); ++i) {
        if (r > 0 && right_[i] && !cells[i].empty())
          cells[i] = std::string(widths[i] - display_width(cells[i]), ' ') + cells[i];
      }
      table.add_row(std::move(cells));
    }
    return table.render();
  }

 private:
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

// The `default` row of a pair in a settings table.
template <typename Setting>
std::vector<std::string> default_row(const std::string& name, const Setting* left, const Setting* right) {
  const std::string default_a = left ? (left->default_on ? "on" : "off") : "-";
  const std::string default_b = right ? (right->default_on ? "on" : "off") : "-";
  return {name, "default", default_a, default_b, default_a == default_b ? "same" : "changed"};
}

template <typename Report>
std::string describe_policy(const Labeled<Report>& labeled) {
  return fmt::format("policy {} version {} ({})", labeled.report.policy_name,
                     labeled.report.policy_version.empty() ? "-" : labeled.report.policy_version, labeled.path);
}

// The first lines of a report: the policy, or each policy under its label.
template <typename Report>
std::string policy_lines(std::span<const Labeled<Report>> reports) {
  if (reports.size() == 1) return describe_policy(reports.front()) + "\n";
  std::string out;
  for (const auto& labeled : reports) out += fmt::format("{}: {}\n", labeled.label, describe_policy(labeled));
  return out;
}

}  // namespace

std::string sim_header_text(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  std::string out = policy_lines(reports);
  out += fmt::format("scenario {}: {}, seed {}, now {}{}\n", scenario.path, counted(scenario.users, "user"),
                     scenario.seed, scenario.now_text, reports.size() > 1 ? ", the same users under each policy" : "");
  std::string purposes;
  for (const auto& purpose : scenario.purposes) {
    if (!purposes.empty()) purposes += ", ";
    purposes += purpose;
  }
  out += fmt::format("{} per purpose ({} per user), purposes {}\n", counted(reports.front().report.records, "record"),
                     scenario.records_per_user(), purposes);
  return out;
}

namespace {

// Per purpose: the usable share, the breakdowns and the denials of one report.
std::string purposes_text(const std::vector<review::PurposeReport>& purposes) {
  std::string out;
  for (const auto& purpose : purposes) {
    out += fmt::format("\npurpose {}: {} of {} usable ({})\n\n", purpose.purpose, purpose.all.usable,
                       counted(purpose.all.records, "record"), percent(purpose.all.usable, purpose.all.records));
    ReportTable breakdowns({"breakdown", "value", "records", "usable", "share"}, {false, false, true, true, true});
    for (const auto& breakdown : purpose.breakdowns) {
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        const review::UsableCount& count = breakdown.counts[i];
        breakdowns.add({i == 0 ? breakdown.field : "", breakdown.values[i], std::to_string(count.records),
                        std::to_string(count.usable), percent(count.usable, count.records)});
      }
    }
    out += breakdowns.render();
    ReportTable denials({"denied by", "records", "share", "rule"}, {false, true, true, false});
    for (const auto& reason : purpose.reasons) {
      if (reason.denied == 0) continue;
      denials.add({reason.reason, std::to_string(reason.denied), percent(reason.denied, purpose.all.records),
                   reason.description});
    }
    out += denials.empty() ? "\nno record denied\n" : "\n" + denials.render();
  }
  return out;
}

// Per purpose, two reports side by side. Both have the same purposes and breakdowns (the same
// records, decided under each policy).
std::string purposes_compared_text(const std::vector<review::PurposeReport>& a_purposes,
                                   const std::vector<review::PurposeReport>& b_purposes, const std::string& a_label,
                                   const std::string& b_label) {
  std::string out;
  for (std::size_t p = 0; p < a_purposes.size(); ++p) {
    const review::PurposeReport& before = a_purposes[p];
    const review::PurposeReport& after = b_purposes[p];
    const double share_a = share_of(before.all.usable, before.all.records);
    const double share_b = share_of(after.all.usable, after.all.records);
    out += fmt::format("\npurpose {}: usable {} under {}, {} under {} ({})\n\n", before.purpose,
                       percent(before.all.usable, before.all.records), a_label,
                       percent(after.all.usable, after.all.records), b_label, points(share_a, share_b));
    ReportTable breakdowns({"breakdown", "value", "records", a_label, b_label, "change"},
                           {false, false, true, true, true, true});
    breakdowns.add({"all", "", std::to_string(before.all.records), percent(before.all.usable, before.all.records),
                    percent(after.all.usable, after.all.records), points(share_a, share_b)});
    for (std::size_t f = 0; f < before.breakdowns.size(); ++f) {
      const review::Breakdown& left = before.breakdowns[f];
      const review::Breakdown& right = after.breakdowns[f];
      for (std::size_t i = 0; i < left.values.size(); ++i) {
        const review::UsableCount& l = left.counts[i];
        const review::UsableCount& r = right.counts[i];
        breakdowns.add({i == 0 ? left.field : "", left.values[i], std::to_string(l.records),
                        percent(l.usable, l.records), percent(r.usable, r.records),
                        points(share_of(l.usable, l.records), share_of(r.usable, r.records))});
      }
    }
    out += breakdowns.render();

    // Deny reasons of either policy, those of the first in its order, then the second's.
    ReportTable denials({"denied by", a_label, b_label, "change"}, {false, true, true, true});
    const std::vector<std::string> names = denial_names(before, &after);
    const auto cell = [](const review::PurposeReport& purpose, const std::string& name) {
      const review::ReasonCount* reason = reason_named(purpose, name);
      if (reason == nullptr) return std::string("-");
      return fmt::format("{} ({})", reason->denied, percent(reason->denied, purpose.all.records));
    };
    for (const auto& name : names) {
      const review::ReasonCount* l = reason_named(before, name);
      const review::ReasonCount* r = reason_named(after, name);
      denials.add(
          {name, cell(before, name), cell(after, name),
           points(share_of(l ? l->denied : 0, before.all.records), share_of(r ? r->denied : 0, after.all.records))});
    }
    out += denials.empty() ? "\nno record denied\n" : "\n" + denials.render();
  }
  return out;
}

std::string render_single(const review::Scenario& scenario, const LabeledReport& labeled) {
  const review::SimulationReport& report = labeled.report;
  std::string out = sim_header_text(scenario, {&labeled, 1});
  out += purposes_text(report.purposes);
  if (!report.settings.empty()) {
    const std::uint64_t decisions = report.records * report.purposes.size();
    out += "\nsettings (reach: users to whom the setting was available where and when they acted)\n\n";
    ReportTable settings(
        {"setting", "default", "users reached", "reach", "switched off", "share", "records removed", "share"},
        {false, false, true, true, true, true, true, true});
    for (const auto& setting : report.settings) {
      settings.add({setting.name, setting.default_on ? "on" : "off", std::to_string(setting.users_reached),
                    percent(setting.users_reached, report.users), std::to_string(setting.users_switched_off),
                    percent(setting.users_switched_off, report.users), std::to_string(setting.records_removed),
                    percent(setting.records_removed, decisions)});
    }
    out += settings.render();
  }
  return out;
}

std::string render_compared(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  const LabeledReport& a = reports[0];
  const LabeledReport& b = reports[1];
  std::string out = sim_header_text(scenario, reports);
  out += purposes_compared_text(a.report.purposes, b.report.purposes, a.label, b.label);

  const auto pairs = setting_pairs(a.report.settings, b.report.settings);
  if (!pairs.empty()) {
    out += "\nsettings (reach: users to whom the setting was available where and when they acted)\n\n";
    ReportTable settings({"setting", "measure", a.label, b.label, "change"}, {false, false, true, true, true});
    const std::uint64_t decisions_a = a.report.records * a.report.purposes.size();
    const std::uint64_t decisions_b = b.report.records * b.report.purposes.size();
    for (const auto& [left, right] : pairs) {
      const auto value = [](const review::SettingReport* setting, auto field) {
        return setting ? std::invoke(field, *setting) : std::uint64_t{0};
      };
      const auto shown = [](const review::SettingReport* setting, std::uint64_t count, std::uint64_t whole) {
        return setting ? fmt::format("{} ({})", count, percent(count, whole)) : std::string("-");
      };
      settings.add(default_row(pair_name(left, right), left, right));
      const std::pair<const char*, std::uint64_t review::SettingReport::*> measures[] = {
          {"reach", &review::SettingReport::users_reached},
          {"switched off", &review::SettingReport::users_switched_off}};
      for (const auto& [label, field] : measures) {
        const std::uint64_t l = value(left, field);
        const std::uint64_t r = value(right, field);
        settings.add({"", label, shown(left, l, a.report.users), shown(right, r, b.report.users),
                      points(share_of(l, a.report.users), share_of(r, b.report.users))});
      }
      const std::uint64_t l = value(left, &review::SettingReport::records_removed);
      const std::uint64_t r = value(right, &review::SettingReport::records_removed);
      settings.add({"", "records removed", shown(left, l, decisions_a), shown(right, r, decisions_b),
                    points(share_of(l, decisions_a), share_of(r, decisions_b))});
    }
    out += settings.render();
  }
  return out;
}

// ---- the records source (`--records`)

// Reach is the one figure of the synthetic report that records cannot give.
constexpr const char* records_settings_title =
    "\nsettings (reach is not measured: records do not say on which platforms their users could "
    "change a setting, nor when; a `--scenario` simulation estimates it)\n\n";

}  // namespace

std::string records_header_text(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  std::string out = policy_lines(reports);
  std::string purposes;
  for (const auto& purpose : run.purposes) {
    if (!purposes.empty()) purposes += ", ";
    purposes += purpose;
  }
  out += fmt::format("records {}: {} read, {} decided, {} rejected{}; now {}; purposes {}{}\n", run.path,
                     run.counts.read, run.counts.decided, run.counts.rejected,
                     run.counts.rejected > 0 ? " (unreadable: usable for no purpose, in no figure below)" : "", run.now,
                     purposes, reports.size() > 1 ? "; the same records under each policy" : "");
  if (run.consent_path) {
    for (const auto& labeled : reports) {
      const review::ConsentTotals& consent = *labeled.report.consent;
      out += fmt::format("consent changes {}", *run.consent_path);
      if (reports.size() > 1) out += fmt::format(" under {}", labeled.label);
      out += fmt::format(": {} applied, {} rejected, {} after now\n", consent.applied, consent.rejected,
                         consent.after_now);
    }
  }
  return out;
}

namespace {

std::string render_records_single(const RecordsRun& run, const LabeledRecordReport& labeled) {
  const review::RecordPolicyReport& report = labeled.report;
  std::string out = records_header_text(run, {&labeled, 1});
  out += purposes_text(report.purposes);
  if (report.settings.empty()) return out;
  const std::uint64_t decisions = report.records * report.purposes.size();
  const bool consent = run.consent_path.has_value();
  out += records_settings_title;
  ReportTable settings(
      consent ? std::vector<std::string>{"setting", "default", "switched off", "changes rejected", "records removed",
                                         "share"}
              : std::vector<std::string>{"setting", "default", "records removed", "share"},
      consent ? std::vector<bool>{false, false, true, true, true, true} : std::vector<bool>{false, false, true, true});
  for (const auto& setting : report.settings) {
    std::vector<std::string> row{setting.name, setting.default_on ? "on" : "off"};
    if (consent) {
      row.push_back(std::to_string(setting.subjects_switched_off));
      row.push_back(std::to_string(setting.changes_rejected));
    }
    row.push_back(std::to_string(setting.records_removed));
    row.push_back(percent(setting.records_removed, decisions));
    settings.add(std::move(row));
  }
  return out + settings.render();
}

std::string render_records_compared(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  const LabeledRecordReport& a = reports[0];
  const LabeledRecordReport& b = reports[1];
  std::string out = records_header_text(run, reports);
  out += purposes_compared_text(a.report.purposes, b.report.purposes, a.label, b.label);

  const auto pairs = setting_pairs(a.report.settings, b.report.settings);
  if (pairs.empty()) return out;
  out += records_settings_title;
  ReportTable settings({"setting", "measure", a.label, b.label, "change"}, {false, false, true, true, true});
  const std::uint64_t decisions_a = a.report.records * a.report.purposes.size();
  const std::uint64_t decisions_b = b.report.records * b.report.purposes.size();
  for (const auto& [left, right] : pairs) {
    settings.add(default_row(pair_name(left, right), left, right));
    const auto count = [](const review::RecordSettingReport* setting,
                          std::uint64_t review::RecordSettingReport::*field) {
      return setting ? std::to_string((*setting).*field) : std::string("-");
    };
    const auto value = [](const review::RecordSettingReport* setting,
                          std::uint64_t review::RecordSettingReport::*field) {
      return setting ? (*setting).*field : std::uint64_t{0};
    };
    if (run.consent_path) {
      const std::pair<const char*, std::uint64_t review::RecordSettingReport::*> measures[] = {
          {"switched off", &review::RecordSettingReport::subjects_switched_off},
          {"changes rejected", &review::RecordSettingReport::changes_rejected}};
      for (const auto& [label, field] : measures) {
        settings.add({"", label, count(left, field), count(right, field),
                      count_change(value(left, field), value(right, field))});
      }
    }
    const std::uint64_t l = value(left, &review::RecordSettingReport::records_removed);
    const std::uint64_t r = value(right, &review::RecordSettingReport::records_removed);
    settings.add({"", "records removed", left ? fmt::format("{} ({})", l, percent(l, decisions_a)) : "-",
                  right ? fmt::format("{} ({})", r, percent(r, decisions_b)) : "-",
                  points(share_of(l, decisions_a), share_of(r, decisions_b))});
  }
  return out + settings.render();
}

// ---- JSON

std::string json_share(std::uint64_t part, std::uint64_t whole) {
  return fmt::format("{:.6f}", share_of(part, whole));
}

std::string json_usable(const review::UsableCount& count) {
  return fmt::format("\"records\":{},\"usable\":{},\"usable_share\":{}", count.records, count.usable,
                     json_share(count.usable, count.records));
}

std::string json_list(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& text : texts) {
    if (!out.empty()) out += ',';
    out += json::quote(text);
  }
  return out;
}

// The elements of a policy's `purposes` array, the same for both sources.
std::string json_purposes(const std::vector<review::PurposeReport>& purposes) {
  std::string out;
  for (std::size_t p = 0; p < purposes.size(); ++p) {
    const review::PurposeReport& purpose = purposes[p];
    out += fmt::format("{}\n    {{\"purpose\":{},{},\"breakdowns\":[", p ? "," : "", json::quote(purpose.purpose),
                       json_usable(purpose.all));
    for (std::size_t f = 0; f < purpose.breakdowns.size(); ++f) {
      const review::Breakdown& breakdown = purpose.breakdowns[f];
      out += fmt::format("{}\n      {{\"field\":{},\"values\":[", f ? "," : "", json::quote(breakdown.field));
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        out += fmt::format("{}{{\"value\":{},{}}}", i ? "," : "", json::quote(breakdown.values[i]),
                           json_usable(breakdown.counts[i]));
      }
      out += "]}";
    }
    out += "],\n     \"reasons\":[";
    bool first = true;
    for (const auto& reason : purpose.reasons) {
      const std::uint64_t records = reason.allowed + reason.denied;
      if (records == 0) continue;
      out += fmt::format("{}\n      {{\"reason\":{},\"effect\":\"{}\",\"records\":{},\"share\":{}}}", first ? "" : ",",
                         json::quote(reason.reason), reason.denied > 0 ? "deny" : "allow", records,
                         json_share(records, purpose.all.records));
      first = false;
    }
    out += "]}";
  }
  return out;
}

// `{"platforms":"web","users":41990,"reached":41990,"reach":1.000000}`, one per pattern.
std::string json_pattern_reach(const std::vector<review::PatternReach>& patterns) {
  std::string out;
  for (const auto& pattern : patterns) {
    out += fmt::format("{}{{\"platforms\":{},\"users\":{},\"reached\":{},\"reach\":{}}}", out.empty() ? "" : ",",
                       json::quote(pattern.platforms), pattern.users, pattern.reached,
                       json_share(pattern.reached, pattern.users));
  }
  return out;
}

std::string json_report(const LabeledReport& labeled) {
  const review::SimulationReport& report = labeled.report;
  std::string out = fmt::format(
      "{{\"label\":{},\"path\":{},\"name\":{},\"version\":{},\"users\":{},\"records\":{},"
      "\"purposes\":[",
      json::quote(labeled.label), json::quote(labeled.path), json::quote(report.policy_name),
      json::quote(report.policy_version), report.users, report.records);
  out += json_purposes(report.purposes);
  out += "],\n   \"settings\":[";
  const std::uint64_t decisions = report.records * report.purposes.size();
  for (std::size_t s = 0; s < report.settings.size(); ++s) {
    const review::SettingReport& setting = report.settings[s];
    out += fmt::format(
        "{}\n    "
        "{{\"setting\":{},\"default\":\"{}\",\"acts_as\":{},\"users_reached\":{},\"reach\":{},"
        "\"users_switched_off\":{},\"switched_off_share\":{},\"records_removed\":{},\"records_"
        "removed_share\":{},\"reach_by_platforms\":[{}]}}",
        s ? "," : "", json::quote(setting.name), setting.default_on ? "on" : "off", json::quote(setting.acts_as),
        setting.users_reached, json_share(setting.users_reached, report.users), setting.users_switched_off,
        json_share(setting.users_switched_off, report.users), setting.records_removed,
        json_share(setting.records_removed, decisions), json_pattern_reach(setting.reach_by_platforms));
  }
  return out + "]}";
}

// `reach` is null: records cannot measure it. The consent figures are null without a
// consent file.
std::string json_record_report(const LabeledRecordReport& labeled) {
  const review::RecordPolicyReport& report = labeled.report;
  std::string out = fmt::format("{{\"label\":{},\"path\":{},\"name\":{},\"version\":{},\"records\":{},\"purposes\":[",
                                json::quote(labeled.label), json::quote(labeled.path), json::quote(report.policy_name),
                                json::quote(report.policy_version), report.records);
  out += json_purposes(report.purposes);
  out += "],\n   \"settings\":[";
  const std::uint64_t decisions = report.records * report.purposes.size();
  const bool consent = report.consent.has_value();
  for (std::size_t s = 0; s < report.settings.size(); ++s) {
    const review::RecordSettingReport& setting = report.settings[s];
    out += fmt::format(
        "{}\n    {{\"setting\":{},\"default\":\"{}\",\"reach\":null,\"subjects_switched_off\":{},"
        "\"changes_rejected\":{},\"records_removed\":{},\"records_removed_share\":{}}}",
        s ? "," : "", json::quote(setting.name), setting.default_on ? "on" : "off",
        consent ? std::to_string(setting.subjects_switched_off) : "null",
        consent ? std::to_string(setting.changes_rejected) : "null", setting.records_removed,
        json_share(setting.records_removed, decisions));
  }
  out += "],\n   \"consent\":";
  out += consent ? fmt::format("{{\"applied\":{},\"rejected\":{},\"after_now\":{}}}", report.consent->applied,
                               report.consent->rejected, report.consent->after_now)
                 : "null";
  return out + "}";
}

}  // namespace

std::string render_sim_text(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  return reports.size() == 1 ? render_single(scenario, reports.front()) : render_compared(scenario, reports);
}

std::string render_sim_json(const review::Scenario& scenario, std::span<const LabeledReport> reports) {
  std::string out = fmt::format(
      "{{\"scenario\":{{\"path\":{},\"users\":{},\"seed\":{},\"now\":{},\"records_per_user\":{},"
      "\"purposes\":[{}]}},\n"
      " \"policies\":[",
      json::quote(scenario.path), scenario.users, scenario.seed, json::quote(scenario.now_text),
      scenario.records_per_user(), json_list(scenario.purposes));
  for (std::size_t i = 0; i < reports.size(); ++i) {
    out += i ? ",\n  " : "\n  ";
    out += json_report(reports[i]);
  }
  return out + "]}\n";
}

std::string render_records_sim_text(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  return reports.size() == 1 ? render_records_single(run, reports.front()) : render_records_compared(run, reports);
}

std::string render_records_sim_json(const RecordsRun& run, std::span<const LabeledRecordReport> reports) {
  std::string out = fmt::format(
      "{{\"records\":{{\"path\":{},\"now\":{},\"read\":{},\"decided\":{},\"rejected\":{},\"empty_lines\":{},"
      "\"purposes\":[{}],\"consent\":{}}},\n"
      " \"policies\":[",
      json::quote(run.path), json::quote(run.now), run.counts.read, run.counts.decided, run.counts.rejected,
      run.counts.empty_lines, json_list(run.purposes), run.consent_path ? json::quote(*run.consent_path) : "null");
  for (std::size_t i = 0; i < reports.size(); ++i) {
    out += i ? ",\n  " : "\n  ";
    out += json_record_report(reports[i]);
  }
  return out + "]}\n";
}

}  // namespace usegate::cli
