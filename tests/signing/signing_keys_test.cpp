// Key pairs and key files: the RFC 8032 test key, the files keygen writes, and every way a key
// file can be wrong, each with its exact message.
#include <doctest/doctest.h>

#include <array>
#include <string>

#include "support.hpp"
#include "usegate/signing/signing_keys.hpp"

namespace {

using namespace usegate;

// RFC 8032, section 7.1, TEST 1.
constexpr std::string_view rfc_seed_hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr std::string_view rfc_public_hex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

std::array<std::uint8_t, 32> from_hex(std::string_view hex) {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t index = 0; index < bytes.size(); ++index) {
    bytes[index] = static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(2 * index, 2)), nullptr, 16));
  }
  return bytes;
}

TEST_CASE("keys: the RFC 8032 seed gives its public key, and the key id is the start of the key's SHA-512") {
  const signing::SecretKey key(from_hex(rfc_seed_hex));
  CHECK(key.public_key() == from_hex(rfc_public_hex));
  // python3 -c "import hashlib; print(hashlib.sha512(bytes.fromhex('d75a…511a')).hexdigest()[:16])"
  CHECK(signing::key_id_text(signing::key_id(key.public_key())) == "0e02a50225b4baaa");
}

TEST_CASE("keys: the files keygen writes read back to the same key") {
  const signing::SecretKey key(from_hex(rfc_seed_hex));
  const std::string public_text = signing::public_key_file_text(key.public_key());
  const std::string secret_text = signing::secret_key_file_text(key);
  CHECK(public_text ==
        "# usegate Ed25519 public key, key id 0e02a50225b4baaa\n"
        "usegate-public-key ed25519 d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\n");
  CHECK(secret_text ==
        "# usegate Ed25519 secret key, key id 0e02a50225b4baaa; keep it private\n"
        "usegate-secret-key ed25519 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n");
  const auto public_key = signing::parse_public_key(public_text, "k.pub");
  REQUIRE(public_key.ok());
  CHECK(*public_key == key.public_key());
  const auto secret_key = signing::parse_secret_key(secret_text, "k.key");
  REQUIRE(secret_key.ok());
  CHECK(secret_key->public_key() == key.public_key());
  // Upper-case hex, CRLF line ends and blank lines are read as well.
  const auto upper = signing::parse_public_key(
      "\r\nusegate-public-key ed25519 D75A980182B10AB7D54BFED3C964073A0EE172F3DAA62325AF021A68F707511A\r\n", "k.pub");
  REQUIRE(upper.ok());
  CHECK(*upper == key.public_key());

  const auto fresh = signing::generate_secret_key();
  const auto other = signing::generate_secret_key();
  CHECK(fresh.public_key() != other.public_key());
  const auto reread = signing::parse_secret_key(signing::secret_key_file_text(fresh), "fresh.key");
  REQUIRE(reread.ok());
  CHECK(reread->public_key() == fresh.public_key());
}

TEST_CASE("keys: a file that is not a key of the expected kind is refused with where and why") {
  const std::string hex64(rfc_public_hex);
  const std::string public_line = "usegate-public-key ed25519 " + hex64 + "\n";
  const std::string secret_line = "usegate-secret-key ed25519 " + hex64 + "\n";
  const std::vector<std::pair<std::string, std::pair<bool, std::string>>> cases = {
      {"# only a comment\n",
       {true, "k: error: no key in the file\n = help: a key file has one line `usegate-public-key ed25519 HEX`\n"}},
      {"",
       {false, "k: error: no key in the file\n = help: a key file has one line `usegate-secret-key ed25519 HEX`\n"}},
      {"# comment\n" + secret_line,
       {true,
        "k:2:1: error: this is a secret key, where a public key is expected\n = help: give the `.pub` file "
        "`usegate keygen` wrote beside it; the secret key stays with whoever signs\n"}},
      {public_line,
       {false,
        "k:1:1: error: this is a public key, where a secret key is expected\n = help: sign with the `.key` file "
        "`usegate keygen` wrote beside it\n"}},
      {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA\n",
       {true,
        "k:1:1: error: not a usegate key file: expected `usegate-public-key ed25519 HEX`\n = help: `usegate keygen "
        "-o NAME` writes NAME.key and NAME.pub (docs/artifact.md, \"Key files\")\n"}},
      {"USEGATE\n",
       {true,
        "k:1:1: error: not a usegate key file: expected `usegate-public-key ed25519 HEX`\n"
        " = help: `usegate keygen -o NAME` writes NAME.key and NAME.pub (docs/artifact.md, "
        "\"Key files\")\n"}},
      {"usegate-public-key rsa " + hex64 + "\n",
       {true, "k:1:20: error: unsupported key algorithm `rsa`\n = help: usegate signs with `ed25519`\n"}},
      {"usegate-public-key\n", {true, "k:1:19: error: expected `usegate-public-key ed25519 HEX`\n"}},
      {"usegate-public-key ed25519\n", {true, "k:1:27: error: expected `usegate-public-key ed25519 HEX`\n"}},
      {"usegate-public-key ed25519 " + hex64.substr(0, 62) + "\n",
       {true, "k:1:28: error: a public key is 64 hex digits (32 bytes), found 62\n"}},
      {"usegate-secret-key ed25519 " + hex64 + "00\n",
       {false, "k:1:28: error: a secret key is 64 hex digits (32 bytes), found 66\n"}},
      {"usegate-public-key ed25519 " + hex64.substr(0, 10) + "g" + hex64.substr(11) + "\n",
       {true, "k:1:38: error: expected a hex digit\n = help: a public key is 64 hex digits\n"}},
      {"usegate-public-key ed25519 " + hex64 + " \n",
       {true, "k:1:92: error: expected a hex digit\n = help: a public key is 64 hex digits\n"}},
      {public_line + public_line, {true, "k:2:1: error: a second key line; a key file holds one key\n"}},
  };
  for (const auto& [text, expected] : cases) {
    const auto& [want_public, message] = expected;
    INFO(text);
    const Error error =
        want_public ? signing::parse_public_key(text, "k").error() : signing::parse_secret_key(text, "k").error();
    CHECK(error.code == Error::Code::invalid_input);
    CHECK(error.message == message);
  }
}

TEST_CASE("keys: a key file that cannot be read, or is far too large, is refused") {
  const auto missing = signing::read_public_key_file("/nonexistent/k.pub");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Error::Code::io);
  CHECK(missing.error().message == "cannot read `/nonexistent/k.pub`: No such file or directory");

  const std::string directory = testing::scratch_directory("signing-keys");
  testing::write_text(directory + "/big.pub", std::string(70000, '#'));
  const auto big = signing::read_public_key_file(directory + "/big.pub");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == Error::Code::invalid_input);
  CHECK(big.error().message == directory + "/big.pub: error: not a key file: larger than 65536 bytes\n");

  testing::write_text(directory + "/k.key", signing::secret_key_file_text(signing::SecretKey(from_hex(rfc_seed_hex))));
  const auto secret = signing::read_secret_key_file(directory + "/k.key");
  REQUIRE(secret.ok());
  CHECK(secret->public_key() == from_hex(rfc_public_hex));
}

}  // namespace
