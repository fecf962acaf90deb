#pragma once
// Plain-text tables with a header row, columns padded to their widest cell.

#include <string>
#include <vector>

namespace usegate::cli {

class TextTable {
 public:
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  // The first row is the header, underlined; columns are separated by ` | `.
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The number of characters a terminal shows for UTF-8 text (code points, not bytes).
[[nodiscard]] std::size_t display_width(const std::string& text);

}  // namespace usegate::cli
