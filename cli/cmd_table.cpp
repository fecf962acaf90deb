// `usegate table POLICY`: the compiled decision table for people, one row per region.
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "policy_files.hpp"
#include "text_table.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate table [--format text|yaml] POLICY

Prints the policy's decision table as merged rows: each row is a region of the input space
(one set of values per attribute or setting; `-` means any) with one decision and reason.
Rows are grouped by reason in source order; the default comes first.

options:
  --format yaml   the same rows for machines

exit status: 0 printed, 1 the policy has errors, 2 usage error
)";

std::string reason_of(const compiler::CheckedPolicy& policy, std::uint32_t cell) {
  const std::uint32_t reason = compiler::cell_reason(cell);
  return reason == 0 ? "default" : policy.rules[reason - 1].id;
}

}  // namespace

int run_table(const Words& words) {
  const Arguments arguments("table", words, {"--help"}, {"--format"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "yaml"});
  if (arguments.positionals().size() != 1) throw UsageError("table: name exactly one policy file");
  const auto policy = require_policy(arguments.positionals().front());
  if (!policy) return 1;

  const auto partitions = compiler::partitions_of(*policy);
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : partitions) sizes.push_back(partition.cell_count());
  compiler::DecisionDiagram diagram(sizes, compiler::CompileOptions{}.max_diagram_nodes);
  compiler::Lowering lowering(*policy, partitions, diagram);
  const auto regions = compiler::regions_of(diagram, lowering.decision());

  if (format == "yaml") {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "policy" << YAML::Value << policy->name;
    out << YAML::Key << "version" << YAML::Value << policy->version;
    out << YAML::Key << "rows" << YAML::Value << YAML::BeginSeq;
    for (const auto& region : regions) {
      out << YAML::BeginMap << YAML::Key << "when" << YAML::Value << YAML::BeginMap;
      for (std::size_t v = 0; v < partitions.size(); ++v) {
        if (compiler::describe_codes(partitions[v], region.codes[v]) == "-") continue;
        out << YAML::Key << partitions[v].name << YAML::Value << YAML::Flow
            << compiler::describe_code_list(partitions[v], region.codes[v]);
      }
      out << YAML::EndMap;
      out << YAML::Key << "decision" << YAML::Value << (compiler::cell_allows(region.value) ? "allow" : "deny");
      out << YAML::Key << "reason" << YAML::Value << reason_of(*policy, region.value) << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    std::cout << out.c_str() << '\n';
    return 0;
  }

  TextTable table;
  std::vector<std::string> header{"#"};
  for (const auto& partition : partitions) header.push_back(partition.name);
  header.insert(header.end(), {"decision", "reason"});
  table.add_row(header);
  std::size_t number = 0;
  for (const auto& region : regions) {
    std::vector<std::string> row{std::to_string(++number)};
    for (std::size_t v = 0; v < partitions.size(); ++v) {
      row.push_back(compiler::describe_codes(partitions[v], region.codes[v]));
    }
    row.push_back(compiler::cell_allows(region.value) ? "allow" : "deny");
    row.push_back(reason_of(*policy, region.value));
    table.add_row(std::move(row));
  }
  std::cout << fmt::format("policy {} version {}: {} rows over {} variables\n\n", policy->name,
                           policy->version.empty() ? "-" : policy->version, regions.size(), partitions.size());
  std::cout << table.render();
  return 0;
}

}  // namespace usegate::cli
