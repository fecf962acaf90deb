#include "diff_rows.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "usegate/base/format_text.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::compiler {
namespace {

// Names to indices once: policies may declare thousands of attributes.
std::unordered_map<std::string_view, std::uint32_t> attribute_indices(const VersionDeclarations& version) {
  std::unordered_map<std::string_view, std::uint32_t> indices;
  for (std::uint32_t i = 0; i < version.attributes.size(); ++i) indices.emplace(version.attributes[i].name, i);
  return indices;
}

std::unordered_map<std::string_view, std::uint32_t> setting_indices(const VersionDeclarations& version) {
  std::unordered_map<std::string_view, std::uint32_t> indices;
  for (std::uint32_t i = 0; i < version.settings.size(); ++i) indices.emplace(version.settings[i].name, i);
  return indices;
}

std::optional<std::uint32_t> find(const std::unordered_map<std::string_view, std::uint32_t>& indices,
                                  std::string_view name) {
  const auto found = indices.find(name);
  return found == indices.end() ? std::nullopt : std::optional(found->second);
}

SettingMatch match_settings(const VersionDeclarations& old_version, const VersionDeclarations& new_version) {
  SettingMatch match{std::vector<std::optional<std::uint32_t>>(new_version.settings.size()),
                     std::vector<std::optional<std::uint32_t>>(old_version.settings.size())};
  const auto old_settings = setting_indices(old_version);
  const auto pair = [&match](std::uint32_t old_index, std::uint32_t new_index) {
    match.old_of_new[new_index] = old_index;
    match.new_of_old[old_index] = new_index;
  };
  for (std::uint32_t n = 0; n < new_version.settings.size(); ++n) {
    if (const auto o = find(old_settings, new_version.settings[n].name)) pair(*o, n);
  }
  for (std::uint32_t n = 0; n < new_version.settings.size(); ++n) {
    for (const auto& former : new_version.settings[n].formerly) {
      if (match.old_of_new[n]) break;
      const auto o = find(old_settings, former);
      if (o && !match.new_of_old[*o]) pair(*o, n);
    }
  }
  return match;
}

std::vector<std::string> old_setting_variable_names(const VersionDeclarations& old_version,
                                                    const VersionDeclarations& new_version, const SettingMatch& match) {
  std::vector<std::string> names;
  for (std::uint32_t o = 0; o < old_version.settings.size(); ++o) {
    names.push_back(match.new_of_old[o] ? new_version.settings[*match.new_of_old[o]].name
                                        : old_version.settings[o].name);
  }
  return names;
}

std::vector<Partition> comparison_partitions(const VersionDeclarations& old_version,
                                             std::vector<Partition> old_partitions,
                                             const VersionDeclarations& new_version,
                                             const std::vector<Partition>& new_partitions,
                                             const std::vector<std::string>& old_setting_names) {
  const auto old_settings = setting_indices(old_version);
  for (auto& partition : old_partitions) {
    if (partition.kind != Partition::Kind::setting) continue;
    if (const auto o = find(old_settings, partition.name)) partition.name = old_setting_names[*o];
  }
  std::vector<Partition> merged = merge_partitions(old_partitions, new_partitions);
  const auto new_attributes = attribute_indices(new_version);
  const auto new_settings = setting_indices(new_version);
  const auto old_attributes = attribute_indices(old_version);
  std::unordered_map<std::string_view, std::uint32_t> old_variable_settings;
  for (std::uint32_t o = 0; o < old_setting_names.size(); ++o) old_variable_settings.emplace(old_setting_names[o], o);
  // Keys computed once, then sorted with their partitions.
  std::vector<std::pair<std::pair<int, std::uint32_t>, Partition>> keyed;
  for (auto& partition : merged) {
    const bool setting = partition.kind == Partition::Kind::setting;
    std::pair<int, std::uint32_t> key{setting ? 3 : 1, 0};
    if (const auto n = find(setting ? new_settings : new_attributes, partition.name)) {
      key = {setting ? 2 : 0, *n};
    } else if (const auto o = find(setting ? old_variable_settings : old_attributes, partition.name)) {
      key.second = *o;
    }
    keyed.emplace_back(key, std::move(partition));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Partition> ordered;
  for (auto& [key, partition] : keyed) ordered.push_back(std::move(partition));
  return ordered;
}

std::optional<DiffError> kind_conflict(const VersionDeclarations& old_version, const VersionDeclarations& new_version) {
  const auto new_attributes = attribute_indices(new_version);
  for (const auto& attribute : old_version.attributes) {
    const auto in_new = find(new_attributes, attribute.name);
    if (!in_new || new_version.attributes[*in_new].kind == attribute.kind) continue;
    return DiffError{
        fmt::format("attribute `{}` is {} in the old policy and {} in the new one", attribute.name,
                    attribute_kind_phrase(attribute.kind), attribute_kind_phrase(new_version.attributes[*in_new].kind)),
        "a diff compares records field by field, so a field must be read the same way by both "
        "versions; give the attribute a new name in the new version",
        new_version.attributes[*in_new].span};
  }
  return std::nullopt;
}

// Copies a diagram over the comparison partitions (settings two-valued: the effective value)
// into one over the diff variables. A setting whose default changed has four codes there:
// `unset` takes the branch of this version's default, a bad value the branch of `off`.
NodeId with_unset_codes(const DecisionDiagram& from, NodeId root, DecisionDiagram& to,
                        const std::vector<DiffVariable>& variables, const std::vector<bool>& default_on) {
  std::unordered_map<NodeId, NodeId> copied;
  const std::function<NodeId(NodeId)> copy = [&](NodeId at) -> NodeId {
    if (from.is_terminal(at)) return to.terminal(from.terminal_value(at));
    if (const auto found = copied.find(at); found != copied.end()) return found->second;
    const std::uint32_t variable = from.variable(at);
    std::vector<NodeId> children;
    for (const NodeId child : from.children(at)) children.push_back(copy(child));
    if (variables[variable].default_changed) {
      const NodeId off = children[setting_off_code];
      const NodeId on = children[setting_on_code];
      children.assign(variables[variable].partition.cell_count(), off);
      children[missing_code] = default_on[variable] ? on : off;
      children[first_value_code + setting_on_code] = on;
    }
    const NodeId result = to.node(variable, children);
    copied.emplace(at, result);
    return result;
  };
  return copy(root);
}

RuleDecision decision_of_cell(const VersionDeclarations& version, std::uint32_t cell) {
  RuleDecision decision;
  decision.effect = cell_allows(cell) ? Effect::allow : Effect::deny;
  const std::uint32_t reason = cell_reason(cell);
  if (reason == 0) {
    decision.reason = "default";
  } else {
    decision.rule = reason - 1;
    decision.reason = version.rules.at(reason - 1);
  }
  return decision;
}

std::vector<std::string> value_words(const DiffVariable& variable, const std::vector<bool>& codes) {
  if (!variable.default_changed) return describe_code_list(variable.partition, codes);
  std::vector<std::string> words;
  if (codes[first_value_code + setting_off_code]) words.emplace_back("off");
  if (codes[first_value_code + setting_on_code]) words.emplace_back("on");
  if (codes[missing_code]) words.emplace_back("unset");
  return words;
}

bool constrains(const std::vector<bool>& codes) {
  return std::any_of(codes.begin(), codes.end(), [](bool in) { return !in; });
}

std::string condition_piece(const DiffVariable& variable, const std::vector<bool>& codes) {
  if (!variable.default_changed) return describe_region({variable.partition}, Region{{codes}, 0});
  const std::vector<std::string> words = value_words(variable, codes);
  const std::string& name = variable.partition.name;
  if (words.size() == 1) {
    return words.front() == "unset" ? name + " is unset" : name + " = " + words.front();
  }
  return fmt::format("{} ∈ {{{}}}", name, join_words(words, ", "));
}

DiffDirection direction_of(const RuleDecision& before, const RuleDecision& after) {
  if (before.effect == after.effect) return DiffDirection::reason_only;
  return after.effect == Effect::deny ? DiffDirection::newly_denied : DiffDirection::newly_allowed;
}

}  // namespace

std::string join_words(const std::vector<std::string>& items, std::string_view separator) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined += separator;
    joined += item;
  }
  return joined;
}

VersionDeclarations declarations_of(const CheckedPolicy& policy) {
  VersionDeclarations declarations;
  declarations.name = policy.name;
  declarations.version = policy.version;
  for (const auto& attribute : policy.attributes) {
    declarations.attributes.push_back({attribute.name, attribute.kind, attribute.span});
  }
  for (const auto& setting : policy.settings) {
    declarations.settings.push_back({setting.name, setting.formerly, setting.default_on});
  }
  for (const auto& rule : policy.rules) declarations.rules.push_back(rule.id);
  return declarations;
}

Result<Comparison, DiffError> compare_versions(const VersionDeclarations& old_version,
                                               const std::vector<Partition>& old_partitions,
                                               const VersionDeclarations& new_version,
                                               const std::vector<Partition>& new_partitions) {
  if (auto conflict = kind_conflict(old_version, new_version)) return std::move(*conflict);
  Comparison comparison;
  comparison.match = match_settings(old_version, new_version);
  comparison.old_setting_names = old_setting_variable_names(old_version, new_version, comparison.match);
  comparison.partitions =
      comparison_partitions(old_version, old_partitions, new_version, new_partitions, comparison.old_setting_names);
  const auto new_settings = setting_indices(new_version);
  const std::size_t count = comparison.partitions.size();
  comparison.old_default_on.assign(count, false);
  comparison.new_default_on.assign(count, false);
  for (std::uint32_t v = 0; v < count; ++v) {
    const Partition& partition = comparison.partitions[v];
    DiffVariable variable{partition, false};
    if (partition.kind == Partition::Kind::setting) {
      const auto n = find(new_settings, partition.name);
      const auto o = n ? comparison.match.old_of_new[*n] : std::nullopt;
      if (n && o && old_version.settings[*o].default_on != new_version.settings[*n].default_on) {
        variable.default_changed = true;
        variable.partition.kind = Partition::Kind::categorical;
        variable.partition.values = {"off", "on"};
        comparison.old_default_on[v] = old_version.settings[*o].default_on;
        comparison.new_default_on[v] = new_version.settings[*n].default_on;
      }
    }
    comparison.variables.push_back(std::move(variable));
  }
  return comparison;
}

PolicyDiff empty_diff(const Comparison& comparison, const VersionDeclarations& old_version,
                      const VersionDeclarations& new_version) {
  PolicyDiff diff;
  diff.old_name = old_version.name;
  diff.old_version = old_version.version;
  diff.new_name = new_version.name;
  diff.new_version = new_version.version;
  diff.variables = comparison.variables;
  return diff;
}

std::vector<DiffRow> changed_rows(const Comparison& comparison, const DecisionDiagram& diagram, NodeId old_decision,
                                  NodeId new_decision, const VersionDeclarations& old_version,
                                  const VersionDeclarations& new_version, const CompileOptions& options) {
  // Both decisions over the diff variables, then the pair of cells at every point. Terminal
  // 0 is "decided alike"; terminal i > 0 is changes[i - 1].
  const auto& variables = comparison.variables;
  std::vector<std::uint32_t> sizes;
  for (const auto& variable : variables) sizes.push_back(variable.partition.cell_count());
  DecisionDiagram semantic(sizes, options.max_diagram_nodes, options.max_diagram_links);
  const NodeId before = with_unset_codes(diagram, old_decision, semantic, variables, comparison.old_default_on);
  const NodeId after = with_unset_codes(diagram, new_decision, semantic, variables, comparison.new_default_on);
  std::vector<std::pair<RuleDecision, RuleDecision>> changes;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> change_of_cells;
  const NodeId pairs = semantic.combine(before, after, [&](std::uint32_t old_cell, std::uint32_t new_cell) {
    const auto [found, inserted] = change_of_cells.try_emplace({old_cell, new_cell}, 0);
    if (inserted) {
      RuleDecision old_decision_here = decision_of_cell(old_version, old_cell);
      RuleDecision new_decision_here = decision_of_cell(new_version, new_cell);
      if (old_decision_here.effect != new_decision_here.effect ||
          old_decision_here.reason != new_decision_here.reason) {
        changes.emplace_back(std::move(old_decision_here), std::move(new_decision_here));
        found->second = static_cast<std::uint32_t>(changes.size());
      }
    }
    return found->second;
  });

  std::vector<DiffRow> rows;
  for (auto& region : regions_of(semantic, pairs, [](std::uint32_t value) { return value != 0; })) {
    DiffRow row;
    const auto& [old_decision_here, new_decision_here] = changes[region.value - 1];
    row.before = old_decision_here;
    row.after = new_decision_here;
    row.direction = direction_of(row.before, row.after);
    std::vector<std::string> pieces;
    for (std::size_t v = 0; v < variables.size(); ++v) {
      if (!constrains(region.codes[v])) continue;
      row.when.push_back({variables[v].partition.name, value_words(variables[v], region.codes[v])});
      pieces.push_back(condition_piece(variables[v], region.codes[v]));
    }
    row.condition = pieces.empty() ? "true" : join_words(pieces, " ∧ ");
    row.region = std::move(region);
    rows.push_back(std::move(row));
  }
  // Reasons in source order: the default (no rule) first.
  const auto position = [](const RuleDecision& decision) { return decision.rule ? *decision.rule + 1 : 0; };
  std::stable_sort(rows.begin(), rows.end(), [&](const DiffRow& a, const DiffRow& b) {
    return std::make_tuple(a.direction, position(a.after), position(a.before)) <
           std::make_tuple(b.direction, position(b.after), position(b.before));
  });
  return rows;
}

DiffError diff_too_large(const std::vector<Partition>& variables, const DiagramTooLarge& error) {
  std::vector<std::size_t> order(variables.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return error.nodes_per_variable[a] > error.nodes_per_variable[b];
  });
  std::vector<std::string> responsible;
  for (std::size_t i = 0; i < order.size() && i < 3 && error.nodes_per_variable[order[i]] > 0; ++i) {
    responsible.push_back(
        fmt::format("`{}` ({})", variables[order[i]].name, counted(error.nodes_per_variable[order[i]], "node")));
  }
  return DiffError{fmt::format("the diff exceeds its budget of {}; most nodes test {}", error.budget_text(),
                               join_words(responsible, ", ")),
                   fmt::format("the budget is {}", error.option_name()), std::nullopt};
}

}  // namespace usegate::compiler
