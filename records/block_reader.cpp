#include "usegate/records/block_reader.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace usegate::records {

BlockReader::BlockReader(int descriptor, std::size_t block_size, std::size_t max_line)
    : descriptor_(descriptor), block_size_(block_size), max_line_(max_line) {
  struct stat status {};
  may_pause_ = ::fstat(descriptor, &status) != 0 || !S_ISREG(status.st_mode);
}

void ByteBuffer::resize(std::size_t size) {
  if (size > capacity_) {
    const std::size_t capacity = std::max(size, capacity_ * 2);
    std::unique_ptr<char[]> grown(new char[capacity]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  size_ = size;
}

void ByteBuffer::assign(const char* begin, const char* end) {
  resize(static_cast<std::size_t>(end - begin));
  if (begin != end) std::memmove(data_.get(), begin, static_cast<std::size_t>(end - begin));
}

void ByteBuffer::append(const char* begin, const char* end) {
  const std::size_t old_size = size_;
  resize(old_size + static_cast<std::size_t>(end - begin));
  if (begin != end) std::memcpy(data_.get() + old_size, begin, static_cast<std::size_t>(end - begin));
}

namespace {

// Newlines in a buffer, eight bytes at a time: a byte of `word ^ 0x0A...` is zero exactly
// where the newlines are, and `((x & 0x7F..) + 0x7F..) | x` sets the top bit of every
// nonzero byte, with no carry between bytes.
std::uint64_t count_newlines(const char* data, std::size_t size) {
  constexpr std::uint64_t newlines = 0x0A0A0A0A0A0A0A0AULL;
  constexpr std::uint64_t low_bits = 0x7F7F7F7F7F7F7F7FULL;
  std::uint64_t count = 0;
  std::size_t at = 0;
  for (; at + 8 <= size; at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, data + at, 8);
    const std::uint64_t x = word ^ newlines;
    const std::uint64_t nonzero = ((x & low_bits) + low_bits) | x;
    count += static_cast<std::uint64_t>(__builtin_popcountll(~nonzero & ~low_bits));
  }
  for (; at < size; ++at) count += data[at] == '\n' ? 1 : 0;
  return count;
}

// Whether a read would return at once. Never asked of a regular file, which always would.
bool input_ready(int descriptor) {
  pollfd request{descriptor, POLLIN, 0};
  int ready = 0;
  do {
    ready = ::poll(&request, 1, 0);
  } while (ready < 0 && errno == EINTR);
  return ready != 0;  // an error is left for the next read to report
}

}  // namespace

std::size_t BlockReader::read_more(ByteBuffer& bytes) {
  const std::size_t old_size = bytes.size();
  bytes.resize(old_size + block_size_);
  ssize_t got = 0;
  do {
    got = ::read(descriptor_, bytes.data() + old_size, block_size_);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    bytes.resize(old_size);
    throw std::runtime_error(std::string("cannot read input: ") + std::strerror(errno));
  }
  bytes.resize(old_size + static_cast<std::size_t>(got));
  bytes_read_ += static_cast<std::uint64_t>(got);
  if (got == 0) at_end_ = true;
  if (at_start_ && (bytes.size() >= 3 || at_end_)) {
    at_start_ = false;
    if (bytes.size() >= 3 && std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0) {
      bytes.assign(bytes.data() + 3, bytes.data() + bytes.size());
    }
  }
  return static_cast<std::size_t>(got);
}

void BlockReader::skip_rest_of_line(ByteBuffer& bytes) {
  while (skipping_ && !at_end_) {
    bytes.resize(0);
    read_more(bytes);
    if (const void* newline = std::memchr(bytes.data(), '\n', bytes.size())) {
      bytes.assign(static_cast<const char*>(newline) + 1, bytes.data() + bytes.size());
      skipping_ = false;
    }
  }
  if (skipping_) bytes.resize(0);
  skipping_ = false;
}

bool BlockReader::next(InputBlock& block) {
  ByteBuffer& bytes = block.bytes;
  block.max_line = max_line_;
  block.cut_line_at = static_cast<std::size_t>(-1);
  block.input_idle = false;
  bytes.assign(carry_.data(), carry_.data() + carry_.size());
  carry_.resize(0);
  skip_rest_of_line(bytes);
  // The start of the last line in `bytes`, which may not be whole yet.
  const auto start_of_last_line = [&bytes](std::size_t from, std::size_t current) -> std::size_t {
    if (from >= bytes.size()) return current;
    const void* last = ::memrchr(bytes.data() + from, '\n', bytes.size() - from);
    return last ? static_cast<std::size_t>(static_cast<const char*>(last) - bytes.data()) + 1 : current;
  };
  std::size_t last_line = start_of_last_line(0, 0);
  bool found_newline = last_line > 0;
  // Fill to a block's worth; keep reading while not even one whole line is in, unless the
  // line in hand is already too long. Input that pauses after a whole line (a pipe fed
  // slowly) ends the block there, so that its decisions need not wait for more input.
  bool short_read = false;
  while (true) {
    if (bytes.size() - last_line > max_line_) {
      // Too long: the line's bytes so far give way to a stand-in, the rest is skipped.
      bytes.resize(last_line);
      bytes.append(cut_line_text.data(), cut_line_text.data() + cut_line_text.size());
      bytes.append("\n", "\n" + 1);
      block.cut_line_at = last_line;
      skipping_ = !at_end_;
      break;
    }
    if (at_end_) break;
    if (found_newline && (bytes.size() >= block_size_ || short_read)) {
      if (may_pause_ && !input_ready(descriptor_)) {
        block.input_idle = true;
        break;
      }
      if (bytes.size() >= block_size_) break;
    }
    const std::size_t old_size = bytes.size();
    const std::size_t got = read_more(bytes);
    short_read = got < block_size_;
    // A byte order mark dropped at the start shifts what was read: scan it all again.
    const std::size_t scan_from = bytes.size() < old_size + got ? 0 : old_size;
    last_line = start_of_last_line(scan_from, last_line);
    found_newline = found_newline || last_line > 0;
  }
  // Cut after the last newline; the rest starts the next block. At the end, keep it all.
  std::size_t cut = bytes.size();
  if (!at_end_ && block.cut_line_at == static_cast<std::size_t>(-1)) {
    cut = last_line;
    carry_.assign(bytes.data() + cut, bytes.data() + bytes.size());
  }
  if (cut == 0) return false;
  block.size = cut;
  block.first_line = next_line_;
  next_line_ += count_newlines(bytes.data(), cut);
  bytes.resize(cut + parse_padding);
  std::memset(bytes.data() + cut, 0, parse_padding);
  return true;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

bool BlockLines::next(InputLine& line) {
  if (at_ >= block_.size) return false;
  const char* data = block_.bytes.data();
  const char* begin = data + at_;
  const void* found = std::memchr(begin, '\n', block_.size - at_);
  const std::size_t end = found ? static_cast<std::size_t>(static_cast<const char*>(found) - data) + 1 : block_.size;
  line.raw = std::string_view(begin, end - at_);
  std::size_t text_end = found ? end - 1 : end;
  line.too_long = at_ == block_.cut_line_at || text_end - at_ > block_.max_line;
  if (text_end > at_ && data[text_end - 1] == '\r') --text_end;
  line.text = std::string_view(begin, text_end - at_);
  line.number = block_.first_line + number_++;
  line.readable = block_.bytes.size() - at_;
  at_ = end;
  return true;
}

}  // namespace usegate::records
