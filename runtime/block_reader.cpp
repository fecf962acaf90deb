#include "usegate/runtime/block_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace usegate::runtime {

BlockReader::BlockReader(int descriptor, std::size_t block_size)
    : descriptor_(descriptor), block_size_(block_size) {}

bool BlockReader::next(InputBlock& block) {
  std::vector<char>& bytes = block.bytes;
  bytes.assign(carry_.begin(), carry_.end());
  carry_.clear();
  bool has_newline = std::find(bytes.begin(), bytes.end(), '\n') != bytes.end();
  // Fill to a block's worth; keep reading while not even one whole line is in.
  while (!at_end_ && (bytes.size() < block_size_ || !has_newline)) {
    const std::size_t old_size = bytes.size();
    bytes.resize(old_size + block_size_);
    ssize_t got = 0;
    do {
      got = ::read(descriptor_, bytes.data() + old_size, block_size_);
    } while (got < 0 && errno == EINTR);
    if (got < 0) throw std::runtime_error(std::string("cannot read input: ") + std::strerror(errno));
    bytes.resize(old_size + static_cast<std::size_t>(got));
    bytes_read_ += static_cast<std::uint64_t>(got);
    if (got == 0) at_end_ = true;
    if (at_start_ && (bytes.size() >= 3 || at_end_)) {
      at_start_ = false;
      if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
          static_cast<unsigned char>(bytes[1]) == 0xBB && static_cast<unsigned char>(bytes[2]) == 0xBF) {
        bytes.erase(bytes.begin(), bytes.begin() + 3);
      }
    }
    has_newline = has_newline || std::find(bytes.begin() + static_cast<std::ptrdiff_t>(std::min(old_size, bytes.size())),
                                           bytes.end(), '\n') != bytes.end();
  }
  // Cut after the last newline; the rest starts the next block. At the end, keep it all.
  std::size_t cut = bytes.size();
  if (!at_end_) {
    const auto last = std::find(bytes.rbegin(), bytes.rend(), '\n');
    cut = static_cast<std::size_t>(bytes.rend() - last);
    carry_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(cut), bytes.end());
  }
  if (cut == 0) return false;
  bytes.resize(cut);
  block.size = cut;
  block.first_line = next_line_;
  next_line_ += static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  bytes.resize(cut + parse_padding, '\0');
  return true;
}

bool BlockLines::next(InputLine& line) {
  if (at_ >= block_.size) return false;
  const char* data = block_.bytes.data();
  const char* begin = data + at_;
  const void* found = std::memchr(begin, '\n', block_.size - at_);
  const std::size_t end = found ? static_cast<std::size_t>(static_cast<const char*>(found) - data) + 1 : block_.size;
  line.raw = std::string_view(begin, end - at_);
  std::size_t text_end = found ? end - 1 : end;
  if (text_end > at_ && data[text_end - 1] == '\r') --text_end;
  line.text = std::string_view(begin, text_end - at_);
  line.number = block_.first_line + number_++;
  line.readable = block_.bytes.size() - at_;
  at_ = end;
  return true;
}

}  // namespace usegate::runtime
