#pragma once
// What a compiled policy artifact holds, as plain data: the compiler fills it in and writes
// it (write_artifact), the runtime reads it back (read_artifact) and checks every field
// before anything uses it. The byte layout is documented in docs/artifact.md.
//
// Internal to usegate's own stages and tools: the public interface (usegate/usegate.hpp)
// does not expose it, so the layout can change without breaking an embedding program.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/base/attribute_type.hpp"
#include "usegate/base/result.hpp"
#include "usegate/runtime/encoding.hpp"

namespace usegate {
class Policy;
}

namespace usegate::runtime {

using usegate::AttributeType;

struct AttributeInfo {
  std::string name;
  AttributeType type = AttributeType::enumeration;
  std::vector<std::string> values;  // enumeration and boolean
  std::int32_t variable = -1;       // the table variable testing it, -1 if none does
  bool builtin = false;             // `now`
};

struct AvailabilityInfo {
  std::vector<std::uint32_t> platforms;  // value indices of the platform attribute
  std::optional<std::int64_t> from;      // epoch seconds, inclusive
  std::optional<std::int64_t> until;     // epoch seconds, exclusive
};

struct SettingInfo {
  std::string name;
  std::string label;
  bool default_on = false;
  std::vector<std::string> formerly;
  std::vector<AvailabilityInfo> availability;
  std::int32_t variable = -1;
};

struct RuleInfo {
  std::string id;  // `optout_<setting>` for a setting's opt-out
  std::string description;
  bool allow = false;
  std::int32_t setting = -1;  // the setting of an opt-out rule
};

struct VariableInfo {
  VariableKind kind = VariableKind::categorical;
  std::uint32_t source = 0;       // attribute index, or setting index for settings
  std::uint32_t cell_count = 0;   // number of codes
  std::vector<double> constants;  // ordered: sorted, distinct, finite (time keys for times)
};

struct DecisionTable {
  enum class Layout : std::uint8_t {
    dense = 0,    // `cells[sum(code[v] * stride[v])]`, strides mixed radix, last variable fastest
    diagram = 1,  // `words`: nodes [variable, child per code]; a child with the top bit set
                  // is a terminal holding a cell in its low 16 bits, else a node's offset
  };
  Layout layout = Layout::dense;
  std::vector<Cell> cells;
  std::vector<std::uint32_t> words;
  std::uint32_t root = 0;  // diagram: the root word (a terminal or a node offset)
};

inline constexpr std::uint32_t terminal_bit = 0x80000000u;

struct CompiledPolicy {
  std::string name;
  std::string title;
  std::string version;
  std::vector<std::string> sources;
  bool default_allow = false;
  std::vector<AttributeInfo> attributes;
  std::vector<SettingInfo> settings;
  std::int32_t platform_attribute = -1;
  std::vector<RuleInfo> rules;
  std::vector<VariableInfo> variables;
  DecisionTable table;
};

// The artifact's bytes.
[[nodiscard]] std::string write_artifact(const CompiledPolicy& policy);

// Reads and validates an artifact: magic, format version, size, checksum, then every count,
// index and table entry. A truncated or corrupted artifact gives an error, never a crash.
// The error is an Error::Code::invalid_artifact with the offset where the problem was found.
// A signed artifact reads as the same artifact unsigned: its trailer must be whole, but the
// signature is not checked here (usegate/signing/signed_artifact.hpp does that).
[[nodiscard]] Result<CompiledPolicy> read_artifact(std::string_view bytes);

inline constexpr std::uint32_t artifact_format_version = 1;

// The artifact a loaded Policy decides with, for the tools that print or analyze it.
[[nodiscard]] const CompiledPolicy& compiled_of(const Policy& policy);

// The one way into a Policy's internals (Policy befriends it).
struct PolicyAccess {
  [[nodiscard]] static const CompiledPolicy& compiled(const Policy& policy);
};

}  // namespace usegate::runtime
