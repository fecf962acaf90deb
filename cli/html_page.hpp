#pragma once
// The pieces every HTML report of usegate is made of: escaping, one self-contained page (its
// stylesheet inline, no script, no font or image from anywhere: it opens offline and prints),
// tables, and horizontal bar charts drawn as inline SVG. A chart is always placed beside the
// table that holds its numbers, so the figures can be read, copied and reached by a screen
// reader; the chart only shows them.

#include <string>
#include <string_view>
#include <vector>

namespace usegate::cli::html {

// Text as HTML: `&`, `<`, `>`, `"` and `'` as entities; anything else as it is.
[[nodiscard]] std::string escape(std::string_view text);

// The whole document, the stylesheet inline.
[[nodiscard]] std::string page(std::string_view title, std::string_view body);

// A table: a header row and rows of cells (text, escaped here). Numeric columns are aligned
// right; `row_classes`, when not empty, gives each row a class (`changed`, `newly-denied`...).
struct Table {
  std::string id;  // unique in the page, so a row can be found by reading the page
  std::string caption;
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row_classes;
};
[[nodiscard]] std::string table(const Table& table);

// One row of a bar chart: a label and one share in [0, 1] per series; `highlight` marks a row
// whose value changes between the series.
struct Bar {
  std::string label;
  std::vector<double> shares;
  std::vector<std::string> texts;  // printed after each bar (`87.20%`)
  bool highlight = false;
};
// A horizontal bar chart in inline SVG, one bar per series in each row, the series named in
// a legend when there are several. `title` is the chart's accessible name.
[[nodiscard]] std::string bar_chart(std::string_view title, const std::vector<std::string>& series,
                                    const std::vector<Bar>& bars);

// A chart and its table side by side (one above the other on a narrow page).
[[nodiscard]] std::string chart_with_table(const std::string& chart, const std::string& table);

}  // namespace usegate::cli::html
