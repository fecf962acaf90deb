#include "text_table.hpp"

#include <algorithm>

namespace usegate::cli {

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (const char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  }
  std::string out;
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows_[r].size(); ++i) {
      if (i > 0) line += " | ";
      line += rows_[r][i];
      if (i + 1 < rows_[r].size()) line += std::string(widths[i] - display_width(rows_[r][i]), ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();  // an empty last cell
    out += line + "\n";
    if (r == 0) {
      std::string rule;
      for (std::size_t i = 0; i < widths.size(); ++i) {
        if (i > 0) rule += "-+-";
        rule += std::string(widths[i], '-');
      }
      out += rule + "\n";
    }
  }
  return out;
}

}  // namespace usegate::cli
