#include "table_rows.hpp"

#include "artifact_diagram.hpp"
#include "text_table.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::cli {

std::optional<std::size_t> TableRows::row_of(std::span<const Code> codes) const {
  if (codes.size() != partitions.size()) return std::nullopt;
  for (std::size_t row = 0; row < regions.size(); ++row) {
    bool inside = true;
    for (std::size_t v = 0; v < codes.size() && inside; ++v) {
      inside = codes[v] < regions[row].codes[v].size() && regions[row].codes[v][codes[v]];
    }
    if (inside) return row;
  }
  return std::nullopt;
}

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

std::vector<std::string> row_header(const TableRows& rows) {
  std::vector<std::string> header{"#"};
  for (const auto& partition : rows.partitions) header.push_back(partition.name);
  header.insert(header.end(), {"decision", "reason"});
  return header;
}

std::vector<std::string> row_cells(const TableRows& rows, std::size_t row) {
  const compiler::Region& region = rows.regions[row];
  std::vector<std::string> cells{std::to_string(row + 1)};
  for (std::size_t v = 0; v < rows.partitions.size(); ++v) {
    cells.push_back(compiler::describe_codes(rows.partitions[v], region.codes[v]));
  }
  cells.push_back(compiler::cell_allows(region.value) ? "allow" : "deny");
  cells.push_back(rows.reason_of(region.value));
  return cells;
}

std::string render_rows(const TableRows& rows, const std::vector<std::size_t>& chosen) {
  // The whole table is laid out and the chosen rows picked from it, so each row reads byte for
  // byte as `usegate table` prints it, columns as wide as there.
  TextTable table;
  table.add_row(row_header(rows));
  for (std::size_t row = 0; row < rows.regions.size(); ++row) table.add_row(row_cells(rows, row));
  const std::string whole = table.render();
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < whole.size();) {
    const std::size_t end = whole.find('\n', start);
    lines.push_back(std::string_view(whole).substr(start, end - start + 1));
    start = end == std::string::npos ? whole.size() : end + 1;
  }
  // The header and its underline, then one line per row.
  std::string out(lines.at(0));
  out += lines.at(1);
  for (const std::size_t row : chosen) out += lines.at(row + 2);
  return out;
}

std::string render_region_rows(const std::vector<compiler::Partition>& partitions,
                               const std::vector<compiler::Region>& regions, const std::vector<std::string>& reasons) {
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
    row.push_back(reasons[compiler::cell_reason(region.value)]);
    table.add_row(std::move(row));
  }
  return table.render();
}

std::string region_row_json(const std::vector<compiler::Partition>& partitions, const compiler::Region& region,
                            const std::vector<std::string>& reasons) {
  std::string out = "{\"when\":{";
  bool first = true;
  for (std::size_t v = 0; v < partitions.size(); ++v) {
    if (compiler::describe_codes(partitions[v], region.codes[v]) == "-") continue;
    out.append(first ? "" : ",").append(json::quote(partitions[v].name)).append(":[");
    first = false;
    const auto values = compiler::describe_code_list(partitions[v], region.codes[v]);
    for (std::size_t i = 0; i < values.size(); ++i) out.append(i == 0 ? "" : ",").append(json::quote(values[i]));
    out.append("]");
  }
  out.append("},\"decision\":").append(compiler::cell_allows(region.value) ? "\"allow\"" : "\"deny\"");
  out.append(",\"reason\":").append(json::quote(reasons[compiler::cell_reason(region.value)])).append("}");
  return out;
}

}  // namespace usegate::cli
