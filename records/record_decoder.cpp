#include "usegate/records/record_decoder.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>
#include <unordered_map>

#include "json_document.hpp"
#include "json_scan.hpp"
#include "json_validation.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/records/field_rules.hpp"
#include "usegate/records/subject_key.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"
#include "usegate/runtime/value_index.hpp"

namespace usegate::records {

using simdjson::ondemand::json_type;

const char* reject_cause_name(RejectCause cause) {
  switch (cause) {
    case RejectCause::none: return "none";
    case RejectCause::invalid_json: return "invalid_json";
    case RejectCause::invalid_utf8: return "invalid_utf8";
    case RejectCause::not_an_object: return "not_an_object";
    case RejectCause::too_deep: return "too_deep";
    case RejectCause::duplicate_key: return "duplicate_key";
    case RejectCause::number_out_of_range: return "number_out_of_range";
    case RejectCause::line_too_long: return "line_too_long";
  }
  return "invalid_json";
}

namespace {

// What a bound field feeds.
struct Target {
  enum class Kind : std::uint8_t { attribute, setting_value, subject } kind;
  std::uint32_t index;  // into attributes_, settings_ or subjects_
};

// Finds a field's key (or an enum's value) among the bound ones of one object, where it lies
// in the input. Candidates are grouped by their first byte; each is compared by its length and
// one or two 8-byte words read straight from the input. A record's text is followed by the rest
// of its line and the block's zero padding, so reading past its end is safe, and the bytes
// beyond it are masked off.
class KeyIndex {
 public:
  KeyIndex() = default;
  explicit KeyIndex(const std::vector<std::string>& keys) {
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      by_text_.emplace(keys[i], static_cast<int>(i));
      if (keys[i].empty() || keys[i].size() > max_short) {
        long_keys_present_ = long_keys_present_ || !keys[i].empty();
        continue;
      }
      char padded[max_short + 8] = {};  // a policy's own strings have no bytes to spare
      std::memcpy(padded, keys[i].data(), keys[i].size());
      entries.push_back(
          Entry{words_of(padded, keys[i].size()), static_cast<std::uint32_t>(keys[i].size()), static_cast<int>(i)});
    }
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      return static_cast<unsigned char>(keys[a.index][0]) < static_cast<unsigned char>(keys[b.index][0]);
    });
    entries_ = std::move(entries);
    for (std::size_t at = 0; at < entries_.size(); ++at) {
      const auto first = static_cast<unsigned char>(keys[entries_[at].index][0]);
      if (buckets_[first].count == 0) buckets_[first].start = static_cast<std::uint32_t>(at);
      ++buckets_[first].count;
    }
  }

  // The index of `key`, or -1, for a key anywhere (not necessarily in a padded input).
  [[nodiscard]] int find(std::string_view key) const {
    const auto found = by_text_.find(key);
    return found == by_text_.end() ? -1 : found->second;
  }

  // The index of the `length` bytes at `text`, which lie in a padded input block, or -1.
  [[nodiscard]] int find_in_input(const char* text, std::size_t length) const {
    if (length > max_short) return long_keys_present_ ? find(std::string_view(text, length)) : -1;
    if (length == 0) return -1;
    const auto first = static_cast<unsigned char>(text[0]);
    const Bucket bucket = buckets_[first];
    const Entry* candidate = entries_.data() + bucket.start;
    for (const Entry* end = candidate + bucket.count; candidate != end; ++candidate) {
      if (candidate->length == length && words_of(text, length) == candidate->words) return candidate->index;
    }
    return -1;
  }

 private:
  static constexpr std::size_t max_short = 16;
  struct Words {
    std::uint64_t first = 0;
    std::uint64_t second = 0;
    bool operator==(const Words&) const = default;
  };
  struct Entry {
    Words words;
    std::uint32_t length;
    int index;
  };

  static std::uint64_t masked(const char* at, std::size_t bytes) {
    std::uint64_t word = 0;
    std::memcpy(&word, at, 8);
    return bytes >= 8 ? word : word & ((std::uint64_t{1} << (8 * bytes)) - 1);
  }
  static Words words_of(const char* data, std::size_t length) {
    return {masked(data, length), length > 8 ? masked(data + 8, length - 8) : 0};
  }

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, int, TextHash, std::equal_to<>> by_text_;
  // The entries with one first byte: where they start, how many (side by side, so that a
  // lookup reads one cache line).
  struct Bucket {
    std::uint32_t start = 0;
    std::uint32_t count = 0;
  };
  std::vector<Entry> entries_;         // short keys, by first byte
  std::array<Bucket, 256> buckets_{};  // by first byte
  bool long_keys_present_ = false;
};

// A node of the tree of bound paths: `geo.region` and `geo.country` share `geo`.
struct PathNode {
  // What a record's field reads first, ahead of the large key index.
  std::vector<Target> targets;
  // No target maps values (value_map): a string without escapes feeds the targets straight
  // from the input (RecordDecoder::State::scan_plain_text), the common case of the text scan.
  bool plain_text = true;
  std::vector<std::uint32_t> children;
  std::vector<std::string> child_keys;
  KeyIndex child_index;
};

struct BoundAttribute {
  std::size_t variable;
  runtime::AttributeType type;
  KeyIndex values;         // enumerations: the declared values
  AttributeReader reader;  // every other value (field_rules.hpp)
  [[nodiscard]] bool maps_values() const { return reader.maps_values(); }
};

struct BoundSetting {
  std::size_t variable;
  std::uint32_t subject;     // which subject path keys its consent events
  std::uint32_t first_slot;  // its values in a record: own name first, then former names
  std::uint32_t slot_count;
};

std::uint32_t node_for(std::vector<PathNode>& nodes, const FieldPath& path) {
  std::uint32_t at = 0;
  for (const auto& key : path) {
    const auto& keys = nodes[at].child_keys;
    const auto found = std::find(keys.begin(), keys.end(), key);
    if (found != keys.end()) {
      at = nodes[at].children[static_cast<std::size_t>(found - keys.begin())];
      continue;
    }
    nodes.emplace_back();
    const auto child = static_cast<std::uint32_t>(nodes.size() - 1);
    nodes[at].child_keys.push_back(key);
    nodes[at].children.push_back(child);
    at = child;
  }
  return at;
}

}  // namespace

// A line that is not an object: valid JSON of another type, or not JSON at all.
RejectCause classify_non_object(simdjson::ondemand::document& document) {
  json_type type;
  if (document.type().get(type)) return RejectCause::invalid_json;
  simdjson::error_code error = simdjson::SUCCESS;
  switch (type) {
    case json_type::array: {
      simdjson::ondemand::array array;
      error = document.get_array().get(array);
      if (error) break;
      for (auto element_result : array) {
        simdjson::ondemand::value element;
        error = element_result.get(element);
        if (!error) error = validate_json_value(element, 2, true);
        if (error) break;  // iterating on after an error is not allowed
      }
      break;
    }
    case json_type::string: error = document.get_string().error(); break;
    case json_type::number:
      // A number too large for a double is still a number.
      error = document.get_double().error();
      if (error == simdjson::NUMBER_ERROR) error = simdjson::SUCCESS;
      break;
    case json_type::boolean: error = document.get_bool().error(); break;
    case json_type::null: {
      bool is_null = false;
      error = document.is_null().get(is_null);
      if (!error && !is_null) error = simdjson::INCORRECT_TYPE;
      break;
    }
    default: return RejectCause::invalid_json;
  }
  if (error) return cause_of(error);
  return has_trailing_content(document) ? RejectCause::invalid_json : RejectCause::not_an_object;
}

namespace {

// A bound field's value, read once (several bindings may read the same field) and checked as
// strictly as validate_json_value would.
struct BoundValue {
  json_type type = json_type::null;
  FieldValue field = FieldValue::other();
  std::string_view token;  // numbers: as written, for value maps and subject ids
  bool escaped = false;    // strings: the text was unescaped (it is not in the padded input)
};

RejectCause read_bound_value(simdjson::ondemand::value& value, unsigned depth, BoundValue& out) {
  out = BoundValue{};
  if (auto error = value.type().get(out.type)) return cause_of(error);
  switch (out.type) {
    case json_type::string: {
      // Most strings hold no escape: their bytes in the input are the text, nothing is copied.
      const char* text = value.raw_json_token().data() + 1;
      const char* end = string_text_end(text);
      if (*end == '"') {
        // Consumed all the same, so that On-Demand checks what follows it (validate_string).
        simdjson::ondemand::raw_json_string raw;
        if (auto error = value.get_raw_json_string().get(raw)) return cause_of(error);
        out.field = FieldValue::from_string(std::string_view(text, static_cast<std::size_t>(end - text)));
        return RejectCause::none;
      }
      std::string_view unescaped;
      if (auto error = value.get_string().get(unescaped)) return cause_of(error);
      out.field = FieldValue::from_string(unescaped);
      out.escaped = true;
      return RejectCause::none;
    }
    case json_type::number: {
      out.token = value.raw_json_token();
      while (!out.token.empty() && std::isspace(static_cast<unsigned char>(out.token.back())))
        out.token.remove_suffix(1);
      simdjson::ondemand::number number;
      if (auto error = value.get_number().get(number)) return number_error_cause(error, out.token);
      out.field = FieldValue::from_number(number.as_double());
      return RejectCause::none;
    }
    case json_type::boolean: {
      bool flag = false;
      if (auto error = value.get_bool().get(flag)) return cause_of(error);
      out.field = FieldValue::from_bool(flag);
      return RejectCause::none;
    }
    case json_type::null: {
      bool is_null = false;
      if (auto error = value.is_null().get(is_null)) return cause_of(error);
      if (!is_null) return RejectCause::invalid_json;
      out.field = FieldValue::null();
      return RejectCause::none;
    }
    case json_type::object:
    case json_type::array:
      if (auto error = validate_json_value(value, depth, true)) return cause_of(error);
      out.field = FieldValue::other();
      return RejectCause::none;
  }
  return RejectCause::invalid_json;
}

// The JSON kind of a value, as the shared field rules name it.
ValueType value_type(json_type type) {
  switch (type) {
    case json_type::null: return ValueType::null;
    case json_type::boolean: return ValueType::boolean;
    case json_type::number: return ValueType::number;
    case json_type::string: return ValueType::string;
    default: return ValueType::composite;
  }
}

}  // namespace

struct RecordDecoder::State {
  const Policy& policy;
  const ConsentLedger* ledger;
  simdjson::ondemand::parser parser;
  std::vector<PathNode> nodes{1};
  std::vector<BoundAttribute> attributes;
  std::vector<BoundSetting> settings;
  std::size_t subject_count = 0;
  std::vector<Code> initial_codes;  // missing for read attributes, constants, `now`

  // Per record.
  std::vector<FieldValue> setting_values;  // per slot: a setting's own name, then its former names
  std::vector<std::string> subject_keys;
  std::vector<bool> subject_found;
  std::vector<std::string_view> keys;         // the keys of the objects being walked, innermost last
  std::vector<json_scan::KeyMark> key_marks;  // the same, for the text scan
  bool line_has_escapes = true;               // false: no string of the line needs unescaping
  BoundValue bound_value;
  bool text_scan = true;
  json_scan::TextScanner scanner;

  State(const Policy& p, const ConsentLedger* l) : policy(p), ledger(l) {}

  void feed_attribute(const BoundAttribute& bound, const BoundValue& value, Code* codes) {
    // The common case, an enum value with no value map, is matched where it lies in the input
    // by the index of the enum's values (code = 2 + index), as Policy::encode would. It reads
    // the value member by member: copying the whole value just written would stall on the
    // stores still in flight.
    if (value.type == json_type::string && !value.escaped && !bound.maps_values() &&
        bound.type == AttributeType::enumeration) {
      const int index = bound.values.find_in_input(value.field.text.data(), value.field.text.size());
      codes[bound.variable] = index < 0 ? runtime::unknown_code : static_cast<Code>(runtime::first_value_code + index);
      return;
    }
    codes[bound.variable] = bound.reader.read(value_type(value.type), value.field, value.token);
  }

  void start_record(Code* codes) {
    std::copy(initial_codes.begin(), initial_codes.end(), codes);
    std::fill(setting_values.begin(), setting_values.end(), FieldValue::absent());
    std::fill(subject_found.begin(), subject_found.end(), false);
    keys.clear();
    key_marks.clear();
  }

  // Reads a bound field's value for the targets it feeds.
  void feed_targets(const PathNode& bound, Code* codes) {
    for (const Target& target : bound.targets) {
      switch (target.kind) {
        case Target::Kind::attribute: feed_attribute(attributes[target.index], bound_value, codes); break;
        case Target::Kind::setting_value: setting_values[target.index] = bound_value.field; break;
        case Target::Kind::subject:
          // Only consent changes are looked up by subject.
          if (ledger != nullptr) subject_found[target.index] = read_subject(bound_value, subject_keys[target.index]);
          break;
      }
    }
  }

  // The fast path: the line read straight from its bytes (json_scan.hpp), with the same results
  // as walk() below. False when the scan does not vouch for the line; the caller then starts
  // over with On-Demand, which accepts the line or says why not.
  bool scan_line(const InputLine& line, Code* codes) {
    if (line.readable < line.text.size() + simdjson::SIMDJSON_PADDING) return false;
    if (!scanner.start(line.text.data(), line.text.size())) return false;
    const char* at = scanner.skip_space(line.text.data());
    if (at == scanner.end() || *at != '{') return false;
    at = scan_object(at + 1, 0, 1, codes);
    return at != nullptr && scanner.skip_space(at) == scanner.end();
  }

  // An object the bindings read, from just after its `{`: returns past its `}`, or nullptr.
  const char* scan_object(const char* at, std::uint32_t node_index, unsigned depth, Code* codes) {
    if (depth > json_scan::max_scan_depth) return nullptr;
    const char* const end = scanner.end();
    const PathNode& node = nodes[node_index];
    // Repeated keys: equal keys are either both bound (the same child: one bit each for the
    // first 64) or both not, and those are compared with each other.
    std::uint64_t children_seen = 0;
    const std::size_t first_key = key_marks.size();
    at = scanner.skip_space(at);
    if (at < end && *at == '}') return at + 1;
    for (;;) {
      if (at >= end || *at != '"') return nullptr;
      const char* key = at + 1;
      bool escaped = false;
      const char* key_end = scanner.string_close(key, escaped);
      if (key_end == nullptr || escaped) return nullptr;  // keys with escapes are left to On-Demand
      const auto key_length = static_cast<std::size_t>(key_end - key);
      at = scanner.skip_space(key_end + 1);
      if (at >= end || *at != ':') return nullptr;
      at = scanner.skip_space(at + 1);
      const int child = node.child_index.find_in_input(key, key_length);
      if (child < 0 || child >= 64) {
        key_marks.push_back(json_scan::key_mark(key, key_length));
      } else {
        const std::uint64_t bit = std::uint64_t{1} << child;
        if ((children_seen & bit) != 0) return nullptr;
        children_seen |= bit;
      }
      if (child < 0) {
        at = scanner.value_end(at, depth + 1);
      } else {
        const std::uint32_t child_node = node.children[static_cast<std::size_t>(child)];
        const PathNode& bound = nodes[child_node];
        if (bound.plain_text && at < end && *at == '"') {
          at = scan_plain_text(at, bound, codes);
        } else if (!bound.children.empty() && at < end && *at == '{') {
          for (const Target& target : bound.targets) clear_target(target, codes);
          at = scan_object(at + 1, child_node, depth + 1, codes);
        } else {
          at = scan_bound_value(at, depth + 1);
          if (at != nullptr) feed_targets(bound, codes);
        }
      }
      if (at == nullptr) return nullptr;
      at = scanner.skip_space(at);
      if (at >= end) return nullptr;
      if (*at == '}') break;
      if (*at != ',') return nullptr;
      at = scanner.skip_space(at + 1);
    }
    if (json_scan::has_repeated_key(std::span<const json_scan::KeyMark>(key_marks).subspan(first_key))) return nullptr;
    key_marks.resize(first_key);
    return at + 1;
  }

  // A string at `at` for a node whose targets map no values: they are fed from the text where
  // it lies, as feed_targets would feed them. Returns past the string, or nullptr (escapes are
  // left to On-Demand).
  const char* scan_plain_text(const char* at, const PathNode& bound, Code* codes) {
    bool escaped = false;
    const char* close = scanner.string_close(at + 1, escaped);
    if (close == nullptr || escaped) return nullptr;
    const std::string_view text(at + 1, static_cast<std::size_t>(close - at - 1));
    for (const Target& target : bound.targets) {
      switch (target.kind) {
        case Target::Kind::attribute: {
          const BoundAttribute& attribute = attributes[target.index];
          if (attribute.type == AttributeType::enumeration) {
            const int index = attribute.values.find_in_input(text.data(), text.size());
            codes[attribute.variable] =
                index < 0 ? runtime::unknown_code : static_cast<Code>(runtime::first_value_code + index);
          } else if (attribute.type == AttributeType::time) {
            codes[attribute.variable] = policy.encode(
                attribute.variable, apply_time_format(attribute.reader.time_format(), FieldValue::from_string(text)));
          } else {
            codes[attribute.variable] = policy.encode(attribute.variable, FieldValue::from_string(text));
          }
          break;
        }
        case Target::Kind::setting_value: setting_values[target.index] = FieldValue::from_string(text); break;
        case Target::Kind::subject:
          if (ledger != nullptr) {
            subject_key_from_string(text, subject_keys[target.index]);
            subject_found[target.index] = true;
          }
          break;
      }
    }
    return close + 1;
  }

  // A bound field's value into bound_value, as read_bound_value would read it: returns its end,
  // or nullptr (strings with escapes and numbers other than integers are left to On-Demand).
  const char* scan_bound_value(const char* at, unsigned depth) {
    const char* const end = scanner.end();
    BoundValue& out = bound_value;
    out = BoundValue{};
    if (at >= end) return nullptr;
    const char* value_end = nullptr;
    switch (*at) {
      case '"': {
        bool escaped = false;
        const char* close = scanner.string_close(at + 1, escaped);
        if (close == nullptr || escaped) return nullptr;
        out.type = json_type::string;
        out.field = FieldValue::from_string(std::string_view(at + 1, static_cast<std::size_t>(close - at - 1)));
        return close + 1;
      }
      case 't':
      case 'f':
        value_end = json_scan::literal_end(at, end, *at == 't' ? "true" : "false");
        out.type = json_type::boolean;
        out.field = FieldValue::from_bool(*at == 't');
        return value_end;
      case 'n':
        out.type = json_type::null;
        out.field = FieldValue::null();
        return json_scan::literal_end(at, end, "null");
      case '{':
      case '[': out.type = *at == '{' ? json_type::object : json_type::array; return scanner.value_end(at, depth);
      default: {
        bool integer = false;
        value_end = json_scan::number_end(at, end, integer);
        if (value_end == nullptr || !integer) return nullptr;
        out.type = json_type::number;
        out.token = std::string_view(at, static_cast<std::size_t>(value_end - at));
        out.field = FieldValue::from_number(json_scan::integer_value(out.token));
        return value_end;
      }
    }
  }

  RejectCause walk(simdjson::ondemand::object object, std::uint32_t node_index, unsigned depth, Code* codes) {
    const PathNode& node = nodes[node_index];
    const std::size_t first_key = keys.size();
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      if (auto error = std::move(field_result).get(field)) return cause_of(error);
      // Keys are matched where they lie in the input; only a key with escapes is unescaped.
      const char* raw_key = field.key().raw();
      const char* key_end = string_text_end(raw_key);
      std::string_view key(raw_key, static_cast<std::size_t>(key_end - raw_key));
      int child = -1;
      if (*key_end == '"') {
        child = node.child_index.find_in_input(raw_key, key.size());
      } else {
        if (auto error = field.unescaped_key().get(key)) return cause_of(error);
        child = node.child_index.find(key);
      }
      keys.push_back(key);
      simdjson::ondemand::value value = field.value();
      if (child < 0) {
        if (auto error = validate_json_value(value, depth + 1, line_has_escapes)) return cause_of(error);
        continue;
      }
      const std::uint32_t child_node = node.children[static_cast<std::size_t>(child)];
      const PathNode& bound = nodes[child_node];
      if (!bound.children.empty()) {
        json_type type;
        if (auto error = value.type().get(type)) return cause_of(error);
        if (type == json_type::object) {
          for (const Target& target : bound.targets) clear_target(target, codes);
          simdjson::ondemand::object inner;
          if (auto error = value.get_object().get(inner)) return cause_of(error);
          if (const RejectCause cause = walk(inner, child_node, depth + 1, codes); cause != RejectCause::none) {
            return cause;
          }
          continue;
        }
      }
      if (const RejectCause cause = read_bound_value(value, depth + 1, bound_value); cause != RejectCause::none) {
        return cause;
      }
      feed_targets(bound, codes);
    }
    // Readers disagree on which copy of a repeated key wins: a decision on one copy could let
    // the other through downstream.
    if (has_duplicate_key(std::span<const std::string_view>(keys).subspan(first_key)))
      return RejectCause::duplicate_key;
    keys.resize(first_key);
    return RejectCause::none;
  }

  // A bound object whose members are bound too: the object itself is no value.
  void clear_target(const Target& target, Code* codes) {
    if (target.kind == Target::Kind::attribute) {
      codes[attributes[target.index].variable] = policy.encode(attributes[target.index].variable, FieldValue::other());
    } else if (target.kind == Target::Kind::setting_value) {
      setting_values[target.index] = FieldValue::other();
    } else {
      subject_found[target.index] = false;
    }
  }

  // Subjects match by value (subject_key.hpp): `50`, `5e1` and `"50"` are one subject.
  static bool read_subject(const BoundValue& value, std::string& key) {
    if (value.type == json_type::string) {
      subject_key_from_string(value.field.text, key);
      return true;
    }
    return value.type == json_type::number && subject_key_from_number(value.token, key);
  }
};

RecordDecoder::RecordDecoder(const Policy& policy, const Bindings& bindings, const ConsentLedger* ledger,
                             std::int64_t now)
    : state_(std::make_unique<State>(policy, ledger)) {
  State& state = *state_;
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  state.initial_codes.assign(policy.variable_count(), runtime::missing_code);
  // `now` is the same for every record.
  for (const auto& attribute : compiled.attributes) {
    if (attribute.builtin && attribute.variable >= 0) {
      state.initial_codes[static_cast<std::size_t>(attribute.variable)] =
          policy.encode_time(static_cast<std::size_t>(attribute.variable), now);
    }
  }
  for (const auto& binding : bindings.attributes) {
    if (!binding.variable) continue;  // the policy never tests it: no need to read it
    const auto& info = compiled.attributes[static_cast<std::size_t>(compiled.variables[*binding.variable].source)];
    if (binding.constant) {
      state.initial_codes[*binding.variable] = constant_code(policy, binding);
      continue;
    }
    const auto index = static_cast<std::uint32_t>(state.attributes.size());
    state.attributes.push_back(
        BoundAttribute{*binding.variable, info.type, KeyIndex(info.values), AttributeReader(policy, binding)});
    state.nodes[node_for(state.nodes, binding.path)].targets.push_back(Target{Target::Kind::attribute, index});
  }
  // Subjects: the distinct key paths of the settings.
  std::vector<FieldPath> subject_paths;
  std::uint32_t slot = 0;
  for (const auto& binding : bindings.settings) {
    const auto found = std::find(subject_paths.begin(), subject_paths.end(), binding.key_path);
    const auto subject = static_cast<std::uint32_t>(found - subject_paths.begin());
    if (found == subject_paths.end()) {
      subject_paths.push_back(binding.key_path);
      state.nodes[node_for(state.nodes, binding.key_path)].targets.push_back(Target{Target::Kind::subject, subject});
    }
    // A record's value for the setting: under its own name, then under each former name.
    BoundSetting bound{binding.variable, subject, slot, 0};
    if (!binding.path.empty()) {
      state.nodes[node_for(state.nodes, binding.path)].targets.push_back(Target{Target::Kind::setting_value, slot++});
      ++bound.slot_count;
      for (const auto& former : binding.former_paths) {
        state.nodes[node_for(state.nodes, former)].targets.push_back(Target{Target::Kind::setting_value, slot++});
        ++bound.slot_count;
      }
    }
    state.settings.push_back(bound);
  }
  state.subject_count = subject_paths.size();
  state.setting_values.assign(slot, FieldValue::absent());
  state.subject_keys.assign(state.subject_count, {});
  state.subject_found.assign(state.subject_count, false);
  for (auto& node : state.nodes) {
    node.child_index = KeyIndex(node.child_keys);
    for (const Target& target : node.targets) {
      if (target.kind == Target::Kind::attribute && state.attributes[target.index].maps_values()) {
        node.plain_text = false;
      }
    }
  }
}

RecordDecoder::~RecordDecoder() = default;
RecordDecoder::RecordDecoder(RecordDecoder&&) noexcept = default;

// The line through simdjson On-Demand, every value visited: slower than the text scan, and the
// reader of every line the scan does not vouch for.
RejectCause RecordDecoder::read_exactly(const InputLine& line, Code* codes) {
  State& state = *state_;
  state.start_record(codes);
  state.line_has_escapes = std::memchr(line.text.data(), '\\', line.text.size()) != nullptr;
  simdjson::ondemand::document document;
  if (auto error = state.parser.iterate(simdjson::padded_string_view(line.text.data(), line.text.size(), line.readable))
                       .get(document)) {
    return cause_of(error);
  }
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    return error == simdjson::INCORRECT_TYPE ? classify_non_object(document) : cause_of(error);
  }
  if (const RejectCause cause = state.walk(object, 0, 1, codes); cause != RejectCause::none) return cause;
  return has_trailing_content(document) ? RejectCause::invalid_json : RejectCause::none;
}

void RecordDecoder::set_text_scan(bool on) {
  state_->text_scan = on;
}

RejectCause RecordDecoder::decode(const InputLine& line, Code* codes) {
  State& state = *state_;
  bad_consent_values_ = 0;
  subject_unreadable_ = false;
  state.start_record(codes);
  if (state.text_scan && state.scan_line(line, codes)) {
    ++scanned_lines_;
  } else if (const RejectCause cause = read_exactly(line, codes); cause != RejectCause::none) {
    return cause;
  }

  // Consent: the event stream's state for the subject wins; else the record's own value
  // (under the setting's name, else under its former names in order); else the setting's
  // default. A bad value counts as off and is reported. When events are given but the
  // record's subject cannot be read, an opt-out it may have made cannot be ruled out: its
  // settings count as off.
  for (const BoundSetting& setting : state.settings) {
    SettingInputs inputs;
    inputs.ledger = state.ledger;
    if (state.ledger != nullptr && state.subject_found[setting.subject]) {
      inputs.subject_key = &state.subject_keys[setting.subject];
    }
    inputs.recorded = std::span<const FieldValue>(state.setting_values).subspan(setting.first_slot, setting.slot_count);
    const SettingCode decided = setting_code(state.policy, static_cast<std::size_t>(&setting - state.settings.data()),
                                             setting.variable, inputs);
    codes[setting.variable] = decided.code;
    bad_consent_values_ += decided.bad_value ? 1 : 0;
    subject_unreadable_ = subject_unreadable_ || decided.subject_unreadable;
  }
  return RejectCause::none;
}

}  // namespace usegate::records
