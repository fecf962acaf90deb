#include "usegate/runtime/value_index.hpp"

#include <cstring>

namespace usegate::runtime {

ValueIndex::Key ValueIndex::key_of(std::string_view text) {
  Key key;
  const std::size_t n = text.size();
  const char* p = text.data();
  key.length = n;
  if (n >= 8) {
    std::memcpy(&key.first, p, 8);
    std::memcpy(&key.last, p + n - 8, 8);
  } else if (n >= 4) {
    std::uint32_t first = 0, last = 0;
    std::memcpy(&first, p, 4);
    std::memcpy(&last, p + n - 4, 4);
    key.first = first;
    key.last = last;
  } else if (n > 0) {
    key.first = static_cast<unsigned char>(p[0]) |
                static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
                static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
  }
  return key;
}

ValueIndex::ValueIndex(const std::vector<std::string>& values) : values_(values) {
  if (values_.empty()) return;
  unsigned bits = 1;
  while ((std::size_t{1} << bits) < 2 * values_.size()) ++bits;
  // Seeds from a fixed sequence, so that loading is deterministic.
  std::uint64_t candidate = 0x2545F4914F6CDD1DULL;
  for (unsigned extra = 0; extra < 4; ++extra) {
    const unsigned table_bits = bits + extra;
    for (int attempt = 0; attempt < 256; ++attempt) {
      candidate = candidate * 6364136223846793005ULL + 1442695040888963407ULL;
      seed_ = candidate | 1;
      shift_ = 64 - table_bits;
      slots_.assign(std::size_t{1} << table_bits, Slot{});
      bool collision = false;
      for (std::size_t i = 0; i < values_.size() && !collision; ++i) {
        Slot& slot = slots_[slot_of(key_of(values_[i]))];
        collision = slot.index >= 0;
        slot = Slot{key_of(values_[i]), static_cast<int>(i)};
      }
      if (!collision) return;
    }
  }
  slots_.clear();
  for (std::size_t i = 0; i < values_.size(); ++i) fallback_.emplace(values_[i], static_cast<int>(i));
}

}  // namespace usegate::runtime
