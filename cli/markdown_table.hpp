#pragma once
// GitHub-flavoured Markdown for the reports a CI job posts on a pull request: tables whose
// cells cannot break the table, and collapsible sections for long lists.

#include <string>
#include <string_view>
#include <vector>

namespace usegate::cli::markdown {

// A cell's text: `|` escaped, `<`, `>` and `&` as entities (GitHub would read them as HTML),
// a line break as a space.
[[nodiscard]] std::string cell(std::string_view text);
// A cell showing code: `` `text` ``, with `|` escaped (GitHub splits cells before it reads code).
[[nodiscard]] std::string code_cell(std::string_view text);

// A table; cells are written as given (pass them through cell() or code_cell()). Columns
// marked in `right` are aligned right.
[[nodiscard]] std::string table(const std::vector<std::string>& header, const std::vector<bool>& right,
                                const std::vector<std::vector<std::string>>& rows);

// `<details><summary>SUMMARY</summary>` … `</details>`, blank lines around the content so
// that GitHub renders the Markdown inside.
[[nodiscard]] std::string details(std::string_view summary, std::string_view content);

}  // namespace usegate::cli::markdown
