// Hostile but well-formed input: nesting beyond the limit, huge enums, more rules or constants
// than a table holds. Each is refused with one exact diagnostic where the limit is passed, or
// accepted when just under it, and `check` refuses exactly what `build` would.
#include <doctest/doctest.h>

#include <string>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/check.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/compiler/interpreter.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;

const std::string header = "policy p \"t\"\nenum purpose { training, ads }\n";

struct Analyzed {
  usegate::SourceFile source;
  compiler::PolicyAnalysis analysis;
};

Analyzed analyze(std::string text, bool lints = true) {
  Analyzed analyzed{usegate::SourceFile("test.policy", std::move(text)), {}};
  analyzed.analysis = compiler::analyze_policy(analyzed.source, lints);
  return analyzed;
}

// Each diagnostic's first line and its help, one per line.
std::string headlines(const Analyzed& analyzed) {
  std::string text;
  for (const auto& diagnostic : analyzed.analysis.diagnostics.all()) {
    text += usegate::format_diagnostic_headline(analyzed.source, diagnostic) + "\n";
    if (!diagnostic.help.empty()) text += "  = help: " + diagnostic.help + "\n";
  }
  return text;
}

std::string repeated(const std::string& piece, std::size_t times) {
  std::string text;
  for (std::size_t i = 0; i < times; ++i) text += piece;
  return text;
}

const std::string nesting_help =
    "  = help: every `(` and every `not` opens a level, and a policy may nest 256 of them; split "
    "the condition into several rules\n";

// The rule nested `levels` deep in parentheses, then a rule after it that must still be read.
std::string nested_parentheses(std::size_t levels) {
  return header + "allow r when " + repeated("(", levels) + "purpose == ads" + repeated(")", levels) +
         "\nallow s when purpose == training\n";
}

// ------------------------------------------------------------------ nesting
TEST_CASE("20000 nested parentheses are one syntax error at the 257th, and parsing goes on") {
  const auto analyzed = analyze(nested_parentheses(20'000));
  // `allow r when ` is 13 columns; the 257th `(` is 256 columns after the first.
  CHECK(headlines(analyzed) == "test.policy:3:270: error: condition nested more than 256 levels deep\n" + nesting_help);
  // The caret is under that `(` alone.
  REQUIRE(analyzed.analysis.diagnostics.all().size() == 1);
  CHECK(analyzed.analysis.diagnostics.all()[0].span.length() == 1);

  usegate::DiagnosticList diagnostics;
  const dsl::PolicyFile file = dsl::parse_policy(analyzed.source, diagnostics);
  REQUIRE(file.declarations.size() == 3);  // the header, the enum, and rule `s` after the error
  CHECK(std::get<dsl::RuleDecl>(file.declarations[2]).id.text == "s");
}

TEST_CASE("20000 nested `not`s are one syntax error at the 257th") {
  const auto analyzed = analyze(header + "allow r when " + repeated("not ", 20'000) + "purpose == ads\n");
  CHECK(headlines(analyzed) ==
        "test.policy:3:1038: error: condition nested more than 256 levels deep\n" + nesting_help);
  REQUIRE(analyzed.analysis.diagnostics.all().size() == 1);
  CHECK(analyzed.analysis.diagnostics.all()[0].span.length() == 3);
}

TEST_CASE("the limit counts `(` and `not` together, and a comment between them changes nothing") {
  const std::string levels = repeated("not (  # a level\n", 128);
  const auto analyzed = analyze(header + "deny r when " + levels + "not purpose == ads" + repeated(")", 128) + "\n");
  // 256 levels are open when the last `not` opens the 257th, on the line after the last `(`.
  CHECK(headlines(analyzed) == "test.policy:131:1: error: condition nested more than 256 levels deep\n" + nesting_help);
}

TEST_CASE("a condition nested exactly 256 levels deep checks, lints, compiles and decides") {
  // 128 `not (` pairs: an even number of negations, so the rule means `purpose == ads`.
  const std::string condition = repeated("not (", 128) + "purpose == ads" + repeated(")", 128);
  const auto analyzed = analyze(header + "allow r when " + condition + "\n");
  CHECK(headlines(analyzed) == "");
  REQUIRE(analyzed.analysis.policy.has_value());
  const auto compiled = compiler::compile_policy(*analyzed.analysis.policy);
  REQUIRE(compiled.ok());
  CHECK(compiled.value().variables.size() == 1);

  compiler::InterpreterInput input;
  input.attributes["purpose"] = compiler::RecordValue::of(std::string("ads"));
  CHECK(compiler::interpret(*analyzed.analysis.policy, input).decision.reason == "r");
  input.attributes["purpose"] = compiler::RecordValue::of(std::string("training"));
  CHECK(compiler::interpret(*analyzed.analysis.policy, input).decision.reason == "default");

  CHECK(headlines(analyze(nested_parentheses(256))) == "");
}

TEST_CASE("the nesting limit is an option") {
  compiler::CompileOptions options;
  options.max_nesting_depth = 4;
  const usegate::SourceFile source("test.policy", header + "allow r when not not (not purpose == ads)\n");
  CHECK(compiler::analyze_policy(source, false, options).diagnostics.all().empty());
  options.max_nesting_depth = 3;
  const auto analysis = compiler::analyze_policy(source, true, options);
  REQUIRE(analysis.diagnostics.all().size() == 1);
  CHECK(usegate::format_diagnostic_headline(source, analysis.diagnostics.all()[0]) ==
        "test.policy:3:23: error: condition nested more than 3 levels deep");
}

TEST_CASE("the checker holds a syntax tree built without the parser to the same depth") {
  dsl::PolicyFile file;
  dsl::PolicyHeader policy_header;
  policy_header.name.text = "p";
  file.declarations.emplace_back(policy_header);
  dsl::AttributeDecl purpose;
  purpose.name.text = "purpose";
  purpose.values = {dsl::Name{"ads", {}}};
  file.declarations.emplace_back(purpose);
  // 600 negations: more than the parser could ever produce with 256 levels.
  dsl::Condition condition;
  condition.kind = dsl::ConditionKind::comparison;
  condition.subject.text = "purpose";
  condition.values.push_back(dsl::Literal{dsl::LiteralKind::value_name, "ads", {}, 0, 0, false, true});
  for (int i = 0; i < 600; ++i) {
    dsl::Condition negation;
    negation.kind = dsl::ConditionKind::negation;
    negation.operands.push_back(std::move(condition));
    condition = std::move(negation);
  }
  dsl::RuleDecl rule;
  rule.id.text = "r";
  rule.condition = std::move(condition);
  file.declarations.emplace_back(std::move(rule));
  usegate::DiagnosticList diagnostics;
  CHECK_FALSE(compiler::check_policy(file, diagnostics).has_value());
  REQUIRE(diagnostics.all().size() == 1);
  CHECK(diagnostics.all()[0].message == "condition nested more than 256 levels deep");
}

// ------------------------------------------------------------------ what a table holds
std::string enum_of(std::size_t values) {
  std::string text = "enum big { ";
  for (std::size_t i = 0; i < values; ++i) {
    text += i == 0 ? "v" : ", v";
    text += std::to_string(i);
  }
  return text + " }\n";
}

// `check` (with lints) and compile_policy, which refuses with the same message.
void check_refused(const std::string& text, const std::string& expected_headline, const std::string& help) {
  const auto analyzed = analyze(text);
  CHECK(headlines(analyzed) == expected_headline + "\n  = help: " + help + "\n");
  CHECK_FALSE(analyzed.analysis.policy.has_value());
}

TEST_CASE("an enum of 200000 values is refused at once, by name, with the count of its values") {
  const std::size_t values = testing::reduced_scale() ? 70'000 : 200'000;
  check_refused("policy p \"t\"\n" + enum_of(values) + "allow r when big == v1\n",
                "test.policy:2:6: error: enum `big` has " + std::to_string(values) +
                    " values, more than a table variable can hold",
                "a variable has at most 65535 cells: 65533 values");
}

TEST_CASE("an enum of 65533 values, the most a table holds, checks, lints and compiles") {
  std::string text = "policy p \"t\"\n" + enum_of(65'533);
  // Rules on values at both ends and in the middle, so every lookup and lint runs.
  text += "allow first when big == v0\ndeny last when big in {v65532, v32766}\n";
  text += "allow middle when big in {v1, v65532}\n";
  const auto analyzed = analyze(text);
  CHECK(headlines(analyzed) == "");
  REQUIRE(analyzed.analysis.policy.has_value());
  const auto compiled = compiler::compile_policy(*analyzed.analysis.policy);
  REQUIRE(compiled.ok());
  const auto& table = compiled.value();
  CHECK(table.variables.at(0).cell_count == 65'535);
  const auto loaded = runtime::read_artifact(runtime::write_artifact(table));
  CHECK(loaded.ok());

  check_refused("policy p \"t\"\n" + enum_of(65'534) + "allow r when big == v1\n",
                "test.policy:2:6: error: enum `big` has 65534 values, more than a table variable can hold",
                "a variable has at most 65535 cells: 65533 values");
}

TEST_CASE("an enum too large for a table is refused even when no rule tests it") {
  check_refused("policy p \"t\"\n" + enum_of(70'000) + "enum purpose { ads }\nallow r when purpose == ads\n",
                "test.policy:2:6: error: enum `big` has 70000 values, more than a table variable can hold",
                "a variable has at most 65535 cells: 65533 values");
}

std::string rules(std::size_t count) {
  std::string text = header;
  for (std::size_t i = 0; i < count; ++i) text += "allow r" + std::to_string(i) + " when purpose == ads\n";
  return text;
}

TEST_CASE("32766 rules compile, and the 32767th is refused where it is written") {
  const auto analyzed = analyze(rules(32'766), false);
  CHECK(headlines(analyzed) == "");
  REQUIRE(analyzed.analysis.policy.has_value());
  CHECK(compiler::compile_policy(*analyzed.analysis.policy).ok());

  check_refused(rules(32'767),
                "test.policy:32769:7: error: policy `p` has 32767 rules, more than the 32766 a table can name",
                "settings count as one rule each (their opt-out)");
  // A setting's opt-out is a rule in the setting's place.
  check_refused(rules(32'766) + "setting late {\n  default on\n  covers purpose == ads\n}\n",
                "test.policy:32769:9: error: policy `p` has 32767 rules, more than the 32766 a table can name",
                "settings count as one rule each (their opt-out)");
}

TEST_CASE("a number compared with more than 32766 distinct constants is refused at the first too many") {
  std::string set;
  for (int i = 0; i <= 32'766; ++i) {
    set += i == 0 ? "" : ",";
    set += std::to_string(i);
  }
  // Repeats do not count: 0 and 1 come again before the 32,767th distinct constant.
  const std::string text = "policy p \"t\"\nnumber age\nallow young when age in {0, 1, " + set + "}\n";
  const std::size_t column = text.rfind(",32766") + 1 - text.rfind('\n', text.size() - 2);
  check_refused(
      text,
      "test.policy:3:" + std::to_string(column) +
          ": error: attribute `age` is compared with 32767 distinct constants, more than a table variable can hold",
      "a variable has at most 65535 cells: 32766 constants");

  std::string most;
  for (int i = 0; i < 32'766; ++i) {
    most += i == 0 ? "" : ",";
    most += std::to_string(i);
  }
  const auto analyzed = analyze("policy p \"t\"\nnumber age\nallow young when age in {" + most + "}\n", false);
  REQUIRE(analyzed.analysis.policy.has_value());
  CHECK(compiler::compile_policy(*analyzed.analysis.policy).ok());
}

std::string bools_or_chain(int count) {
  std::string text = "policy p \"t\"\n";
  std::string condition;
  for (int i = 0; i < count; ++i) {
    text += "bool b" + std::to_string(i) + "\n";
    condition += i == 0 ? "b" : " or b";
    condition += std::to_string(i);
  }
  return text + "enum unused { a }\nallow r when " + condition + "\n";
}

TEST_CASE("more than 4096 table variables are refused at the declaration of the first too many") {
  check_refused(bools_or_chain(4097),
                "test.policy:4098:6: error: policy `p` has 4097 table variables, more than the 4096 a table can hold",
                "every attribute a rule tests is one variable, and every setting one more; the limit is "
                "CompileOptions::max_table_variables");
  // 4096 variables, every one on the diagram's one path: compiled without running out of stack.
  const auto analyzed = analyze(bools_or_chain(4096), false);
  REQUIRE(analyzed.analysis.policy.has_value());
  const auto compiled = compiler::compile_policy(*analyzed.analysis.policy);
  REQUIRE(compiled.ok());
  CHECK(compiled.value().variables.size() == 4096);
}

TEST_CASE("compile_policy refuses what the checker refuses, with the same message") {
  // A checked policy changed after the checker saw it: the compiler does not trust it.
  auto analyzed = analyze(rules(2), false);
  REQUIRE(analyzed.analysis.policy.has_value());
  compiler::CheckedPolicy policy = *analyzed.analysis.policy;
  policy.attributes[0].values.resize(70'000, "more");
  const auto compiled = compiler::compile_policy(policy);
  REQUIRE(!compiled.ok());
  CHECK(compiled.error().message == "enum `purpose` has 70000 values, more than a table variable can hold");
  CHECK(compiled.error().help == "a variable has at most 65535 cells: 65533 values");
}

}  // namespace
