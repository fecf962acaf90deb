// Artifacts: a round trip keeps everything, and any damage is refused with a clear error.
#include <doctest/doctest.h>

#include <cstring>

#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;

runtime::CompiledPolicy compile_file(const std::string& relative, compiler::CompileOptions options = {}) {
  const dsl::SourceFile source(relative, testing::read_text(testing::source_path(relative)));
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  auto compiled = compiler::compile_policy(*analysis.policy, options);
  REQUIRE(std::holds_alternative<runtime::CompiledPolicy>(compiled));
  return std::get<runtime::CompiledPolicy>(std::move(compiled));
}

TEST_CASE("an artifact reads back exactly what was written") {
  for (const std::size_t dense_limit : {std::size_t{1} << 18, std::size_t{1}}) {
    compiler::CompileOptions options;
    options.max_dense_cells = dense_limit;
    const auto compiled = compile_file("policies/x-grok-2024-08.policy", options);
    const std::string bytes = runtime::write_artifact(compiled);
    runtime::ArtifactError error;
    const auto read = runtime::read_artifact(bytes, error);
    INFO(error.message);
    REQUIRE(read.has_value());
    CHECK(read->name == "x_grok");
    CHECK(read->version == "2024-08-08");
    CHECK(read->sources == compiled.sources);
    CHECK(read->rules.size() == compiled.rules.size());
    CHECK(read->rules.at(0).id == "optout_grok_sharing");
    CHECK(read->settings.at(0).availability.at(0).from == 1721952000);
    CHECK(read->table.layout == compiled.table.layout);
    CHECK(read->table.cells == compiled.table.cells);
    CHECK(read->table.words == compiled.table.words);
    CHECK(runtime::write_artifact(*read) == bytes);
  }
}

// Loading must refuse every truncation and every flipped byte, and never crash (the suite
// also runs under AddressSanitizer and UBSan).
void check_every_damage(const std::string& bytes) {
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const auto loaded = Policy::from_bytes(std::string_view(bytes).substr(0, length));
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == Error::Code::invalid_artifact);
    CHECK_FALSE(loaded.error().message.empty());
  }
  std::string damaged = bytes;
  for (std::size_t offset = 0; offset < bytes.size(); ++offset) {
    for (const unsigned char mask : {0x01, 0x80, 0xFF}) {
      damaged[offset] = static_cast<char>(bytes[offset] ^ mask);
      const auto loaded = Policy::from_bytes(damaged);
      if (loaded.ok()) FAIL("a flipped byte was accepted at offset " << offset);
    }
    damaged[offset] = bytes[offset];
  }
}

TEST_CASE("every truncation and every flipped byte of a dense artifact is refused") {
  check_every_damage(runtime::write_artifact(compile_file("policies/x-grok-2024-07.policy")));
}

TEST_CASE("every truncation and every flipped byte of a diagram artifact is refused") {
  compiler::CompileOptions options;
  options.max_dense_cells = 1;
  check_every_damage(runtime::write_artifact(compile_file("policies/x-grok-2024-08.policy", options)));
}

TEST_CASE("damage is named in the error") {
  const std::string bytes = runtime::write_artifact(compile_file("policies/x-grok-2024-07.policy"));
  CHECK(Policy::from_bytes("").error().message == "not a complete usegate artifact: the file ends inside the header");
  CHECK(Policy::from_bytes("policy x \"t\"\n").error().message ==
        "not a usegate artifact (the file does not start with `USEGATE`)");
  std::string other_version = bytes;
  other_version[8] = 9;
  CHECK(Policy::from_bytes(other_version).error().message ==
        "unsupported artifact format version 9 (this usegate reads version 1)");
  const auto truncated = Policy::from_bytes(std::string_view(bytes).substr(0, 100));
  CHECK(truncated.error().message == "truncated artifact: 100 bytes of " + std::to_string(bytes.size()));
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  CHECK(Policy::from_bytes(flipped).error().message.starts_with("corrupted artifact: checksum "));
  CHECK(Policy::load_file("/nonexistent.ugt").error().message == "cannot read `/nonexistent.ugt`: No such file or directory");
}

// A file with a valid checksum can still lie; the structure is checked on its own.
TEST_CASE("a well-formed file with an inconsistent table is refused") {
  auto compiled = compile_file("policies/x-grok-2024-07.policy");
  SUBCASE("a cell that allows for a deny rule") {
    auto& cell = compiled.table.cells.at(0);
    cell = static_cast<runtime::Cell>((1 /* rule 0: the opt-out, a deny */ << 1) | 1);
    CHECK(Policy::from_bytes(runtime::write_artifact(compiled)).error().message ==
          "invalid artifact: table cell 0 is not a valid decision");
  }
  SUBCASE("a cell naming a rule that does not exist") {
    compiled.table.cells.at(3) = static_cast<runtime::Cell>(200 << 1);
    CHECK(Policy::from_bytes(runtime::write_artifact(compiled)).error().message ==
          "invalid artifact: table cell 3 is not a valid decision");
  }
  SUBCASE("too few cells for the variables") {
    compiled.table.cells.pop_back();
    CHECK(Policy::from_bytes(runtime::write_artifact(compiled)).error().message.starts_with(
        "invalid artifact: the dense table has "));
  }
  SUBCASE("an ordered variable with unsorted constants") {
    compiled = compile_file("policies/x-grok-2024-08.policy");
    for (auto& variable : compiled.variables) {
      if (variable.kind == runtime::VariableKind::ordered && variable.constants.size() >= 2) {
        std::swap(variable.constants[0], variable.constants[1]);
      }
    }
    CHECK(Policy::from_bytes(runtime::write_artifact(compiled)).error().message ==
          "invalid artifact: variable 4 has unordered constants");
  }
}

TEST_CASE("a diagram whose child points back up is refused") {
  compiler::CompileOptions options;
  options.max_dense_cells = 1;
  auto compiled = compile_file("policies/x-grok-2024-08.policy", options);
  REQUIRE(compiled.table.layout == runtime::DecisionTable::Layout::diagram);
  // Point the first node's first child at the root: a cycle.
  compiled.table.words.at(1) = compiled.table.root;
  CHECK(Policy::from_bytes(runtime::write_artifact(compiled)).error().message ==
        "invalid artifact: diagram node at word 0 has an invalid child for code 0");
}

}  // namespace
