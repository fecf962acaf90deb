#pragma once
// What every command that decides records reads besides its policies — the records themselves,
// `--now`, `--purpose`, `--bindings`, `--consent` — and the progress line it draws while
// reading: `eval` and `filter`, `diff --records`, `sim --records`. docs/cli.md describes the
// options once for all of them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arguments.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/usegate.hpp"

namespace usegate::cli {

// Opens a file to read (`-` is standard input); `what` names it in the usage error raised when
// it cannot be opened (`cannot read records file `r.jsonl``).
[[nodiscard]] int open_for_reading(const std::string& path, const char* what);

// `--now`: ISO-8601 or epoch seconds; the clock when absent. A usage error when it is no time.
[[nodiscard]] std::int64_t read_now(const Arguments& arguments, const char* command);

// A time as reports state it: ISO-8601 in UTC, to the second (`2024-09-01T00:00:00Z`).
[[nodiscard]] std::string utc_time_text(std::int64_t epoch_seconds);

// The names of `--purpose training,fine_tuning`, in order.
[[nodiscard]] std::vector<std::string> split_purposes(const std::string& list);

// As eval and filter read `--purpose`: the policy must test an enum `purpose` declaring every
// name; anything else is a usage error that lists the policy's purposes.
[[nodiscard]] records::PurposeCodes required_purposes(const Policy& policy, const std::vector<std::string>& names,
                                                      const char* command);
// `--max-line BYTES` (`64M`, `1G`, `4096`): the longest record line; the default when absent.
[[nodiscard]] std::size_t read_max_line(const Arguments& arguments, const char* command);

// Standard input can be read once: a usage error when more than one of these inputs is `-`
// (each an option's value or a positional, as named in `names`).
void require_one_standard_input(const std::vector<std::pair<std::string, std::optional<std::string>>>& inputs,
                                const char* command);

// `--bindings FILE` as read, once, whatever the number of policies it is read against.
struct BindingsFile {
  std::string path;
  std::string text;
};

// Reads `--bindings` when given (a usage error when it cannot be read, an InputFileError
// when it is too large).
[[nodiscard]] std::optional<BindingsFile> read_bindings_file(const std::optional<std::string>& path);

// The bindings file read against a policy (the defaults when there is no file). One that is
// not text, or does not fit the policy, is an invalid_input Error whose message is the whole
// diagnostic, ready to print.
[[nodiscard]] Result<records::Bindings> bindings_for(const std::optional<BindingsFile>& file, const Policy& policy,
                                                     records::BindingsMode mode = records::BindingsMode::strict);

// `--consent FILE` read for each policy as of `now`: the file is read once, and its bytes
// are fed to every policy's ledger as they come, so standard input and pipes work too. A file
// that cannot be opened is a usage error; one that fails while being read is reported on
// stderr (`usegate COMMAND: FILE: ...`) and gives no ledger.
[[nodiscard]] std::vector<records::ConsentLedger> read_consent_option(const std::string& path,
                                                                      const std::vector<const Policy*>& policies,
                                                                      std::int64_t now, const char* command);

// Prints the first rejected consent changes of a ledger, and those read as off, on stderr
// (`FILE:LINE: consent change rejected (CAUSE): MESSAGE`), with anything a terminal would act
// on escaped.
void report_consent_rejections(const std::string& path, const records::ConsentLedger& ledger);

// The one progress line of every command: on stderr when it is a terminal, redrawn at most
// twice a second and cleared at the end; nothing otherwise, so a run prints the same in a
// terminal, a pipe or a test.
class ProgressLine {
 public:
  ProgressLine();
  ~ProgressLine() { clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // Records read so far: records, MB, MB/s, seconds (eval, filter, diff and sim --records).
  void update(std::uint64_t records, std::uint64_t bytes);
  // Simulated users so far, of `total` (sim --scenario); the last one is always drawn.
  void update_users(std::uint64_t done, std::uint64_t total);
  void clear();

 private:
  // Whether a redraw is due: half a second after the last one, or at once when `final`.
  bool due(bool final);
  void draw(const std::string& text);

  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::size_t drawn_width_ = 0;  // what clear() blanks out
};

}  // namespace usegate::cli
