#pragma once
// The key files of `build --sign` and `--verify-key` (docs/artifact.md, "Key files"), read
// like every other input file: once, within a size limit. A file that cannot be read is a
// usage error (exit 2); one that holds no key of the right kind a BrokenInputError (exit 3).

#include <optional>
#include <string>

#include "arguments.hpp"
#include "usegate/signing/signing_keys.hpp"

namespace usegate::cli {

// The public key of `--verify-key FILE`, or nothing when the option is not given.
[[nodiscard]] std::optional<signing::PublicKey> read_verify_key(const Arguments& arguments);

[[nodiscard]] signing::SecretKey read_signing_key(const std::string& path);

}  // namespace usegate::cli
