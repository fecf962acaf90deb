#pragma once
// The canonical layout of a policy (`usegate fmt`): the style of the language reference's
// examples and the bundled policies. Comments stay where they were: a comment on a line of
// its own stays before the declaration (or setting field) it preceded, one at the end of a
// line stays at the end of the line that holds the same code. Formatting never changes what a
// policy means: the result parses to a syntax tree equal to the input's, and it is a fixed
// point (formatting it again changes nothing).
//
// The layout:
//   - header lines (`policy`, `version`, `source`) together, then a blank line;
//   - attribute declarations together, their names padded so that values (and a trailing
//     comment of a `time`, `number` or `bool`) line up;
//   - a blank line around every setting, rule, `default` and assertion;
//   - settings one field a line, in the order label, default, covers, available, formerly;
//   - a rule or assertion with a description puts `when` (or `never allow when`) on the next
//     line, indented by two; a condition keeps the line breaks its author put before a
//     top-level `and` or `or`, each continuation line indented by three (four in a setting);
//   - single spaces between tokens, `, ` in value sets, no trailing commas or `;`, the
//     author's parentheses kept where they group, the necessary ones added.

#include <string>

#include "usegate/base/source.hpp"
#include "usegate/dsl/ast.hpp"

namespace usegate::dsl {

// `file` must be the parse of `source` without syntax errors.
[[nodiscard]] std::string format_policy(const SourceFile& source, const PolicyFile& file);

}  // namespace usegate::dsl
