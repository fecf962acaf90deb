#include "usegate/compiler/diff.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "diff_rows.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/assertions.hpp"

namespace usegate::compiler {
namespace {

const char* effect_name(Effect effect) {
  return effect == Effect::allow ? "allow" : "deny";
}
const char* switch_name(bool on) {
  return on ? "on" : "off";
}
// A label or description as written, `(none)` when there is none.
std::string quoted_or_none(const std::string& text) {
  return text.empty() ? "(none)" : "\"" + text + "\"";
}

// ------------------------------------------------------------------------------------------
// Availability: per platform, the instants at which a setting can be changed there.

using Instant = std::int64_t;  // epoch seconds; the extremes stand for an open end
constexpr Instant beginning_of_time = std::numeric_limits<Instant>::min();
constexpr Instant end_of_time = std::numeric_limits<Instant>::max();

struct Window {
  Instant from, until;  // [from, until)
};

std::vector<Window> availability_on(const CheckedPolicy& policy, const Setting& setting, const std::string& platform) {
  // A setting with no `available` line can be changed everywhere, at any time.
  if (setting.availability.empty()) return {{beginning_of_time, end_of_time}};
  std::vector<Window> windows;
  const Attribute& platforms = policy.attributes[*policy.platform_attribute];
  for (const auto& line : setting.availability) {
    for (const std::uint32_t value : line.platforms) {
      if (platforms.values[value] == platform) {
        windows.push_back({line.from.value_or(beginning_of_time), line.until.value_or(end_of_time)});
      }
    }
  }
  return windows;
}

bool covers_instant(const std::vector<Window>& windows, Instant instant) {
  return std::any_of(windows.begin(), windows.end(),
                     [instant](const Window& w) { return w.from <= instant && instant < w.until; });
}

// The instants in `a` and not in `b`, as windows, adjacent ones merged.
std::vector<Window> difference(const std::vector<Window>& a, const std::vector<Window>& b) {
  // Membership only changes at a window's end, so it is constant between these boundaries.
  std::vector<Instant> boundaries{beginning_of_time};
  for (const auto* windows : {&a, &b}) {
    for (const Window& window : *windows) boundaries.insert(boundaries.end(), {window.from, window.until});
  }
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  if (boundaries.back() == end_of_time) boundaries.pop_back();
  std::vector<Window> result;
  for (std::size_t i = 0; i < boundaries.size(); ++i) {
    const Instant from = boundaries[i];
    const Instant until = i + 1 < boundaries.size() ? boundaries[i + 1] : end_of_time;
    if (!covers_instant(a, from) || covers_instant(b, from)) continue;
    if (!result.empty() && result.back().until == from) {
      result.back().until = until;
    } else {
      result.push_back({from, until});
    }
  }
  return result;
}

std::string instant_text(Instant seconds) {
  Partition time_partition;
  time_partition.kind = Partition::Kind::ordered;
  time_partition.attribute_kind = AttributeKind::time;
  return describe_constant(time_partition, calendar::time_key(seconds, false));
}

// ` from 2024-09-01`, ` from 2024-09-01 until 2025-01-01`, ``: in the words of `available`.
std::string windows_text(const std::vector<Window>& windows) {
  std::vector<std::string> pieces;
  for (const Window& window : windows) {
    std::vector<std::string> bounds;
    if (window.from != beginning_of_time) bounds.push_back("from " + instant_text(window.from));
    if (window.until != end_of_time) bounds.push_back("until " + instant_text(window.until));
    if (!bounds.empty()) pieces.push_back(join_words(bounds, " "));
  }
  return pieces.empty() ? "" : fmt::format(" {}", join_words(pieces, ", "));
}

// ------------------------------------------------------------------------------------------

class StructuralComparison {
 public:
  StructuralComparison(const CheckedPolicy& old_policy, const CheckedPolicy& new_policy, const SettingMatch& match,
                       const std::vector<Partition>& partitions, DecisionDiagram& diagram, Lowering& old_lowering,
                       Lowering& new_lowering)
      : old_(old_policy),
        new_(new_policy),
        match_(match),
        partitions_(partitions),
        diagram_(diagram),
        old_lowering_(old_lowering),
        new_lowering_(new_lowering) {}

  std::vector<StructuralChange> run() {
    compare_header();
    compare_attributes();
    compare_settings();
    compare_rules();
    compare_assertions();
    return std::move(changes_);
  }

 private:
  using Kind = StructuralChange::Kind;

  void add(Kind kind, std::string subject, std::string text) {
    changes_.push_back(StructuralChange{kind, std::move(subject), std::move(text)});
  }

  void compare_header() {
    if (old_.name != new_.name)
      add(Kind::policy_renamed, "", fmt::format("policy renamed: {} → {}", old_.name, new_.name));
    if (old_.title != new_.title) {
      add(Kind::title_changed, "", fmt::format("title: \"{}\" → \"{}\"", old_.title, new_.title));
    }
    if (old_.version != new_.version) {
      add(Kind::version_changed, "",
          fmt::format("version: {} → {}", old_.version.empty() ? "-" : old_.version,
                      new_.version.empty() ? "-" : new_.version));
    }
    for (const auto& source : new_.sources) {
      if (std::find(old_.sources.begin(), old_.sources.end(), source) == old_.sources.end()) {
        add(Kind::source_added, "", fmt::format("source added: \"{}\"", source));
      }
    }
    for (const auto& source : old_.sources) {
      if (std::find(new_.sources.begin(), new_.sources.end(), source) == new_.sources.end()) {
        add(Kind::source_removed, "", fmt::format("source removed: \"{}\"", source));
      }
    }
    if (old_.default_effect != new_.default_effect) {
      add(Kind::default_changed, "",
          fmt::format("default: {} → {}", effect_name(old_.default_effect), effect_name(new_.default_effect)));
    }
  }

  void compare_attributes() {
    for (const auto& attribute : new_.attributes) {
      if (attribute.builtin) continue;
      const auto old_index = old_.find_attribute(attribute.name);
      if (!old_index) {
        const std::string values = attribute.kind == AttributeKind::enumeration
                                       ? fmt::format(" {{{}}}", join_words(attribute.values, ", "))
                                       : "";
        add(Kind::attribute_added, attribute.name,
            fmt::format("attribute added: {} {}{}", attribute_kind_keyword(attribute.kind), attribute.name, values));
        continue;
      }
      const Attribute& old_attribute = old_.attributes[*old_index];
      if (attribute.kind != AttributeKind::enumeration) continue;
      const auto missing_from = [](const Attribute& wanted, const Attribute& in) {
        std::vector<std::string> missing;
        for (const auto& value : wanted.values) {
          if (!in.find_value(value)) missing.push_back(value);
        }
        return missing;
      };
      if (const auto added = missing_from(attribute, old_attribute); !added.empty()) {
        add(Kind::values_added, attribute.name,
            fmt::format("enum {}: value{} added: {}", attribute.name, added.size() == 1 ? "" : "s",
                        join_words(added, ", ")));
      }
      if (const auto removed = missing_from(old_attribute, attribute); !removed.empty()) {
        add(Kind::values_removed, attribute.name,
            fmt::format("enum {}: value{} removed: {}", attribute.name, removed.size() == 1 ? "" : "s",
                        join_words(removed, ", ")));
      }
    }
    for (const auto& attribute : old_.attributes) {
      if (attribute.builtin || new_.find_attribute(attribute.name)) continue;
      add(Kind::attribute_removed, attribute.name,
          fmt::format("attribute removed: {} {}", attribute_kind_keyword(attribute.kind), attribute.name));
    }
  }

  void compare_settings() {
    for (std::uint32_t n = 0; n < new_.settings.size(); ++n) {
      const Setting& setting = new_.settings[n];
      if (!match_.old_of_new[n]) {
        add(Kind::setting_added, setting.name,
            fmt::format("setting added: {} (default {}){}", setting.name, switch_name(setting.default_on),
                        setting.label.empty() ? "" : fmt::format(" \"{}\"", setting.label)));
        continue;
      }
      const Setting& old_setting = old_.settings[*match_.old_of_new[n]];
      if (old_setting.name != setting.name) {
        add(Kind::setting_renamed, setting.name,
            fmt::format("setting renamed: {} → {}", old_setting.name, setting.name));
      }
      compare_former_names(old_setting, setting);
      if (old_setting.default_on != setting.default_on) {
        add(Kind::setting_default_changed, setting.name,
            fmt::format("{}: default {} → {}", setting.name, switch_name(old_setting.default_on),
                        switch_name(setting.default_on)));
      }
      if (old_setting.label != setting.label) {
        add(Kind::setting_label_changed, setting.name,
            fmt::format("{}: label {} → {}", setting.name, quoted_or_none(old_setting.label),
                        quoted_or_none(setting.label)));
      }
      const NodeId old_covers = old_lowering_.condition(old_setting.covers);
      const NodeId new_covers = new_lowering_.condition(setting.covers);
      if (old_covers != new_covers) {
        add(Kind::setting_coverage_changed, setting.name,
            fmt::format("{}: coverage {}", setting.name, describe_change(old_covers, new_covers, "covers")));
      }
      compare_availability(old_setting, setting);
    }
    for (std::uint32_t o = 0; o < old_.settings.size(); ++o) {
      if (!match_.new_of_old[o]) {
        add(Kind::setting_removed, old_.settings[o].name, fmt::format("setting removed: {}", old_.settings[o].name));
      }
    }
  }

  // Values recorded under a former name count for the setting, so a new or dropped `formerly`
  // changes whose choices count, even though no row can show it (rows see effective values).
  void compare_former_names(const Setting& old_setting, const Setting& setting) {
    const auto names_not_in = [](const std::vector<std::string>& names, const Setting& other,
                                 const std::string& also_skip) {
      std::vector<std::string> missing;
      for (const auto& name : names) {
        if (name != also_skip &&
            std::find(other.formerly.begin(), other.formerly.end(), name) == other.formerly.end()) {
          missing.push_back(name);
        }
      }
      return missing;
    };
    // The rename's own `formerly` is reported as the rename.
    if (const auto added = names_not_in(setting.formerly, old_setting, old_setting.name); !added.empty()) {
      add(Kind::setting_former_names_changed, setting.name,
          fmt::format("{}: former name{} added: {}", setting.name, added.size() == 1 ? "" : "s",
                      join_words(added, ", ")));
    }
    if (const auto removed = names_not_in(old_setting.formerly, setting, ""); !removed.empty()) {
      add(Kind::setting_former_names_changed, setting.name,
          fmt::format("{}: former name{} removed: {}", setting.name, removed.size() == 1 ? "" : "s",
                      join_words(removed, ", ")));
    }
  }

  // `widened: now also covers A`, `narrowed: no longer covers B`, `changed: now also ...; no
  // longer ...`: how the points where a condition holds moved.
  std::string describe_change(NodeId old_condition, NodeId new_condition, std::string_view verb) {
    const NodeId gained = diagram_.conjunction(new_condition, diagram_.negation(old_condition));
    const NodeId lost = diagram_.conjunction(old_condition, diagram_.negation(new_condition));
    const NodeId nothing = diagram_.false_node();
    std::vector<std::string> parts;
    if (gained != nothing) parts.push_back(fmt::format("now also {} {}", verb, describe_points(gained)));
    if (lost != nothing) parts.push_back(fmt::format("no longer {} {}", verb, describe_points(lost)));
    const char* how = lost == nothing ? "widened" : gained == nothing ? "narrowed" : "changed";
    return fmt::format("{}: {}", how, join_words(parts, "; "));
  }

  // A boolean diagram's true points as a disjunction of boxes.
  std::string describe_points(NodeId condition) {
    const auto regions =
        regions_of(diagram_, condition, [](std::uint32_t value) { return value == DecisionDiagram::true_value; });
    std::vector<std::string> boxes;
    for (const auto& region : regions) {
      const std::string box = describe_region(partitions_, region);
      const bool needs_parentheses = regions.size() > 1 && box.find(" ∧ ") != std::string::npos;
      boxes.push_back(needs_parentheses ? "(" + box + ")" : box);
    }
    return join_words(boxes, " ∨ ");
  }

  // One line per group of platforms that gained (or lost) the same instants.
  void compare_availability(const Setting& old_setting, const Setting& setting) {
    std::vector<std::string> platforms;
    for (const auto* policy : {&new_, &old_}) {
      if (!policy->platform_attribute) continue;
      for (const auto& value : policy->attributes[*policy->platform_attribute].values) {
        if (std::find(platforms.begin(), platforms.end(), value) == platforms.end()) platforms.push_back(value);
      }
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> gained, lost;  // text, platforms
    const auto group = [](auto& groups, const std::string& text, const std::string& platform) {
      auto found = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == text; });
      if (found == groups.end()) {
        groups.push_back({text, {platform}});
      } else {
        found->second.push_back(platform);
      }
    };
    for (const auto& platform : platforms) {
      const auto before = availability_on(old_, old_setting, platform);
      const auto after = availability_on(new_, setting, platform);
      if (const auto more = difference(after, before); !more.empty()) group(gained, windows_text(more), platform);
      if (const auto less = difference(before, after); !less.empty()) {
        // Gone altogether reads best without the windows it used to have.
        group(lost, after.empty() ? "" : windows_text(less), platform);
      }
    }
    for (const auto& [text, names] : gained) {
      add(Kind::setting_availability_changed, setting.name,
          fmt::format("{}: now also on {}{}", setting.name, join_words(names, ", "), text));
    }
    for (const auto& [text, names] : lost) {
      add(Kind::setting_availability_changed, setting.name,
          fmt::format("{}: no longer on {}{}", setting.name, join_words(names, ", "), text));
    }
  }

  // Explicit rules only: a setting's opt-out rule changes with its setting.
  void compare_rules() {
    std::vector<std::optional<std::uint32_t>> old_of_new(new_.rules.size());
    std::vector<bool> old_taken(old_.rules.size(), false);
    for (std::uint32_t n = 0; n < new_.rules.size(); ++n) {
      if (new_.rules[n].setting) continue;
      const auto o = old_.find_rule(new_.rules[n].id);
      if (o && !old_.rules[*o].setting) {
        old_of_new[n] = o;
        old_taken[*o] = true;
      }
    }
    // The rules a new rule may have been renamed from, lowered once.
    std::vector<NodeId> old_conditions(old_.rules.size(), diagram_.false_node());
    for (std::uint32_t o = 0; o < old_.rules.size(); ++o) {
      if (!old_taken[o] && !old_.rules[o].setting) old_conditions[o] = old_lowering_.rule(o);
    }
    for (std::uint32_t n = 0; n < new_.rules.size(); ++n) {
      const Rule& rule = new_.rules[n];
      if (rule.setting) continue;
      if (old_of_new[n]) {
        compare_rule(old_.rules[*old_of_new[n]], rule);
        continue;
      }
      const NodeId condition = new_lowering_.rule(n);
      for (std::uint32_t o = 0; o < old_.rules.size() && !old_of_new[n]; ++o) {
        const Rule& old_rule = old_.rules[o];
        if (old_taken[o] || old_rule.setting || old_rule.effect != rule.effect) continue;
        if (old_conditions[o] != condition) continue;
        old_of_new[n] = o;
        old_taken[o] = true;
        add(Kind::rule_renamed, rule.id, fmt::format("rule renamed: {} → {}", old_rule.id, rule.id));
        compare_description(old_rule, rule);
      }
      if (!old_of_new[n]) {
        add(Kind::rule_added, rule.id,
            fmt::format("rule added: {} {}{}", effect_name(rule.effect), rule.id,
                        rule.description.empty() ? "" : fmt::format(" \"{}\"", rule.description)));
      }
    }
    for (std::uint32_t o = 0; o < old_.rules.size(); ++o) {
      const Rule& rule = old_.rules[o];
      if (old_taken[o] || rule.setting) continue;
      add(Kind::rule_removed, rule.id, fmt::format("rule removed: {} {}", effect_name(rule.effect), rule.id));
    }
  }

  // Assertions decide nothing; a diff says which promises a version states that the other
  // does not, by id.
  void compare_assertions() {
    const auto find = [](const CheckedPolicy& policy, const std::string& id) {
      return std::any_of(policy.assertions.begin(), policy.assertions.end(),
                         [&](const Assertion& assertion) { return assertion.id == id; });
    };
    const auto text = [](const char* what, const Assertion& assertion) {
      return fmt::format("assertion {}: {} {}{}", what, assertion.id, dsl::assertion_kind_text(assertion.kind),
                         assertion.description.empty() ? "" : fmt::format(" \"{}\"", assertion.description));
    };
    for (const auto& assertion : new_.assertions) {
      if (!find(old_, assertion.id)) add(Kind::assertion_added, assertion.id, text("added", assertion));
    }
    for (const auto& assertion : old_.assertions) {
      if (!find(new_, assertion.id)) add(Kind::assertion_removed, assertion.id, text("removed", assertion));
    }
  }

  void compare_rule(const Rule& old_rule, const Rule& rule) {
    if (old_rule.effect != rule.effect) {
      add(Kind::rule_effect_changed, rule.id,
          fmt::format("rule {}: {} → {}", rule.id, effect_name(old_rule.effect), effect_name(rule.effect)));
    }
    const NodeId old_condition = old_lowering_.condition(old_rule.condition);
    const NodeId new_condition = new_lowering_.condition(rule.condition);
    if (old_condition != new_condition) {
      add(Kind::rule_condition_changed, rule.id,
          fmt::format("rule {}: condition {}", rule.id, describe_change(old_condition, new_condition, "matches")));
    }
    compare_description(old_rule, rule);
  }

  void compare_description(const Rule& old_rule, const Rule& rule) {
    if (old_rule.description == rule.description) return;
    add(Kind::rule_description_changed, rule.id,
        fmt::format("rule {}: description {} → {}", rule.id, quoted_or_none(old_rule.description),
                    quoted_or_none(rule.description)));
  }

  const CheckedPolicy& old_;
  const CheckedPolicy& new_;
  const SettingMatch& match_;
  const std::vector<Partition>& partitions_;
  DecisionDiagram& diagram_;
  Lowering& old_lowering_;
  Lowering& new_lowering_;
  std::vector<StructuralChange> changes_;
};

// Assertions kept under the same id whose promise changed: `never` for `always`, or the records
// the condition holds for, compared over both versions' variables widened to what the
// assertions test (settings under the new version's names).
void compare_assertion_conditions(const CheckedPolicy& old_policy, const CheckedPolicy& new_policy,
                                  const Comparison& comparison, const CompileOptions& options,
                                  std::vector<StructuralChange>& changes) {
  std::vector<std::pair<const Assertion*, const Assertion*>> kept;
  for (const auto& assertion : new_policy.assertions) {
    for (const auto& old_assertion : old_policy.assertions) {
      if (old_assertion.id == assertion.id) kept.emplace_back(&old_assertion, &assertion);
    }
  }
  if (kept.empty()) return;
  const std::vector<Partition> partitions =
      merge_partitions(assertion_partitions(old_policy), assertion_partitions(new_policy));
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
  DecisionDiagram diagram(sizes, options.max_diagram_nodes);
  Lowering old_lowering(old_policy, partitions, diagram, comparison.old_setting_names);
  Lowering new_lowering(new_policy, partitions, diagram);
  for (const auto& [old_assertion, assertion] : kept) {
    std::vector<std::string> what;
    if (old_assertion->kind != assertion->kind) {
      what.push_back(fmt::format("{} → {}", dsl::assertion_kind_text(old_assertion->kind),
                                 dsl::assertion_kind_text(assertion->kind)));
    }
    if (old_lowering.condition(old_assertion->condition) != new_lowering.condition(assertion->condition)) {
      what.emplace_back("condition changed");
    }
    if (old_assertion->description != assertion->description) {
      what.push_back(fmt::format("description {} → {}", quoted_or_none(old_assertion->description),
                                 quoted_or_none(assertion->description)));
    }
    if (what.empty()) continue;
    changes.push_back(StructuralChange{StructuralChange::Kind::assertion_changed, assertion->id,
                                       fmt::format("assertion {}: {}", assertion->id, join_words(what, ", "))});
  }
}

}  // namespace

const char* direction_name(DiffDirection direction) {
  switch (direction) {
    case DiffDirection::newly_denied: return "newly denied";
    case DiffDirection::newly_allowed: return "newly allowed";
    case DiffDirection::reason_only: return "reason only";
  }
  return "";
}

const char* change_kind_name(StructuralChange::Kind kind) {
  using Kind = StructuralChange::Kind;
  switch (kind) {
    case Kind::policy_renamed: return "policy_renamed";
    case Kind::title_changed: return "title_changed";
    case Kind::version_changed: return "version_changed";
    case Kind::source_added: return "source_added";
    case Kind::source_removed: return "source_removed";
    case Kind::default_changed: return "default_changed";
    case Kind::attribute_added: return "attribute_added";
    case Kind::attribute_removed: return "attribute_removed";
    case Kind::values_added: return "values_added";
    case Kind::values_removed: return "values_removed";
    case Kind::setting_added: return "setting_added";
    case Kind::setting_removed: return "setting_removed";
    case Kind::setting_renamed: return "setting_renamed";
    case Kind::setting_former_names_changed: return "setting_former_names_changed";
    case Kind::setting_default_changed: return "setting_default_changed";
    case Kind::setting_label_changed: return "setting_label_changed";
    case Kind::setting_coverage_changed: return "setting_coverage_changed";
    case Kind::setting_availability_changed: return "setting_availability_changed";
    case Kind::rule_added: return "rule_added";
    case Kind::rule_removed: return "rule_removed";
    case Kind::rule_renamed: return "rule_renamed";
    case Kind::rule_effect_changed: return "rule_effect_changed";
    case Kind::rule_condition_changed: return "rule_condition_changed";
    case Kind::rule_description_changed: return "rule_description_changed";
    case Kind::assertion_added: return "assertion_added";
    case Kind::assertion_removed: return "assertion_removed";
    case Kind::assertion_changed: return "assertion_changed";
  }
  return "";
}

Result<PolicyDiff, DiffError> diff_policies(const CheckedPolicy& old_policy, const CheckedPolicy& new_policy,
                                            const CompileOptions& options) {
  const VersionDeclarations old_version = declarations_of(old_policy);
  const VersionDeclarations new_version = declarations_of(new_policy);
  auto compared = compare_versions(old_version, partitions_of(old_policy), new_version, partitions_of(new_policy));
  if (auto* error = compared.error_if()) return std::move(*error);
  const Comparison& comparison = compared.value();

  PolicyDiff diff = empty_diff(comparison, old_version, new_version);
  try {
    // Conditions and both decisions over the effective values of settings; structural
    // comparisons happen here, where equal conditions are equal nodes.
    std::vector<std::uint32_t> comparison_sizes;
    for (const auto& partition : comparison.partitions) comparison_sizes.push_back(partition.cell_count());
    DecisionDiagram diagram(comparison_sizes, options.max_diagram_nodes);
    Lowering old_lowering(old_policy, comparison.partitions, diagram, comparison.old_setting_names);
    Lowering new_lowering(new_policy, comparison.partitions, diagram);
    const NodeId old_decision = old_lowering.decision();
    const NodeId new_decision = new_lowering.decision();
    diff.structural_changes = StructuralComparison(old_policy, new_policy, comparison.match, comparison.partitions,
                                                   diagram, old_lowering, new_lowering)
                                  .run();
    diff.rows = changed_rows(comparison, diagram, old_decision, new_decision, old_version, new_version, options);
    compare_assertion_conditions(old_policy, new_policy, comparison, options, diff.structural_changes);
  } catch (const DiagramTooLarge& error) {
    return diff_too_large(comparison.partitions, error);
  }
  return diff;
}

}  // namespace usegate::compiler
