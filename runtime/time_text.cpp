#include "usegate/runtime/time_text.hpp"

#include <charconv>

namespace usegate::runtime {

std::optional<std::int64_t> epoch_seconds_from_text(std::string_view text) {
  std::optional<double> key = time_key_from_text(text);
  if (!key) {
    std::int64_t seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error == std::errc() && end == text.data() + text.size())
      key = time_key_from_epoch(static_cast<double>(seconds));
  }
  if (!key) return std::nullopt;
  return calendar::seconds_of_time_key(*key);
}

}  // namespace usegate::runtime
