#pragma once
// Reading JSON Lines input in blocks of whole lines, for streaming: memory holds one block
// (about `block_size` bytes, or the longest line if that is longer), never the whole input.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace usegate::runtime {

// simdjson reads up to this many bytes past a document's end; every block keeps that much
// zeroed space after its last line.
inline constexpr std::size_t parse_padding = 64;

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
  ByteBuffer bytes;             // the lines, then parse_padding zero bytes
  std::size_t size = 0;         // bytes of lines (the padding not included)
  std::uint64_t first_line = 1; // the 1-based number of the block's first line

  [[nodiscard]] std::string_view text() const { return {bytes.data(), size}; }
};

class BlockReader {
 public:
  // Reads from a file descriptor it does not own. A UTF-8 byte order mark at the start of
  // the input is dropped.
  explicit BlockReader(int descriptor, std::size_t block_size = std::size_t{1} << 20);

  // The next block of whole lines (the input's last line may lack its newline); false at
  // the end. Throws std::runtime_error when reading fails.
  bool next(InputBlock& block);

  [[nodiscard]] std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  int descriptor_;
  std::size_t block_size_;
  ByteBuffer carry_;  // the start of a line that continues in the next read
  std::uint64_t next_line_ = 1;
  std::uint64_t bytes_read_ = 0;
  bool at_start_ = true;
  bool at_end_ = false;
};

// One line of a block.
struct InputLine {
  std::string_view text;  // without the line terminator (`\n` or `\r\n`)
  std::string_view raw;   // as it came, terminator included
  std::uint64_t number = 0;
  std::size_t readable = 0;  // bytes readable from text.data(), padding included
};

// An empty line, or one of only spaces, tabs and a lone `\r`: no record, so readers skip it
// (and count it) rather than reject it.
[[nodiscard]] bool is_blank(std::string_view text);

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

}  // namespace usegate::runtime
