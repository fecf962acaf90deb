// Artifacts damaged inside, with a valid checksum: a custom mutator changes a real artifact
// (a field set to an interesting number, a byte, a stretch copied over another, or libFuzzer's
// own byte mutations) and then writes the size and CRC-32 of the result into the header, so
// that every mutation reaches the structure checks and whatever runs after them.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "artifact_check.hpp"
#include "crc32.hpp"
#include "support.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

using namespace usegate;

constexpr std::size_t header_size = 24;
constexpr std::size_t checksum_offset = 12;
constexpr std::size_t size_offset = 16;

// Artifacts of the bundled policies on both layouts, to start from when the input is not an
// artifact (libFuzzer begins with an empty one).
const std::vector<std::string>& starting_artifacts() {
  static const std::vector<std::string> artifacts = [] {
    std::vector<std::string> out;
    for (const char* path : {"policies/x-grok-2024-05.policy", "policies/x-grok-2024-07.policy",
                             "policies/x-grok-2024-08.policy", "policies/meta-ai-2024-06.policy"}) {
      const usegate::SourceFile source(path, fuzz::source_text(path));
      const auto analysis = compiler::analyze_policy(source, false);
      if (!analysis.policy) fuzz::property_failed(std::string(path) + " does not check");
      for (const std::size_t dense_cells : {std::size_t{1} << 18, std::size_t{1}}) {
        compiler::CompileOptions options;
        options.max_dense_cells = dense_cells;
        auto compiled = compiler::compile_policy(*analysis.policy, options);
        if (!compiled.ok()) fuzz::property_failed(std::string(path) + " does not compile");
        std::string bytes = runtime::write_artifact(compiled.value());
        if (bytes.size() <= fuzz::max_input_size) out.push_back(std::move(bytes));
      }
    }
    return out;
  }();
  return artifacts;
}

// Values that counts, indices and offsets are most often wrong by.
std::uint32_t interesting_number(std::uint32_t old, std::size_t size, std::minstd_rand& rng) {
  const std::uint32_t values[] = {0,
                                  1,
                                  2,
                                  3,
                                  0xFF,
                                  0x100,
                                  0xFFFF,
                                  0x10000,
                                  0x7FFF,
                                  0x7FFE,
                                  0x7FFFFFFF,
                                  0x80000000u,
                                  0xFFFFFFFFu,
                                  0xFFFFFFFEu,
                                  old + 1,
                                  old - 1,
                                  old * 2,
                                  old ^ 0x80000000u,
                                  static_cast<std::uint32_t>(size),
                                  static_cast<std::uint32_t>(size / 4)};
  return values[rng() % std::size(values)];
}

std::size_t repair(std::uint8_t* data, std::size_t size) {
  const std::uint64_t total = size;
  std::memcpy(data + size_offset, &total, sizeof total);
  std::memset(data + checksum_offset, 0, 4);
  const std::uint32_t checksum = runtime::crc32(std::string_view(reinterpret_cast<const char*>(data), size));
  std::memcpy(data + checksum_offset, &checksum, sizeof checksum);
  return size;
}

bool is_artifact(const std::uint8_t* data, std::size_t size) {
  return size >= header_size && std::memcmp(data, "USEGATE\0", 8) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_artifact_bytes(data, size);
  return 0;
}

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  std::minstd_rand rng(seed);
  if (!is_artifact(data, size)) {
    const auto& artifacts = starting_artifacts();
    const std::string& start = artifacts[rng() % artifacts.size()];
    if (start.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
    std::memcpy(data, start.data(), start.size());
    size = start.size();
  }
  const std::size_t body = size - header_size;
  switch (rng() % 8) {
    case 0:
    case 1:
    case 2:
      if (body >= 4) {  // a field set to an interesting number
        const std::size_t at = header_size + rng() % (body - 3);
        std::uint32_t old = 0;
        std::memcpy(&old, data + at, 4);
        const std::uint32_t value = interesting_number(old, size, rng);
        std::memcpy(data + at, &value, 4);
      }
      break;
    case 3:
      if (body >= 1) data[header_size + rng() % body] = static_cast<std::uint8_t>(rng() % 4 == 0 ? 0xFF : rng() % 3);
      break;
    case 4:
      if (body >= 2) {  // a stretch copied over another
        const std::size_t from = header_size + rng() % body;
        const std::size_t to = header_size + rng() % body;
        const std::size_t length = 1 + rng() % std::min<std::size_t>(64, size - std::max(from, to));
        std::memmove(data + to, data + from, length);
      }
      break;
    case 5:
      // The header too, now and then, without repairing it.
      return LLVMFuzzerMutate(data, size, max_size);
    default: size = header_size + LLVMFuzzerMutate(data + header_size, body, max_size - header_size); break;
  }
  return repair(data, size);
}

// Two artifacts spliced: the start of one, the rest of the other, checksum repaired.
extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* first, std::size_t first_size,
                                                 const std::uint8_t* second, std::size_t second_size, std::uint8_t* out,
                                                 std::size_t max_out_size, unsigned int seed) {
  if (!is_artifact(first, first_size) || second_size <= header_size) return 0;
  std::minstd_rand rng(seed);
  const std::size_t head = header_size + rng() % (first_size - header_size + 1);
  const std::size_t tail_from = header_size + rng() % (second_size - header_size);
  const std::size_t tail = std::min(second_size - tail_from, max_out_size > head ? max_out_size - head : 0);
  if (head > max_out_size) return 0;
  std::memcpy(out, first, head);
  std::memcpy(out + head, second + tail_from, tail);
  return repair(out, head + tail);
}
