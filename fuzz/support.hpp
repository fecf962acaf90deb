#pragma once
// What the fuzz programs share: the fixed policies and bindings they run input against, the
// input as a padded block of lines or as a file descriptor, and how a broken property stops
// the run.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/usegate.hpp"

namespace usegate::fuzz {

// Inputs larger than this are skipped: the bugs that a fuzzer finds show in small inputs, and
// large ones only slow every execution down.
inline constexpr std::size_t max_input_size = 64 * 1024;

// A property the program checks does not hold: prints what and aborts, which libFuzzer
// reports as a crash and saves the input for.
[[noreturn]] void property_failed(std::string_view what);

// A file of the source tree, e.g. `policies/x-grok-2024-08.policy`; aborts when unreadable.
[[nodiscard]] std::string source_text(const std::string& relative);

// A policy of the source tree compiled in process; aborts when it does not compile.
struct FixedPolicy {
  runtime::CompiledPolicy compiled;
  Policy policy;
};
[[nodiscard]] FixedPolicy compile_fixed_policy(const std::string& relative);

// A bindings file of the source tree read against a policy; aborts when it does not read.
[[nodiscard]] records::Bindings fixed_bindings(const std::string& relative, const Policy& policy);

// The fixed policies, compiled once per process:
//   august     policies/x-grok-2024-08.policy (platforms, availability, times, `now`)
//   renamed    fuzz/fixtures/renamed-setting.policy (a setting with `formerly` names, a bool,
//              a number, a dense and a time attribute tested with many constants)
const FixedPolicy& august_policy();
const FixedPolicy& renamed_policy();
// The evaluation time the record and consent programs decide at.
inline constexpr std::int64_t fixed_now = 1725148800;  // 2024-09-01T00:00:00Z

// The input as the record readers see a block: whole lines followed by zeroed padding.
[[nodiscard]] records::InputBlock block_of(const std::uint8_t* data, std::size_t size);

// An anonymous in-memory file holding the latest input, for readers that take a descriptor.
class MemoryFile {
 public:
  MemoryFile();
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Replaces the content and rewinds; returns the descriptor to read it from.
  int hold(const std::uint8_t* data, std::size_t size);

 private:
  int descriptor_ = -1;
};

}  // namespace usegate::fuzz
