#include "usegate/records/record_lines.hpp"

namespace usegate::records {

RecordLineCounts for_each_record(int descriptor, const std::function<void(const InputLine&)>& record,
                                 const ReadProgress& progress, std::size_t max_line) {
  RecordLineCounts counts;
  BlockReader reader(descriptor, std::size_t{1} << 20, max_line);
  InputBlock block;
  InputLine line;
  while (reader.next(block)) {
    BlockLines lines(block);
    while (lines.next(line)) {
      if (is_blank(line)) {
        ++counts.empty_lines;
        continue;
      }
      ++counts.records;
      record(line);
    }
    if (progress) progress(counts.records, reader.bytes_read());
  }
  return counts;
}

}  // namespace usegate::records
