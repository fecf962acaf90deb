// Recognising the signature trailer (usegate/runtime/signature_trailer.hpp). The artifact's
// header says how long the artifact is; whatever follows must be exactly one trailer.
#include "usegate/runtime/signature_trailer.hpp"

#include <algorithm>
#include <cstring>

#include "usegate/base/format_text.hpp"

namespace usegate::runtime {
namespace {

constexpr char artifact_magic[8] = {'U', 'S', 'E', 'G', 'A', 'T', 'E', '\0'};
constexpr char trailer_magic[8] = {'U', 'S', 'E', 'G', 'S', 'I', 'G', '\0'};
constexpr std::size_t artifact_header_size = 24;
constexpr std::size_t artifact_size_offset = 16;
constexpr std::size_t version_offset = 8;
constexpr std::size_t key_id_offset = 12;
constexpr std::size_t signature_offset = key_id_offset + key_id_size;
static_assert(signature_offset + signature_size == signature_trailer_size);

}  // namespace

Result<SignedArtifactParts> split_signature(std::string_view bytes) {
  SignedArtifactParts parts;
  parts.artifact = bytes;
  if (bytes.size() < artifact_header_size || std::memcmp(bytes.data(), artifact_magic, sizeof artifact_magic) != 0)
    return parts;
  std::uint64_t artifact_size = 0;
  std::memcpy(&artifact_size, bytes.data() + artifact_size_offset, sizeof artifact_size);
  if (artifact_size >= bytes.size()) return parts;
  const std::string_view rest = bytes.substr(artifact_size);
  const std::size_t compared = std::min(rest.size(), sizeof trailer_magic);
  // Extra bytes that do not begin like a trailer: read_artifact reports the size mismatch.
  if (std::memcmp(rest.data(), trailer_magic, compared) != 0) return parts;
  const auto invalid = [](std::string message, std::size_t offset) {
    return Error{Error::Code::invalid_artifact, "invalid artifact: " + std::move(message), offset};
  };
  if (rest.size() < signature_trailer_size) {
    return invalid(format_text("truncated signature: {} bytes of {}", rest.size(), signature_trailer_size),
                   bytes.size());
  }
  if (rest.size() > signature_trailer_size) {
    return invalid(format_text("unexpected bytes after the signature ({} bytes where the signed artifact has {})",
                               bytes.size(), artifact_size + signature_trailer_size),
                   artifact_size + signature_trailer_size);
  }
  std::uint32_t version = 0;
  std::memcpy(&version, rest.data() + version_offset, sizeof version);
  if (version != signature_format_version) {
    return invalid(format_text("unsupported signature format version {} (this usegate reads version {})", version,
                               signature_format_version),
                   artifact_size + version_offset);
  }
  parts.artifact = bytes.substr(0, artifact_size);
  parts.signed_bytes = bytes.substr(0, artifact_size + signature_offset);
  parts.key_id = rest.substr(key_id_offset, key_id_size);
  parts.signature = rest.substr(signature_offset, signature_size);
  return parts;
}

std::string signature_trailer_start(std::string_view key_id) {
  std::string start(trailer_magic, sizeof trailer_magic);
  const std::uint32_t version = signature_format_version;
  start.append(reinterpret_cast<const char*>(&version), sizeof version);
  start.append(key_id.substr(0, key_id_size));
  start.resize(signature_offset, '\0');
  return start;
}

}  // namespace usegate::runtime
