#pragma once
// DuckDB for the tests, through npm's @duckdb/node-api (tests/sql/package.json, installed by
// scripts/install-test-engines into tests/sql/node_modules): a script of statements and queries
// is written to a file, tests/sql/duckdb_run.mjs runs it in an in-memory database, and each
// query's rows come back as text. One Node process per script: a fresh database each time.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support.hpp"

namespace usegate::sql_testing {

// Why DuckDB cannot run here (Node or the package missing), or empty when it can.
inline std::string duckdb_unavailable() {
  if (std::system("node --version >/dev/null 2>&1") != 0) {
    return "node is not installed (scripts/install-deps installs nodejs and npm)";
  }
  if (!std::filesystem::exists(testing::source_path("tests/sql/node_modules/@duckdb/node-api/package.json"))) {
    return "the npm package @duckdb/node-api is not installed in tests/sql/node_modules "
           "(scripts/install-test-engines installs it from tests/sql/package-lock.json)";
  }
  return {};
}

using QueryRows = std::vector<std::vector<std::string>>;

class DuckdbScript {
 public:
  // Statements whose results are dropped (several, separated by `;`).
  void execute(const std::string& sql) { text_ += "--@exec\n" + sql + "\n"; }
  // One query; its rows are the next entry of run()'s results.
  void query(const std::string& sql) { text_ += "--@query\n" + sql + "\n"; }

  // Runs the script in `directory`; DuckDB's message on failure (with the failing block's
  // number), else empty and each query's rows (NULL as `\N`) in `results`.
  std::string run(const std::string& directory, std::vector<QueryRows>& results) const {
    const std::string script = directory + "/script.sql";
    const std::string out = directory + "/out.tsv";
    const std::string err = directory + "/err.txt";
    testing::write_text(script, text_);
    const std::string command =
        "node " + testing::source_path("tests/sql/duckdb_run.mjs") + " " + script + " >" + out + " 2>" + err;
    if (std::system(command.c_str()) != 0) return "duckdb: " + testing::read_text(err);
    results.clear();
    results.emplace_back();
    const std::string text = testing::read_text(out);
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      start = end + 1;
      if (line == "--@end") {
        results.emplace_back();
        continue;
      }
      std::vector<std::string> row;
      std::size_t field = 0;
      while (true) {
        const std::size_t tab = line.find('\t', field);
        row.push_back(line.substr(field, tab == std::string::npos ? std::string::npos : tab - field));
        if (tab == std::string::npos) break;
        field = tab + 1;
      }
      results.back().push_back(std::move(row));
    }
    results.pop_back();  // after the last `--@end`
    return {};
  }

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace usegate::sql_testing
