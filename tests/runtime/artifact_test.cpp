// Artifacts: a round trip keeps everything, and any damage is refused with a clear error.
#include <doctest/doctest.h>

#include <cstring>

#include "crc32.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;

runtime::CompiledPolicy compile_file(const std::string& relative, compiler::CompileOptions options = {}) {
  const usegate::SourceFile source(relative, testing::read_text(testing::source_path(relative)));
  const auto analysis = compiler::analyze_policy(source, false);
  REQUIRE(analysis.policy.has_value());
  auto compiled = compiler::compile_policy(*analysis.policy, options);
  REQUIRE(compiled.ok());
  return std::move(compiled.value());
}

TEST_CASE("an artifact reads back exactly what was written") {
  for (const std::size_t dense_limit : {std::size_t{1} << 18, std::size_t{1}}) {
    compiler::CompileOptions options;
    options.max_dense_cells = dense_limit;
    const auto compiled = compile_file("policies/x-grok-2024-08.policy", options);
    const std::string bytes = runtime::write_artifact(compiled);
    const auto read = runtime::read_artifact(bytes);
    INFO((read ? std::string() : read.error().message));
    REQUIRE(read.ok());
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
    for (const int mask : {0x01, 0x80, 0xFF}) {
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
  CHECK(Policy::load_file("/nonexistent.ugt").error().message ==
        "cannot read `/nonexistent.ugt`: No such file or directory");
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
    CHECK(Policy::from_bytes(runtime::write_artifact(compiled))
              .error()
              .message.starts_with("invalid artifact: the dense table has "));
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

// ---------------------------------------------------------------- structural damage
// Files whose checksum is right but whose structure lies: every index, count and table word
// the runtime follows is checked, and loading stops at the first problem (the checks after it
// would follow the bad index).

std::string load_error(const runtime::CompiledPolicy& compiled) {
  const auto loaded = Policy::from_bytes(runtime::write_artifact(compiled));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == Error::Code::invalid_artifact);
  return loaded.error().message;
}

std::size_t attribute_index(const runtime::CompiledPolicy& compiled, std::string_view name) {
  for (std::size_t i = 0; i < compiled.attributes.size(); ++i) {
    if (compiled.attributes[i].name == name) return i;
  }
  FAIL("no attribute " << name);
  return 0;
}

TEST_CASE("a platform attribute past the attributes is refused, not followed") {
  // The settings check reads the platform attribute's values for `available on`; it must not
  // run once the index is known to be bad.
  auto compiled = compile_file("policies/x-grok-2024-07.policy");
  REQUIRE_FALSE(compiled.settings.at(0).availability.empty());
  for (const std::int32_t index : {static_cast<std::int32_t>(compiled.attributes.size()), 0x7FFFFFF0, -2}) {
    CAPTURE(index);
    compiled.platform_attribute = index;
    CHECK(load_error(compiled) == "invalid artifact: the platform attribute does not exist");
  }
}

TEST_CASE("indices that point past their lists are refused with a valid checksum") {
  auto compiled = compile_file("policies/x-grok-2024-07.policy");
  const std::size_t platform = attribute_index(compiled, "platform");
  const std::size_t category = attribute_index(compiled, "category");
  const std::size_t ts = attribute_index(compiled, "ts");
  REQUIRE(compiled.attributes[category].variable >= 0);
  REQUIRE(compiled.attributes[ts].variable == -1);
  std::string expected;
  SUBCASE("the platform attribute is not an enum") {
    compiled.platform_attribute = static_cast<std::int32_t>(ts);
    expected = "invalid artifact: the platform attribute is not an enum";
  }
  SUBCASE("a setting's platform past the platform values") {
    compiled.settings[0].availability[0].platforms.push_back(
        static_cast<std::uint32_t>(compiled.attributes[platform].values.size()));
    expected = "invalid artifact: setting `grok_sharing` names platform 3, which does not exist";
  }
  SUBCASE("availability without a platform attribute") {
    compiled.platform_attribute = -1;
    expected = "invalid artifact: setting `grok_sharing` has availability but the policy has no platforms";
  }
  SUBCASE("an attribute's variable past the variables") {
    compiled.attributes[ts].variable = static_cast<std::int32_t>(compiled.variables.size());
    expected = "invalid artifact: attribute `ts` names variable " + std::to_string(compiled.variables.size()) +
               ", which does not exist";
  }
  SUBCASE("an attribute naming the variable of another attribute") {
    compiled.attributes[ts].variable = compiled.attributes[category].variable;
    expected = "invalid artifact: attribute `ts` names variable " +
               std::to_string(compiled.attributes[category].variable) + ", which tests something else";
  }
  SUBCASE("an attribute naming a setting's variable") {
    compiled.attributes[ts].variable = compiled.settings[0].variable;
    expected = "invalid artifact: attribute `ts` names variable " + std::to_string(compiled.settings[0].variable) +
               ", which tests something else";
  }
  SUBCASE("a setting's variable past the variables") {
    compiled.settings[0].variable = static_cast<std::int32_t>(compiled.variables.size());
    expected = "invalid artifact: setting `grok_sharing` has no variable";
  }
  SUBCASE("a rule naming a setting past the settings") {
    compiled.rules.back().setting = 1;
    expected = "invalid artifact: rule `" + compiled.rules.back().id + "` names setting 1, which does not exist";
  }
  SUBCASE("a variable whose attribute is past the attributes") {
    const auto variable = static_cast<std::size_t>(compiled.attributes[category].variable);
    compiled.variables[variable].source = static_cast<std::uint32_t>(compiled.attributes.size());
    expected = "invalid artifact: variable " + std::to_string(variable) + " does not match its attribute";
  }
  SUBCASE("a setting variable whose setting is past the settings") {
    const auto variable = static_cast<std::size_t>(compiled.settings[0].variable);
    compiled.variables[variable].source = 5;
    expected = "invalid artifact: variable " + std::to_string(variable) + " does not match its setting";
  }
  SUBCASE("a variable of an unknown kind") {
    compiled.variables[0].kind = static_cast<runtime::VariableKind>(7);
    expected = "invalid artifact: variable 0 has an unknown kind";
  }
  SUBCASE("an enum value listed twice") {
    compiled.attributes[category].values.push_back("post");
    expected = "invalid artifact: attribute `category` lists the value `post` twice";
  }
  SUBCASE("a setting with the name of an attribute") {
    compiled.settings[0].name = "region";
    expected = "invalid artifact: setting `region` appears twice, or has the name of an attribute";
  }
  SUBCASE("a built-in attribute other than `now`") {
    compiled.attributes[ts].builtin = true;
    expected = "invalid artifact: attribute `ts` is marked built in, but only one time `now` is";
  }
  CHECK(load_error(compiled) == expected);
}

TEST_CASE("only the first problem of a file is reported") {
  auto compiled = compile_file("policies/x-grok-2024-07.policy");
  compiled.platform_attribute = 0x7FFFFFF0;                    // found first
  compiled.rules.back().setting = 9;                           // would be next
  compiled.table.cells.at(0) = static_cast<runtime::Cell>(1);  // and then this
  CHECK(load_error(compiled) == "invalid artifact: the platform attribute does not exist");
}

TEST_CASE("diagram words that point out of range are refused") {
  compiler::CompileOptions options;
  options.max_dense_cells = 1;
  auto compiled = compile_file("policies/x-grok-2024-08.policy", options);
  REQUIRE(compiled.table.layout == runtime::DecisionTable::Layout::diagram);
  auto& words = compiled.table.words;
  REQUIRE(words.size() > 4);
  const auto word_count = static_cast<std::uint32_t>(words.size());
  std::string expected;
  SUBCASE("a child past the words") {
    words.at(1) = word_count + 5;
    expected = "invalid artifact: diagram node at word 0 has an invalid child for code 0";
  }
  SUBCASE("a child inside a node rather than at its start") {
    words.at(1) = 1;
    expected = "invalid artifact: diagram node at word 0 has an invalid child for code 0";
  }
  SUBCASE("a terminal whose reason is past the rules") {
    words.at(1) = runtime::terminal_bit | static_cast<std::uint32_t>((compiled.rules.size() + 1) << 1);
    expected = "invalid artifact: diagram node at word 0 has an invalid child for code 0";
  }
  SUBCASE("a terminal with bits above its cell") {
    words.at(1) = runtime::terminal_bit | 0x10000u;
    expected = "invalid artifact: diagram node at word 0 has an invalid child for code 0";
  }
  SUBCASE("a node naming a variable past the variables") {
    words.at(0) = static_cast<std::uint32_t>(compiled.variables.size());
    expected = "invalid artifact: diagram word 0 names variable " + std::to_string(compiled.variables.size()) +
               ", which does not exist";
  }
  SUBCASE("a last node cut short") {
    words.pop_back();
    expected = "runs past the end";
  }
  SUBCASE("a root past the words") {
    compiled.table.root = word_count;
    expected = "invalid artifact: the diagram's root is invalid";
  }
  SUBCASE("a root that allows for a deny rule") {
    compiled.table.root = runtime::terminal_bit | (1u << 1) | 1u;
    REQUIRE_FALSE(compiled.rules.at(0).allow);
    expected = "invalid artifact: the diagram's root is invalid";
  }
  const std::string message = load_error(compiled);
  if (expected == "runs past the end") {
    CHECK(message.starts_with("invalid artifact: diagram node at word "));
    CHECK(message.ends_with(" runs past the end"));
  } else {
    CHECK(message == expected);
  }
}

// Byte-level damage for what the model cannot express (counts that lie), with the checksum
// recomputed so that the structure checks are what refuses the file.
std::string with_checksum_repaired(std::string bytes) {
  std::memset(bytes.data() + 12, 0, 4);
  const std::uint32_t checksum = runtime::crc32(bytes);
  std::memcpy(bytes.data() + 12, &checksum, sizeof checksum);
  return bytes;
}

void put_u32(std::string& bytes, std::size_t offset, std::uint32_t value) {
  REQUIRE(offset + 4 <= bytes.size());
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

// Where the attribute count is: after the header and the policy's names and sources.
std::size_t attribute_count_offset(const runtime::CompiledPolicy& compiled) {
  std::size_t offset = 24 + 4 + compiled.name.size() + 4 + compiled.title.size() + 4 + compiled.version.size() + 4;
  for (const auto& source : compiled.sources) offset += 4 + source.size();
  return offset + 1;  // the default
}

TEST_CASE("counts larger than the file are refused before anything is allocated") {
  const auto compiled = compile_file("policies/x-grok-2024-07.policy");
  const std::string bytes = runtime::write_artifact(compiled);
  REQUIRE(Policy::from_bytes(with_checksum_repaired(bytes)).ok());
  const std::size_t attributes_at = attribute_count_offset(compiled);
  {
    std::uint32_t count = 0;
    std::memcpy(&count, bytes.data() + attributes_at, 4);
    REQUIRE(count == compiled.attributes.size());
  }
  SUBCASE("the attribute count") {
    std::string damaged = bytes;
    put_u32(damaged, attributes_at, 0xFFFFFFFFu);
    const auto loaded = Policy::from_bytes(with_checksum_repaired(damaged));
    CHECK(loaded.error().message == "invalid artifact: attributes count 4294967295 is larger than the file");
    CHECK(loaded.error().offset == attributes_at);
  }
  SUBCASE("the first attribute name's length") {
    std::string damaged = bytes;
    put_u32(damaged, attributes_at + 4, 0x10000000u);
    const auto loaded = Policy::from_bytes(with_checksum_repaired(damaged));
    CHECK(loaded.error().message == "invalid artifact: an attribute name count 268435456 is larger than the file");
  }
  SUBCASE("the dense table's cell count") {
    // The table ends the file: layout, cell count, cells.
    const std::size_t count_at = bytes.size() - 2 * compiled.table.cells.size() - 4;
    std::string damaged = bytes;
    put_u32(damaged, count_at, static_cast<std::uint32_t>(compiled.table.cells.size() + 1));
    const auto loaded = Policy::from_bytes(with_checksum_repaired(damaged));
    CHECK(loaded.error().message == "invalid artifact: table cells count " +
                                        std::to_string(compiled.table.cells.size() + 1) + " is larger than the file");
    CHECK(loaded.error().offset == count_at);
  }
  SUBCASE("fewer cells than the file holds") {
    const std::size_t count_at = bytes.size() - 2 * compiled.table.cells.size() - 4;
    std::string damaged = bytes;
    put_u32(damaged, count_at, static_cast<std::uint32_t>(compiled.table.cells.size() - 1));
    CHECK(Policy::from_bytes(with_checksum_repaired(damaged)).error().message ==
          "invalid artifact: unexpected bytes after the table");
  }
  SUBCASE("an unknown table layout") {
    const std::size_t layout_at = bytes.size() - 2 * compiled.table.cells.size() - 4 - 1;
    std::string damaged = bytes;
    damaged[layout_at] = 2;
    const auto loaded = Policy::from_bytes(with_checksum_repaired(damaged));
    CHECK(loaded.error().message == "invalid artifact: unknown table layout 2");
    CHECK(loaded.error().offset == layout_at);
  }
}

TEST_CASE("the diagram's word count must match the file") {
  compiler::CompileOptions options;
  options.max_dense_cells = 1;
  const auto compiled = compile_file("policies/x-grok-2024-08.policy", options);
  const std::string bytes = runtime::write_artifact(compiled);
  const std::size_t count_at = bytes.size() - 4 * compiled.table.words.size() - 4;
  std::string damaged = bytes;
  put_u32(damaged, count_at, 0x40000000u);
  CHECK(Policy::from_bytes(with_checksum_repaired(damaged)).error().message ==
        "invalid artifact: diagram words count 1073741824 is larger than the file");
}

}  // namespace
