// Signed artifacts: a signature trailer that loaders without a key step over, and that a
// loader with a key requires, byte for byte. Every byte of a signed artifact is flipped, every
// length of its trailer cut, signatures and trailers are swapped between artifacts and keys.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/signature_trailer.hpp"
#include "usegate/signing/signed_artifact.hpp"

namespace {

using namespace usegate;

constexpr std::size_t trailer_size = runtime::signature_trailer_size;

std::string artifact_of(const std::string& relative) {
  const usegate::SourceFile source(relative, testing::read_text(testing::source_path(relative)));
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  auto compiled = compiler::compile_policy(*analysis.policy);
  REQUIRE(compiled.ok());
  return runtime::write_artifact(compiled.value());
}

signing::SecretKey key_from_byte(std::uint8_t byte) {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(byte);
  return signing::SecretKey(seed);
}

std::string signed_with(const std::string& artifact, const signing::SecretKey& key) {
  auto signed_bytes = signing::sign_artifact(artifact, key);
  REQUIRE(signed_bytes.ok());
  return *signed_bytes;
}

std::string id_of(const signing::SecretKey& key) {
  return signing::key_id_text(signing::key_id(key.public_key()));
}

// The policy of a signed artifact, loaded without a key, is the unsigned artifact exactly.
TEST_CASE("signed artifact: the artifact followed by the trailer, and without a key it loads as the unsigned one") {
  const auto key = key_from_byte(1);
  for (const char* policy :
       {"policies/x-grok-2024-07.policy", "policies/x-grok-2024-08.policy", "policies/meta-ai-2024-06.policy"}) {
    INFO(policy);
    const std::string artifact = artifact_of(policy);
    const std::string signed_bytes = signed_with(artifact, key);
    REQUIRE(signed_bytes.size() == artifact.size() + trailer_size);
    CHECK(signed_bytes.compare(0, artifact.size(), artifact) == 0);
    CHECK(signed_bytes.compare(artifact.size(), 12, std::string("USEGSIG\0\1\0\0\0", 12)) == 0);
    const auto id = signing::key_id(key.public_key());
    CHECK(signed_bytes.compare(artifact.size() + 12, 8, std::string(id.begin(), id.end())) == 0);

    const auto unverified = Policy::from_bytes(signed_bytes);
    REQUIRE(unverified.ok());
    CHECK(runtime::write_artifact(runtime::compiled_of(*unverified)) == artifact);
    const auto verified = signing::load_verified(signed_bytes, key.public_key());
    REQUIRE(verified.ok());
    CHECK(runtime::write_artifact(runtime::compiled_of(*verified)) == artifact);

    // Deciding: the same decision for every code of every variable, the others at code 2.
    const auto unsigned_policy = Policy::from_bytes(artifact);
    REQUIRE(unsigned_policy.ok());
    std::vector<Code> codes(unsigned_policy->variable_count(), 2);
    for (std::size_t variable = 0; variable < codes.size(); ++variable) {
      for (std::size_t code = 0; code < unsigned_policy->variable(variable).code_count; ++code) {
        codes[variable] = static_cast<Code>(code);
        CHECK(verified->decide(codes) == unsigned_policy->decide(codes));
        CHECK(unverified->decide(codes) == unsigned_policy->decide(codes));
      }
      codes[variable] = 2;
    }
  }
}

TEST_CASE("signed artifact: every flipped byte is refused when verifying, with the reason of its part") {
  const auto key = key_from_byte(1);
  const std::string artifact = artifact_of("policies/x-grok-2024-07.policy");
  const std::string good = signed_with(artifact, key);
  const std::size_t body = artifact.size();
  std::size_t body_refusals = 0, key_id_refusals = 0, signature_refusals = 0, magic_refusals = 0, version_refusals = 0,
              header_refusals = 0;  // the artifact's magic and size
  std::string damaged = good;
  for (std::size_t offset = 0; offset < good.size(); ++offset) {
    for (const int mask : {0x01, 0x80}) {
      damaged[offset] = static_cast<char>(good[offset] ^ mask);
      const auto loaded = signing::load_verified(damaged, key.public_key());
      damaged[offset] = good[offset];
      INFO("offset " << offset << " mask " << mask);
      REQUIRE_FALSE(loaded.ok());
      const Error& error = loaded.error();
      const auto starts = [&](std::string_view prefix) { return error.message.rfind(prefix, 0) == 0; };
      if (offset < 8) {
        // The artifact's magic: no artifact, so no trailer to look for.
        CHECK(error.code == Error::Code::invalid_artifact);
        CHECK(error.message == "not a usegate artifact (the file does not start with `USEGATE`)");
        ++header_refusals;
      } else if (offset >= 16 && offset < 24) {
        // The header's size field: the trailer is not where the size says, so the artifact
        // is reported as the damaged artifact it is (truncated, or with bytes after it).
        CHECK(error.code == Error::Code::invalid_artifact);
        CHECK((starts("truncated artifact: ") || starts("corrupted artifact: ")));
        ++header_refusals;
      } else if (offset < body || offset >= body + 20) {
        // The artifact's bytes and the signature itself: the signature does not match.
        CHECK(error.code == Error::Code::untrusted_artifact);
        CHECK(starts("signature does not match the artifact"));
        (offset < body ? body_refusals : signature_refusals) += 1;
      } else if (offset < body + 8) {
        // The trailer's magic: bytes after the artifact that are no trailer.
        CHECK(error.code == Error::Code::invalid_artifact);
        CHECK(error.message == "corrupted artifact: " + std::to_string(good.size()) + " bytes where the header says " +
                                   std::to_string(body));
        ++magic_refusals;
      } else if (offset < body + 12) {
        CHECK(error.code == Error::Code::invalid_artifact);
        CHECK(starts("invalid artifact: unsupported signature format version "));
        ++version_refusals;
      } else {
        CHECK(error.code == Error::Code::untrusted_artifact);
        CHECK(starts("artifact is signed by key "));
        ++key_id_refusals;
      }
    }
  }
  CHECK(header_refusals == 32);
  CHECK(body_refusals == 2 * (body - 16));
  CHECK(magic_refusals == 16);
  CHECK(version_refusals == 8);
  CHECK(key_id_refusals == 16);
  CHECK(signature_refusals == 128);
}

TEST_CASE("signed artifact: without a key, damage to the artifact or the trailer's shape is refused") {
  const auto key = key_from_byte(1);
  const std::string artifact = artifact_of("policies/x-grok-2024-07.policy");
  const std::string good = signed_with(artifact, key);
  std::string damaged = good;
  std::size_t loaded_count = 0;
  for (std::size_t offset = 0; offset < good.size(); ++offset) {
    damaged[offset] = static_cast<char>(good[offset] ^ 0x01);
    const auto loaded = Policy::from_bytes(damaged);
    damaged[offset] = good[offset];
    INFO("offset " << offset);
    if (offset < artifact.size() + 12) {
      REQUIRE_FALSE(loaded.ok());
      CHECK(loaded.error().code == Error::Code::invalid_artifact);
    } else {
      // The key id and the signature are read only by a loader that verifies.
      CHECK(loaded.ok());
      ++loaded_count;
    }
  }
  CHECK(loaded_count == 8 + 64);
}

TEST_CASE("signed artifact: a trailer cut short is refused at every length, and cut whole, the artifact is unsigned") {
  const auto key = key_from_byte(1);
  const std::string artifact = artifact_of("policies/x-grok-2024-07.policy");
  const std::string good = signed_with(artifact, key);
  for (std::size_t kept = 1; kept < trailer_size; ++kept) {
    const std::string_view cut = std::string_view(good).substr(0, artifact.size() + kept);
    const std::string message =
        "invalid artifact: truncated signature: " + std::to_string(kept) + " bytes of " + std::to_string(trailer_size);
    INFO("kept " << kept);
    const auto unverified = Policy::from_bytes(cut);
    REQUIRE_FALSE(unverified.ok());
    CHECK(unverified.error().message == message);
    CHECK(unverified.error().offset == cut.size());
    const auto verified = signing::load_verified(cut, key.public_key());
    REQUIRE_FALSE(verified.ok());
    CHECK(verified.error().code == Error::Code::invalid_artifact);
    CHECK(verified.error().message == message);
  }
  const auto whole_cut = signing::load_verified(artifact, key.public_key());
  REQUIRE_FALSE(whole_cut.ok());
  CHECK(whole_cut.error().code == Error::Code::untrusted_artifact);
  CHECK(Policy::from_bytes(artifact).ok());

  const auto longer = Policy::from_bytes(good + "x");
  REQUIRE_FALSE(longer.ok());
  CHECK(longer.error().message == "invalid artifact: unexpected bytes after the signature (" +
                                      std::to_string(good.size() + 1) + " bytes where the signed artifact has " +
                                      std::to_string(good.size()) + ")");
  CHECK(longer.error().offset == good.size());
}

TEST_CASE("signed artifact: unsigned, another key, a swapped signature or trailer: refused with a clear error") {
  const auto key = key_from_byte(1);
  const auto other_key = key_from_byte(2);
  const std::string july = artifact_of("policies/x-grok-2024-07.policy");
  const std::string august = artifact_of("policies/x-grok-2024-08.policy");
  const std::string july_signed = signed_with(july, key);
  const std::string august_signed = signed_with(august, key);
  const std::string july_other = signed_with(july, other_key);

  const auto refusal = [&](std::string_view bytes, const signing::SecretKey& verifying) {
    const auto loaded = signing::load_verified(bytes, verifying.public_key());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == Error::Code::untrusted_artifact);
    return loaded.error().message;
  };
  CHECK(refusal(july, key) == "artifact is not signed; with a public key (key id " + id_of(key) +
                                  ") only an artifact signed by it is accepted");
  CHECK(refusal(july_other, key) ==
        "artifact is signed by key " + id_of(other_key) + ", not by the given key " + id_of(key));
  CHECK(refusal(july_signed, other_key) ==
        "artifact is signed by key " + id_of(key) + ", not by the given key " + id_of(other_key));

  const std::string mismatch =
      "signature does not match the artifact: its bytes changed after signing, or the signature was made for "
      "another artifact (key id " +
      id_of(key) + ")";
  // August's signature (same key) on July's artifact.
  std::string swapped = july_signed;
  swapped.replace(swapped.size() - 64, 64, august_signed.substr(august_signed.size() - 64));
  CHECK(refusal(swapped, key) == mismatch);
  // July's artifact with August's whole trailer.
  CHECK(refusal(july + august_signed.substr(august.size()), key) == mismatch);
  // Another key's whole trailer.
  CHECK(refusal(july + july_other.substr(july.size()), key) ==
        "artifact is signed by key " + id_of(other_key) + ", not by the given key " + id_of(key));
  // The body changed with its checksum repaired still changes the signed bytes.
  std::string edited = august_signed;
  edited[august.size() - 1] = static_cast<char>(edited[august.size() - 1] ^ 0x01);
  CHECK(refusal(edited, key) == mismatch);
}

TEST_CASE("signed artifact: signing again replaces the trailer, and a broken artifact is never signed") {
  const auto key = key_from_byte(1);
  const auto other_key = key_from_byte(2);
  const std::string artifact = artifact_of("policies/x-grok-2024-07.policy");
  const std::string once = signed_with(artifact, key);
  const std::string again = signed_with(once, other_key);
  CHECK(again == signed_with(artifact, other_key));
  CHECK(signing::load_verified(again, other_key.public_key()).ok());
  // Ed25519 is deterministic: the same key and bytes give the same signature.
  CHECK(signed_with(artifact, key) == once);

  const auto broken = signing::sign_artifact(artifact.substr(0, artifact.size() - 1), key);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == Error::Code::invalid_artifact);
  CHECK(broken.error().message ==
        "truncated artifact: " + std::to_string(artifact.size() - 1) + " bytes of " + std::to_string(artifact.size()));
}

TEST_CASE("signed artifact: load_verified_file names the file in its errors") {
  const auto key = key_from_byte(1);
  const std::string directory = testing::scratch_directory("signed-artifact-file");
  const std::string artifact = artifact_of("policies/x-grok-2024-07.policy");
  testing::write_text(directory + "/signed.ugt", signed_with(artifact, key));
  testing::write_text(directory + "/unsigned.ugt", artifact);
  CHECK(signing::load_verified_file(directory + "/signed.ugt", key.public_key()).ok());
  const auto unsigned_file = signing::load_verified_file(directory + "/unsigned.ugt", key.public_key());
  REQUIRE_FALSE(unsigned_file.ok());
  CHECK(unsigned_file.error().message == "`" + directory +
                                             "/unsigned.ugt`: artifact is not signed; with a public key (key id " +
                                             id_of(key) + ") only an artifact signed by it is accepted");
  const auto missing = signing::load_verified_file(directory + "/missing.ugt", key.public_key());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Error::Code::io);
}

}  // namespace
