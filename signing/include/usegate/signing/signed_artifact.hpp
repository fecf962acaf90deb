#pragma once
// Signed artifacts: an Ed25519 signature appended to an artifact (docs/artifact.md, "Signed
// artifacts"), and loading that accepts an artifact only when a given public key signed it.
//
//   #include <usegate/signing/signed_artifact.hpp>
//
//   const std::array<std::uint8_t, 32> key = ...;  // or usegate::signing::read_public_key_file
//   auto loaded = usegate::signing::load_verified_file("x-grok.ugt", key);
//   if (!loaded) { std::cerr << loaded.error().message << '\n'; return 1; }  // never decide then
//   const usegate::Policy& policy = *loaded;
//
// Without a key, usegate::Policy::load_file loads a signed artifact as it loads an unsigned
// one, and does not look at the signature.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "usegate/base/result.hpp"
#include "usegate/signing/signing_keys.hpp"
#include "usegate/usegate.hpp"

namespace usegate::signing {

// The artifact with its signature trailer. The artifact is read and checked first (a broken
// one is not signed: its load error comes back); a signed artifact is signed again, its old
// trailer dropped.
[[nodiscard]] Result<std::string> sign_artifact(std::string_view artifact, const SecretKey& key);

// The signature's verdict alone: the artifact's bytes without the trailer when `public_key`
// signed exactly these bytes, else an Error::Code::untrusted_artifact (not signed, signed by
// another key, or a signature that does not match) or, for a damaged trailer,
// Error::Code::invalid_artifact. The artifact itself is not read.
[[nodiscard]] Result<std::string_view> verify_signature(std::string_view bytes,
                                                        std::span<const std::uint8_t, public_key_size> public_key);

// Loads an artifact only when `public_key` signed it: verify_signature, then
// Policy::from_bytes. Thread-safe.
[[nodiscard]] Result<Policy> load_verified(std::string_view bytes,
                                           std::span<const std::uint8_t, public_key_size> public_key);
// The same from a file; messages begin with "`PATH`: " as Policy::load_file's do.
[[nodiscard]] Result<Policy> load_verified_file(const std::string& path,
                                                std::span<const std::uint8_t, public_key_size> public_key);

}  // namespace usegate::signing
