#include "usegate/compiler/stage_dump.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "usegate/base/format_text.hpp"
#include "usegate/compiler/regions.hpp"
#include "usegate/dsl/ast_dump.hpp"

namespace usegate::compiler {
namespace {

using dsl::append_dump_line;
using dsl::quoted_text;

const char* effect_text(Effect effect) {
  return effect == Effect::allow ? "allow" : "deny";
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) text += fmt::format("{}{}", i == 0 ? "" : ", ", words[i]);
  return text;
}

// An ordered constant as a policy writes it, whatever kind of attribute it belongs to.
std::string constant_text(AttributeKind kind, double key) {
  Partition partition;
  partition.kind = Partition::Kind::ordered;
  partition.attribute_kind = kind;
  return describe_constant(partition, key);
}

class CheckedPrinter {
 public:
  explicit CheckedPrinter(const CheckedPolicy& policy) : policy_(policy) {}

  std::string print() {
    line(std::nullopt, 0,
         fmt::format("policy {}{}", policy_.name,
                     policy_.title.empty() ? "" : fmt::format(" {}", quoted_text(policy_.title))));
    if (!policy_.version.empty()) line(std::nullopt, 0, fmt::format("version {}", policy_.version));
    for (const auto& source : policy_.sources) line(std::nullopt, 0, fmt::format("source {}", quoted_text(source)));
    for (std::size_t i = 0; i < policy_.attributes.size(); ++i) attribute(i);
    for (std::size_t i = 0; i < policy_.settings.size(); ++i) setting(i);
    for (std::size_t i = 0; i < policy_.rules.size(); ++i) rule(i);
    for (const auto& assertion : policy_.assertions) {
      std::string text = fmt::format("assert {} {}", assertion.id, dsl::assertion_kind_text(assertion.kind));
      if (!assertion.description.empty()) text += fmt::format(" {}", quoted_text(assertion.description));
      line(assertion.span, 0, text);
      condition(assertion.condition, 1);
    }
    const std::string default_text = fmt::format("default {}", effect_text(policy_.default_effect));
    line(policy_.default_span, 0, policy_.default_span ? default_text : fmt::format("{} (implicit)", default_text));
    return std::move(out_);
  }

 private:
  void line(const std::optional<usegate::SourceSpan>& span, std::size_t depth, const std::string& text) {
    append_dump_line(out_, span, depth, text);
  }

  void attribute(std::size_t index) {
    const Attribute& attribute = policy_.attributes[index];
    std::string text =
        fmt::format("attribute {} {}: {}", index, attribute.name, attribute_kind_keyword(attribute.kind));
    if (attribute.is_categorical()) {
      std::vector<std::string> values;
      for (std::size_t v = 0; v < attribute.values.size(); ++v)
        values.push_back(fmt::format("{} {}", v, attribute.values[v]));
      text += fmt::format(" {{{}}}", joined(values));
    }
    if (attribute.builtin) text += " (builtin)";
    line(attribute.builtin ? std::nullopt : std::optional(attribute.span), 0, text);
  }

  void setting(std::size_t index) {
    const Setting& setting = policy_.settings[index];
    line(setting.span, 0, fmt::format("setting {} {}", index, setting.name));
    line(std::nullopt, 1, fmt::format("label {}", quoted_text(setting.label)));
    line(std::nullopt, 1, fmt::format("default {}", setting.default_on ? "on" : "off"));
    line(setting.covers.span, 1, "covers");
    condition(setting.covers, 2);
    for (const auto& availability : setting.availability) {
      std::vector<std::string> platforms;
      for (const auto value : availability.platforms)
        platforms.push_back(value_name(*policy_.platform_attribute, value));
      std::string text = fmt::format("available on {{{}}}", joined(platforms));
      if (availability.from)
        text += fmt::format(" from {} (epoch {})", describe_time(*availability.from), *availability.from);
      if (availability.until) {
        text += fmt::format(" until {} (epoch {})", describe_time(*availability.until), *availability.until);
      }
      line(availability.span, 1, text);
    }
    for (const auto& former : setting.formerly) line(std::nullopt, 1, fmt::format("formerly {}", former));
  }

  void rule(std::size_t index) {
    const Rule& rule = policy_.rules[index];
    std::string text = fmt::format("rule {} {} {}", index, effect_text(rule.effect), rule.id);
    if (!rule.description.empty()) text += fmt::format(" {}", quoted_text(rule.description));
    if (rule.setting) text += fmt::format(" (opt-out of setting {})", policy_.settings[*rule.setting].name);
    line(rule.span, 0, text);
    condition(rule.condition, 1);
  }

  std::string value_name(std::uint32_t attribute, std::uint32_t value) const {
    const auto& values = policy_.attributes[attribute].values;
    return value < values.size() ? values[value] : fmt::format("#{}", value);
  }

  void condition(const CheckedCondition& node, std::size_t depth) {
    const auto attribute_name = [&] {
      return node.subject < policy_.attributes.size() ? policy_.attributes[node.subject].name
                                                      : fmt::format("#{}", node.subject);
    };
    switch (node.op) {
      case ConditionOp::always_true: line(node.span, depth, "true"); return;
      case ConditionOp::always_false: line(node.span, depth, "false"); return;
      case ConditionOp::all_of:
      case ConditionOp::any_of:
      case ConditionOp::negation:
        line(node.span, depth, node.op == ConditionOp::all_of ? "and" : node.op == ConditionOp::any_of ? "or" : "not");
        for (const auto& operand : node.operands) condition(operand, depth + 1);
        return;
      case ConditionOp::value_in:
      case ConditionOp::value_not_in: {
        std::vector<std::string> values;
        for (const auto value : node.values) values.push_back(value_name(node.subject, value));
        line(node.span, depth,
             fmt::format("{} {} {{{}}}", attribute_name(), node.op == ConditionOp::value_in ? "in" : "not in",
                         joined(values)));
        return;
      }
      case ConditionOp::compare: {
        const AttributeKind kind = policy_.attributes[node.subject].kind;
        line(node.span, depth,
             fmt::format("{} {} {} ({}, key {})", attribute_name(), dsl::operator_text(node.comparison),
                         constant_text(kind, node.key), attribute_kind_keyword(kind), node.key));
        return;
      }
      case ConditionOp::is_missing: line(node.span, depth, fmt::format("{} is missing", attribute_name())); return;
      case ConditionOp::is_unknown: line(node.span, depth, fmt::format("{} is unknown", attribute_name())); return;
      case ConditionOp::is_known: line(node.span, depth, fmt::format("{} is known", attribute_name())); return;
      case ConditionOp::consent:
        line(node.span, depth, fmt::format("consent {}", policy_.settings[node.subject].name));
        return;
    }
  }

  const CheckedPolicy& policy_;
  std::string out_;
};

const char* variable_kind(const Partition& partition) {
  return partition.kind == Partition::Kind::setting ? "setting" : attribute_kind_keyword(partition.attribute_kind);
}

// The codes as ranges: `0-1, 4`.
std::string code_ranges(const std::vector<bool>& codes) {
  std::vector<std::string> ranges;
  for (std::uint32_t code = 0; code < codes.size(); ++code) {
    if (!codes[code]) continue;
    std::uint32_t last = code;
    while (last + 1 < codes.size() && codes[last + 1]) ++last;
    ranges.push_back(last == code ? fmt::format("{}", code) : fmt::format("{}-{}", code, last));
    code = last;
  }
  return joined(ranges);
}

std::string cell_text(const CheckedPolicy& policy, std::uint32_t cell) {
  const std::uint32_t reason = cell_reason(cell);
  const char* decision = cell_allows(cell) ? "allow" : "deny";
  if (reason == 0) return fmt::format("{} default", decision);
  if (reason - 1 < policy.rules.size())
    return fmt::format("{} {} (rule {})", decision, policy.rules[reason - 1].id, reason - 1);
  return fmt::format("{} #{}", decision, reason);
}

}  // namespace

std::string dump_checked(const CheckedPolicy& policy) {
  return CheckedPrinter(policy).print();
}

std::string dump_partitions(const CheckedPolicy& policy, const std::vector<Partition>& partitions) {
  std::string out;
  for (std::size_t v = 0; v < partitions.size(); ++v) {
    const Partition& partition = partitions[v];
    out += fmt::format("variable {} {} ({}), {} cells", v, partition.name, variable_kind(partition),
                       partition.cell_count());
    if (partition.kind == Partition::Kind::ordered) {
      std::vector<std::string> constants;
      for (const double key : partition.constants) constants.push_back(describe_constant(partition, key));
      out += constants.empty() ? std::string(", no constants") : fmt::format(", constants {}", joined(constants));
    }
    out += '\n';
    for (std::uint32_t code = 0; code < partition.cell_count(); ++code) {
      std::vector<bool> codes(partition.cell_count(), false);
      codes[code] = true;
      out += fmt::format("  {} {}\n", code, joined(describe_code_list(partition, codes, NowStates::listed)));
    }
  }
  std::vector<std::string> untested;
  for (const auto& attribute : policy.attributes) {
    const bool is_variable = std::any_of(partitions.begin(), partitions.end(), [&](const Partition& partition) {
      return partition.kind != Partition::Kind::setting && partition.name == attribute.name;
    });
    if (!is_variable) untested.push_back(attribute.name);
  }
  if (!untested.empty()) out += fmt::format("no variable (no rule tests them): {}\n", joined(untested));
  return out;
}

std::string dump_diagram(const CheckedPolicy& policy, const std::vector<Partition>& partitions,
                         const DecisionDiagram& diagram, NodeId root) {
  const std::vector<NodeId> order = diagram.reachable(root);
  std::vector<NodeId> nodes;
  std::vector<NodeId> terminals;
  for (const NodeId id : order) (diagram.is_terminal(id) ? terminals : nodes).push_back(id);
  // Terminals by their cell, so the default comes first and rules follow in source order.
  std::stable_sort(terminals.begin(), terminals.end(),
                   [&](NodeId a, NodeId b) { return diagram.terminal_value(a) < diagram.terminal_value(b); });
  std::map<NodeId, std::string> names;
  for (std::size_t i = 0; i < nodes.size(); ++i) names[nodes[i]] = fmt::format("n{}", i);
  for (std::size_t i = 0; i < terminals.size(); ++i) names[terminals[i]] = fmt::format("t{}", i);

  std::string out = fmt::format("diagram over {}: {}, {}, root {}\n", counted(partitions.size(), "variable"),
                                counted(nodes.size(), "node"), counted(terminals.size(), "terminal"), names[root]);
  for (const NodeId id : nodes) {
    const std::uint32_t variable = diagram.variable(id);
    const Partition& partition = partitions[variable];
    out += fmt::format("{} {}\n", names[id], partition.name);
    const auto children = diagram.children(id);
    std::vector<NodeId> targets;  // in the order of their first code
    for (const NodeId child : children) {
      if (std::find(targets.begin(), targets.end(), child) == targets.end()) targets.push_back(child);
    }
    for (const NodeId target : targets) {
      std::vector<bool> codes(children.size(), false);
      for (std::size_t code = 0; code < children.size(); ++code) codes[code] = children[code] == target;
      out += fmt::format("  {}: {} -> {}\n", code_ranges(codes), describe_codes(partition, codes, NowStates::listed),
                         names[target]);
    }
  }
  for (const NodeId id : terminals)
    out += fmt::format("{} {}\n", names[id], cell_text(policy, diagram.terminal_value(id)));
  return out;
}

std::string dump_decision_diagram(const CheckedPolicy& policy, const CompileOptions& options) {
  const std::vector<Partition> partitions = partitions_of(policy);
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
  DecisionDiagram diagram(sizes, options.max_diagram_nodes, options.max_diagram_links);
  Lowering lowering(policy, partitions, diagram);
  const NodeId root = lowering.decision();
  return dump_diagram(policy, partitions, diagram, root);
}

}  // namespace usegate::compiler
