#pragma once
// What a compiled policy artifact holds, as plain data: the compiler fills it in and writes
// it (write_artifact), the runtime reads it back (read_artifact) and checks every field
// before anything uses it. The byte layout is documented in docs/artifact.md.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace usegate::runtime {

enum class AttributeType : std::uint8_t {
  enumeration = 0,
  boolean = 1,  // values `false`, `true`
  time = 2,
  number = 3,
};

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

enum class VariableKind : std::uint8_t {
  categorical = 0,  // codes: 0 missing, 1 unknown, 2 + value index
  ordered = 1,      // codes: 0 missing, 1 unknown, then (-inf,c0), [c0], (c0,c1), ..., (ck-1,+inf)
  setting = 2,      // codes: 0 off, 1 on
};

struct VariableInfo {
  VariableKind kind = VariableKind::categorical;
  std::uint32_t source = 0;       // attribute index, or setting index for settings
  std::uint32_t cell_count = 0;   // number of codes
  std::vector<double> constants;  // ordered: sorted, distinct, finite (time keys for times)
};

// Codes shared by every layer.
inline constexpr std::uint16_t missing_code = 0;
inline constexpr std::uint16_t unknown_code = 1;
inline constexpr std::uint16_t first_value_code = 2;
inline constexpr std::uint16_t setting_off_code = 0;
inline constexpr std::uint16_t setting_on_code = 1;

// A decision cell: bit 0 is allow, the rest the reason: 0 the default, r the rule r - 1.
using Cell = std::uint16_t;
inline constexpr std::size_t max_rules = 0x7FFE;  // reasons must fit a cell

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

struct ArtifactError {
  std::string message;
  std::size_t offset = 0;  // where in the file the problem was found
};

// Reads and validates an artifact: magic, format version, size, checksum, then every count,
// index and table entry. A truncated or corrupted artifact gives an error, never a crash.
[[nodiscard]] std::optional<CompiledPolicy> read_artifact(std::string_view bytes, ArtifactError& error);

inline constexpr std::uint32_t artifact_format_version = 1;

}  // namespace usegate::runtime
