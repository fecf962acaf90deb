#pragma once
// The syntax tree as text, for `usegate check --show ast` and the parser's golden tests.
//
// One node per line, in source order: the node's position `line:col` in a column of its own,
// then the node indented by its depth. Conditions are trees (`and`, `or`, `not` above their
// operands, atoms as written); literals other than enum values carry their kind and the value
// the parser read. Comments follow the declarations. Nothing depends on addresses or hashing,
// so the same text always gives the same dump:
//
//   1:1      policy p "t"
//   3:1      allow train "Train on posts"
//   4:3        and
//   4:3          purpose == training
//   4:25         ts >= 2024-07-26 (date, epoch 1721952000)

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "usegate/dsl/ast.hpp"

namespace usegate::dsl {

[[nodiscard]] std::string dump_ast(const PolicyFile& file);

// One line of a dump (the compiler's stage dumps share the layout): the position, or blanks
// when the node has none, the indentation of `depth`, the text.
void append_dump_line(std::string& out, const std::optional<SourceSpan>& span, std::size_t depth,
                      std::string_view text);

// Text in double quotes as a policy writes it (`\"`, `\\`), other control bytes as `\xNN`.
[[nodiscard]] std::string quoted_text(std::string_view text);

}  // namespace usegate::dsl
