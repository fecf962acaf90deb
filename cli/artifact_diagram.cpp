#include "artifact_diagram.hpp"

#include <optional>
#include <unordered_map>
#include <utility>

#include "usegate/compiler/lower.hpp"

namespace usegate::cli {
namespace {

compiler::AttributeKind attribute_kind_of(runtime::AttributeType type) {
  switch (type) {
    case runtime::AttributeType::enumeration: return compiler::AttributeKind::enumeration;
    case runtime::AttributeType::boolean: return compiler::AttributeKind::boolean;
    case runtime::AttributeType::time: return compiler::AttributeKind::time;
    case runtime::AttributeType::number: return compiler::AttributeKind::number;
  }
  return compiler::AttributeKind::enumeration;
}

compiler::Partition partition_of(const runtime::CompiledPolicy& policy, const runtime::VariableInfo& variable) {
  compiler::Partition partition;
  switch (variable.kind) {
    case runtime::VariableKind::setting:
      partition.kind = compiler::Partition::Kind::setting;
      partition.name = policy.settings[variable.source].name;
      return partition;
    case runtime::VariableKind::categorical: partition.kind = compiler::Partition::Kind::categorical; break;
    case runtime::VariableKind::ordered:
      partition.kind = compiler::Partition::Kind::ordered;
      partition.constants = variable.constants;
      break;
  }
  const runtime::AttributeInfo& attribute = policy.attributes[variable.source];
  partition.name = attribute.name;
  partition.values = attribute.values;
  partition.attribute_kind = attribute_kind_of(attribute.type);
  return partition;
}

std::vector<std::uint32_t> sizes_of(const runtime::CompiledPolicy& policy) {
  std::vector<std::uint32_t> sizes;
  for (const auto& variable : policy.variables) sizes.push_back(variable.cell_count);
  return sizes;
}

// Walks the table, variable by variable, building the reduced diagram bottom-up.
class DiagramBuilder {
 public:
  DiagramBuilder(const runtime::CompiledPolicy& policy, compiler::DecisionDiagram& diagram)
      : policy_(policy), diagram_(diagram), strides_(policy.variables.size(), 1) {
    for (std::size_t v = strides_.size(); v-- > 1;) strides_[v - 1] = strides_[v] * policy.variables[v].cell_count;
  }

  compiler::NodeId root() {
    const auto& table = policy_.table;
    if (table.layout == runtime::DecisionTable::Layout::dense) return dense(0, 0);
    return word(table.root);
  }

 private:
  compiler::NodeId dense(std::size_t variable, std::size_t offset) {
    if (variable == policy_.variables.size()) return diagram_.terminal(policy_.table.cells[offset]);
    std::vector<compiler::NodeId> children;
    for (std::uint32_t code = 0; code < policy_.variables[variable].cell_count; ++code) {
      children.push_back(dense(variable + 1, offset + code * strides_[variable]));
    }
    return diagram_.node(static_cast<std::uint32_t>(variable), children);
  }

  compiler::NodeId word(std::uint32_t value) {
    if ((value & runtime::terminal_bit) != 0) return diagram_.terminal(value & 0xFFFFu);
    if (const auto found = nodes_.find(value); found != nodes_.end()) return found->second;
    const auto& words = policy_.table.words;
    const std::uint32_t variable = words[value];
    std::vector<compiler::NodeId> children;
    for (std::uint32_t code = 0; code < policy_.variables[variable].cell_count; ++code) {
      children.push_back(word(words[value + 1 + code]));
    }
    const compiler::NodeId node = diagram_.node(variable, children);
    nodes_.emplace(value, node);
    return node;
  }

  const runtime::CompiledPolicy& policy_;
  compiler::DecisionDiagram& diagram_;
  std::vector<std::size_t> strides_;
  std::unordered_map<std::uint32_t, compiler::NodeId> nodes_;
};

}  // namespace

ArtifactDiagram diagram_of_artifact(const runtime::CompiledPolicy& policy) {
  ArtifactDiagram result{
      {}, compiler::DecisionDiagram(sizes_of(policy), compiler::CompileOptions{}.max_diagram_nodes), 0};
  for (const auto& variable : policy.variables) result.partitions.push_back(partition_of(policy, variable));
  result.root = DiagramBuilder(policy, result.diagram).root();
  return result;
}

compiler::DecisionFunction decision_function_of_artifact(const runtime::CompiledPolicy& policy) {
  compiler::VersionDeclarations declarations;
  declarations.name = policy.name;
  declarations.version = policy.version;
  for (const auto& attribute : policy.attributes) {
    declarations.attributes.push_back({attribute.name, attribute_kind_of(attribute.type), std::nullopt});
  }
  for (const auto& setting : policy.settings) {
    declarations.settings.push_back({setting.name, setting.formerly, setting.default_on});
  }
  for (const auto& rule : policy.rules) declarations.rules.push_back(rule.id);
  ArtifactDiagram read = diagram_of_artifact(policy);
  return compiler::DecisionFunction{std::move(declarations), std::move(read.partitions), std::move(read.diagram),
                                    read.root};
}

}  // namespace usegate::cli
