// `usegate keygen -o NAME`: an Ed25519 key pair for signing artifacts, as NAME.key (secret,
// mode 0600) and NAME.pub (public).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "text_input.hpp"
#include "usegate/signing/signing_keys.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate keygen -o NAME

Makes an Ed25519 key pair for signing artifacts: NAME.key, the secret key (created with mode
0600: keep it where only the build that signs can read it), and NAME.pub, the public key that
loaders verify with (`--verify-key`). Neither file may exist already: a key is never
overwritten. The format is described in docs/artifact.md, "Key files".

options:
  -o, --output NAME   the files' name without the extension (required)

exit status (docs/cli.md, "Exit status"): 0 written, 2 usage error or a file that cannot be
             written (or exists)
)";

// Creates `path` (never replacing a file) with `mode` and writes `text`; errno on failure.
int write_new_file(const std::string& path, const std::string& text, mode_t mode) {
  const int descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (descriptor < 0) return errno;
  // The umask may only take bits away; fchmod makes the mode exactly what the docs say.
  int error = ::fchmod(descriptor, mode) == 0 ? 0 : errno;
  std::size_t written = 0;
  while (error == 0 && written < text.size()) {
    const ssize_t got = ::write(descriptor, text.data() + written, text.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) error = errno;
    if (got > 0) written += static_cast<std::size_t>(got);
  }
  if (::close(descriptor) != 0 && error == 0) error = errno;
  if (error != 0) ::unlink(path.c_str());
  return error;
}

}  // namespace

int run_keygen(const Words& words) {
  const Arguments arguments("keygen", words, {"--help"}, {"-o", "--output"});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  if (!arguments.positionals().empty()) throw UsageError("keygen: takes no file names; give `-o NAME`");
  const auto name = arguments.option("-o") ? arguments.option("-o") : arguments.option("--output");
  if (!name) throw UsageError("keygen: `-o NAME` is required (writes NAME.key and NAME.pub)");
  const std::string secret_path = *name + ".key";
  const std::string public_path = *name + ".pub";

  const signing::SecretKey key = signing::generate_secret_key();
  std::string secret_text = signing::secret_key_file_text(key);
  const int secret_error = write_new_file(secret_path, secret_text, 0600);
  std::fill(secret_text.begin(), secret_text.end(), '\0');
  if (secret_error != 0) {
    throw UsageError(fmt::format("keygen: cannot write `{}`: {}", printable(secret_path), std::strerror(secret_error)));
  }
  if (const int error = write_new_file(public_path, signing::public_key_file_text(key.public_key()), 0644)) {
    // Half a pair is of no use: the secret key goes too.
    ::unlink(secret_path.c_str());
    throw UsageError(fmt::format("keygen: cannot write `{}`: {}", printable(public_path), std::strerror(error)));
  }
  std::cerr << fmt::format("wrote {} (secret, mode 0600) and {}: Ed25519 key id {}\n", printable(secret_path),
                           printable(public_path), signing::key_id_text(signing::key_id(key.public_key())));
  return 0;
}

}  // namespace usegate::cli
