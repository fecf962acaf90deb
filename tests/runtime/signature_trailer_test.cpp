// The runtime alone (no cryptography linked) steps over a signed artifact's trailer and
// refuses one that is not exactly a trailer.
#include <doctest/doctest.h>

#include <string>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/signature_trailer.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;

std::string july_artifact() {
  const std::string relative = "policies/x-grok-2024-07.policy";
  const usegate::SourceFile source(relative, testing::read_text(testing::source_path(relative)));
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  auto compiled = compiler::compile_policy(*analysis.policy);
  REQUIRE(compiled.ok());
  return runtime::write_artifact(compiled.value());
}

TEST_CASE("signature trailer: split at the artifact's size, and the runtime loads what is before it") {
  const std::string artifact = july_artifact();
  const std::string start = runtime::signature_trailer_start("ABCDEFGH");
  CHECK(start == std::string("USEGSIG\0\1\0\0\0ABCDEFGH", 20));
  const std::string trailed = artifact + start + std::string(64, 's');

  const auto parts = runtime::split_signature(trailed);
  REQUIRE(parts.ok());
  CHECK(parts->is_signed());
  CHECK(parts->artifact == artifact);
  CHECK(parts->signed_bytes == artifact + start);
  CHECK(parts->key_id == "ABCDEFGH");
  CHECK(parts->signature == std::string(64, 's'));

  const auto plain = runtime::split_signature(artifact);
  REQUIRE(plain.ok());
  CHECK_FALSE(plain->is_signed());
  CHECK(plain->artifact == artifact);

  const auto loaded = Policy::from_bytes(trailed);
  REQUIRE(loaded.ok());
  CHECK(runtime::write_artifact(runtime::compiled_of(*loaded)) == artifact);
}

TEST_CASE("signature trailer: a version other than 1, or bytes that are no trailer, are refused") {
  const std::string artifact = july_artifact();
  std::string version_two = artifact + runtime::signature_trailer_start("ABCDEFGH") + std::string(64, 's');
  version_two[artifact.size() + 8] = 2;
  const auto refused = Policy::from_bytes(version_two);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message ==
        "invalid artifact: unsupported signature format version 2 (this usegate reads version 1)");
  CHECK(refused.error().offset == artifact.size() + 8);

  const auto other = Policy::from_bytes(artifact + std::string(84, 'x'));
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message == "corrupted artifact: " + std::to_string(artifact.size() + 84) +
                                     " bytes where the header says " + std::to_string(artifact.size()));
}

}  // namespace
