// Reading lines in blocks: line numbers, lines longer than the limit, and input that pauses.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"
#include "usegate/records/block_reader.hpp"

namespace {

using usegate::records::BlockLines;
using usegate::records::BlockReader;
using usegate::records::InputBlock;
using usegate::records::InputLine;

struct ReadLine {
  std::uint64_t number = 0;
  std::string text;  // `<too long>` for a line that is
  bool operator==(const ReadLine&) const = default;
};

struct ReadResult {
  std::vector<ReadLine> lines;
  std::size_t largest_block = 0;  // bytes held at once
};

ReadResult read_all(int descriptor, std::size_t block_size, std::size_t max_line) {
  ReadResult result;
  BlockReader reader(descriptor, block_size, max_line);
  InputBlock block;
  while (reader.next(block)) {
    result.largest_block = std::max(result.largest_block, block.bytes.size());
    BlockLines lines(block);
    InputLine line;
    while (lines.next(line)) {
      result.lines.push_back({line.number, line.too_long ? "<too long>" : std::string(line.text)});
    }
  }
  return result;
}

// `scratch`: a directory of the test case's own, since ctest runs test cases side by side.
ReadResult read_file_text(const std::string& text, std::size_t block_size, std::size_t max_line,
                          const std::string& scratch) {
  const std::string path = usegate::testing::scratch_directory(scratch) + "/input";
  usegate::testing::write_text(path, text);
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(descriptor >= 0);
  ReadResult result = read_all(descriptor, block_size, max_line);
  ::close(descriptor);
  return result;
}

}  // namespace

TEST_CASE(
    "block reader: a line longer than the limit is flagged, wherever the reads cut it, and the next ones are read") {
  // Lines of exactly the limit pass; one byte more is too long, as is a long line at the end
  // without a newline and a long line of blanks (which is no blank line).
  const std::string input = "a\n" + std::string(20, 'x') + "\n" + std::string(21, 'y') + "\r\nb\n" +
                            std::string(300, 'z') + "\n" + std::string(40, ' ') + "\n\nc\n" + std::string(500, 'w');
  const std::vector<ReadLine> expected{{1, "a"},          {2, std::string(20, 'x')}, {3, "<too long>"}, {4, "b"},
                                       {5, "<too long>"}, {6, "<too long>"},         {7, ""},           {8, "c"},
                                       {9, "<too long>"}};
  for (const std::size_t block_size :
       {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{64}, std::size_t{4096}}) {
    INFO("block size " << block_size);
    CHECK(read_file_text(input, block_size, 20, "block-reader-too-long").lines == expected);
  }
}

TEST_CASE("block reader: memory stays bounded by the limit, not by the line") {
  const std::string input = "a\n" + std::string(std::size_t{8} << 20, 'x') + "\nb\n";
  const ReadResult result = read_file_text(input, 4096, 1000, "block-reader-memory");
  CHECK(result.lines == std::vector<ReadLine>{{1, "a"}, {2, "<too long>"}, {3, "b"}});
  CHECK(result.largest_block <= 1000 + 2 * 4096 + usegate::records::parse_padding);
}

TEST_CASE("block reader: a pipe that pauses after a whole line ends the block there") {
  int ends[2];
  REQUIRE(::pipe(ends) == 0);
  std::mutex mutex;
  std::condition_variable changed;
  bool first_block_read = false;
  // The writer sends the second line only once the first block is out, or after a while
  // (so that a reader that waits for more input fails the test instead of hanging it).
  std::thread writer([&] {
    CHECK(::write(ends[1], "one\n", 4) == 4);
    {
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::seconds(20), [&] { return first_block_read; });
    }
    CHECK(::write(ends[1], "two\n", 4) == 4);
    ::close(ends[1]);
  });
  BlockReader reader(ends[0]);
  InputBlock block;
  REQUIRE(reader.next(block));
  {
    std::lock_guard lock(mutex);
    first_block_read = true;
  }
  changed.notify_all();
  CHECK(block.text() == "one\n");
  CHECK(block.input_idle);
  REQUIRE(reader.next(block));
  CHECK(block.text() == "two\n");
  CHECK(block.first_line == 2);
  CHECK_FALSE(reader.next(block));
  writer.join();
  ::close(ends[0]);
}

namespace {

// Every line as read, with its raw bytes and whether it is blank: `N|text|raw|blank`.
std::vector<std::string> lines_with_raw(const std::string& text, std::size_t block_size) {
  const std::string path = usegate::testing::scratch_directory("block-reader-raw") + "/input";
  usegate::testing::write_text(path, text);
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(descriptor >= 0);
  std::vector<std::string> lines;
  BlockReader reader(descriptor, block_size, 100);
  InputBlock block;
  while (reader.next(block)) {
    // Every block ends in the zero padding the parser may read.
    for (std::size_t i = 0; i < usegate::records::parse_padding; ++i)
      REQUIRE(block.bytes.data()[block.size + i] == '\0');
    BlockLines block_lines(block);
    InputLine line;
    while (block_lines.next(line)) {
      lines.push_back(std::to_string(line.number) + "|" + std::string(line.text) + "|" + std::string(line.raw) + "|" +
                      (usegate::records::is_blank(line) ? "blank" : "record"));
    }
  }
  ::close(descriptor);
  return lines;
}

}  // namespace

TEST_CASE("block reader: line ends, blank lines and a missing final newline, whatever the block size") {
  struct Case {
    std::string input;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"a", {"1|a|a|record"}},
      {"a\nb", {"1|a|a\n|record", "2|b|b|record"}},
      {"a\r\nb\r\n", {"1|a|a\r\n|record", "2|b|b\r\n|record"}},
      {"a\r\nb\r", {"1|a|a\r\n|record", "2|b|b\r|record"}},
      // Only the `\r` right before a `\n` belongs to the terminator.
      {"a\rb\n", {"1|a\rb|a\rb\n|record"}},
      {"a\r\r\n", {"1|a\r|a\r\r\n|record"}},
      {"\n\n", {"1||\n|blank", "2||\n|blank"}},
      {"\r\n \t\r\n{}\n", {"1||\r\n|blank", "2| \t| \t\r\n|blank", "3|{}|{}\n|record"}},
      {"{\"a\":1}\n\n{\"b\":2}", {"1|{\"a\":1}|{\"a\":1}\n|record", "2||\n|blank", "3|{\"b\":2}|{\"b\":2}|record"}},
      // A byte order mark at the start is dropped; anywhere else it is the line's.
      {"\xEF\xBB\xBF{}\n\xEF\xBB\xBF{}\n", {"1|{}|{}\n|record", "2|\xEF\xBB\xBF{}|\xEF\xBB\xBF{}\n|record"}},
  };
  for (const Case& c : cases) {
    for (const std::size_t block_size :
         {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{4096}}) {
      INFO("input `" << c.input << "`, block size " << block_size);
      CHECK(lines_with_raw(c.input, block_size) == c.expected);
    }
  }
}

TEST_CASE("block reader: a line cut by the block boundary is read whole, with its number, in one block") {
  std::string input;
  std::vector<ReadLine> expected;
  for (std::uint64_t i = 1; i <= 200; ++i) {
    std::string text(i % 37, static_cast<char>('a' + i % 26));
    input += text + (i % 3 == 0 ? "\r\n" : "\n");
    expected.push_back({i, text});
  }
  for (const std::size_t block_size : {std::size_t{1}, std::size_t{13}, std::size_t{64}, std::size_t{1000}}) {
    INFO("block size " << block_size);
    CHECK(read_file_text(input, block_size, 100, "block-reader-boundaries").lines == expected);
  }
}
