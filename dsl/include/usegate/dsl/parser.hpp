#pragma once
// Text to syntax tree. Syntax errors go into the diagnostic list; the parser recovers at
// the next line that starts a declaration, so one run reports every independent error.

#include "usegate/dsl/ast.hpp"
#include "usegate/dsl/diagnostics.hpp"
#include "usegate/dsl/source.hpp"

namespace usegate::dsl {

// The declarations that parsed; those with syntax errors are left out (and reported).
[[nodiscard]] PolicyFile parse_policy(const SourceFile& source, DiagnosticList& diagnostics);

// The words that cannot be used as names, in the order the language reference lists them.
[[nodiscard]] const std::vector<std::string>& reserved_words();

}  // namespace usegate::dsl
