#include "usegate/compiler/checked_policy.hpp"

namespace usegate::compiler {
namespace {

template <typename Items, typename Key>
std::optional<std::uint32_t> find_index(const Items& items, Key key, std::string_view wanted) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].*key == wanted) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint32_t> Attribute::find_value(std::string_view value) const {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] == value) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> CheckedPolicy::find_attribute(std::string_view wanted) const {
  return find_index(attributes, &Attribute::name, wanted);
}

std::optional<std::uint32_t> CheckedPolicy::find_setting(std::string_view wanted) const {
  return find_index(settings, &Setting::name, wanted);
}

std::optional<std::uint32_t> CheckedPolicy::find_rule(std::string_view id) const {
  return find_index(rules, &Rule::id, id);
}

const char* attribute_kind_keyword(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::enumeration: return "enum";
    case AttributeKind::time: return "time";
    case AttributeKind::number: return "number";
    case AttributeKind::boolean: return "bool";
  }
  return "";
}

const char* attribute_kind_phrase(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::enumeration: return "an enum";
    case AttributeKind::time: return "a time";
    case AttributeKind::number: return "a number";
    case AttributeKind::boolean: return "a bool";
  }
  return "";
}

std::string optout_rule_id(std::string_view setting) {
  return "optout_" + std::string(setting);
}

}  // namespace usegate::compiler
