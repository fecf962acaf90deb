// `usegate table POLICY`: the compiled decision table for people, one row per region.
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "arguments.hpp"
#include "artifact_diagram.hpp"
#include "commands.hpp"
#include "decision_policy.hpp"
#include "exit_codes.hpp"
#include "text_table.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/compiler/lower.hpp"
#include "usegate/compiler/regions.hpp"
#include "yaml_scalar.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate table [--format text|json|yaml] POLICY

Prints the policy's decision table as merged rows: each row is a region of the input space
(one set of values per attribute or setting; `-` means any) with one decision and reason.
Rows are grouped by reason in source order; the default comes first. POLICY is a `.policy`
file or an artifact built with `usegate build`; both print the same rows.

options:
  --format json   the same rows for machines, as one JSON document
  --format yaml   the same rows as YAML; a value a YAML 1.1 reader would take for a boolean,
                  a date or a number (`on`, `2024-08-08`) is quoted

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

// A text as a YAML scalar: quoted when a reader could take it for anything else.
YAML::Emitter& scalar(YAML::Emitter& out, const std::string& text) {
  if (yaml_needs_quotes(text)) return out << YAML::DoubleQuoted << text;
  return out << text;
}

void print_yaml(const TableRows& rows) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "policy" << YAML::Value;
  scalar(out, rows.name);
  out << YAML::Key << "version" << YAML::Value;
  scalar(out, rows.version);
  out << YAML::Key << "rows" << YAML::Value << YAML::BeginSeq;
  for (const auto& region : rows.regions) {
    out << YAML::BeginMap << YAML::Key << "when" << YAML::Value << YAML::BeginMap;
    for (std::size_t v = 0; v < rows.partitions.size(); ++v) {
      if (compiler::describe_codes(rows.partitions[v], region.codes[v]) == "-") continue;
      out << YAML::Key;
      scalar(out, rows.partitions[v].name);
      out << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& value : compiler::describe_code_list(rows.partitions[v], region.codes[v])) scalar(out, value);
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    out << YAML::Key << "decision" << YAML::Value << (compiler::cell_allows(region.value) ? "allow" : "deny");
    out << YAML::Key << "reason" << YAML::Value;
    scalar(out, rows.reason_of(region.value));
    out << YAML::EndMap;
  }
  out << YAML::EndSeq << YAML::EndMap;
  std::cout << out.c_str() << '\n';
}

// The same document as the YAML: keys in a fixed order, one row per line.
void print_json(const TableRows& rows) {
  std::cout << fmt::format("{{\"policy\": {}, \"version\": {}, \"rows\": [", json::quote(rows.name),
                           json::quote(rows.version));
  for (std::size_t r = 0; r < rows.regions.size(); ++r) {
    const auto& region = rows.regions[r];
    std::string when;
    for (std::size_t v = 0; v < rows.partitions.size(); ++v) {
      if (compiler::describe_codes(rows.partitions[v], region.codes[v]) == "-") continue;
      std::string values;
      for (const auto& value : compiler::describe_code_list(rows.partitions[v], region.codes[v])) {
        values += (values.empty() ? "" : ", ") + json::quote(value);
      }
      when += fmt::format("{}{}: [{}]", when.empty() ? "" : ", ", json::quote(rows.partitions[v].name), values);
    }
    std::cout << (r == 0 ? "\n" : ",\n")
              << fmt::format("  {{\"when\": {{{}}}, \"decision\": \"{}\", \"reason\": {}}}", when,
                             compiler::cell_allows(region.value) ? "allow" : "deny",
                             json::quote(rows.reason_of(region.value)));
  }
  std::cout << (rows.regions.empty() ? "]}\n" : "\n]}\n");
}

}  // namespace

int run_table(const Words& words) {
  const Arguments arguments("table", words, {"--help"}, {"--format"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json", "yaml"});
  if (arguments.positionals().size() != 1) throw UsageError("table: name exactly one policy file");
  const PolicyFile file = read_policy_file(arguments.positionals().front());
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
    print_yaml(rows);
    return 0;
  }
  if (format == "json") {
    print_json(rows);
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
