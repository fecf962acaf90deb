// Signing artifacts and loading them only when a given key signed them
// (usegate/signing/signed_artifact.hpp; layout in usegate/runtime/signature_trailer.hpp).
#include "usegate/signing/signed_artifact.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "sodium_init.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/signature_trailer.hpp"

namespace usegate::signing {
namespace {

Error untrusted(std::string message) {
  return Error{Error::Code::untrusted_artifact, std::move(message), 0};
}

const std::uint8_t* unsigned_bytes(std::string_view bytes) {
  return reinterpret_cast<const std::uint8_t*>(bytes.data());
}

}  // namespace

Result<std::string> sign_artifact(std::string_view artifact, const SecretKey& key) {
  ensure_sodium();
  // Never sign what would not load: the signature vouches for a policy, not for bytes.
  if (auto checked = runtime::read_artifact(artifact); !checked) return checked.error();
  const auto parts = runtime::split_signature(artifact);
  if (!parts) return parts.error();
  const KeyId id = key_id(key.public_key());
  std::string out(parts->artifact);
  out += runtime::signature_trailer_start(std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
  std::array<std::uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, unsigned_bytes(out), out.size(), key.signing_key().data());
  out.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return out;
}

Result<std::string_view> verify_signature(std::string_view bytes,
                                          std::span<const std::uint8_t, public_key_size> public_key) {
  ensure_sodium();
  const auto parts = runtime::split_signature(bytes);
  if (!parts) return parts.error();
  const KeyId expected = key_id(public_key);
  if (!parts->is_signed()) {
    // Bytes that do not load at all are reported as what they are (truncated, corrupted, a
    // damaged trailer magic), which says more than "not signed".
    if (auto damaged = runtime::read_artifact(bytes); !damaged) return damaged.error();
    return untrusted(
        format_text("artifact is not signed; with a public key (key id {}) only an artifact signed by "
                    "it is accepted",
                    key_id_text(expected)));
  }
  KeyId found{};
  std::memcpy(found.data(), parts->key_id.data(), found.size());
  if (found != expected) {
    return untrusted(format_text("artifact is signed by key {}, not by the given key {}", key_id_text(found),
                                 key_id_text(expected)));
  }
  if (crypto_sign_verify_detached(unsigned_bytes(parts->signature), unsigned_bytes(parts->signed_bytes),
                                  parts->signed_bytes.size(), public_key.data()) != 0) {
    return untrusted(format_text(
        "signature does not match the artifact: its bytes changed after signing, or the signature was made for "
        "another artifact (key id {})",
        key_id_text(expected)));
  }
  return parts->artifact;
}

Result<Policy> load_verified(std::string_view bytes, std::span<const std::uint8_t, public_key_size> public_key) {
  // The signature is checked before a byte of the artifact is parsed.
  const auto verified = verify_signature(bytes, public_key);
  if (!verified) return verified.error();
  return Policy::from_bytes(*verified);
}

Result<Policy> load_verified_file(const std::string& path, std::span<const std::uint8_t, public_key_size> public_key) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{Error::Code::io, format_text("cannot read `{}`: {}", path, std::strerror(errno)), 0};
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto loaded = load_verified(bytes, public_key);
  if (!loaded) {
    Error error = loaded.error();
    error.message = format_text("`{}`: {}", path, error.message);
    return error;
  }
  return loaded;
}

}  // namespace usegate::signing
