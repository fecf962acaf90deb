#include "usegate/base/unified_diff.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace usegate {
namespace {

constexpr std::size_t context_lines = 3;
// The longest-common-subsequence table of the lines between the common prefix and suffix
// has this many entries at most; past it the middle is shown as all removed, then all added:
// still a correct diff, only not the shortest.
constexpr std::size_t max_table_entries = std::size_t{1} << 24;

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, length));
    text.remove_prefix(length);
  }
  return lines;
}

enum class Op { keep, remove, add };

struct Edit {
  Op op;
  std::size_t expected_line;  // index into the expected lines (keep, remove)
  std::size_t actual_line;    // index into the actual lines (keep, add)
};

// The edit script from `expected` to `actual`, in order.
std::vector<Edit> edits_of(const std::vector<std::string_view>& expected, const std::vector<std::string_view>& actual) {
  std::size_t prefix = 0;
  while (prefix < expected.size() && prefix < actual.size() && expected[prefix] == actual[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < expected.size() - prefix && suffix < actual.size() - prefix &&
         expected[expected.size() - 1 - suffix] == actual[actual.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t n = expected.size() - prefix - suffix;
  const std::size_t m = actual.size() - prefix - suffix;

  std::vector<Edit> edits;
  for (std::size_t i = 0; i < prefix; ++i) edits.push_back({Op::keep, i, i});
  if ((n + 1) * (m + 1) <= max_table_entries) {
    // common[i][j]: the longest common subsequence of expected[prefix + i..] and actual[prefix +
    // j..].
    std::vector<std::uint32_t> common((n + 1) * (m + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return common[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) =
            expected[prefix + i] == actual[prefix + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && expected[prefix + i] == actual[prefix + j]) {
        edits.push_back({Op::keep, prefix + i++, prefix + j++});
      } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
        edits.push_back({Op::remove, prefix + i++, prefix + j});
      } else {
        edits.push_back({Op::add, prefix + i, prefix + j++});
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) edits.push_back({Op::remove, prefix + i, prefix});
    for (std::size_t j = 0; j < m; ++j) edits.push_back({Op::add, prefix + n, prefix + j});
  }
  for (std::size_t k = 0; k < suffix; ++k) edits.push_back({Op::keep, prefix + n + k, prefix + m + k});
  return edits;
}

void append_line(std::string& out, char marker, std::string_view line) {
  out += marker;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

// `first,count` as `diff -u` writes it: lines count from 1, a count of one is left out, and an
// empty range names the line before it.
std::string range_text(std::size_t first, std::size_t count) {
  if (count == 1) return std::to_string(first + 1);
  return std::to_string(count == 0 ? first : first + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(std::string_view expected, std::string_view actual, std::string_view expected_name,
                         std::string_view actual_name) {
  if (expected == actual) return {};
  const auto expected_lines = lines_of(expected);
  const auto actual_lines = lines_of(actual);
  const std::vector<Edit> edits = edits_of(expected_lines, actual_lines);

  std::string out = "--- " + std::string(expected_name) + "\n+++ " + std::string(actual_name) + "\n";
  std::size_t next = 0;
  while (next < edits.size()) {
    const auto change = std::find_if(edits.begin() + static_cast<std::ptrdiff_t>(next), edits.end(),
                                     [](const Edit& edit) { return edit.op != Op::keep; });
    if (change == edits.end()) break;
    const std::size_t first_change = static_cast<std::size_t>(change - edits.begin());
    const std::size_t begin = first_change > next + context_lines ? first_change - context_lines : next;
    // The hunk runs on while the next change is within twice the context of the last one.
    std::size_t end = first_change;
    std::size_t last_change = first_change;
    while (end < edits.size()) {
      if (edits[end].op != Op::keep) last_change = end;
      if (end - last_change > 2 * context_lines) break;
      ++end;
    }
    end = std::min(edits.size(), last_change + context_lines + 1);

    std::size_t expected_count = 0, actual_count = 0;
    for (std::size_t k = begin; k < end; ++k) {
      expected_count += edits[k].op != Op::add ? 1 : 0;
      actual_count += edits[k].op != Op::remove ? 1 : 0;
    }
    out += "@@ -" + range_text(edits[begin].expected_line, expected_count) + " +" +
           range_text(edits[begin].actual_line, actual_count) + " @@\n";
    for (std::size_t k = begin; k < end; ++k) {
      const Edit& edit = edits[k];
      if (edit.op == Op::keep) append_line(out, ' ', expected_lines[edit.expected_line]);
      if (edit.op == Op::remove) append_line(out, '-', expected_lines[edit.expected_line]);
      if (edit.op == Op::add) append_line(out, '+', actual_lines[edit.actual_line]);
    }
    next = end;
  }
  return out;
}

}  // namespace usegate
