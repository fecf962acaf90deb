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
#include "table_rows.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/base/json_text.hpp"
#include "yaml_scalar.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate table [--gaps] [--format text|json|yaml] POLICY

Prints the policy's decision table as merged rows: each row is a region of the input space
(one set of values per attribute or setting; `-` means any) with one decision and reason.
Rows are grouped by reason in source order; the default comes first. POLICY is a `.policy`
file or an artifact built with `usegate build`; both print the same rows.

options:
  --gaps          only the rows decided by `default`: what no rule speaks about
  --format json   the same rows for machines, as one JSON document
  --format yaml   the same rows as YAML; a value a YAML 1.1 reader would take for a boolean,
                  a date or a number (`on`, `2024-08-08`) is quoted
  --verify-key FILE  load only an artifact signed by this public key (docs/artifact.md)

exit status (docs/cli.md, "Exit status"): 0 printed, 2 usage error or a file that cannot be
             read, 3 the policy has errors or the artifact cannot be used
)";

// A text as a YAML scalar: quoted when a reader could take it for anything else.
YAML::Emitter& scalar(YAML::Emitter& out, const std::string& text) {
  if (yaml_needs_quotes(text)) return out << YAML::DoubleQuoted << text;
  return out << text;
}

void print_yaml(const TableRows& rows, const std::vector<std::size_t>& chosen) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "policy" << YAML::Value;
  scalar(out, rows.name);
  out << YAML::Key << "version" << YAML::Value;
  scalar(out, rows.version);
  out << YAML::Key << "rows" << YAML::Value << YAML::BeginSeq;
  for (const std::size_t row : chosen) {
    const compiler::Region& region = rows.regions[row];
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
void print_json(const TableRows& rows, const std::vector<std::size_t>& chosen) {
  std::cout << fmt::format("{{\"policy\": {}, \"version\": {}, \"rows\": [", json::quote(rows.name),
                           json::quote(rows.version));
  for (std::size_t r = 0; r < chosen.size(); ++r) {
    const auto& region = rows.regions[chosen[r]];
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
  std::cout << (chosen.empty() ? "]}\n" : "\n]}\n");
}

}  // namespace

int run_table(const Words& words) {
  const Arguments arguments("table", words, {"--help", "--gaps"}, {"--format", "--verify-key"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  const std::string format = arguments.format({"text", "json", "yaml"});
  if (arguments.positionals().size() != 1) throw UsageError("table: name exactly one policy file");
  const VerifyKey verify_key = read_verify_key(arguments);
  const PolicyFile file = read_policy_file(arguments.positionals().front(), true, verify_key);
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
  // Row numbers stay those of the whole table, so `--gaps` rows can be found in it.
  std::vector<std::size_t> chosen;
  for (std::size_t row = 0; row < rows.regions.size(); ++row) {
    if (!arguments.flag("--gaps") || compiler::cell_reason(rows.regions[row].value) == 0) chosen.push_back(row);
  }

  if (format == "yaml") {
    print_yaml(rows, chosen);
    return 0;
  }
  if (format == "json") {
    print_json(rows, chosen);
    return 0;
  }

  std::cout << fmt::format("policy {} version {}: {} over {}\n\n", rows.name, rows.version.empty() ? "-" : rows.version,
                           arguments.flag("--gaps") ? fmt::format("{} of {} decided by default", chosen.size(),
                                                                  counted(rows.regions.size(), "row"))
                                                    : counted(rows.regions.size(), "row"),
                           counted(partitions.size(), "variable"));
  std::cout << render_rows(rows, chosen);
  return 0;
}

}  // namespace usegate::cli
