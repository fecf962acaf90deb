// `usegate table POLICY`: the compiled decision table for people, one row per region.
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "arguments.hpp"
#include "artifact_diagram.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "key_files.hpp"
#include "text_table.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/regions.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate table [--format text|yaml] POLICY

Prints the policy's decision table as merged rows: each row is a region of the input space
(one set of values per attribute or setting; `-` means any) with one decision and reason.
Rows are grouped by reason in source order; the default comes first. POLICY is a `.policy`
file or an artifact built with `usegate build`; both print the same rows.

options:
  --format yaml   the same rows for machines
  --verify-key FILE  load only an artifact signed by this public key (docs/artifact.md)

exit status (docs/cli.md, "Exit status"): 0 printed, 2 usage error or a file that cannot be
             read, 3 the policy has errors or the artifact cannot be used
)";

// What the table is printed from, whether a source or an artifact.
struct TableRows {
  std::string name;
  std::string version;
  std::vector<compiler::Partition> partitions;
  std::vector<compiler::Region> regions;
  std::vector<std::string> reasons;  // by cell reason: `default`, then the rules' ids

  [[nodiscard]] const std::string& reason_of(std::uint32_t cell) const { return reasons[compiler::cell_reason(cell)]; }
};

TableRows rows_of_source(const compiler::CheckedPolicy& policy) {
  TableRows rows{policy.name, policy.version, compiler::partitions_of(policy), {}, {"default"}};
  std::vector<std::uint32_t> sizes;
  for (const auto& partition : rows.partitions) sizes.push_back(partition.cell_count());
  compiler::DecisionDiagram diagram(sizes, compiler::CompileOptions{}.max_diagram_nodes);
  compiler::Lowering lowering(policy, rows.partitions, diagram);
  rows.regions = compiler::regions_of(diagram, lowering.decision());
  for (const auto& rule : policy.rules) rows.reasons.push_back(rule.id);
  return rows;
}

TableRows rows_of_artifact(const Policy& policy) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  ArtifactDiagram read = diagram_of_artifact(compiled);
  TableRows rows{compiled.name, compiled.version, std::move(read.partitions), {}, {"default"}};
  rows.regions = compiler::regions_of(read.diagram, read.root);
  for (const auto& rule : compiled.rules) rows.reasons.push_back(rule.id);
  return rows;
}

}  // namespace

int run_table(const Words& words) {
  const Arguments arguments("table", words, {"--help"}, {"--format", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "yaml"});
  if (arguments.positionals().size() != 1) throw UsageError("table: name exactly one policy file");
  const VerifyKey verify_key = read_verify_key(arguments);
  const PolicyFile file = read_policy_file(arguments.positionals().front(), false, verify_key);
  print_policy_errors(file);
  TableRows rows;
  if (file.is_artifact()) {
    if (!file.artifact) return exit_code::broken_input;
    try {
      rows = rows_of_artifact(*file.artifact);
    } catch (const compiler::DiagramTooLarge&) {
      std::cerr << fmt::format("{}: error: the artifact's table has more rows than `usegate table` prints\n",
                               file.path);
      return exit_code::broken_input;
    }
  } else {
    const auto& policy = file.source->analysis.policy;
    if (!policy) return exit_code::broken_input;
    rows = rows_of_source(*policy);
  }
  const auto& partitions = rows.partitions;
  const auto& regions = rows.regions;

  if (format == "yaml") {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "policy" << YAML::Value << rows.name;
    out << YAML::Key << "version" << YAML::Value << rows.version;
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
      out << YAML::Key << "reason" << YAML::Value << rows.reason_of(region.value) << YAML::EndMap;
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
    row.push_back(rows.reason_of(region.value));
    table.add_row(std::move(row));
  }
  std::cout << fmt::format("policy {} version {}: {} over {}\n\n", rows.name, rows.version.empty() ? "-" : rows.version,
                           counted(regions.size(), "row"), counted(partitions.size(), "variable"));
  std::cout << table.render();
  return 0;
}

}  // namespace usegate::cli
