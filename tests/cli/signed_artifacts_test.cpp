// `usegate keygen`, `build --sign` and `--verify-key` on every command that loads a policy:
// a signed artifact is used exactly as the unsigned one; anything else given a key is refused
// with a one-line error and exit status 3 (`check`, whose answer errors are, exits 1).
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;
using Words = std::vector<std::string>;

// The key id a key file's comment line names (`# usegate Ed25519 public key, key id ID`).
std::string key_id_of(const std::string& key_file) {
  const std::string text = read_text(key_file);
  const std::size_t at = text.find("key id ") + 7;
  return text.substr(at, 16);
}

struct Keys {
  std::string directory;
  std::string signed_artifact, unsigned_artifact, other_signed_artifact;
  std::string key_id, other_key_id;
};

// Two key pairs, and the July X policy built unsigned, signed by the first and by the second.
Keys make_keys(const std::string& name) {
  Keys keys;
  keys.directory = scratch_directory(name);
  const std::string& d = keys.directory;
  REQUIRE(run_usegate({"keygen", "-o", d + "/k"}).exit_code == 0);
  REQUIRE(run_usegate({"keygen", "-o", d + "/other"}).exit_code == 0);
  keys.key_id = key_id_of(d + "/k.pub");
  keys.other_key_id = key_id_of(d + "/other.pub");
  const std::string policy = source_path("policies/x-grok-2024-07.policy");
  keys.signed_artifact = d + "/signed.ugt";
  keys.unsigned_artifact = d + "/unsigned.ugt";
  keys.other_signed_artifact = d + "/other.ugt";
  REQUIRE(run_usegate({"build", policy, "--sign", d + "/k.key", "-o", keys.signed_artifact}).exit_code == 0);
  REQUIRE(run_usegate({"build", policy, "-o", keys.unsigned_artifact}).exit_code == 0);
  REQUIRE(run_usegate({"build", policy, "--sign", d + "/other.key", "-o", keys.other_signed_artifact}).exit_code == 0);
  return keys;
}

const std::string records =
    "{\"purpose\":\"training\",\"category\":\"post\",\"visibility\":\"public\"}\n"
    "{\"purpose\":\"training\",\"category\":\"post\",\"visibility\":\"protected\"}\n";

// Every command that loads a policy, with POLICY standing for the file and KEY for the key.
std::vector<Words> commands_loading(const std::string& policy, const std::vector<std::string>& key) {
  std::vector<Words> commands{
      {"eval", "--policy", policy, "--now", "2024-09-01"},
      {"filter", "--policy", policy, "--now", "2024-09-01"},
      {"table", policy},
      {"diff", policy, source_path("policies/x-grok-2024-07.policy").c_str()},
      {"sim", policy, "--records", "-", "--now", "2024-09-01"},
      {"build", policy, "-o", "/dev/null"},
  };
  // diff's NEW is a source: with a key only the OLD side is given as an artifact, so the
  // second file is the same artifact there.
  commands[3][2] = policy;
  for (auto& command : commands) command.insert(command.begin() + 1, key.begin(), key.end());
  return commands;
}

TEST_CASE("keygen: a secret key file with mode 0600 and a public key file, never overwritten") {
  const std::string directory = scratch_directory("keygen");
  const auto made = run_usegate({"keygen", "-o", directory + "/release"});
  CHECK(made.exit_code == 0);
  const std::string id = key_id_of(directory + "/release.pub");
  CHECK(made.err == "wrote " + directory + "/release.key (secret, mode 0600) and " + directory +
                        "/release.pub: Ed25519 key id " + id + "\n");
  struct stat secret {};
  REQUIRE(::stat((directory + "/release.key").c_str(), &secret) == 0);
  CHECK((secret.st_mode & 0777) == 0600);
  const std::string public_text = read_text(directory + "/release.pub");
  CHECK(public_text.rfind("# usegate Ed25519 public key, key id " + id + "\nusegate-public-key ed25519 ", 0) == 0);
  CHECK(public_text.size() == 37 + 16 + 1 + 27 + 64 + 1);
  CHECK(read_text(directory + "/release.key").find("\nusegate-secret-key ed25519 ") != std::string::npos);

  const std::string before = read_text(directory + "/release.key");
  const auto again = run_usegate({"keygen", "-o", directory + "/release"});
  CHECK(again.exit_code == 2);
  CHECK(again.err == "usegate keygen: cannot write `" + directory + "/release.key`: File exists\n");
  CHECK(read_text(directory + "/release.key") == before);
  // The public file existing alone also stops it, and leaves no secret key behind.
  write_text(directory + "/lone.pub", "x");
  CHECK(run_usegate({"keygen", "-o", directory + "/lone"}).exit_code == 2);
  struct stat lone {};
  CHECK(::stat((directory + "/lone.key").c_str(), &lone) != 0);
  CHECK(run_usegate({"keygen"}).exit_code == 2);
}

TEST_CASE("build --sign: the artifact with its signature, and check says whether it was verified") {
  const Keys keys = make_keys("sign-build");
  const std::string& d = keys.directory;
  const auto built = run_usegate(
      {"build", source_path("policies/x-grok-2024-07.policy"), "--sign", d + "/k.key", "-o", d + "/again.ugt"});
  CHECK(built.exit_code == 0);
  CHECK(built.err == "wrote " + d +
                         "/again.ugt: policy x_grok version 2024-07-26, 4 variables, dense table of 280 cells, 2112 "
                         "bytes, signed by key " +
                         keys.key_id + "\n");
  CHECK(read_text(d + "/again.ugt") == read_text(keys.signed_artifact));  // Ed25519 is deterministic
  CHECK(read_text(keys.signed_artifact).substr(0, 2028) == read_text(keys.unsigned_artifact));

  const auto unverified = run_usegate({"check", keys.signed_artifact});
  CHECK(unverified.exit_code == 0);
  CHECK(unverified.out == keys.signed_artifact + ": ok: artifact of policy x_grok version 2024-07-26, 5 rules, " +
                              "1 setting, signed by key " + keys.key_id + " (not verified: no --verify-key)\n");
  const auto verified = run_usegate({"check", "--verify-key", d + "/k.pub", keys.signed_artifact});
  CHECK(verified.exit_code == 0);
  CHECK(verified.out == keys.signed_artifact + ": ok: artifact of policy x_grok version 2024-07-26, 5 rules, " +
                            "1 setting, signed by key " + keys.key_id + " (verified)\n");
}

TEST_CASE("--verify-key: a signed artifact gives exactly what the unsigned one gives, on every command") {
  const Keys keys = make_keys("verify-same");
  const auto with_key = commands_loading(keys.signed_artifact, {"--verify-key", keys.directory + "/k.pub"});
  const auto without = commands_loading(keys.unsigned_artifact, {});
  for (std::size_t index = 0; index < with_key.size(); ++index) {
    INFO(with_key[index][0]);
    const auto signed_run = run_usegate(with_key[index], records);
    const auto unsigned_run = run_usegate(without[index], records);
    CHECK(signed_run.exit_code == unsigned_run.exit_code);
    CHECK(signed_run.exit_code <= 1);
    // What they print (build: on stderr) names the file they read; with that replaced, equal.
    auto printed = signed_run.out + signed_run.err;
    for (std::size_t at; (at = printed.find(keys.signed_artifact)) != std::string::npos;) {
      printed.replace(at, keys.signed_artifact.size(), keys.unsigned_artifact);
    }
    CHECK(printed.size() > 40);
    CHECK(printed == unsigned_run.out + unsigned_run.err);
  }
}

TEST_CASE("--verify-key: unsigned, another key, tampered, a swapped signature, a source: one line and exit 3") {
  const Keys keys = make_keys("verify-refused");
  const std::string& d = keys.directory;
  const std::string signed_bytes = read_text(keys.signed_artifact);
  std::string tampered = signed_bytes;
  tampered[1000] = static_cast<char>(tampered[1000] ^ 0x01);
  write_text(d + "/tampered.ugt", tampered);
  // The other key's signature over the same artifact bytes, in this key's trailer:
  // only the signature differs from the good file.
  std::string swapped = signed_bytes;
  swapped.replace(swapped.size() - 64, 64, read_text(keys.other_signed_artifact).substr(swapped.size() - 64));
  write_text(d + "/swapped.ugt", swapped);
  write_text(d + "/cut.ugt", signed_bytes.substr(0, signed_bytes.size() - 30));

  const std::string mismatch =
      "error: signature does not match the artifact: its bytes changed after signing, or the signature was made for "
      "another artifact (key id " +
      keys.key_id + ")\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {keys.unsigned_artifact, "error: artifact is not signed; with a public key (key id " + keys.key_id +
                                   ") only an artifact signed by it is accepted\n"},
      {keys.other_signed_artifact,
       "error: artifact is signed by key " + keys.other_key_id + ", not by the given key " + keys.key_id + "\n"},
      {d + "/tampered.ugt", mismatch},
      {d + "/swapped.ugt", mismatch},
      {d + "/cut.ugt", "error: invalid artifact: truncated signature: 54 bytes of 84\n"},
      {source_path("policies/x-grok-2024-07.policy"),
       "error: a policy source cannot be verified: with `--verify-key` only an artifact signed by key " + keys.key_id +
           " is accepted (`usegate build POLICY --sign SECRET_KEY -o FILE` makes one)\n"},
  };
  for (const auto& [file, error] : cases) {
    for (const auto& command : commands_loading(file, {"--verify-key", d + "/k.pub"})) {
      INFO(command[0] << " " << file);
      const auto result = run_usegate(command, records);
      CHECK(result.exit_code == 3);
      CHECK(result.out.empty());
      if (command[0] == "diff") {
        // diff reads both files before it reports, and counts the errors.
        CHECK(result.err == file + ": " + error + file + ": " + error + "2 errors, 0 warnings\n");
      } else {
        CHECK(result.err == file + ": " + error);
      }
    }
    const auto checked = run_usegate({"check", "--verify-key", d + "/k.pub", file});
    CHECK(checked.exit_code == 1);
    CHECK(checked.err == file + ": " + error + "1 error, 0 warnings\n");
  }
}

TEST_CASE("--verify-key and --sign: key files of the wrong kind exit 3, unreadable ones 2") {
  const Keys keys = make_keys("key-files");
  const std::string& d = keys.directory;
  const auto secret_as_public =
      run_usegate({"eval", "--verify-key", d + "/k.key", "--policy", keys.signed_artifact}, records);
  CHECK(secret_as_public.exit_code == 3);
  CHECK(secret_as_public.err == d + "/k.key:2:1: error: this is a secret key, where a public key is expected\n"
                                    " = help: give the `.pub` file `usegate keygen` wrote beside it; the secret key "
                                    "stays with whoever signs\n");
  const auto public_as_secret =
      run_usegate({"build", source_path("policies/x-grok-2024-07.policy"), "--sign", d + "/k.pub", "-o", d + "/x"});
  CHECK(public_as_secret.exit_code == 3);
  CHECK(public_as_secret.err == d + "/k.pub:2:1: error: this is a public key, where a secret key is expected\n"
                                    " = help: sign with the `.key` file `usegate keygen` wrote beside it\n");
  const auto missing = run_usegate({"table", "--verify-key", d + "/nothing.pub", keys.signed_artifact});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "usegate cannot read `" + d + "/nothing.pub`: No such file or directory\n");
  const auto artifact_as_key = run_usegate({"table", "--verify-key", keys.signed_artifact, keys.signed_artifact});
  CHECK(artifact_as_key.exit_code == 3);
  CHECK(artifact_as_key.err.rfind(keys.signed_artifact + ":1:1: error: not a usegate key file", 0) == 0);
}

}  // namespace
