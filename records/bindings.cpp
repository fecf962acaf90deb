#include "usegate/records/bindings.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "usegate/base/suggest.hpp"
#include "usegate/records/yaml_diagnostics.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::records {
namespace {

// Raised inside the reader at the node it is about, rendered at the top.
struct Problem {
  YAML::Node node;
  std::string message;
  std::string help = {};
};

// "did you mean `x`?" when a candidate is close, else the list of what there is.
std::string suggestion(const std::string& name, const std::vector<std::string>& candidates, const char* listed) {
  std::string help = did_you_mean(name, candidates);
  if (help.empty()) {
    std::string names;
    for (const auto& candidate : candidates) names += (names.empty() ? "`" : ", `") + candidate + "`";
    help = fmt::format("{}: {}", listed, candidates.empty() ? std::string("none") : names);
  }
  return help;
}

// A key of a path. Control characters would be printed back in messages, and no record's key
// holds one unescaped.
void check_key(const YAML::Node& node, const std::string& key, const std::string& path_text) {
  if (key.empty()) throw Problem{node, fmt::format("bad field path `{}`: empty segment", path_text)};
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      throw Problem{node, "a field path cannot hold control characters",
                    "name the field by its key as it is written in the records"};
    }
  }
}

// A path is written `geo.region`, or as a list of keys (`[geo, region.code]`) when a key holds
// a dot or a bracket: each item of the list is one key, taken as it is.
FieldPath read_path(const YAML::Node& node) {
  if (node.IsSequence()) {
    if (node.size() == 0) throw Problem{node, "expected at least one key in the field path"};
    FieldPath path;
    for (const auto& item : node) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        throw Problem{item, "expected a key: each item of a field path list is one key"};
      }
      check_key(item, item.Scalar(), item.Scalar());
      path.push_back(item.Scalar());
    }
    return path;
  }
  if (!node.IsScalar()) throw Problem{node, "expected a field path such as `geo.region`"};
  const std::string text = node.Scalar();
  // `media[0].over18` reads as an index, which a path cannot take; a literal key `media[0]`
  // would never match what was meant.
  if (text.find_first_of("[]") != std::string::npos) {
    throw Problem{node,
                  fmt::format("bad field path `{}`: a path names object keys, and arrays are not supported", text),
                  "bind a field outside the array, or have the pipeline copy the element to a field of its own; a "
                  "key that holds `[`, `]` or `.` is written as a list of keys, such as `[media, \"a.b[0]\"]`"};
  }
  FieldPath path;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = text.find('.', start);
    const std::string segment = text.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    check_key(node, segment, text);
    path.push_back(segment);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return path;
}

void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& where) {
  for (const auto& entry : map) {
    if (!entry.first.IsScalar()) throw Problem{entry.first, fmt::format("the keys of {} must be names", where)};
    const std::string& key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw Problem{entry.first, fmt::format("unknown key `{}` in {}", key, where),
                    suggestion(key, allowed, "the keys")};
    }
  }
}

const char* type_name(runtime::AttributeType type) {
  switch (type) {
    case runtime::AttributeType::enumeration: return "an enum";
    case runtime::AttributeType::boolean: return "a bool";
    case runtime::AttributeType::time: return "a time";
    case runtime::AttributeType::number: return "a number";
  }
  return "";
}

// A constant or a value-map target must be something the attribute can hold.
void check_value(const YAML::Node& node, const runtime::AttributeInfo& attribute, BindingsMode mode) {
  const std::string text = node.Scalar();
  switch (attribute.type) {
    case runtime::AttributeType::enumeration:
      if (mode == BindingsMode::skip_unknown_names) return;  // an undeclared value reads as unknown
      [[fallthrough]];
    case runtime::AttributeType::boolean:
      if (std::find(attribute.values.begin(), attribute.values.end(), text) == attribute.values.end()) {
        throw Problem{node, fmt::format("`{}` is not a value of `{}`", text, attribute.name),
                      suggestion(text, attribute.values, "its values")};
      }
      return;
    case runtime::AttributeType::number: {
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) {
        throw Problem{node, fmt::format("`{}` is not a number, and `{}` is a number", text, attribute.name)};
      }
      return;
    }
    case runtime::AttributeType::time: {
      double seconds = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
      const bool is_epoch =
          error == std::errc() && end == text.data() + text.size() && runtime::time_key_from_epoch(seconds);
      if (!is_epoch && !runtime::time_key_from_text(text)) {
        throw Problem{node, fmt::format("`{}` is not a time (write `YYYY-MM-DD`, "
                                        "`YYYY-MM-DDTHH:MM:SSZ` or epoch seconds)",
                                        text)};
      }
      return;
    }
  }
}

// The attribute's binding; nothing when the policy does not declare it and `mode` skips it.
std::optional<AttributeBinding> read_attribute(const std::string& name, const YAML::Node& key, const YAML::Node& node,
                                               const Policy& policy, BindingsMode mode) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  const auto found = std::find_if(compiled.attributes.begin(), compiled.attributes.end(),
                                  [&](const runtime::AttributeInfo& attribute) { return attribute.name == name; });
  if (found == compiled.attributes.end()) {
    if (mode == BindingsMode::skip_unknown_names) return std::nullopt;
    // A setting under `attributes:` is the likelier mistake than a misspelling.
    for (const auto& setting : compiled.settings) {
      if (setting.name == name) {
        throw Problem{key, fmt::format("`{}` is a setting, not an attribute", name),
                      "bind it under `settings:`, which says where the user's consent for it is found"};
      }
    }
    std::vector<std::string> names;
    for (const auto& attribute : compiled.attributes) {
      if (!attribute.builtin) names.push_back(attribute.name);
    }
    throw Problem{key, fmt::format("unknown attribute `{}`", name),
                  suggestion(name, names, "the policy declares the attributes")};
  }
  const runtime::AttributeInfo& attribute = *found;
  if (attribute.builtin) {
    throw Problem{key, "`now` is the evaluation time, set with `--now`; records do not carry it"};
  }
  AttributeBinding binding;
  binding.attribute = name;
  if (attribute.variable >= 0) binding.variable = static_cast<std::size_t>(attribute.variable);
  if (node.IsScalar() || node.IsSequence()) {
    binding.path = read_path(node);
    return binding;
  }
  if (!node.IsMap()) throw Problem{node, "expected a field path or a map with `field`, `constant`, `values`, `time`"};
  check_keys(node, {"field", "constant", "values", "time"}, fmt::format("attribute `{}`", name));
  if (node["field"] && node["constant"]) {
    throw Problem{node["constant"], fmt::format("attribute `{}` has both a `field` and a `constant`", name)};
  }
  if (node["constant"]) {
    if (!node["constant"].IsScalar()) throw Problem{node["constant"], "expected a single value"};
    check_value(node["constant"], attribute, mode);
    binding.constant = node["constant"].Scalar();
  } else {
    binding.path = node["field"] ? read_path(node["field"]) : FieldPath{name};
  }
  if (const YAML::Node values = node["values"]) {
    if (attribute.type != runtime::AttributeType::enumeration && attribute.type != runtime::AttributeType::boolean) {
      throw Problem{values, fmt::format("`values` maps record values to enum or bool values, and `{}` is {}", name,
                                        type_name(attribute.type))};
    }
    if (!values.IsMap()) throw Problem{values, "expected a map from record values to policy values"};
    for (const auto& entry : values) {
      if (!entry.second.IsScalar()) throw Problem{entry.second, "expected a single value"};
      check_value(entry.second, attribute, mode);
      binding.value_map.emplace_back(entry.first.Scalar(), entry.second.Scalar());
    }
  }
  if (const YAML::Node time = node["time"]) {
    if (attribute.type != runtime::AttributeType::time) {
      throw Problem{time,
                    fmt::format("`time` sets how a time is written, and `{}` is {}", name, type_name(attribute.type))};
    }
    const std::string format = time.Scalar();
    if (format == "auto") {
      binding.time_format = TimeFormat::automatic;
    } else if (format == "iso8601") {
      binding.time_format = TimeFormat::iso8601;
    } else if (format == "epoch_seconds") {
      binding.time_format = TimeFormat::epoch_seconds;
    } else if (format == "epoch_milliseconds") {
      binding.time_format = TimeFormat::epoch_milliseconds;
    } else {
      throw Problem{time, fmt::format("unknown time format `{}`", format),
                    suggestion(format, {"auto", "iso8601", "epoch_seconds", "epoch_milliseconds"}, "the formats")};
    }
  }
  return binding;
}

// The setting's binding; nothing when the policy does not declare it and `mode` skips it.
SettingBinding* find_setting(Bindings& bindings, const std::string& name, const YAML::Node& key, BindingsMode mode) {
  for (auto& setting : bindings.settings) {
    if (setting.setting == name) return &setting;
  }
  if (mode == BindingsMode::skip_unknown_names) return nullptr;
  for (const auto& attribute : bindings.attributes) {
    if (attribute.attribute == name) {
      throw Problem{key, fmt::format("`{}` is an attribute, not a setting", name),
                    "bind it under `attributes:`, which says where a record's value for it is found"};
    }
  }
  std::vector<std::string> names;
  for (const auto& setting : bindings.settings) names.push_back(setting.setting);
  throw Problem{key, fmt::format("unknown setting `{}`", name),
                suggestion(name, names, "the policy declares the settings")};
}

// A value recorded under a former name of a setting lies beside the setting's own field: the
// same path with its last key replaced, in the order the policy lists the former names.
void place_former_names(Bindings& bindings, const runtime::CompiledPolicy& compiled) {
  for (auto& binding : bindings.settings) {
    binding.former_paths.clear();
    if (binding.path.empty()) continue;
    for (const auto& setting : compiled.settings) {
      if (setting.name != binding.setting) continue;
      for (const auto& former : setting.formerly) {
        FieldPath path = binding.path;
        path.back() = former;
        binding.former_paths.push_back(std::move(path));
      }
    }
  }
}

}  // namespace

Bindings default_bindings(const Policy& policy) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  Bindings bindings;
  for (const auto& attribute : compiled.attributes) {
    if (attribute.builtin) continue;
    AttributeBinding binding;
    binding.attribute = attribute.name;
    if (attribute.variable >= 0) binding.variable = static_cast<std::size_t>(attribute.variable);
    binding.path = {attribute.name};
    bindings.attributes.push_back(std::move(binding));
  }
  for (const auto& setting : compiled.settings) {
    bindings.settings.push_back(SettingBinding{
        setting.name, static_cast<std::size_t>(setting.variable), {setting.name}, {}, bindings.user_path});
  }
  place_former_names(bindings, compiled);
  return bindings;
}

Result<Bindings> read_bindings(const std::string& file_name, const std::string& text, const Policy& policy,
                               BindingsMode mode) {
  const YamlSource source(file_name, text);
  Bindings bindings = default_bindings(policy);
  try {
    const YAML::Node root = YAML::Load(text);
    if (root.IsNull()) return bindings;
    if (!root.IsMap()) throw Problem{root, "expected a map with `user`, `attributes` and `settings`"};
    check_keys(root, {"user", "attributes", "settings"}, "the bindings");
    if (const YAML::Node user = root["user"]) bindings.user_path = read_path(user);
    for (auto& setting : bindings.settings) setting.key_path = bindings.user_path;
    if (const YAML::Node attributes = root["attributes"]) {
      if (!attributes.IsMap()) throw Problem{attributes, "expected a map from attribute names to fields"};
      for (const auto& entry : attributes) {
        auto binding = read_attribute(entry.first.Scalar(), entry.first, entry.second, policy, mode);
        if (!binding) continue;
        for (auto& existing : bindings.attributes) {
          if (existing.attribute == binding->attribute) existing = std::move(*binding);
        }
      }
    }
    if (const YAML::Node settings = root["settings"]) {
      if (!settings.IsMap()) throw Problem{settings, "expected a map from setting names to fields"};
      for (const auto& entry : settings) {
        SettingBinding* found = find_setting(bindings, entry.first.Scalar(), entry.first, mode);
        if (found == nullptr) continue;
        SettingBinding& setting = *found;
        const YAML::Node& node = entry.second;
        if (node.IsScalar() || node.IsSequence()) {
          setting.path = read_path(node);
          continue;
        }
        if (!node.IsMap()) throw Problem{node, "expected a field path or a map with `field` and `key`"};
        check_keys(node, {"field", "key"}, fmt::format("setting `{}`", setting.setting));
        if (node["field"]) setting.path = read_path(node["field"]);
        if (node["key"]) setting.key_path = read_path(node["key"]);
      }
    }
    place_former_names(bindings, runtime::compiled_of(policy));
  } catch (const Problem& problem) {
    return source.error(source.diagnostic(problem.node, problem.message, problem.help));
  } catch (const YAML::Exception& exception) {
    return source.error(source.diagnostic(exception.mark, 1, exception.msg));
  }
  return bindings;
}

}  // namespace usegate::records
