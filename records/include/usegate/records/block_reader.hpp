#pragma once
// Reading JSON Lines input in blocks of whole lines, for streaming: memory holds one block
// (about `block_size` bytes, or the longest line if that is longer, up to `max_line`), never
// the whole input.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace usegate::records {

// simdjson reads up to this many bytes past a document's end; every block keeps that much
// zeroed space after its last line.
inline constexpr std::size_t parse_padding = 64;

// The longest line read by default, not counting its newline. A longer line is flagged
// (InputLine::too_long) and, once it is known to be too long, the rest of it is skipped
// without being held in memory.
inline constexpr std::size_t default_max_line = std::size_t{64} << 20;

// What a block holds in place of a line the reader cut short. Not JSON, so a reader that
// ignores InputLine::too_long still rejects the line rather than reading part of it.
inline constexpr std::string_view cut_line_text = "#line too long";

// A byte buffer that grows without zero-filling what is about to be overwritten by read().
class ByteBuffer {
 public:
  [[nodiscard]] char* data() { return data_.get(); }
  [[nodiscard]] const char* data() const { return data_.get(); }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  // New bytes are left as they are.
  void resize(std::size_t size);
  void assign(const char* begin, const char* end);
  void append(const char* begin, const char* end);

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

struct InputBlock {
  ByteBuffer bytes;              // the lines, then parse_padding zero bytes
  std::size_t size = 0;          // bytes of lines (the padding not included)
  std::uint64_t first_line = 1;  // the 1-based number of the block's first line
  std::size_t max_line = default_max_line;
  // Where cut_line_text stands for a line too long to keep (a block has at most one, last).
  std::size_t cut_line_at = static_cast<std::size_t>(-1);
  // The block ends early because no more input was ready: a reader on a slow pipe should
  // pass on what it has decided before it waits for more.
  bool input_idle = false;

  [[nodiscard]] std::string_view text() const { return {bytes.data(), size}; }
};

class BlockReader {
 public:
  // Reads from a file descriptor it does not own. A UTF-8 byte order mark at the start of
  // the input is dropped.
  explicit BlockReader(int descriptor, std::size_t block_size = std::size_t{1} << 20,
                       std::size_t max_line = default_max_line);

  // The next block of whole lines (the input's last line may lack its newline); false at
  // the end. A block holds about `block_size` bytes, fewer when the input pauses (a pipe or
  // a terminal with no more bytes ready after a whole line) or a line is too long. Throws
  // std::runtime_error when reading fails.
  bool next(InputBlock& block);

  [[nodiscard]] std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  // Appends up to block_size_ bytes read from the input; the number read (0 at the end).
  std::size_t read_more(ByteBuffer& bytes);
  // Drops input up to the end of the line being skipped, keeping what follows in `bytes`.
  void skip_rest_of_line(ByteBuffer& bytes);

  int descriptor_;
  std::size_t block_size_;
  std::size_t max_line_;
  ByteBuffer carry_;  // the start of a line that continues in the next read
  std::uint64_t next_line_ = 1;
  std::uint64_t bytes_read_ = 0;
  bool at_start_ = true;
  bool at_end_ = false;
  bool skipping_ = false;  // inside a line that was too long, cut short in the last block
  bool may_pause_ = true;  // not a regular file: a read may wait for a writer
};

// One line of a block.
struct InputLine {
  std::string_view text;  // without the line terminator (`\n` or `\r\n`)
  std::string_view raw;   // as it came, terminator included
  std::uint64_t number = 0;
  std::size_t readable = 0;  // bytes readable from text.data(), padding included
  // Longer than the block's max_line: rejected whatever it holds. `text` may be the line or
  // cut_line_text standing for it, so it is not to be read.
  bool too_long = false;
};

// An empty line, or one of only spaces, tabs and a lone `\r`: no record, so readers skip it
// (and count it) rather than reject it.
[[nodiscard]] bool is_blank(std::string_view text);
// The same for a line read: a line too long to read is rejected, whatever it holds.
[[nodiscard]] inline bool is_blank(const InputLine& line) {
  return !line.too_long && is_blank(line.text);
}

// Iterates the lines of a block.
class BlockLines {
 public:
  explicit BlockLines(const InputBlock& block) : block_(block) {}
  bool next(InputLine& line);

 private:
  const InputBlock& block_;
  std::size_t at_ = 0;
  std::uint64_t number_ = 0;
};

}  // namespace usegate::records
