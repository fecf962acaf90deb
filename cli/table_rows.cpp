#include "table_rows.hpp"

#include "text_table.hpp"
#include "usegate/base/json_text.hpp"
#include "usegate/compiler/lower.hpp"

namespace usegate::cli {

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
