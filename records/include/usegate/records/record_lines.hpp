#pragma once
// Reading a JSON Lines input to its end for the engines that go over records once (the
// simulation and the record diff), in blocks: memory holds a block, never the whole input.

#include <cstddef>
#include <cstdint>
#include <functional>

#include "usegate/records/block_reader.hpp"

namespace usegate::records {

struct RecordLineCounts {
  std::uint64_t records = 0;      // lines that are records
  std::uint64_t empty_lines = 0;  // blank lines, skipped
};

// Told after each block how far the reading is (records so far, bytes so far).
using ReadProgress = std::function<void(std::uint64_t records, std::uint64_t bytes)>;

// Calls `record` for every line of `descriptor` that is a record, in input order; blank lines
// are no records and are only counted, as in eval and filter. A line longer than `max_line`
// is a record flagged InputLine::too_long, which the caller rejects. Throws
// std::runtime_error when reading fails.
RecordLineCounts for_each_record(int descriptor, const std::function<void(const InputLine&)>& record,
                                 const ReadProgress& progress, std::size_t max_line = default_max_line);

}  // namespace usegate::records
