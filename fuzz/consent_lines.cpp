// Consent change streams read into a ledger from a descriptor, as `--consent FILE` does,
// against the fixed policies. Every non-blank line ends in exactly one place: applied,
// rejected, or after `now`; the counts by cause and by setting, and the notes kept, add up.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>

#include <fmt/format.h>

#include "support.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"

namespace {

using namespace usegate;

// Lines that hold a change, counted as the ledger's reader sees them (a byte order mark at
// the start is dropped; blank lines are skipped).
std::uint64_t change_lines(const std::uint8_t* data, std::size_t size) {
  if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
    data += 3;
    size -= 3;
  }
  const records::InputBlock block = fuzz::block_of(data, size);
  records::BlockLines lines(block);
  records::InputLine line;
  std::uint64_t count = 0;
  while (lines.next(line)) count += records::is_blank(line.text) ? 0 : 1;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::max_input_size) return -1;
  static fuzz::MemoryFile file;
  const std::uint64_t lines = change_lines(data, size);
  for (const fuzz::FixedPolicy* fixed : {&fuzz::august_policy(), &fuzz::renamed_policy()}) {
    const auto ledger = records::ConsentLedger::read(file.hold(data, size), fixed->policy, fuzz::fixed_now);
    if (ledger.applied() + ledger.rejected() + ledger.after_now() != lines) {
      fuzz::property_failed(fmt::format("{} lines, but {} applied, {} rejected, {} after now", lines, ledger.applied(),
                                        ledger.rejected(), ledger.after_now()));
    }
    std::uint64_t by_cause = 0;
    for (const auto& [cause, count] : ledger.rejected_by_cause()) by_cause += count;
    const auto& by_setting = ledger.rejected_by_setting();
    const std::uint64_t by_settings = std::accumulate(by_setting.begin(), by_setting.end(), std::uint64_t{0});
    if (by_cause != ledger.rejected() || by_settings > ledger.rejected()) {
      fuzz::property_failed("rejections by cause or by setting do not add up");
    }
    if (ledger.bad_values_read_as_off() > ledger.applied())
      fuzz::property_failed("more bad values than changes applied");
    const std::uint64_t noted = ledger.rejected() + ledger.bad_values_read_as_off();
    if (ledger.notes().size() != std::min<std::uint64_t>(noted, records::ConsentLedger::kept_notes)) {
      fuzz::property_failed("the notes kept are not the first ones");
    }
    for (std::size_t s = 0; s < fixed->compiled.settings.size(); ++s) {
      (void)ledger.subjects_with_value(s, true);
      (void)ledger.value(s, "a");
      (void)ledger.value(s, "42");
    }
  }
  return 0;
}
