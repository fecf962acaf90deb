#pragma once
// What the artifact fuzzers do with their bytes: load them, and when they load, use the
// policy every way a pipeline can — names, encoding, deciding codes in and out of range one
// at a time and in batches, and decoding records with the default bindings — checking that
// every answer is one the artifact allows.

#include <cstddef>
#include <cstdint>

namespace usegate::fuzz {

void check_artifact_bytes(const std::uint8_t* data, std::size_t size);

}  // namespace usegate::fuzz
