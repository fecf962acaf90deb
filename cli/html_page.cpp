#include "html_page.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace usegate::cli::html {
namespace {

// One stylesheet for every report. Colours keep their meaning in print (print-color-adjust);
// sections are not split across pages; long conditions wrap rather than widen the page.
constexpr const char* stylesheet = R"(
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --a: #8c959f; --b: #0969da;
        --changed: #fff8c5; --denied: #ffebe9; --allowed: #dafbe1; --reason: #ddf4ff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 24px auto; max-width: 1180px; padding: 0 16px;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 0 0 4px; }
section, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 8px 0 16px; display: flex; flex-wrap: wrap; gap: 16px 28px; align-items: flex-start; }
figure > svg { flex: 0 0 auto; }
figure > table { flex: 1 1 0; }
table { border-collapse: collapse; margin: 4px 0 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0 0 4px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
tr.changed td { background: var(--changed); }
tr.newly-denied td { background: var(--denied); }
tr.newly-allowed td { background: var(--allowed); }
tr.reason-only td { background: var(--reason); }
code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
ul.changes { margin: 4px 0 12px; padding-left: 20px; }
.legend { color: var(--muted); }
footer { color: var(--muted); margin-top: 32px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; page-break-after: avoid; }
}
)";

constexpr int label_width = 150;
constexpr int bar_width = 220;
constexpr int value_width = 64;
constexpr int bar_height = 14;
constexpr int row_gap = 8;

// Two series: the first policy grey, the second blue; a single series is blue.
const char* series_colour(std::size_t series, std::size_t count) {
  return count == 1 || series % 2 == 1 ? "#0969da" : "#8c959f";
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string page(std::string_view title, std::string_view body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n{}<footer>Written by usegate. This page is self-contained: it loads "
      "nothing from the network and runs no script.</footer>\n</body>\n</html>\n",
      escape(title), stylesheet, body);
}

std::string table(const Table& table) {
  std::string out = fmt::format("<table id=\"{}\">\n", escape(table.id));
  if (!table.caption.empty()) out += fmt::format("<caption>{}</caption>\n", escape(table.caption));
  const auto numeric = [&](std::size_t column) { return column < table.numeric.size() && table.numeric[column]; };
  out += "<thead><tr>";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    out += fmt::format("<th scope=\"col\"{}>{}</th>", numeric(c) ? " class=\"num\"" : "", escape(table.header[c]));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool has_class = r < table.row_classes.size() && !table.row_classes[r].empty();
    out += has_class ? fmt::format("<tr class=\"{}\">", table.row_classes[r]) : std::string("<tr>");
    for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
      out += fmt::format("<td{}>{}</td>", numeric(c) ? " class=\"num\"" : "", escape(table.rows[r][c]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string bar_chart(std::string_view title, const std::vector<std::string>& series, const std::vector<Bar>& bars) {
  const int legend_height = series.size() > 1 ? 22 : 0;
  const int per_row = static_cast<int>(series.size()) * bar_height + row_gap;
  const int width = label_width + bar_width + value_width;
  const int height = legend_height + static_cast<int>(bars.size()) * per_row + 4;
  std::string out = fmt::format(
      "<svg role=\"img\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"system-ui, sans-serif\" font-size=\"11\">\n<title>{2}</title>\n",
      width, height, escape(title));
  if (series.size() > 1) {
    int x = 0;
    for (std::size_t s = 0; s < series.size(); ++s) {
      out += fmt::format(
          "<rect x=\"{}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"13\" fill=\"#57606a\">{}"
          "</text>\n",
          x, series_colour(s, series.size()), x + 14, escape(series[s]));
      x += 24 + static_cast<int>(series[s].size()) * 7;
    }
  }
  for (std::size_t r = 0; r < bars.size(); ++r) {
    const Bar& bar = bars[r];
    const int top = legend_height + static_cast<int>(r) * per_row;
    if (bar.highlight) {
      out += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#fff8c5\"/>\n", top - row_gap / 2,
                         width, per_row);
    }
    std::string label = bar.label;
    // A long label is cut (the table beside the chart has it whole), never inside a UTF-8 sequence.
    if (label.size() > 22) {
      std::size_t cut = 21;
      while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
      label = label.substr(0, cut) + "…";
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{}>{}</text>\n", label_width - 6,
                       top + static_cast<int>(series.size()) * bar_height / 2 + 4,
                       bar.highlight ? " font-weight=\"bold\"" : "", escape(label));
    for (std::size_t s = 0; s < bar.shares.size(); ++s) {
      const double share = std::clamp(bar.shares[s], 0.0, 1.0);
      const int y = top + static_cast<int>(s) * bar_height;
      const double length = share * bar_width;
      out += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>"
          "<text x=\"{:.1f}\" y=\"{}\" fill=\"#1b1f24\">{}</text>\n",
          label_width, y + 1, length, bar_height - 2, series_colour(s, bar.shares.size()), label_width + length + 4,
          y + bar_height - 3, s < bar.texts.size() ? escape(bar.texts[s]) : std::string());
    }
  }
  return out + "</svg>\n";
}

std::string chart_with_table(const std::string& chart, const std::string& table) {
  return "<figure>\n" + chart + table + "</figure>\n";
}

}  // namespace usegate::cli::html
