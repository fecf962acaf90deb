#pragma once
// CRC-32 (IEEE 802.3, as in zlib). It detects every error burst of up to 32 bits, so every
// single flipped byte of an artifact.

#include <cstdint>
#include <string_view>

namespace usegate::runtime {

[[nodiscard]] std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0);

}  // namespace usegate::runtime
