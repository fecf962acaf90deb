// The rows of a diff from two compiled decision functions: an artifact keeps its variables, its
// decision diagram (or table) and its rule ids, which is all the rows need.
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "diff_rows.hpp"
#include "usegate/compiler/diff.hpp"
#include "usegate/compiler/lower.hpp"

namespace usegate::compiler {
namespace {

// For each cell of a comparison variable, the cell of the version's variable of the same name
// that holds it. The comparison's partitions are the common refinement of both versions', so
// each of its cells lies inside exactly one of the version's.
std::vector<std::uint32_t> version_codes(const Partition& version, const Partition& comparison) {
  std::vector<std::uint32_t> codes(comparison.cell_count());
  if (version.kind != comparison.kind) throw std::logic_error("diff: a variable changed kind: " + version.name);
  if (comparison.kind == Partition::Kind::setting) {
    codes[setting_off_code] = setting_off_code;
    codes[setting_on_code] = setting_on_code;
    return codes;
  }
  codes[missing_code] = missing_code;
  codes[unknown_code] = unknown_code;
  if (comparison.kind == Partition::Kind::categorical) {
    // A value the version does not declare is one it reads as unknown.
    std::unordered_map<std::string_view, std::uint32_t> declared;
    for (std::uint32_t i = 0; i < version.values.size(); ++i) declared.emplace(version.values[i], i);
    for (std::uint32_t i = 0; i < comparison.values.size(); ++i) {
      const auto found = declared.find(comparison.values[i]);
      codes[first_value_code + i] = found == declared.end() ? unknown_code : first_value_code + found->second;
    }
    return codes;
  }
  const auto& constants = version.constants;
  for (std::uint32_t code = first_value_code; code < codes.size(); ++code) {
    const Partition::Interval cell = comparison.interval(code);
    if (cell.is_point) {
      // A constant: the version's point if it compares with it too, else its interval around it.
      const auto below = std::lower_bound(constants.begin(), constants.end(), cell.point);
      const auto position = static_cast<std::uint32_t>(below - constants.begin());
      const bool own = below != constants.end() && *below == cell.point;
      codes[code] = first_value_code + 2 * position + (own ? 1 : 0);
    } else {
      // An open interval holds no constant of either version: the version's interval that
      // starts at or below its low end.
      const auto position =
          cell.has_low ? static_cast<std::uint32_t>(std::upper_bound(constants.begin(), constants.end(), cell.low) -
                                                    constants.begin())
                       : 0U;
      codes[code] = first_value_code + 2 * position;
    }
  }
  return codes;
}

// A version's decision carried over to the comparison's variables. The comparison orders its
// variables for reading, not as the version did, so a node is rebuilt by selecting among its
// distinct children rather than copied.
NodeId refined_decision(const DecisionFunction& version, const std::vector<std::string>& setting_names,
                        const std::vector<Partition>& comparison, DecisionDiagram& to) {
  std::unordered_map<std::string_view, std::uint32_t> settings;
  for (std::uint32_t s = 0; s < version.declarations.settings.size(); ++s) {
    settings.emplace(version.declarations.settings[s].name, s);
  }
  std::unordered_map<std::string_view, std::uint32_t> attribute_variables, setting_variables;
  for (std::uint32_t v = 0; v < comparison.size(); ++v) {
    (comparison[v].kind == Partition::Kind::setting ? setting_variables : attribute_variables)
        .emplace(comparison[v].name, v);
  }
  // Per variable of the version: its comparison variable and the version's code of each cell.
  std::vector<std::uint32_t> variable_of(version.partitions.size());
  std::vector<std::vector<std::uint32_t>> codes_of(version.partitions.size());
  for (std::uint32_t v = 0; v < version.partitions.size(); ++v) {
    const Partition& partition = version.partitions[v];
    std::string_view name = partition.name;
    const bool setting = partition.kind == Partition::Kind::setting;
    if (setting) {
      if (const auto s = settings.find(name); s != settings.end() && s->second < setting_names.size()) {
        name = setting_names[s->second];
      }
    }
    const auto& variables = setting ? setting_variables : attribute_variables;
    const auto found = variables.find(name);
    if (found == variables.end()) throw std::logic_error("diff: no comparison variable for " + partition.name);
    variable_of[v] = found->second;
    codes_of[v] = version_codes(partition, comparison[found->second]);
  }

  std::unordered_map<NodeId, NodeId> carried;
  const std::function<NodeId(NodeId)> carry = [&](NodeId at) -> NodeId {
    if (version.diagram.is_terminal(at)) return to.terminal(version.diagram.terminal_value(at));
    if (const auto found = carried.find(at); found != carried.end()) return found->second;
    const std::uint32_t variable = version.diagram.variable(at);
    const auto children = version.diagram.children(at);
    const std::uint32_t target = variable_of[variable];
    const std::vector<std::uint32_t>& codes = codes_of[variable];
    // The child each comparison cell leads to, and the distinct ones in order of first use.
    std::vector<NodeId> leads_to(codes.size());
    std::vector<NodeId> distinct;
    std::unordered_map<NodeId, NodeId> carried_child;
    for (std::uint32_t code = 0; code < codes.size(); ++code) {
      const NodeId child = children[codes[code]];
      auto [entry, added] = carried_child.try_emplace(child, 0);
      if (added) {
        entry->second = carry(child);
        distinct.push_back(child);
      }
      leads_to[code] = entry->second;
    }
    NodeId result = carried_child.at(distinct.back());
    std::vector<NodeId> indicator(codes.size());
    for (std::size_t d = distinct.size() - 1; d-- > 0;) {
      const NodeId child = carried_child.at(distinct[d]);
      for (std::uint32_t code = 0; code < codes.size(); ++code) {
        indicator[code] = leads_to[code] == child ? to.true_node() : to.false_node();
      }
      result = to.select(to.node(target, indicator), child, result);
    }
    carried.emplace(at, result);
    return result;
  };
  return carry(version.root);
}

}  // namespace

Result<DecisionFunction, DiffError> decision_function_of(const CheckedPolicy& policy, const CompileOptions& options) {
  std::vector<Partition> partitions = partitions_of(policy);
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
  DecisionFunction function{declarations_of(policy), std::move(partitions),
                            DecisionDiagram(sizes, options.max_diagram_nodes, options.max_diagram_links), 0};
  try {
    Lowering lowering(policy, function.partitions, function.diagram);
    function.root = lowering.decision();
  } catch (const DiagramTooLarge& error) {
    return diff_too_large(function.partitions, error);
  }
  return function;
}

Result<PolicyDiff, DiffError> diff_decision_functions(const DecisionFunction& old_version,
                                                      const DecisionFunction& new_version,
                                                      const CompileOptions& options) {
  auto compared = compare_versions(old_version.declarations, old_version.partitions, new_version.declarations,
                                   new_version.partitions);
  if (auto* error = compared.error_if()) return std::move(*error);
  const Comparison& comparison = compared.value();

  PolicyDiff diff = empty_diff(comparison, old_version.declarations, new_version.declarations);
  diff.structure_known = false;
  try {
    std::vector<std::uint32_t> sizes;
    for (const auto& partition : comparison.partitions) sizes.push_back(partition.cell_count());
    DecisionDiagram diagram(sizes, options.max_diagram_nodes, options.max_diagram_links);
    const NodeId old_decision =
        refined_decision(old_version, comparison.old_setting_names, comparison.partitions, diagram);
    const NodeId new_decision = refined_decision(new_version, {}, comparison.partitions, diagram);
    diff.rows = changed_rows(comparison, diagram, old_decision, new_decision, old_version.declarations,
                             new_version.declarations, options);
  } catch (const DiagramTooLarge& error) {
    return diff_too_large(comparison.partitions, error);
  }
  return diff;
}

}  // namespace usegate::compiler
