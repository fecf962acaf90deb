#include "markdown_table.hpp"

#include <fmt/format.h>

namespace usegate::cli::markdown {

std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string code_cell(std::string_view text) {
  std::string out = "`";
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c == '\n' || c == '`' ? '\'' : c;
    }
  }
  return out + "`";
}

std::string table(const std::vector<std::string>& header, const std::vector<bool>& right,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string out = "|";
  for (const auto& name : header) out += " " + name + " |";
  out += "\n|";
  for (std::size_t c = 0; c < header.size(); ++c) out += c < right.size() && right[c] ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : rows) {
    out += "|";
    for (const auto& text : row) out += " " + text + " |";
    out += "\n";
  }
  return out;
}

std::string details(std::string_view summary, std::string_view content) {
  return fmt::format("<details><summary>{}</summary>\n\n{}\n</details>\n", summary, content);
}

}  // namespace usegate::cli::markdown
