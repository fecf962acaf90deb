#pragma once
// Finding an enum value's index from record text, on the hot path.
//
// Each value is keyed by its length and two 8-byte words read from its start and its end
// (overlapping for short values), which together pin down any value of up to 16 bytes. A
// multiply-shift hash whose seed is searched at load time puts every value in its own slot,
// so a lookup is one hash, one slot, one comparison, and no branch that depends on which
// value the record holds. Lists for which no seed is found use an ordinary hash map.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace usegate::runtime {

class ValueIndex {
 public:
  ValueIndex() = default;
  explicit ValueIndex(const std::vector<std::string>& values);
  ValueIndex(const ValueIndex& other) : ValueIndex(other.values_) {}
  ValueIndex& operator=(const ValueIndex& other) {
    *this = ValueIndex(other.values_);
    return *this;
  }
  ValueIndex(ValueIndex&&) = default;
  ValueIndex& operator=(ValueIndex&&) = default;

  // The index of `text` among the values, or -1.
  [[nodiscard]] int find(std::string_view text) const {
    if (!fallback_.empty()) {
      const auto found = fallback_.find(text);
      return found == fallback_.end() ? -1 : found->second;
    }
    if (slots_.empty()) return -1;
    const Key key = key_of(text);
    const Slot& slot = slots_[slot_of(key)];
    const bool same = slot.key.first == key.first && slot.key.last == key.last && slot.key.length == key.length;
    if (!same) return -1;
    if (key.length > 16 && std::string_view(values_[slot.index]) != text) return -1;
    return slot.index;
  }

 private:
  struct Key {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t length = 0;
  };
  struct Slot {
    Key key;
    int index = -1;
  };

  static Key key_of(std::string_view text);
  [[nodiscard]] std::size_t slot_of(const Key& key) const {
    const std::uint64_t mixed = key.first ^ (key.last * 0x9E3779B97F4A7C15ULL) ^ (key.length << 56);
    return static_cast<std::size_t>((mixed * seed_) >> shift_);
  }

  std::vector<std::string> values_;
  std::vector<Slot> slots_;
  std::uint64_t seed_ = 0;
  unsigned shift_ = 64;
  std::unordered_map<std::string_view, int> fallback_;
};

}  // namespace usegate::runtime
