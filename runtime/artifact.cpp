// The artifact file format (docs/artifact.md): a 24-byte header, then the policy's fields in
// a fixed order, all integers little-endian.
//
//   0  magic "USEGATE\0"      8 bytes
//   8  format version         u32
//   12 CRC-32 of the file     u32, computed with these four bytes as zero
//   16 total size in bytes    u64
//   24 body
//
// A signed artifact has 84 more bytes after the body (signature_trailer.hpp).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "usegate/base/format_text.hpp"

#include "crc32.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/signature_trailer.hpp"

namespace usegate::runtime {
namespace {

constexpr char magic[8] = {'U', 'S', 'E', 'G', 'A', 'T', 'E', '\0'};
constexpr std::size_t header_size = 24;
constexpr std::size_t checksum_offset = 12;

static_assert(std::endian::native == std::endian::little, "artifacts are written little-endian");

class Writer {
 public:
  void bytes(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
  template <typename T>
  void number(T value) {
    bytes(&value, sizeof value);
  }
  void text(std::string_view value) {
    number(static_cast<std::uint32_t>(value.size()));
    bytes(value.data(), value.size());
  }
  void texts(const std::vector<std::string>& values) {
    number(static_cast<std::uint32_t>(values.size()));
    for (const auto& value : values) text(value);
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

// Reads fields with a bounds check on every one; the first failure sticks.
class Reader {
 public:
  explicit Reader(std::string_view bytes, std::size_t start) : bytes_(bytes), at_(start) {}

  template <typename T>
  T number(const char* what) {
    T value{};
    if (!need(sizeof value, what)) return value;
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  // A count of items that take at least `item_size` bytes each: more than the rest of the
  // file could hold is corruption, caught before anything is allocated.
  std::uint32_t count(const char* what, std::size_t item_size) {
    const std::size_t before = at_;
    const auto value = number<std::uint32_t>(what);
    if (failed()) return 0;
    if (static_cast<std::uint64_t>(value) * item_size > bytes_.size() - at_) {
      fail(before, format_text("{} count {} is larger than the file", what, value));
      return 0;
    }
    return value;
  }
  std::string text(const char* what) {
    const std::uint32_t size = count(what, 1);
    if (failed()) return {};
    std::string value(bytes_.substr(at_, size));
    at_ += size;
    return value;
  }
  std::vector<std::string> texts(const char* what) {
    std::vector<std::string> values(count(what, 4));
    for (auto& value : values) value = text(what);
    return values;
  }
  bool flag(const char* what) {
    const std::size_t before = at_;
    const auto value = number<std::uint8_t>(what);
    if (value > 1) fail(before, format_text("{} is {}, not 0 or 1", what, value));
    return value == 1;
  }

  void fail(std::size_t offset, std::string message) {
    if (failed()) return;
    error_ = Error{Error::Code::invalid_artifact, std::move(message), offset};
  }
  void fail(std::string message) { fail(at_, std::move(message)); }
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] const Error& error() const { return *error_; }
  [[nodiscard]] std::size_t offset() const { return at_; }
  [[nodiscard]] bool at_end() const { return at_ == bytes_.size(); }

 private:
  bool need(std::size_t size, const char* what) {
    if (failed()) return false;
    if (bytes_.size() - at_ < size) {
      fail(format_text("the file ends inside {}", what));
      return false;
    }
    return true;
  }

  std::string_view bytes_;
  std::size_t at_;
  std::optional<Error> error_;
};

void write_optional_time(Writer& writer, const std::optional<std::int64_t>& time) {
  writer.number<std::uint8_t>(time ? 1 : 0);
  writer.number<std::int64_t>(time.value_or(0));
}

std::optional<std::int64_t> read_optional_time(Reader& reader, const char* what) {
  const bool present = reader.flag(what);
  const auto value = reader.number<std::int64_t>(what);
  return present ? std::optional(value) : std::nullopt;
}

// ------------------------------------------------------------------ validation
// Everything the runtime relies on, checked once at load so that deciding needs no checks
// beyond the range of each input code. Each check stops at the first failure, and the next
// runs only when the ones before it passed: later checks index with what earlier ones
// vouched for (the settings check reads the platform attribute's values, the variables
// check follows attribute and setting indices), so going on after a failure would read out
// of bounds.
class Validator {
 public:
  Validator(const CompiledPolicy& policy, Reader& reader) : policy_(policy), reader_(reader) {}

  void run(std::size_t table_offset) {
    if (!check_attributes() || !check_settings() || !check_rules() || !check_variables()) return;
    if (policy_.table.layout == DecisionTable::Layout::dense) {
      check_dense(table_offset);
    } else {
      check_diagram(table_offset);
    }
  }

 private:
  bool fail(std::string message) {
    reader_.fail(0, std::move(message));
    return false;
  }

  bool check_attributes() {
    std::set<std::string_view> values;
    bool builtin_seen = false;
    for (const auto& attribute : policy_.attributes) {
      if (!names_.insert(attribute.name).second)
        return fail(format_text("attribute `{}` appears twice", attribute.name));
      if (static_cast<std::uint8_t>(attribute.type) > 3)
        return fail(format_text("attribute `{}` has an unknown type", attribute.name));
      const bool categorical = attribute.type == AttributeType::enumeration || attribute.type == AttributeType::boolean;
      if (!categorical && !attribute.values.empty())
        return fail(format_text("attribute `{}` lists values but is not an enum", attribute.name));
      if (attribute.type == AttributeType::boolean && attribute.values != std::vector<std::string>{"false", "true"}) {
        return fail(format_text("bool attribute `{}` must have the values false and true", attribute.name));
      }
      if (attribute.values.size() + first_value_code > 0xFFFF)
        return fail(format_text("attribute `{}` has too many values", attribute.name));
      values.clear();
      for (const auto& value : attribute.values) {
        if (!values.insert(value).second)
          return fail(format_text("attribute `{}` lists the value `{}` twice", attribute.name, value));
      }
      if (attribute.builtin && (builtin_seen || attribute.name != "now" || attribute.type != AttributeType::time)) {
        return fail(format_text("attribute `{}` is marked built in, but only one time `now` is", attribute.name));
      }
      builtin_seen = builtin_seen || attribute.builtin;
      if (attribute.variable < -1 || attribute.variable >= static_cast<std::int64_t>(policy_.variables.size())) {
        return fail(
            format_text("attribute `{}` names variable {}, which does not exist", attribute.name, attribute.variable));
      }
    }
    if (policy_.platform_attribute < -1 ||
        policy_.platform_attribute >= static_cast<std::int64_t>(policy_.attributes.size())) {
      return fail("the platform attribute does not exist");
    }
    if (policy_.platform_attribute >= 0 &&
        policy_.attributes[policy_.platform_attribute].type != AttributeType::enumeration) {
      return fail("the platform attribute is not an enum");
    }
    return true;
  }

  bool check_settings() {
    for (const auto& setting : policy_.settings) {
      if (!names_.insert(setting.name).second) {
        return fail(format_text("setting `{}` appears twice, or has the name of an attribute", setting.name));
      }
      if (setting.variable < 0 || setting.variable >= static_cast<std::int64_t>(policy_.variables.size())) {
        return fail(format_text("setting `{}` has no variable", setting.name));
      }
      if (!setting.availability.empty() && policy_.platform_attribute < 0) {
        return fail(format_text("setting `{}` has availability but the policy has no platforms", setting.name));
      }
      for (const auto& availability : setting.availability) {
        const auto& platforms = policy_.attributes[policy_.platform_attribute].values;
        for (const auto platform : availability.platforms) {
          if (platform >= platforms.size()) {
            return fail(format_text("setting `{}` names platform {}, which does not exist", setting.name, platform));
          }
        }
      }
    }
    return true;
  }

  bool check_rules() {
    if (policy_.rules.size() > max_rules) return fail("too many rules");
    for (const auto& rule : policy_.rules) {
      if (rule.setting < -1 || rule.setting >= static_cast<std::int64_t>(policy_.settings.size())) {
        return fail(format_text("rule `{}` names setting {}, which does not exist", rule.id, rule.setting));
      }
      if (rule.setting >= 0 && rule.allow) return fail(format_text("opt-out rule `{}` allows", rule.id));
    }
    return true;
  }

  bool check_variables() {
    if (policy_.variables.size() > 0xFFFF) return fail("too many variables");
    std::vector<bool> attribute_seen(policy_.attributes.size()), setting_seen(policy_.settings.size());
    for (std::size_t index = 0; index < policy_.variables.size(); ++index) {
      const VariableInfo& variable = policy_.variables[index];
      const auto back_reference = static_cast<std::int32_t>(index);
      switch (variable.kind) {
        case VariableKind::categorical:
        case VariableKind::ordered: {
          if (variable.source >= policy_.attributes.size() || attribute_seen[variable.source] ||
              policy_.attributes[variable.source].variable != back_reference) {
            return fail(format_text("variable {} does not match its attribute", index));
          }
          attribute_seen[variable.source] = true;
          const AttributeInfo& attribute = policy_.attributes[variable.source];
          const bool categorical =
              attribute.type == AttributeType::enumeration || attribute.type == AttributeType::boolean;
          if (categorical != (variable.kind == VariableKind::categorical)) {
            return fail(format_text("variable {} has the wrong kind for attribute `{}`", index, attribute.name));
          }
          if (categorical &&
              (variable.cell_count != attribute.values.size() + first_value_code || !variable.constants.empty())) {
            return fail(format_text("variable {} has the wrong number of cells", index));
          }
          if (!categorical) {
            const bool sorted =
                std::adjacent_find(variable.constants.begin(), variable.constants.end(),
                                   [](double a, double b) { return !(a < b); }) == variable.constants.end();
            const bool finite = std::all_of(variable.constants.begin(), variable.constants.end(),
                                            [](double c) { return std::isfinite(c); });
            if (!sorted || !finite) return fail(format_text("variable {} has unordered constants", index));
            if (variable.cell_count != 2 * variable.constants.size() + 3)
              return fail(format_text("variable {} has the wrong number of cells", index));
          }
          break;
        }
        case VariableKind::setting:
          if (variable.source >= policy_.settings.size() || setting_seen[variable.source] ||
              policy_.settings[variable.source].variable != back_reference || variable.cell_count != 2 ||
              !variable.constants.empty()) {
            return fail(format_text("variable {} does not match its setting", index));
          }
          setting_seen[variable.source] = true;
          break;
        default: return fail(format_text("variable {} has an unknown kind", index));
      }
      if (variable.cell_count > 0xFFFF) return fail(format_text("variable {} has too many cells", index));
    }
    // Every variable points at an attribute that points back; the other way round, an
    // attribute naming a variable must be that variable's source, or its record field would
    // be read as another attribute (or a setting).
    for (std::size_t i = 0; i < policy_.attributes.size(); ++i) {
      if (policy_.attributes[i].variable >= 0 && !attribute_seen[i]) {
        return fail(format_text("attribute `{}` names variable {}, which tests something else",
                                policy_.attributes[i].name, policy_.attributes[i].variable));
      }
    }
    for (std::size_t i = 0; i < policy_.settings.size(); ++i) {
      if (!setting_seen[i]) return fail(format_text("setting `{}` has no variable", policy_.settings[i].name));
    }
    return true;
  }

  bool check_cell(Cell cell) {
    const std::uint32_t reason = cell_reason(cell);
    const bool allow = cell_allows(cell);
    if (reason > policy_.rules.size()) return false;
    // A cell's decision must be its reason's effect: the table cannot allow what no rule does.
    return reason == 0 ? allow == policy_.default_allow : allow == policy_.rules[reason - 1].allow;
  }

  void check_dense(std::size_t offset) {
    std::uint64_t product = 1;
    for (const auto& variable : policy_.variables) {
      product *= variable.cell_count;
      if (product > std::numeric_limits<std::uint32_t>::max()) break;
    }
    if (product != policy_.table.cells.size()) {
      reader_.fail(offset, format_text("the dense table has {} cells, the variables make {}",
                                       policy_.table.cells.size(), product));
      return;
    }
    for (std::size_t i = 0; i < policy_.table.cells.size(); ++i) {
      if (!check_cell(policy_.table.cells[i])) {
        reader_.fail(offset, format_text("table cell {} is not a valid decision", i));
        return;
      }
    }
  }

  void check_diagram(std::size_t offset) {
    const auto& words = policy_.table.words;
    // First pass: where nodes start, and that each fits.
    std::vector<bool> is_node(words.size(), false);
    for (std::size_t at = 0; at < words.size();) {
      const std::uint32_t variable = words[at];
      if (variable >= policy_.variables.size()) {
        reader_.fail(offset, format_text("diagram word {} names variable {}, which does not exist", at, variable));
        return;
      }
      const std::size_t size = 1 + policy_.variables[variable].cell_count;
      if (words.size() - at < size) {
        reader_.fail(offset, format_text("diagram node at word {} runs past the end", at));
        return;
      }
      is_node[at] = true;
      at += size;
    }
    // Second pass: children are terminals with valid cells, or nodes deeper in the order,
    // so every walk ends after at most one step per variable.
    const auto valid_reference = [&](std::uint32_t word, std::int64_t parent_variable) {
      if (word & terminal_bit) return (word & ~terminal_bit) <= 0xFFFF && check_cell(static_cast<Cell>(word & 0xFFFF));
      return word < words.size() && is_node[word] && static_cast<std::int64_t>(words[word]) > parent_variable;
    };
    for (std::size_t at = 0; at < words.size(); at += 1 + policy_.variables[words[at]].cell_count) {
      const std::uint32_t variable = words[at];
      for (std::uint32_t code = 0; code < policy_.variables[variable].cell_count; ++code) {
        if (!valid_reference(words[at + 1 + code], variable)) {
          reader_.fail(offset, format_text("diagram node at word {} has an invalid child for code {}", at, code));
          return;
        }
      }
    }
    if (!valid_reference(policy_.table.root, -1)) reader_.fail(offset, "the diagram's root is invalid");
  }

  const CompiledPolicy& policy_;
  Reader& reader_;
  std::set<std::string_view> names_;  // attributes and settings share one namespace
};

}  // namespace

std::string write_artifact(const CompiledPolicy& policy) {
  Writer writer;
  writer.bytes(magic, sizeof magic);
  writer.number<std::uint32_t>(artifact_format_version);
  writer.number<std::uint32_t>(0);  // checksum, filled in below
  writer.number<std::uint64_t>(0);  // size, filled in below

  writer.text(policy.name);
  writer.text(policy.title);
  writer.text(policy.version);
  writer.texts(policy.sources);
  writer.number<std::uint8_t>(policy.default_allow ? 1 : 0);

  writer.number(static_cast<std::uint32_t>(policy.attributes.size()));
  for (const auto& attribute : policy.attributes) {
    writer.text(attribute.name);
    writer.number(static_cast<std::uint8_t>(attribute.type));
    writer.number<std::uint8_t>(attribute.builtin ? 1 : 0);
    writer.texts(attribute.values);
    writer.number(attribute.variable);
  }
  writer.number(policy.platform_attribute);

  writer.number(static_cast<std::uint32_t>(policy.settings.size()));
  for (const auto& setting : policy.settings) {
    writer.text(setting.name);
    writer.text(setting.label);
    writer.number<std::uint8_t>(setting.default_on ? 1 : 0);
    writer.texts(setting.formerly);
    writer.number(static_cast<std::uint32_t>(setting.availability.size()));
    for (const auto& availability : setting.availability) {
      writer.number(static_cast<std::uint32_t>(availability.platforms.size()));
      for (const auto platform : availability.platforms) writer.number(platform);
      write_optional_time(writer, availability.from);
      write_optional_time(writer, availability.until);
    }
    writer.number(setting.variable);
  }

  writer.number(static_cast<std::uint32_t>(policy.rules.size()));
  for (const auto& rule : policy.rules) {
    writer.text(rule.id);
    writer.text(rule.description);
    writer.number<std::uint8_t>(rule.allow ? 1 : 0);
    writer.number(rule.setting);
  }

  writer.number(static_cast<std::uint32_t>(policy.variables.size()));
  for (const auto& variable : policy.variables) {
    writer.number(static_cast<std::uint8_t>(variable.kind));
    writer.number(variable.source);
    writer.number(variable.cell_count);
    writer.number(static_cast<std::uint32_t>(variable.constants.size()));
    for (const double constant : variable.constants) writer.number(constant);
  }

  writer.number(static_cast<std::uint8_t>(policy.table.layout));
  if (policy.table.layout == DecisionTable::Layout::dense) {
    writer.number(static_cast<std::uint32_t>(policy.table.cells.size()));
    writer.bytes(policy.table.cells.data(), policy.table.cells.size() * sizeof(Cell));
  } else {
    writer.number(policy.table.root);
    writer.number(static_cast<std::uint32_t>(policy.table.words.size()));
    writer.bytes(policy.table.words.data(), policy.table.words.size() * sizeof(std::uint32_t));
  }

  std::string& out = writer.out();
  const std::uint64_t size = out.size();
  std::memcpy(out.data() + 16, &size, sizeof size);
  const std::uint32_t checksum = crc32(out);
  std::memcpy(out.data() + checksum_offset, &checksum, sizeof checksum);
  return out;
}

Result<CompiledPolicy> read_artifact(std::string_view file_bytes) {
  // A signed artifact is read as it is without its trailer; only a verifying loader
  // (usegate/signing/signed_artifact.hpp) looks at the signature.
  const auto parts = split_signature(file_bytes);
  if (!parts) return parts.error();
  const std::string_view bytes = parts->artifact;
  const auto invalid = [](std::string message, std::size_t offset) {
    return Error{Error::Code::invalid_artifact, std::move(message), offset};
  };
  if (bytes.size() < sizeof magic || std::memcmp(bytes.data(), magic, sizeof magic) != 0) {
    return invalid(bytes.size() < sizeof magic && std::memcmp(bytes.data(), magic, bytes.size()) == 0
                       ? "not a complete usegate artifact: the file ends inside the header"
                       : "not a usegate artifact (the file does not start with `USEGATE`)",
                   0);
  }
  if (bytes.size() < header_size) {
    return invalid("not a complete usegate artifact: the file ends inside the header", bytes.size());
  }
  std::uint32_t version = 0, checksum = 0;
  std::uint64_t size = 0;
  std::memcpy(&version, bytes.data() + 8, sizeof version);
  std::memcpy(&checksum, bytes.data() + checksum_offset, sizeof checksum);
  std::memcpy(&size, bytes.data() + 16, sizeof size);
  if (version != artifact_format_version) {
    return invalid(format_text("unsupported artifact format version {} (this usegate reads version {})", version,
                               artifact_format_version),
                   8);
  }
  if (size != bytes.size()) {
    return invalid(size > bytes.size()
                       ? format_text("truncated artifact: {} bytes of {}", bytes.size(), size)
                       : format_text("corrupted artifact: {} bytes where the header says {}", bytes.size(), size),
                   16);
  }
  const char zeros[4] = {0, 0, 0, 0};
  std::uint32_t actual = crc32(bytes.substr(0, checksum_offset));
  actual = crc32(std::string_view(zeros, 4), actual);
  actual = crc32(bytes.substr(checksum_offset + 4), actual);
  if (actual != checksum) {
    return invalid(
        format_text("corrupted artifact: checksum {} does not match the content ({})", hex32(checksum), hex32(actual)),
        checksum_offset);
  }

  Reader reader(bytes, header_size);
  CompiledPolicy policy;
  policy.name = reader.text("the policy name");
  policy.title = reader.text("the policy title");
  policy.version = reader.text("the policy version");
  policy.sources = reader.texts("the sources");
  policy.default_allow = reader.flag("the default");

  policy.attributes.resize(reader.count("attributes", 14));
  for (auto& attribute : policy.attributes) {
    attribute.name = reader.text("an attribute name");
    attribute.type = static_cast<AttributeType>(reader.number<std::uint8_t>("an attribute type"));
    attribute.builtin = reader.flag("an attribute's builtin flag");
    attribute.values = reader.texts("attribute values");
    attribute.variable = reader.number<std::int32_t>("an attribute's variable");
  }
  policy.platform_attribute = reader.number<std::int32_t>("the platform attribute");

  policy.settings.resize(reader.count("settings", 21));
  for (auto& setting : policy.settings) {
    setting.name = reader.text("a setting name");
    setting.label = reader.text("a setting label");
    setting.default_on = reader.flag("a setting default");
    setting.formerly = reader.texts("former setting names");
    setting.availability.resize(reader.count("availability entries", 22));
    for (auto& availability : setting.availability) {
      availability.platforms.resize(reader.count("platforms", 4));
      for (auto& platform : availability.platforms) platform = reader.number<std::uint32_t>("a platform");
      availability.from = read_optional_time(reader, "an availability start");
      availability.until = read_optional_time(reader, "an availability end");
    }
    setting.variable = reader.number<std::int32_t>("a setting's variable");
  }

  policy.rules.resize(reader.count("rules", 13));
  for (auto& rule : policy.rules) {
    rule.id = reader.text("a rule id");
    rule.description = reader.text("a rule description");
    rule.allow = reader.flag("a rule effect");
    rule.setting = reader.number<std::int32_t>("a rule's setting");
  }

  policy.variables.resize(reader.count("variables", 13));
  for (auto& variable : policy.variables) {
    variable.kind = static_cast<VariableKind>(reader.number<std::uint8_t>("a variable kind"));
    variable.source = reader.number<std::uint32_t>("a variable's source");
    variable.cell_count = reader.number<std::uint32_t>("a variable's cell count");
    variable.constants.resize(reader.count("constants", sizeof(double)));
    for (double& constant : variable.constants) constant = reader.number<double>("a constant");
  }

  const std::size_t table_offset = reader.offset();
  const auto layout = reader.number<std::uint8_t>("the table layout");
  if (layout == static_cast<std::uint8_t>(DecisionTable::Layout::dense)) {
    policy.table.layout = DecisionTable::Layout::dense;
    policy.table.cells.resize(reader.count("table cells", sizeof(Cell)));
    for (Cell& cell : policy.table.cells) cell = reader.number<Cell>("a table cell");
  } else if (layout == static_cast<std::uint8_t>(DecisionTable::Layout::diagram)) {
    policy.table.layout = DecisionTable::Layout::diagram;
    policy.table.root = reader.number<std::uint32_t>("the diagram root");
    policy.table.words.resize(reader.count("diagram words", sizeof(std::uint32_t)));
    for (auto& word : policy.table.words) word = reader.number<std::uint32_t>("a diagram word");
  } else if (!reader.failed()) {
    reader.fail(table_offset, format_text("unknown table layout {}", layout));
  }
  if (!reader.failed() && !reader.at_end()) reader.fail("unexpected bytes after the table");
  if (!reader.failed()) Validator(policy, reader).run(table_offset);
  if (reader.failed()) {
    Error error = reader.error();
    error.message = "invalid artifact: " + error.message;
    return error;
  }
  return policy;
}

}  // namespace usegate::runtime
