// The parser: where each node points, comments, recovery and the words of syntax errors.
// Whole trees (precedence, every kind of atom and literal, settings, declarations) are golden
// files in tests/dsl/ast/, compared by ast_corpus_test.cpp.
#include <doctest/doctest.h>

#include "usegate/dsl/parser.hpp"

namespace {

using namespace usegate;
using namespace usegate::dsl;

struct Parsed {
  SourceFile source;
  DiagnosticList diagnostics;
  PolicyFile file;
};

Parsed parse(const std::string& text) {
  Parsed parsed{SourceFile("test.policy", text), {}, {}};
  parsed.file = parse_policy(parsed.source, parsed.diagnostics);
  return parsed;
}

const RuleDecl& rule_at(const Parsed& parsed, std::size_t index) {
  return std::get<RuleDecl>(parsed.file.declarations.at(index));
}

TEST_CASE("chains of `and` are one n-ary node, and parentheses group") {
  const auto parsed = parse("deny r when a and b and (c or d) and e\n");
  REQUIRE(parsed.diagnostics.all().empty());
  const Condition& condition = rule_at(parsed, 0).condition;
  REQUIRE(condition.kind == ConditionKind::all_of);
  REQUIRE(condition.operands.size() == 4);
  CHECK(condition.operands[2].kind == ConditionKind::any_of);
}

TEST_CASE("every node knows where it came from") {
  const auto parsed = parse("policy p \"t\"\n\nallow train when\n  purpose == training\n");
  REQUIRE(parsed.diagnostics.all().empty());
  const RuleDecl& rule = rule_at(parsed, 1);
  CHECK(rule.id.span.begin.line == 3);
  CHECK(rule.id.span.begin.column == 7);
  CHECK(rule.id.span.length() == 5);
  const Condition& atom = rule.condition;
  CHECK(atom.span.begin.line == 4);
  CHECK(atom.span.begin.column == 3);
  CHECK(atom.span.length() == std::string("purpose == training").size());
  CHECK(atom.values.at(0).span.begin.column == 14);
}

TEST_CASE("comments are kept for the formatter, once each") {
  const auto parsed = parse("# head\nallow r when a # why\n  and b\n# tail\n");
  REQUIRE(parsed.diagnostics.all().empty());
  REQUIRE(parsed.file.comments.size() == 3);
  CHECK(parsed.file.comments[0].text == "# head");
  CHECK(parsed.file.comments[1].text == "# why");
  CHECK(parsed.file.comments[1].span.begin.line == 2);
  CHECK(parsed.file.comments[2].text == "# tail");
}

TEST_CASE("a byte order mark and CRLF line ends are accepted") {
  const auto parsed = parse("\xEF\xBB\xBFpolicy p \"t\"\r\nallow r when a\r\n");
  CHECK(parsed.diagnostics.all().empty());
  CHECK(parsed.file.declarations.size() == 2);
}

TEST_CASE("after a syntax error the parser resumes at the next declaration") {
  const auto parsed = parse(
      "policy p \"t\"\n"
      "allow a purpose == training\n"  // missing `when`
      "  and more stuff\n"
      "enum purpose { training }\n"
      "deny b when purpose ==\n"  // missing value
      "allow c when purpose == training\n");
  const auto& diagnostics = parsed.diagnostics.all();
  REQUIRE(diagnostics.size() == 2);
  CHECK(diagnostics[0].message == "expected `when` after rule id, found `purpose`");
  CHECK(diagnostics[0].span.begin.line == 2);
  CHECK(diagnostics[0].span.begin.column == 9);
  // Something missing at the end of a line is reported there, not on the next line.
  CHECK(diagnostics[1].message == "expected a value after the comparison operator, found end of line");
  CHECK(diagnostics[1].span.begin.line == 5);
  CHECK(diagnostics[1].span.begin.column == 23);
  // The declarations around the errors still parse.
  REQUIRE(parsed.file.declarations.size() == 3);
  CHECK(std::holds_alternative<AttributeDecl>(parsed.file.declarations[1]));
  CHECK(std::get<RuleDecl>(parsed.file.declarations[2]).id.text == "c");
}

TEST_CASE("syntax errors are described in words, never by grammar rule") {
  struct Case {
    const char* text;
    const char* message;
    std::uint32_t line, column;
  };
  const Case cases[] = {
      {"allow when a\n", "`when` is a reserved word and cannot be used as a name", 1, 7},
      {"allow r when (a and b\n", "expected `)`, found end of line", 1, 22},
      {"allow r when (a and b", "expected `)`, found end of file", 1, 22},
      {"allow r when a and # more later\n\ndeny s when b\n", "expected a condition after `and`, found end of line", 1,
       19},
      {"allow r when a b\n", "expected `and`, `or` or a new declaration after the condition, found `b`", 1, 16},
      {"enum e { a b }\n", "expected `,` or `}` in the enum values, found `b`", 1, 12},
      {"setting s { colour red }\n",
       "expected a setting field (`label`, `default`, `covers`, `available`, `formerly`) or `}`, found `colour`", 1,
       13},
      {"allow r \"unterminated when a\n", "unterminated string", 1, 9},
      {"default allowed\n", "expected `allow` or `deny` after `default`, found `allowed`", 1, 9},
      {"allow r when a\ndefault allowed\n", "expected `allow` or `deny` after `default`, found `allowed`", 2, 9},
      {"enum e { on, off }\n", "`on` is a reserved word and cannot be used as a name", 1, 10},
      {"allow r when a not b\n", "expected `in` after `not`, found `b`", 1, 20},
      {"allow r when a is here\n", "expected `missing`, `unknown` or `known` after `is`, found `here`", 1, 19},
      {"frobnicate\n",
       "expected a declaration (`policy`, `version`, `source`, `enum`, `time`, `number`, `bool`, `setting`, `allow`, "
       "`deny`, `default`, `assert`), found `frobnicate`",
       1, 1},
  };
  for (const auto& c : cases) {
    const auto parsed = parse(c.text);
    INFO(c.text);
    REQUIRE(parsed.diagnostics.all().size() >= 1);
    const auto& diagnostic = parsed.diagnostics.all().front();
    CHECK(diagnostic.message == c.message);
    CHECK(diagnostic.span.begin.line == c.line);
    CHECK(diagnostic.span.begin.column == c.column);
  }
}

}  // namespace
