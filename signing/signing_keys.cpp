// Key pairs and key files (usegate/signing/signing_keys.hpp).
#include "usegate/signing/signing_keys.hpp"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "sodium_init.hpp"
#include "usegate/base/format_text.hpp"

namespace usegate::signing {
namespace {

constexpr std::string_view public_kind = "usegate-public-key";
constexpr std::string_view secret_kind = "usegate-secret-key";
constexpr std::string_view algorithm = "ed25519";
// A key file is two short lines; anything much larger is some other file.
constexpr std::size_t max_key_file_size = 64 * 1024;

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t byte : bytes) {
    out += digits[byte >> 4];
    out += digits[byte & 0xF];
  }
  return out;
}

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

// The one key line of a key file, checked to be of `kind`; its 32 bytes.
Result<std::array<std::uint8_t, 32>> parse_key_line(std::string_view text, const std::string& name,
                                                    std::string_view kind) {
  const bool want_public = kind == public_kind;
  const auto error = [&](std::size_t line, std::size_t column, std::string message, std::string help) {
    std::string where = line == 0 ? name : format_text("{}:{}:{}", name, line, column);
    std::string out = format_text("{}: error: {}\n", where, message);
    if (!help.empty()) out += format_text(" = help: {}\n", help);
    return Error{Error::Code::invalid_input, std::move(out), 0};
  };
  const std::string expected_line = format_text("`{} {} HEX`", kind, algorithm);
  std::optional<std::array<std::uint8_t, 32>> key;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (key) {
      return error(line_number, 1, "a second key line; a key file holds one key", "");
    }
    const std::size_t first_space = line.find(' ');
    const std::string_view found_kind = line.substr(0, first_space);
    if (found_kind != kind) {
      if (found_kind == public_kind || found_kind == secret_kind) {
        return want_public ? error(line_number, 1, "this is a secret key, where a public key is expected",
                                   "give the `.pub` file `usegate keygen` wrote beside it; the secret key stays "
                                   "with whoever signs")
                           : error(line_number, 1, "this is a public key, where a secret key is expected",
                                   "sign with the `.key` file `usegate keygen` wrote beside it");
      }
      return error(line_number, 1, format_text("not a usegate key file: expected {}", expected_line),
                   "`usegate keygen -o NAME` writes NAME.key and NAME.pub (docs/artifact.md, \"Key files\")");
    }
    if (first_space == std::string_view::npos) {
      return error(line_number, line.size() + 1, format_text("expected {}", expected_line), "");
    }
    const std::size_t second_space = line.find(' ', first_space + 1);
    const std::string_view found_algorithm = line.substr(first_space + 1, second_space - first_space - 1);
    if (found_algorithm != algorithm) {
      return error(line_number, first_space + 2, format_text("unsupported key algorithm `{}`", found_algorithm),
                   "usegate signs with `ed25519`");
    }
    if (second_space == std::string_view::npos) {
      return error(line_number, line.size() + 1, format_text("expected {}", expected_line), "");
    }
    const std::size_t hex_column = second_space + 2;
    const std::string_view digits = line.substr(second_space + 1);
    for (std::size_t index = 0; index < digits.size(); ++index) {
      if (hex_value(digits[index]) < 0) {
        return error(line_number, hex_column + index, "expected a hex digit",
                     format_text("a {} key is 64 hex digits", want_public ? "public" : "secret"));
      }
    }
    if (digits.size() != 64) {
      return error(line_number, hex_column,
                   format_text("a {} key is 64 hex digits (32 bytes), found {}", want_public ? "public" : "secret",
                               digits.size()),
                   "");
    }
    key.emplace();
    for (std::size_t index = 0; index < 32; ++index) {
      (*key)[index] = static_cast<std::uint8_t>(hex_value(digits[2 * index]) * 16 + hex_value(digits[2 * index + 1]));
    }
  }
  if (!key) {
    return error(0, 0, "no key in the file", format_text("a key file has one line {}", expected_line));
  }
  return *key;
}

Result<std::string> read_key_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{Error::Code::io, format_text("cannot read `{}`: {}", path, std::strerror(errno)), 0};
  std::string text;
  char buffer[4096];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(file.gcount()));
    if (text.size() > max_key_file_size) {
      return Error{Error::Code::invalid_input,
                   format_text("{}: error: not a key file: larger than {} bytes\n", path, max_key_file_size), 0};
    }
  }
  if (file.bad()) return Error{Error::Code::io, format_text("cannot read `{}`: {}", path, std::strerror(errno)), 0};
  return text;
}

}  // namespace

SecretKey::SecretKey(std::span<const std::uint8_t, secret_seed_size> seed) {
  ensure_sodium();
  std::memcpy(seed_.data(), seed.data(), seed.size());
  crypto_sign_seed_keypair(public_key_.data(), signing_key_.data(), seed_.data());
}

SecretKey::SecretKey(const SecretKey& other) = default;
SecretKey& SecretKey::operator=(const SecretKey& other) = default;

SecretKey::~SecretKey() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(signing_key_.data(), signing_key_.size());
}

SecretKey generate_secret_key() {
  ensure_sodium();
  std::array<std::uint8_t, secret_seed_size> seed{};
  randombytes_buf(seed.data(), seed.size());
  SecretKey key(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

KeyId key_id(std::span<const std::uint8_t, public_key_size> public_key) {
  ensure_sodium();
  std::array<std::uint8_t, crypto_hash_sha512_BYTES> digest{};
  crypto_hash_sha512(digest.data(), public_key.data(), public_key.size());
  KeyId id{};
  std::memcpy(id.data(), digest.data(), id.size());
  return id;
}

std::string key_id_text(std::span<const std::uint8_t, runtime::key_id_size> id) {
  return hex(id);
}

std::string public_key_file_text(const PublicKey& key) {
  return format_text("# usegate Ed25519 public key, key id {}\n{} {} {}\n", key_id_text(key_id(key)), public_kind,
                     algorithm, hex(key));
}

std::string secret_key_file_text(const SecretKey& key) {
  return format_text("# usegate Ed25519 secret key, key id {}; keep it private\n{} {} {}\n",
                     key_id_text(key_id(key.public_key())), secret_kind, algorithm, hex(key.seed()));
}

Result<PublicKey> parse_public_key(std::string_view text, const std::string& name) {
  auto key = parse_key_line(text, name, public_kind);
  if (!key) return key.error();
  return *key;
}

Result<SecretKey> parse_secret_key(std::string_view text, const std::string& name) {
  auto seed = parse_key_line(text, name, secret_kind);
  if (!seed) return seed.error();
  SecretKey key(*seed);
  sodium_memzero(seed->data(), seed->size());
  return key;
}

Result<PublicKey> read_public_key_file(const std::string& path) {
  const auto text = read_key_file(path);
  if (!text) return text.error();
  return parse_public_key(*text, path);
}

Result<SecretKey> read_secret_key_file(const std::string& path) {
  auto text = read_key_file(path);
  if (!text) return text.error();
  auto key = parse_secret_key(*text, path);
  sodium_memzero(text->data(), text->size());
  return key;
}

}  // namespace usegate::signing
