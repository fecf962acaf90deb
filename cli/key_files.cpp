#include "key_files.hpp"

#include "policy_files.hpp"

namespace usegate::cli {
namespace {

template <typename Key>
Key key_or_throw(Result<Key> key) {
  if (const auto* error = key.error_if()) {
    std::string message = error->message;
    if (!message.empty() && message.back() == '\n') message.pop_back();
    throw BrokenInputError(message);
  }
  return std::move(*key);
}

}  // namespace

std::optional<signing::PublicKey> read_verify_key(const Arguments& arguments) {
  const auto path = arguments.option("--verify-key");
  if (!path) return std::nullopt;
  return key_or_throw(signing::parse_public_key(read_file(*path, key_file_limit), *path));
}

signing::SecretKey read_signing_key(const std::string& path) {
  return key_or_throw(signing::parse_secret_key(read_file(path, key_file_limit), path));
}

}  // namespace usegate::cli
