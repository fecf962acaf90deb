#pragma once
// Ed25519 key pairs for signing artifacts, and their files (docs/artifact.md, "Key files").
// A key file is text: `#` comment lines, and one line `usegate-public-key ed25519 HEX` (32
// bytes, 64 hex digits) or `usegate-secret-key ed25519 HEX` (the 32-byte seed the key pair is
// derived from). `usegate keygen` writes both; the secret one with mode 0600.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "usegate/base/result.hpp"
#include "usegate/runtime/signature_trailer.hpp"

namespace usegate::signing {

inline constexpr std::size_t public_key_size = 32;
inline constexpr std::size_t secret_seed_size = 32;

using PublicKey = std::array<std::uint8_t, public_key_size>;
// Identifies a public key in a signature trailer and in messages: the first 8 bytes of its
// SHA-512.
using KeyId = std::array<std::uint8_t, runtime::key_id_size>;

// The secret half of a key pair. Its bytes are wiped when it goes away.
class SecretKey {
 public:
  explicit SecretKey(std::span<const std::uint8_t, secret_seed_size> seed);
  SecretKey(const SecretKey& other);
  SecretKey& operator=(const SecretKey& other);
  ~SecretKey();

  [[nodiscard]] std::span<const std::uint8_t, secret_seed_size> seed() const { return seed_; }
  [[nodiscard]] const PublicKey& public_key() const { return public_key_; }
  // libsodium's 64-byte signing key: the seed followed by the public key.
  [[nodiscard]] std::span<const std::uint8_t, 64> signing_key() const { return signing_key_; }

 private:
  std::array<std::uint8_t, secret_seed_size> seed_{};
  std::array<std::uint8_t, 64> signing_key_{};
  PublicKey public_key_{};
};

// A fresh key pair from the system's random source.
[[nodiscard]] SecretKey generate_secret_key();

[[nodiscard]] KeyId key_id(std::span<const std::uint8_t, public_key_size> public_key);
// 16 lowercase hex digits, as messages and key files print it.
[[nodiscard]] std::string key_id_text(std::span<const std::uint8_t, runtime::key_id_size> id);

// The files `usegate keygen` writes, comment line included.
[[nodiscard]] std::string public_key_file_text(const PublicKey& key);
[[nodiscard]] std::string secret_key_file_text(const SecretKey& key);

// Reading key files. A file that cannot be read is an Error::Code::io; one that is not a key
// of the expected kind (a secret key where a public one is expected, the wrong length, a
// character that is not a hex digit) an Error::Code::invalid_input whose message is the whole
// error as printed (`FILE:LINE:COL: error: ...` and a help line), ending with a newline.
// `name` is the file name the messages show.
[[nodiscard]] Result<PublicKey> parse_public_key(std::string_view text, const std::string& name);
[[nodiscard]] Result<SecretKey> parse_secret_key(std::string_view text, const std::string& name);
[[nodiscard]] Result<PublicKey> read_public_key_file(const std::string& path);
[[nodiscard]] Result<SecretKey> read_secret_key_file(const std::string& path);

}  // namespace usegate::signing
