#pragma once
// The signature trailer of a signed artifact (docs/artifact.md, "Signed artifacts"): 84 bytes
// after the artifact's last byte. The runtime only recognises it — it loads a signed artifact
// as it loads an unsigned one, and rejects a trailer that is cut short, too long or of an
// unknown version. Checking the signature takes a public key and Ed25519, which live in the
// signing library (usegate/signing/signed_artifact.hpp), not here.
//
//   0  magic "USEGSIG\0"          8 bytes
//   8  signature format version   u32, 1: Ed25519
//   12 key id                     8 bytes: the first 8 bytes of SHA-512 of the public key
//   20 signature                  64 bytes: Ed25519 over every byte before it

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "usegate/base/result.hpp"

namespace usegate::runtime {

inline constexpr std::size_t signature_trailer_size = 84;
inline constexpr std::size_t key_id_size = 8;
inline constexpr std::size_t signature_size = 64;
inline constexpr std::uint32_t signature_format_version = 1;

// An artifact's bytes cut at the trailer. For an unsigned artifact (or bytes that are no
// artifact at all, which read_artifact reports) `artifact` is everything and the rest is empty.
struct SignedArtifactParts {
  std::string_view artifact;      // the artifact as `usegate build` wrote it, without the trailer
  std::string_view signed_bytes;  // what the signature covers: the artifact and the trailer up to the signature
  std::string_view key_id;        // key_id_size bytes
  std::string_view signature;     // signature_size bytes
  [[nodiscard]] bool is_signed() const { return !signature.empty(); }
};

// Finds the trailer through the size in the artifact's header. Bytes after the artifact that
// begin like a trailer but are not exactly one are an Error::Code::invalid_artifact with the
// offset; nothing here reads the artifact's body or checks its checksum.
[[nodiscard]] Result<SignedArtifactParts> split_signature(std::string_view bytes);

// The first 20 bytes of a trailer (magic, version, key id): what the signer appends to the
// artifact before signing, and then the signature after them.
[[nodiscard]] std::string signature_trailer_start(std::string_view key_id);

}  // namespace usegate::runtime
