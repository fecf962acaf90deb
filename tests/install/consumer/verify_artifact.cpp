// Loads an artifact with an installed usegate only when a given public key signed it, as a
// pipeline guarding against a swapped artifact would: the artifact is signed here with the
// secret key, then loaded with the matching public key (accepted, deciding as the unsigned
// one), with another key and unsigned (both refused). One line per case; exit 0 when each
// case went as it must.
//   verify_artifact ARTIFACT SECRET_KEY PUBLIC_KEY OTHER_PUBLIC_KEY
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <usegate/runtime/signature_trailer.hpp>
#include <usegate/signing/signed_artifact.hpp>
#include <usegate/signing/signing_keys.hpp>

namespace {

std::string read_bytes(const char* path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: verify_artifact ARTIFACT SECRET_KEY PUBLIC_KEY OTHER_PUBLIC_KEY\n");
    return 2;
  }
  const std::string unsigned_bytes = read_bytes(argv[1]);
  const auto secret = usegate::signing::read_secret_key_file(argv[2]);
  const auto key = usegate::signing::read_public_key_file(argv[3]);
  const auto other = usegate::signing::read_public_key_file(argv[4]);
  if (!secret || !key || !other) {
    std::fprintf(stderr, "verify_artifact: a key file does not load\n");
    return 3;
  }
  const auto signed_bytes = usegate::signing::sign_artifact(unsigned_bytes, *secret);
  if (!signed_bytes) {
    std::fprintf(stderr, "verify_artifact: %s\n", signed_bytes.error().message.c_str());
    return 3;
  }
  bool as_expected = true;
  const auto accepted = usegate::signing::load_verified(*signed_bytes, *key);
  const auto plain = usegate::Policy::from_bytes(unsigned_bytes);
  if (accepted && plain) {
    std::printf("signed, its key: loaded policy %s, %zu bytes of trailer\n", accepted->name().c_str(),
                signed_bytes->size() - unsigned_bytes.size());
  } else {
    std::printf("signed, its key: refused\n");
    as_expected = false;
  }
  const auto wrong_key = usegate::signing::load_verified(*signed_bytes, *other);
  std::printf("signed, another key: %s\n", wrong_key ? "loaded" : "refused");
  as_expected = as_expected && !wrong_key;
  const auto not_signed = usegate::signing::load_verified(unsigned_bytes, *key);
  std::printf("unsigned, a key: %s\n", not_signed ? "loaded" : "refused");
  as_expected = as_expected && !not_signed;
  return as_expected && usegate::runtime::split_signature(*signed_bytes) ? 0 : 1;
}
