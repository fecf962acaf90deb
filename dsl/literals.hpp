#pragma once
// Turning the text of a number, date or date-time literal into its value.

#include <string_view>

#include "usegate/base/diagnostics.hpp"
#include "usegate/dsl/ast.hpp"

namespace usegate::dsl {

// Classifies a token that starts like a number (`18`, `-0.5`, `2024-07-26`,
// `2024-07-26T12:00:00Z`). A malformed token or a date that does not exist is reported and
// comes back as a number literal with value 0, so that checking can go on.
[[nodiscard]] Literal read_literal_token(std::string_view text, SourceSpan span, DiagnosticList& diagnostics);

// Resolves the escapes of a quoted string, quotes included in `quoted`.
[[nodiscard]] std::string unquote(std::string_view quoted);

}  // namespace usegate::dsl
