// The pieces of the HTML reports (cli/html_page.hpp): escaping, a page that fetches nothing,
// tables whose cells are text, and chart labels cut without breaking a character.
#include <doctest/doctest.h>

#include <string>

#include "html_page.hpp"

namespace html = usegate::cli::html;

TEST_CASE("html: text is escaped, whatever it holds") {
  CHECK(html::escape("a < b && c > \"d\" 'e'") == "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;");
  CHECK(html::escape("purpose ∈ {training}") == "purpose ∈ {training}");
  const std::string table = html::table({"t", "a <caption>", {"name"}, {false}, {{"<script>alert(1)</script>"}}, {}});
  CHECK(table ==
        "<table id=\"t\">\n<caption>a &lt;caption&gt;</caption>\n<thead><tr><th scope=\"col\">name</th></tr></thead>\n"
        "<tbody>\n<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>\n</tbody>\n</table>\n");
}

TEST_CASE("html: a page loads nothing and runs nothing") {
  const std::string page = html::page("a <title>", "<p>body</p>\n");
  CHECK(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"));
  CHECK(page.find("<title>a &lt;title&gt;</title>") != std::string::npos);
  CHECK(page.find("<p>body</p>\n<footer>") != std::string::npos);
  for (const char* fetching : {"http:", "https:", "<script", "url(", "@import", "<link", "src="}) {
    CAPTURE(fetching);
    CHECK(page.find(fetching) == std::string::npos);
  }
}

TEST_CASE("html: a chart's long label is cut between characters, and its bars follow the shares") {
  // 20 ASCII letters, then `é` (two bytes) across the cut at byte 21.
  const std::string label = std::string(20, 'a') + "éééé";
  const std::string chart = html::bar_chart("shares", {"A"}, {{label, {0.5}, {"50.00%"}, false}});
  CHECK(chart.find(">" + std::string(20, 'a') + "…</text>") != std::string::npos);
  CHECK(chart.find("width=\"110.0\" height=\"12\" fill=\"#0969da\"") != std::string::npos);  // half of 220
  CHECK(chart.find(">50.00%</text>") != std::string::npos);
  CHECK(chart.find("<title>shares</title>") != std::string::npos);
}
