#include "usegate/compiler/compile.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "table_limits.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/decision_diagram.hpp"

namespace usegate::compiler {
namespace {

CompileError too_large(const CheckedPolicy& policy, const std::vector<Partition>& partitions,
                       const DiagramTooLarge& error) {
  std::vector<std::size_t> order(partitions.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return error.nodes_per_variable[a] > error.nodes_per_variable[b];
  });
  std::string responsible;
  for (std::size_t i = 0; i < order.size() && i < 3; ++i) {
    const Partition& partition = partitions[order[i]];
    if (error.nodes_per_variable[order[i]] == 0) break;
    if (!responsible.empty()) responsible += ", ";
    responsible += fmt::format("`{}` ({} over {})", partition.name, counted(error.nodes_per_variable[order[i]], "node"),
                               counted(partition.cell_count(), "cell"));
  }
  return CompileError{fmt::format("the decision table of policy `{}` exceeds its budget of {}; most nodes test {}",
                                  policy.name, error.budget_text(), responsible),
                      fmt::format("compare these attributes with fewer distinct constants, test them in fewer "
                                  "rules, or split the policy; the budget is {}",
                                  error.option_name())};
}

// The diagram as the runtime walks it: nodes as [variable, child per code], children either
// a node's offset or a terminal (top bit) holding its cell.
runtime::DecisionTable flatten(const DecisionDiagram& diagram, NodeId root) {
  runtime::DecisionTable table;
  table.layout = runtime::DecisionTable::Layout::diagram;
  const auto terminal_word = [&](NodeId id) { return runtime::terminal_bit | diagram.terminal_value(id); };
  if (diagram.is_terminal(root)) {
    table.root = terminal_word(root);
    return table;
  }
  std::vector<std::uint32_t> offsets(diagram.node_count(), 0);
  const std::vector<NodeId> order = diagram.reachable(root);
  std::uint32_t next = 0;
  for (const NodeId id : order) {
    if (diagram.is_terminal(id)) continue;
    offsets[id] = next;
    next += 1 + diagram.domain_size(diagram.variable(id));
  }
  for (const NodeId id : order) {
    if (diagram.is_terminal(id)) continue;
    table.words.push_back(diagram.variable(id));
    for (const NodeId child : diagram.children(id)) {
      table.words.push_back(diagram.is_terminal(child) ? terminal_word(child) : offsets[child]);
    }
  }
  table.root = offsets[root];
  return table;
}

runtime::DecisionTable densify(const DecisionDiagram& diagram, NodeId root, const std::vector<Partition>& partitions,
                               std::size_t cells) {
  runtime::DecisionTable table;
  table.layout = runtime::DecisionTable::Layout::dense;
  table.cells.resize(cells);
  // Walk every point in mixed radix, last variable fastest.
  std::vector<std::uint32_t> codes(partitions.size(), 0);
  for (std::size_t index = 0; index < cells; ++index) {
    table.cells[index] = static_cast<runtime::Cell>(diagram.evaluate(root, codes));
    for (std::size_t v = partitions.size(); v-- > 0;) {
      if (++codes[v] < partitions[v].cell_count()) break;
      codes[v] = 0;
    }
  }
  return table;
}

}  // namespace

Result<runtime::CompiledPolicy, CompileError> compile_policy(const CheckedPolicy& policy,
                                                             const CompileOptions& options) {
  if (const auto errors = table_limit_errors(policy, options); !errors.empty()) {
    return CompileError{errors.front().message, errors.front().help};
  }
  const std::vector<Partition> partitions = partitions_of(policy);
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());

  DecisionDiagram diagram(sizes, options.max_diagram_nodes, options.max_diagram_links);
  NodeId root = 0;
  try {
    Lowering lowering(policy, partitions, diagram);
    root = lowering.decision();
  } catch (const DiagramTooLarge& error) {
    return too_large(policy, partitions, error);
  }

  runtime::CompiledPolicy compiled;
  compiled.name = policy.name;
  compiled.title = policy.title;
  compiled.version = policy.version;
  compiled.sources = policy.sources;
  compiled.default_allow = policy.default_effect == Effect::allow;
  compiled.platform_attribute = policy.platform_attribute ? static_cast<std::int32_t>(*policy.platform_attribute) : -1;
  for (const auto& attribute : policy.attributes) {
    runtime::AttributeInfo info;
    info.name = attribute.name;
    info.type = attribute.kind;
    info.values = attribute.values;
    info.builtin = attribute.builtin;
    compiled.attributes.push_back(std::move(info));
  }
  for (const auto& setting : policy.settings) {
    runtime::SettingInfo info;
    info.name = setting.name;
    info.label = setting.label;
    info.default_on = setting.default_on;
    info.formerly = setting.formerly;
    for (const auto& availability : setting.availability) {
      info.availability.push_back({availability.platforms, availability.from, availability.until});
    }
    compiled.settings.push_back(std::move(info));
  }
  for (const auto& rule : policy.rules) {
    compiled.rules.push_back(runtime::RuleInfo{rule.id, rule.description, rule.effect == Effect::allow,
                                               rule.setting ? static_cast<std::int32_t>(*rule.setting) : -1});
  }
  std::unordered_map<std::string_view, std::uint32_t> attribute_indices, setting_indices;
  for (std::uint32_t index = 0; index < policy.attributes.size(); ++index) {
    attribute_indices.emplace(policy.attributes[index].name, index);
  }
  for (std::uint32_t index = 0; index < policy.settings.size(); ++index) {
    setting_indices.emplace(policy.settings[index].name, index);
  }
  std::uint64_t product = 1;
  for (std::size_t index = 0; index < partitions.size(); ++index) {
    const Partition& partition = partitions[index];
    runtime::VariableInfo variable;
    variable.cell_count = partition.cell_count();
    variable.kind = partition.kind;
    if (partition.kind == Partition::Kind::setting) {
      variable.source = setting_indices.at(partition.name);
      compiled.settings[variable.source].variable = static_cast<std::int32_t>(index);
    } else {
      variable.source = attribute_indices.at(partition.name);
      variable.constants = partition.constants;
      compiled.attributes[variable.source].variable = static_cast<std::int32_t>(index);
    }
    compiled.variables.push_back(std::move(variable));
    product = std::min<std::uint64_t>(product * partition.cell_count(), options.max_dense_cells + 1);
  }
  compiled.table = product <= options.max_dense_cells
                       ? densify(diagram, root, partitions, static_cast<std::size_t>(product))
                       : flatten(diagram, root);
  return compiled;
}

}  // namespace usegate::compiler
