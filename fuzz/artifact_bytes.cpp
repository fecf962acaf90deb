// Artifact bytes as a pipeline might be handed them: anything at all. Nearly every mutation
// is caught by the checksum; artifact_structure.cpp gets past it.
#include <cstddef>
#include <cstdint>

#include "artifact_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  usegate::fuzz::check_artifact_bytes(data, size);
  return 0;
}
