#include "sim_report.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "text_table.hpp"

namespace usegate::cli {
namespace {

double share_of(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return fmt::format("{:.2f}%", 100.0 * share_of(part, whole));
}

// The change from a to b in percentage points, as printed: `+1.25 pp`, `-0.50 pp`, `0.00 pp`.
std::string points(double a, double b) {
  std::string text = fmt::format("{:+.2f} pp", 100.0 * (b - a));
  if (text == "+0.00 pp" || text == "-0.00 pp") text = "0.00 pp";
  return text;
}

// A text table whose numeric columns are aligned on the right.
class ReportTable {
 public:
  explicit ReportTable(std::vector<std::string> header, std::vector<bool> right)
      : right_(std::move(right)) {
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

// A reason's counts for one purpose, or nothing when the policy has no such reason.
const ReasonCount* reason_named(const PurposeReport& purpose, const std::string& name) {
  for (const auto& reason : purpose.reasons) {
    if (reason.reason == name) return &reason;
  }
  return nullptr;
}

// The setting of a report that corresponds to `setting` of another: the same name, or a
// rename recorded with `formerly` in either direction.
const SettingReport* matching_setting(const SimulationReport& report,
                                      const SettingReport& setting) {
  for (const auto& candidate : report.settings) {
    if (candidate.name == setting.name) return &candidate;
  }
  for (const auto& candidate : report.settings) {
    for (const auto& old : candidate.formerly) {
      if (old == setting.name) return &candidate;
    }
    for (const auto& old : setting.formerly) {
      if (old == candidate.name) return &candidate;
    }
  }
  return nullptr;
}

std::string describe_policy(const LabeledReport& labeled) {
  return fmt::format("policy {} version {} ({})", labeled.report.policy_name,
                     labeled.report.policy_version.empty() ? "-" : labeled.report.policy_version,
                     labeled.path);
}

std::string header(const Scenario& scenario, std::span<const LabeledReport> reports) {
  std::string out;
  if (reports.size() == 1) {
    out += describe_policy(reports.front()) + "\n";
  } else {
    for (const auto& labeled : reports)
      out += fmt::format("{}: {}\n", labeled.label, describe_policy(labeled));
  }
  out += fmt::format("scenario {}: {} users, seed {}, now {}{}\n", scenario.path, scenario.users,
                     scenario.seed, scenario.now_text,
                     reports.size() > 1 ? ", the same users under each policy" : "");
  std::string purposes;
  for (const auto& purpose : scenario.purposes) {
    if (!purposes.empty()) purposes += ", ";
    purposes += purpose;
  }
  out += fmt::format("{} records per purpose ({} per user), purposes {}\n",
                     reports.front().report.records, scenario.records_per_user(), purposes);
  return out;
}

std::string render_single(const Scenario& scenario, const LabeledReport& labeled) {
  const SimulationReport& report = labeled.report;
  std::string out = header(scenario, {&labeled, 1});
  for (const auto& purpose : report.purposes) {
    out += fmt::format("\npurpose {}: {} of {} records usable ({})\n\n", purpose.purpose,
                       purpose.all.usable, purpose.all.records,
                       percent(purpose.all.usable, purpose.all.records));
    ReportTable breakdowns({"breakdown", "value", "records", "usable", "share"},
                           {false, false, true, true, true});
    for (const auto& breakdown : purpose.breakdowns) {
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        const UsableCount& count = breakdown.counts[i];
        breakdowns.add({i == 0 ? breakdown.field : "", breakdown.values[i],
                        std::to_string(count.records), std::to_string(count.usable),
                        percent(count.usable, count.records)});
      }
    }
    out += breakdowns.render();
    ReportTable denials({"denied by", "records", "share", "rule"}, {false, true, true, false});
    for (const auto& reason : purpose.reasons) {
      if (reason.denied == 0) continue;
      denials.add({reason.reason, std::to_string(reason.denied),
                   percent(reason.denied, purpose.all.records), reason.description});
    }
    out += denials.empty() ? "\nno record denied\n" : "\n" + denials.render();
  }
  if (!report.settings.empty()) {
    const std::uint64_t decisions = report.records * report.purposes.size();
    out +=
        "\nsettings (reach: users to whom the setting was available where and when they acted)\n\n";
    ReportTable settings({"setting", "default", "users reached", "reach", "switched off", "share",
                          "records removed", "share"},
                         {false, false, true, true, true, true, true, true});
    for (const auto& setting : report.settings) {
      settings.add(
          {setting.name, setting.default_on ? "on" : "off", std::to_string(setting.users_reached),
           percent(setting.users_reached, report.users), std::to_string(setting.users_switched_off),
           percent(setting.users_switched_off, report.users),
           std::to_string(setting.records_removed), percent(setting.records_removed, decisions)});
    }
    out += settings.render();
  }
  return out;
}

std::string render_compared(const Scenario& scenario, std::span<const LabeledReport> reports) {
  const LabeledReport& a = reports[0];
  const LabeledReport& b = reports[1];
  std::string out = header(scenario, reports);
  for (std::size_t p = 0; p < a.report.purposes.size(); ++p) {
    const PurposeReport& before = a.report.purposes[p];
    const PurposeReport& after = b.report.purposes[p];
    const double share_a = share_of(before.all.usable, before.all.records);
    const double share_b = share_of(after.all.usable, after.all.records);
    out += fmt::format("\npurpose {}: usable {} under {}, {} under {} ({})\n\n", before.purpose,
                       percent(before.all.usable, before.all.records), a.label,
                       percent(after.all.usable, after.all.records), b.label,
                       points(share_a, share_b));
    ReportTable breakdowns({"breakdown", "value", "records", a.label, b.label, "change"},
                           {false, false, true, true, true, true});
    breakdowns.add({"all", "", std::to_string(before.all.records),
                    percent(before.all.usable, before.all.records),
                    percent(after.all.usable, after.all.records), points(share_a, share_b)});
    for (std::size_t f = 0; f < before.breakdowns.size(); ++f) {
      const Breakdown& left = before.breakdowns[f];
      const Breakdown& right = after.breakdowns[f];
      for (std::size_t i = 0; i < left.values.size(); ++i) {
        const UsableCount& l = left.counts[i];
        const UsableCount& r = right.counts[i];
        breakdowns.add({i == 0 ? left.field : "", left.values[i], std::to_string(l.records),
                        percent(l.usable, l.records), percent(r.usable, r.records),
                        points(share_of(l.usable, l.records), share_of(r.usable, r.records))});
      }
    }
    out += breakdowns.render();

    // Deny reasons of either policy, those of the first in its order, then the second's.
    ReportTable denials({"denied by", a.label, b.label, "change"}, {false, true, true, true});
    std::vector<std::string> names;
    for (const auto* purpose : {&before, &after}) {
      for (const auto& reason : purpose->reasons) {
        if (reason.denied > 0 &&
            std::find(names.begin(), names.end(), reason.reason) == names.end()) {
          names.push_back(reason.reason);
        }
      }
    }
    const auto cell = [](const PurposeReport& purpose, const std::string& name) {
      const ReasonCount* reason = reason_named(purpose, name);
      if (reason == nullptr) return std::string("-");
      return fmt::format("{} ({})", reason->denied, percent(reason->denied, purpose.all.records));
    };
    for (const auto& name : names) {
      const ReasonCount* l = reason_named(before, name);
      const ReasonCount* r = reason_named(after, name);
      denials.add({name, cell(before, name), cell(after, name),
                   points(share_of(l ? l->denied : 0, before.all.records),
                          share_of(r ? r->denied : 0, after.all.records))});
    }
    out += denials.empty() ? "\nno record denied\n" : "\n" + denials.render();
  }

  // Settings of either policy; a renamed setting (`formerly`) is one row.
  std::vector<std::pair<const SettingReport*, const SettingReport*>> pairs;
  for (const auto& setting : a.report.settings)
    pairs.emplace_back(&setting, matching_setting(b.report, setting));
  for (const auto& setting : b.report.settings) {
    if (matching_setting(a.report, setting) == nullptr) pairs.emplace_back(nullptr, &setting);
  }
  if (!pairs.empty()) {
    out +=
        "\nsettings (reach: users to whom the setting was available where and when they acted)\n\n";
    ReportTable settings({"setting", "measure", a.label, b.label, "change"},
                         {false, false, true, true, true});
    const std::uint64_t decisions_a = a.report.records * a.report.purposes.size();
    const std::uint64_t decisions_b = b.report.records * b.report.purposes.size();
    for (const auto& [left, right] : pairs) {
      std::string name = left ? left->name : right->name;
      if (left && right && left->name != right->name)
        name = fmt::format("{} -> {}", left->name, right->name);
      const auto value = [](const SettingReport* setting, auto field) {
        return setting ? std::invoke(field, *setting) : std::uint64_t{0};
      };
      const auto shown = [](const SettingReport* setting, std::uint64_t count,
                            std::uint64_t whole) {
        return setting ? fmt::format("{} ({})", count, percent(count, whole)) : std::string("-");
      };
      const std::string default_a = left ? (left->default_on ? "on" : "off") : "-";
      const std::string default_b = right ? (right->default_on ? "on" : "off") : "-";
      settings.add(
          {name, "default", default_a, default_b, default_a == default_b ? "same" : "changed"});
      const std::pair<const char*, std::uint64_t SettingReport::*> measures[] = {
          {"reach", &SettingReport::users_reached},
          {"switched off", &SettingReport::users_switched_off}};
      for (const auto& [label, field] : measures) {
        const std::uint64_t l = value(left, field);
        const std::uint64_t r = value(right, field);
        settings.add({"", label, shown(left, l, a.report.users), shown(right, r, b.report.users),
                      points(share_of(l, a.report.users), share_of(r, b.report.users))});
      }
      const std::uint64_t l = value(left, &SettingReport::records_removed);
      const std::uint64_t r = value(right, &SettingReport::records_removed);
      settings.add({"", "records removed", shown(left, l, decisions_a),
                    shown(right, r, decisions_b),
                    points(share_of(l, decisions_a), share_of(r, decisions_b))});
    }
    out += settings.render();
  }
  return out;
}

// ---- JSON

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string json_share(std::uint64_t part, std::uint64_t whole) {
  return fmt::format("{:.6f}", share_of(part, whole));
}

std::string json_usable(const UsableCount& count) {
  return fmt::format("\"records\":{},\"usable\":{},\"usable_share\":{}", count.records,
                     count.usable, json_share(count.usable, count.records));
}

std::string json_report(const LabeledReport& labeled) {
  const SimulationReport& report = labeled.report;
  std::string out = fmt::format(
      "{{\"label\":{},\"path\":{},\"name\":{},\"version\":{},\"users\":{},\"records\":{},"
      "\"purposes\":[",
      json_string(labeled.label), json_string(labeled.path), json_string(report.policy_name),
      json_string(report.policy_version), report.users, report.records);
  for (std::size_t p = 0; p < report.purposes.size(); ++p) {
    const PurposeReport& purpose = report.purposes[p];
    out += fmt::format("{}\n    {{\"purpose\":{},{},\"breakdowns\":[", p ? "," : "",
                       json_string(purpose.purpose), json_usable(purpose.all));
    for (std::size_t f = 0; f < purpose.breakdowns.size(); ++f) {
      const Breakdown& breakdown = purpose.breakdowns[f];
      out += fmt::format("{}\n      {{\"field\":{},\"values\":[", f ? "," : "",
                         json_string(breakdown.field));
      for (std::size_t i = 0; i < breakdown.values.size(); ++i) {
        out += fmt::format("{}{{\"value\":{},{}}}", i ? "," : "", json_string(breakdown.values[i]),
                           json_usable(breakdown.counts[i]));
      }
      out += "]}";
    }
    out += "],\n     \"reasons\":[";
    bool first = true;
    for (const auto& reason : purpose.reasons) {
      const std::uint64_t records = reason.allowed + reason.denied;
      if (records == 0) continue;
      out += fmt::format(
          "{}\n      {{\"reason\":{},\"effect\":\"{}\",\"records\":{},\"share\":{}}}",
          first ? "" : ",", json_string(reason.reason), reason.denied > 0 ? "deny" : "allow",
          records, json_share(records, purpose.all.records));
      first = false;
    }
    out += "]}";
  }
  out += "],\n   \"settings\":[";
  const std::uint64_t decisions = report.records * report.purposes.size();
  for (std::size_t s = 0; s < report.settings.size(); ++s) {
    const SettingReport& setting = report.settings[s];
    out += fmt::format(
        "{}\n    "
        "{{\"setting\":{},\"default\":\"{}\",\"acts_as\":{},\"users_reached\":{},\"reach\":{},"
        "\"users_switched_off\":{},\"switched_off_share\":{},\"records_removed\":{},\"records_"
        "removed_share\":{}}}",
        s ? "," : "", json_string(setting.name), setting.default_on ? "on" : "off",
        json_string(setting.acts_as), setting.users_reached,
        json_share(setting.users_reached, report.users), setting.users_switched_off,
        json_share(setting.users_switched_off, report.users), setting.records_removed,
        json_share(setting.records_removed, decisions));
  }
  return out + "]}";
}

}  // namespace

std::string render_sim_text(const Scenario& scenario, std::span<const LabeledReport> reports) {
  return reports.size() == 1 ? render_single(scenario, reports.front())
                             : render_compared(scenario, reports);
}

std::string render_sim_json(const Scenario& scenario, std::span<const LabeledReport> reports) {
  std::string purposes;
  for (const auto& purpose : scenario.purposes) {
    if (!purposes.empty()) purposes += ',';
    purposes += json_string(purpose);
  }
  std::string out = fmt::format(
      "{{\"scenario\":{{\"path\":{},\"users\":{},\"seed\":{},\"now\":{},\"records_per_user\":{},"
      "\"purposes\":[{}]}},\n"
      " \"policies\":[",
      json_string(scenario.path), scenario.users, scenario.seed, json_string(scenario.now_text),
      scenario.records_per_user(), purposes);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    out += i ? ",\n  " : "\n  ";
    out += json_report(reports[i]);
  }
  return out + "]}\n";
}

}  // namespace usegate::cli
