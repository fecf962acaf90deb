#pragma once
// Enforcing a policy on a stream of JSON Lines: what `usegate eval` and `usegate filter` run.
//
// Every input line ends in exactly one place. An empty (or blank) line is no record and is
// skipped; every other line is a record and is allowed, denied, or rejected (it cannot be
// read), so read = allowed + denied + rejected. A record that cannot be read or decided is
// never allowed. Output keeps input order, also when the stream is split across threads;
// memory holds a few blocks of lines per thread, never the whole input.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/usegate.hpp"

namespace usegate::records {

struct StreamOptions {
  enum class Output {
    decisions,  // eval: one JSON object per record: {"line", "decision", "reason"[, "record"]}
    records,    // filter: the allowed records, byte for byte
  };
  Output output = Output::records;
  bool keep_records = false;  // decisions: include each record
  // decisions: when set, each decided record's object gets `"matched": [...]`, which this
  // appends from the record's codes (`eval --explain`). Called from every thread at once.
  std::function<void(std::span<const Code> codes, std::string& out)> append_matched;
  // The purposes to check: a record must be allowed for all of them. Empty: the record's own.
  std::optional<std::size_t> purpose_variable;
  std::vector<Code> purposes;
  unsigned threads = 1;
  std::size_t block_size = std::size_t{1} << 20;
  // A longer line is rejected as `line_too_long` without being held in memory.
  std::size_t max_line = default_max_line;
};

// Decides one record for a list of purposes, each put in place of the record's own (as the
// code of `purpose_variable`): the record is allowed only if every purpose allows it, and the
// reason is that of the first purpose that denies, or else of the first purpose. With no
// purposes, or no purpose variable (a policy that does not test the purpose), the record is
// decided as it is. `codes` holds one code per variable; its purpose code is left changed.
[[nodiscard]] Decision decide_for_purposes(const Policy& policy, std::span<Code> codes,
                                           std::optional<std::size_t> purpose_variable, std::span<const Code> purposes);

// Where each kind of line goes: file descriptors; -1 drops them.
struct StreamSinks {
  int output = 1;
  int denied = -1;  // filter: denied records
  // filter: records that could not be read, as they came; a line too long to keep stands
  // there as {"line": N, "decision": "reject", "reason": "line_too_long"}.
  int rejects = -1;
};

struct StreamCounts {
  std::uint64_t lines = 0;  // physical lines, empty ones included
  std::uint64_t empty_lines = 0;
  std::uint64_t read = 0;
  std::uint64_t allowed = 0;
  std::uint64_t denied = 0;
  std::uint64_t rejected = 0;
  std::uint64_t bad_consent_values = 0;  // inline setting values that were neither on nor off
  std::uint64_t subject_unreadable = 0;  // records whose subject could not be read (consent given)
  std::uint64_t bytes = 0;
  std::vector<std::uint64_t> denied_by_reason;  // by reason number (see Policy::reason_name)
  std::array<std::uint64_t, reject_cause_count> rejected_by_cause{};

  void add(const StreamCounts& other);
};

// Reads `input` to its end, deciding every record, writing to the sinks. Decisions are
// written a block at a time, and at once whenever the input pauses (a pipe fed slowly), so
// none waits for input that has not come. `progress`, when given, is called after each
// block with the counts so far. Throws std::runtime_error when reading or writing fails.
StreamCounts run_stream(int input, const StreamSinks& sinks, const Policy& policy, const Bindings& bindings,
                        const ConsentLedger* ledger, std::int64_t now, const StreamOptions& options,
                        const std::function<void(const StreamCounts&)>& progress = {});

}  // namespace usegate::records
