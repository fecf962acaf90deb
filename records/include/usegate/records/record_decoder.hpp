#pragma once
// One JSON record to one code per policy variable, as the bindings say.
//
// The record's top-level fields are walked once, the fields some binding names are read
// (descending into nested objects along bound paths), and every other value is checked to be
// strict JSON (RFC 8259) without being interpreted, so a line that is decided is safe for any
// downstream reader. Lines are scanned straight from their bytes; simdjson On-Demand reads any
// line the scan does not vouch for, and says why a line is rejected. A key that occurs twice in an object
// the decoder reads rejects the line (duplicate_key): readers disagree on which copy wins.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/usegate.hpp"

namespace usegate::records {

// Why a record could not be read. Such records are rejected, never allowed.
enum class RejectCause : std::uint8_t {
  none = 0,
  invalid_json,         // not JSON, or something after the value
  invalid_utf8,         // bytes that are not UTF-8
  not_an_object,        // JSON, but not an object
  too_deep,             // nesting deeper than the parser's limit (1024)
  duplicate_key,        // a key twice in an object the decoder reads (compared after unescaping)
  number_out_of_range,  // valid JSON, but outside a double or, for an integer, 64 bits
  line_too_long,        // longer than the reader's limit (BlockReader's max_line): never parsed
};
inline constexpr std::size_t reject_cause_count = 8;
[[nodiscard]] const char* reject_cause_name(RejectCause cause);

class RecordDecoder {
 public:
  // `ledger` may be null (no consent events). `now` is epoch seconds.
  RecordDecoder(const Policy& policy, const Bindings& bindings, const ConsentLedger* ledger, std::int64_t now);
  ~RecordDecoder();
  RecordDecoder(RecordDecoder&&) noexcept;
  RecordDecoder& operator=(RecordDecoder&&) = delete;
  RecordDecoder(const RecordDecoder&) = delete;
  RecordDecoder& operator=(const RecordDecoder&) = delete;

  // Fills `codes` (one per variable) from one line, or says why it cannot.
  [[nodiscard]] RejectCause decode(const InputLine& line, Code* codes);

  // Lines are first read straight from their bytes, and through simdjson On-Demand only when
  // that scan does not vouch for them (escapes in keys, numbers near their limits, anything
  // invalid: On-Demand then gives the exact cause). Both give the same results; turned off,
  // every line takes On-Demand, which tests compare against.
  void set_text_scan(bool on);
  // Lines the text scan accepted by itself so far (the others took On-Demand).
  [[nodiscard]] std::uint64_t scanned_lines() const { return scanned_lines_; }

  // Settings whose value in the last record was neither on nor off (and counted as off).
  [[nodiscard]] std::size_t bad_consent_values() const { return bad_consent_values_; }
  // Whether consent changes were given but the last record's subject could not be read (the
  // field absent, null, or not a string or number): its settings then counted as off.
  [[nodiscard]] bool subject_unreadable() const { return subject_unreadable_; }

 private:
  [[nodiscard]] RejectCause read_exactly(const InputLine& line, Code* codes);

  struct State;
  std::unique_ptr<State> state_;
  std::size_t bad_consent_values_ = 0;
  std::uint64_t scanned_lines_ = 0;
  bool subject_unreadable_ = false;
};

}  // namespace usegate::records
