#pragma once
// A policy's text and the positions that point into it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace usegate {

// A place in a source text. Lines and columns count from 1; columns count bytes, so a
// caret printed under the line lines up for ASCII text, which is what policies are.
struct SourcePosition {
  std::uint32_t offset = 0;
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// The stretch of text a node came from. Left out of AST equality on purpose: two policies
// that say the same thing in different layouts compare equal.
struct SourceSpan {
  SourcePosition begin;
  std::uint32_t end_offset = 0;  // one past the last byte

  [[nodiscard]] std::uint32_t length() const { return end_offset > begin.offset ? end_offset - begin.offset : 0; }
};

// A named source text with an index of its line starts.
class SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::string& text() const { return text_; }

  // The text of a 1-based line, without its line ending.
  [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
  // The position of a byte offset (clamped to the end of the text).
  [[nodiscard]] SourcePosition position_of(std::uint32_t offset) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

}  // namespace usegate
