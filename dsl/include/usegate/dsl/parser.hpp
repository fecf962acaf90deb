#pragma once
// Text to syntax tree. Syntax errors go into the diagnostic list; the parser recovers at
// the next line that starts a declaration, so one run reports every independent error.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/dsl/ast.hpp"

namespace usegate::dsl {

struct ParseOptions {
  // How deeply conditions may nest: every `(` and every `not` opens one level. The parser
  // recurses once per level, so this bounds its stack, and that of every later stage, on any
  // input. The `(` or `not` that opens one level too many is a syntax error, reported before
  // the parser goes any deeper. 256 is far beyond what a person writes and a few hundred KiB
  // of stack at most.
  std::uint32_t max_nesting_depth = 256;
};

// The declarations that parsed; those with syntax errors are left out (and reported).
[[nodiscard]] PolicyFile parse_policy(const SourceFile& source, DiagnosticList& diagnostics,
                                      const ParseOptions& options = {});

// The words that cannot be used as names, in the order the language reference lists them.
[[nodiscard]] const std::vector<std::string>& reserved_words();

// For a reserved word written in another case (`AND`, `Allow`): the help line saying so
// ("keywords are lower case: write `and`"); empty for any other word.
[[nodiscard]] std::string keyword_case_help(std::string_view word);

}  // namespace usegate::dsl
