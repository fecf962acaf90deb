// Compiling to decision tables: canonical diagrams, the choice of layout, and the budget.
#include <doctest/doctest.h>

#include <string>

#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/compiler/lower.hpp"

namespace {

using namespace usegate;

compiler::CheckedPolicy checked(const std::string& text) {
  const usegate::SourceFile source("test.policy", text);
  auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  return std::move(*analysis.policy);
}

Result<runtime::CompiledPolicy, compiler::CompileError> compile(const std::string& text,
                                                                compiler::CompileOptions options = {}) {
  return compiler::compile_policy(checked(text), options);
}

const runtime::CompiledPolicy& table_of(const Result<runtime::CompiledPolicy, compiler::CompileError>& result) {
  REQUIRE(result.ok());
  return result.value();
}

const std::string declarations = R"(policy p "t"
enum purpose { training, ads, research }
enum region { US, EU, UK }
time ts
)";

TEST_CASE("policies that decide alike compile to the same table, however they are written") {
  const std::string written_one_way = declarations + R"(
deny eu when purpose == training and region == EU and ts < 2024-08-01
allow train when purpose in {training, research}
)";
  const std::string equivalent = declarations + R"(
# allow first, conditions reordered and rewritten; deny still overrides
allow train when (purpose == research or purpose == training)
deny eu when ts < 2024-08-01 and region in {EU} and purpose == training
)";
  for (const std::size_t dense : {std::size_t{1} << 18, std::size_t{1}}) {
    compiler::CompileOptions options;
    options.max_dense_cells = dense;
    const auto first_result = compile(written_one_way, options);
    const auto second_result = compile(equivalent, options);
    const auto& first = table_of(first_result);
    const auto& second = table_of(second_result);
    // Rule numbers differ (the rules are in another order), so decisions are compared by
    // the name of their reason; everything else must be the same word for word.
    const auto name = [](const runtime::CompiledPolicy& policy, std::uint32_t cell) {
      const std::uint32_t reason = runtime::cell_reason(cell);
      return std::string(reason == 0 ? "default" : policy.rules[reason - 1].id) +
             (runtime::cell_allows(cell) ? "+" : "-");
    };
    const auto same_word = [&](std::uint32_t a, std::uint32_t b) {
      if ((a & runtime::terminal_bit) != (b & runtime::terminal_bit)) return false;
      if ((a & runtime::terminal_bit) == 0) return a == b;
      return name(first, a & 0xFFFF) == name(second, b & 0xFFFF);
    };
    CHECK(first.table.layout == second.table.layout);
    CHECK(same_word(first.table.root, second.table.root));
    REQUIRE(first.table.words.size() == second.table.words.size());
    for (std::size_t i = 0; i < first.table.words.size(); ++i)
      CHECK(same_word(first.table.words[i], second.table.words[i]));
    REQUIRE(first.table.cells.size() == second.table.cells.size());
    for (std::size_t i = 0; i < first.table.cells.size(); ++i) {
      CHECK(name(first, first.table.cells[i]) == name(second, second.table.cells[i]));
    }
  }
}

TEST_CASE("small products of partitions are dense tables, large ones diagrams") {
  const std::string text = declarations + "allow a when purpose == training and ts >= 2024-01-01\n";
  const auto dense_result = compile(text);
  const auto& dense = table_of(dense_result);
  CHECK(dense.table.layout == runtime::DecisionTable::Layout::dense);
  // purpose 3 + 2 cells, ts 2 * 1 + 3 cells: 25 cells.
  CHECK(dense.table.cells.size() == 25);
  compiler::CompileOptions options;
  options.max_dense_cells = 24;
  const auto diagram_result = compile(text, options);
  CHECK(table_of(diagram_result).table.layout == runtime::DecisionTable::Layout::diagram);
}

TEST_CASE("a table over its budget is a compile error that names the attributes responsible") {
  // Rules that tie `ts` to `age` at many points: the diagram grows with both.
  std::string text = "policy big \"t\"\nenum purpose { training }\ntime ts\nnumber age\nenum region { US, EU }\n";
  for (int i = 0; i < 60; ++i) {
    text += "allow r" + std::to_string(i) + " when ts >= 2024-01-" + (i % 28 < 9 ? "0" : "") +
            std::to_string(i % 28 + 1) + "T00:00:" + (i < 10 ? "0" : "") + std::to_string(i % 60) + "Z and age < " +
            std::to_string(i) + " and region == EU\n";
  }
  compiler::CompileOptions options;
  options.max_diagram_nodes = 200;
  const auto result = compile(text, options);
  REQUIRE(!result.ok());
  const auto& error = result.error();
  CHECK(error.message.starts_with(
      "the decision table of policy `big` exceeds its budget of 200 diagram nodes; most nodes test `"));
  CHECK(error.message.find("`age` (") != std::string::npos);
  CHECK(error.message.find("`ts` (") != std::string::npos);
  CHECK(error.help.find("CompileOptions::max_diagram_nodes") != std::string::npos);
  // With the default budget it compiles.
  CHECK(compile(text).ok());
}

}  // namespace
