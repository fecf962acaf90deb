#include "usegate/runtime/record_decoder.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "json_document.hpp"
#include "usegate/runtime/time_text.hpp"
#include "value_index.hpp"
#include "usegate/base/calendar.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace usegate::runtime {

using simdjson::ondemand::json_type;

const char* reject_cause_name(RejectCause cause) {
  switch (cause) {
    case RejectCause::none: return "none";
    case RejectCause::invalid_json: return "invalid_json";
    case RejectCause::invalid_utf8: return "invalid_utf8";
    case RejectCause::not_an_object: return "not_an_object";
    case RejectCause::too_deep: return "too_deep";
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
// in the input. Candidates are grouped by their first byte; each is compared as one or two
// 8-byte words read straight from the input and a closing quote where it would end. A
// record's key is followed by the rest of its line and the block's zero padding, so reading
// past its end is safe, and the bytes beyond it are masked off.
class KeyIndex {
 public:
  KeyIndex() = default;
  explicit KeyIndex(const std::vector<std::string>& keys) : keys_(keys) {
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].empty() || keys[i].size() > max_short) {
        long_keys_present_ = long_keys_present_ || !keys[i].empty();
        continue;
      }
      char padded[max_short + 8] = {};  // a policy's own strings have no bytes to spare
      std::memcpy(padded, keys[i].data(), keys[i].size());
      entries.push_back(Entry{words_of(padded, keys[i].size()), static_cast<std::uint32_t>(keys[i].size()),
                              static_cast<int>(i)});
    }
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
      return static_cast<unsigned char>(keys[a.index][0]) < static_cast<unsigned char>(keys[b.index][0]);
    });
    entries_ = std::move(entries);
    for (std::size_t at = 0; at < entries_.size(); ++at) {
      const auto first = static_cast<unsigned char>(keys[entries_[at].index][0]);
      if (count_[first] == 0) start_[first] = static_cast<std::uint16_t>(at);
      ++count_[first];
    }
  }

  // The index of `key`, or -1, for a key anywhere (not necessarily in a padded input).
  [[nodiscard]] int find(std::string_view key) const {
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == key) return static_cast<int>(i);
    }
    return -1;
  }

  // The index of the key whose text starts at `raw`, just after its opening quote in a padded
  // input block, or -1. `escaped` is set when the key holds a backslash: it must then be
  // unescaped and looked up with find().
  [[nodiscard]] int find_in_input(const char* raw, bool& escaped) const {
    escaped = false;
    const auto first = static_cast<unsigned char>(raw[0]);
    const Entry* candidate = entries_.data() + start_[first];
    for (const Entry* end = candidate + count_[first]; candidate != end; ++candidate) {
      if (raw[candidate->length] == '"' && words_of(raw, candidate->length) == candidate->words) {
        return candidate->index;
      }
    }
    // Unbound, unless it is a bound key written with escapes (it starts like a bound key, or
    // with a backslash) or a long bound key: those are scanned to their end.
    if (count_[first] != 0 || raw[0] == '\\' || long_keys_present_) {
      const char* end = raw;
      while (*end != '"' && *end != '\\') ++end;
      escaped = *end == '\\';
      if (!escaped && long_keys_present_) return find(std::string_view(raw, static_cast<std::size_t>(end - raw)));
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

  std::vector<std::string> keys_;
  std::vector<Entry> entries_;             // short keys, by first byte
  std::array<std::uint16_t, 256> start_{};  // first entry with each first byte
  std::array<std::uint16_t, 256> count_{};  // entries with each first byte
  bool long_keys_present_ = false;
};

// A node of the tree of bound paths: `geo.region` and `geo.country` share `geo`.
struct PathNode {
  std::vector<std::string> child_keys;
  std::vector<std::uint32_t> children;
  KeyIndex child_index;
  std::vector<Target> targets;
};

struct BoundAttribute {
  std::size_t variable;
  AttributeType type;
  TimeFormat time_format;
  std::vector<std::pair<std::string, std::string>> value_map;
  KeyIndex values;  // enumerations: the declared values
};

struct BoundSetting {
  std::size_t variable;
  std::uint32_t subject;  // which subject path keys its consent events
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
      for (auto element : array) {
        error = element.error();
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
  std::vector<FieldValue> setting_values;
  std::vector<std::string_view> subjects;
  std::vector<bool> subject_found;

  State(const Policy& p, const ConsentLedger* l) : policy(p), ledger(l) {}

  void feed_attribute(const BoundAttribute& bound, simdjson::ondemand::value& value, json_type type, Code* codes) {
    FieldValue field = FieldValue::other();
    std::string_view mapped_from;  // the text a value map matches on
    switch (type) {
      case json_type::string: {
        // The common case, an enum value with no value map, is matched where it lies in the
        // input by the index of the enum's values (code = 2 + index), as Policy::encode would.
        if (bound.value_map.empty() && bound.type == AttributeType::enumeration) {
          bool escaped = false;
          int index = bound.values.find_in_input(value.raw_json_token().data() + 1, escaped);
          if (escaped) {
            std::string_view unescaped;
            index = value.get_string().get(unescaped) ? -1 : bound.values.find(unescaped);
          }
          codes[bound.variable] = index < 0 ? unknown_code : static_cast<Code>(first_value_code + index);
          return;
        }
        std::string_view text;
        if (!unescaped_string(value, text)) break;
        field = FieldValue::from_string(text);
        mapped_from = text;
        break;
      }
      case json_type::number: {
        double number = 0;
        if (!value.get_double().get(number)) field = FieldValue::from_number(number);
        if (bound.value_map.empty()) break;
        mapped_from = value.raw_json_token();
        while (!mapped_from.empty() && std::isspace(static_cast<unsigned char>(mapped_from.back()))) mapped_from.remove_suffix(1);
        break;
      }
      case json_type::boolean: {
        bool flag = false;
        if (!value.get_bool().get(flag)) {
          field = FieldValue::from_bool(flag);
          mapped_from = flag ? "true" : "false";
        }
        break;
      }
      case json_type::null:
        field = FieldValue::null();
        break;
      default:
        break;
    }
    if (!bound.value_map.empty() && !mapped_from.empty()) {
      for (const auto& [from, to] : bound.value_map) {
        if (from != mapped_from) continue;
        field = bound.type == AttributeType::boolean ? FieldValue::from_bool(to == "true") : FieldValue::from_string(to);
        break;
      }
    }
    if (bound.type == AttributeType::time) field = retime(bound.time_format, field);
    codes[bound.variable] = policy.encode(bound.variable, field);
  }

  // Applies a binding's time format: what is not in that format reads as unknown.
  static FieldValue retime(TimeFormat format, const FieldValue& field) {
    const bool is_text = field.kind == FieldValue::Kind::string;
    const bool is_number = field.kind == FieldValue::Kind::number;
    switch (format) {
      case TimeFormat::automatic: return field;
      case TimeFormat::iso8601: return is_text || !(is_number) ? field : FieldValue::other();
      case TimeFormat::epoch_seconds: return is_number || !is_text ? field : FieldValue::other();
      case TimeFormat::epoch_milliseconds:
        if (is_number) return FieldValue::from_number(field.number / 1000.0);
        return is_text ? FieldValue::other() : field;
    }
    return field;
  }

  simdjson::error_code walk(simdjson::ondemand::object object, std::uint32_t node_index, Code* codes) {
    const PathNode& node = nodes[node_index];
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      if (auto error = std::move(field_result).get(field)) return error;
      // Keys are matched where they lie in the input; only a key with escapes is unescaped.
      bool escaped = false;
      int child = node.child_index.find_in_input(field.key().raw(), escaped);
      if (escaped) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        child = node.child_index.find(key);
      }
      if (child < 0) continue;  // not bound: On-Demand skips the value
      const std::uint32_t child_node = node.children[static_cast<std::size_t>(child)];
      simdjson::ondemand::value value = field.value();
      json_type type;
      if (auto error = value.type().get(type)) return error;
      const PathNode& bound = nodes[child_node];
      if (type == json_type::object && !bound.children.empty()) {
        for (const Target& target : bound.targets) clear_target(target, codes, FieldValue::other());
        simdjson::ondemand::object inner;
        if (auto error = value.get_object().get(inner)) return error;
        if (auto error = walk(inner, child_node, codes)) return error;
        continue;
      }
      for (const Target& target : bound.targets) {
        switch (target.kind) {
          case Target::Kind::attribute:
            feed_attribute(attributes[target.index], value, type, codes);
            break;
          case Target::Kind::setting_value:
            setting_values[target.index] = consent_value(value, type);
            break;
          case Target::Kind::subject:
            subject_found[target.index] = subject_text(value, type, subjects[target.index]);
            break;
        }
      }
    }
    return simdjson::SUCCESS;
  }

  // A string's content. Most strings hold no escape, and then their bytes in the input are
  // the content: nothing is copied. Others are unescaped by simdjson.
  static bool unescaped_string(simdjson::ondemand::value& value, std::string_view& text) {
    std::string_view token = value.raw_json_token();  // `"..."` and any white space after it
    const std::size_t close = token.rfind('"');
    if (close != 0 && close != std::string_view::npos && token.substr(0, close).find('\\') == std::string_view::npos) {
      text = token.substr(1, close - 1);
      return true;
    }
    return !value.get_string().get(text);
  }

  // A bound object whose members are bound too: the object itself is no value.
  void clear_target(const Target& target, Code* codes, FieldValue value) {
    if (target.kind == Target::Kind::attribute) {
      codes[attributes[target.index].variable] = policy.encode(attributes[target.index].variable, value);
    } else if (target.kind == Target::Kind::setting_value) {
      setting_values[target.index] = value;
    } else {
      subject_found[target.index] = false;
    }
  }

  static FieldValue consent_value(simdjson::ondemand::value& value, json_type type) {
    switch (type) {
      case json_type::string: {
        std::string_view text;
        return unescaped_string(value, text) ? FieldValue::from_string(text) : FieldValue::other();
      }
      case json_type::boolean: {
        bool flag = false;
        return value.get_bool().get(flag) ? FieldValue::other() : FieldValue::from_bool(flag);
      }
      case json_type::null:
        return FieldValue::null();
      default:
        return FieldValue::other();
    }
  }

  static bool subject_text(simdjson::ondemand::value& value, json_type type, std::string_view& out) {
    if (type == json_type::string) return unescaped_string(value, out);
    if (type == json_type::number) {
      out = value.raw_json_token();
      while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.remove_suffix(1);
      return true;
    }
    return false;
  }
};

RecordDecoder::RecordDecoder(const Policy& policy, const Bindings& bindings, const ConsentLedger* ledger,
                             std::int64_t now)
    : state_(std::make_unique<State>(policy, ledger)) {
  State& state = *state_;
  const CompiledPolicy& compiled = policy.compiled();
  state.initial_codes.assign(policy.variable_count(), missing_code);
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
      FieldValue value = FieldValue::from_string(*binding.constant);
      if (info.type == AttributeType::boolean) value = FieldValue::from_bool(*binding.constant == "true");
      if (info.type == AttributeType::number || info.type == AttributeType::time) {
        double number = 0;
        const std::string& text = *binding.constant;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (error == std::errc() && end == text.data() + text.size()) value = FieldValue::from_number(number);
      }
      state.initial_codes[*binding.variable] = policy.encode(*binding.variable, value);
      continue;
    }
    const auto index = static_cast<std::uint32_t>(state.attributes.size());
    state.attributes.push_back(BoundAttribute{*binding.variable, info.type, binding.time_format, binding.value_map,
                                              KeyIndex(info.values)});
    state.nodes[node_for(state.nodes, binding.path)].targets.push_back(Target{Target::Kind::attribute, index});
  }
  // Subjects: the distinct key paths of the settings.
  std::vector<FieldPath> subject_paths;
  for (const auto& binding : bindings.settings) {
    const auto found = std::find(subject_paths.begin(), subject_paths.end(), binding.key_path);
    const auto subject = static_cast<std::uint32_t>(found - subject_paths.begin());
    if (found == subject_paths.end()) {
      subject_paths.push_back(binding.key_path);
      state.nodes[node_for(state.nodes, binding.key_path)].targets.push_back(Target{Target::Kind::subject, subject});
    }
    const auto index = static_cast<std::uint32_t>(state.settings.size());
    state.settings.push_back(BoundSetting{binding.variable, subject});
    if (!binding.path.empty()) {
      state.nodes[node_for(state.nodes, binding.path)].targets.push_back(Target{Target::Kind::setting_value, index});
    }
  }
  state.subject_count = subject_paths.size();
  state.setting_values.assign(state.settings.size(), FieldValue::absent());
  state.subjects.assign(state.subject_count, {});
  state.subject_found.assign(state.subject_count, false);
    for (auto& node : state.nodes) node.child_index = KeyIndex(node.child_keys);
}

RecordDecoder::~RecordDecoder() = default;
RecordDecoder::RecordDecoder(RecordDecoder&&) noexcept = default;

RejectCause RecordDecoder::decode(const InputLine& line, Code* codes) {
  State& state = *state_;
  std::copy(state.initial_codes.begin(), state.initial_codes.end(), codes);
  std::fill(state.setting_values.begin(), state.setting_values.end(), FieldValue::absent());
  std::fill(state.subject_found.begin(), state.subject_found.end(), false);

  simdjson::ondemand::document document;
  if (auto error = state.parser.iterate(simdjson::padded_string_view(line.text.data(), line.text.size(), line.readable))
                       .get(document)) {
    return cause_of(error);
  }
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) {
    return error == simdjson::INCORRECT_TYPE ? classify_non_object(document) : cause_of(error);
  }
  if (auto error = state.walk(object, 0, codes)) return cause_of(error);
  if (has_trailing_content(document)) return RejectCause::invalid_json;

  // Consent: the event stream's state for the subject wins; else the record's own value;
  // else the setting's default. A bad value counts as off and is reported.
  bad_consent_values_ = 0;
  for (std::size_t i = 0; i < state.settings.size(); ++i) {
    const BoundSetting& setting = state.settings[i];
    std::optional<bool> from_events;
    if (state.ledger && state.subject_found[setting.subject]) {
      from_events = state.ledger->value(i, state.subjects[setting.subject]);
    }
    if (from_events) {
      codes[setting.variable] = *from_events ? setting_on_code : setting_off_code;
      continue;
    }
    bool bad = false;
    codes[setting.variable] = state.policy.encode_consent(setting.variable, state.setting_values[i], &bad);
    bad_consent_values_ += bad ? 1 : 0;
  }
  return RejectCause::none;
}

}  // namespace usegate::runtime
