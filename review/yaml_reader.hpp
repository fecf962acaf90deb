#pragma once
// What the YAML readers of review/ share (scenarios, policy test files): maps read key by key
// with `did you mean` for a misspelt key, and every problem thrown as a clang-style
// diagnostic at the node's position.

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "usegate/base/result.hpp"
#include "usegate/base/suggest.hpp"
#include "usegate/records/yaml_diagnostics.hpp"

namespace usegate::review {

inline std::string key_list(std::initializer_list<std::string_view> keys) {
  std::string list;
  for (const auto key : keys) list += fmt::format("{}`{}`", list.empty() ? "" : ", ", key);
  return list;
}

// A YAML input that cannot be used, thrown from deep inside a reader to its entry point.
struct YamlInputError {
  Error error;
};

// "did you mean `x`?" when a name is close to one of the candidates; `otherwise` when not.
inline std::string suggestion(const std::string& name, const std::vector<std::string>& candidates,
                              std::string otherwise = {}) {
  std::string help = did_you_mean(name, candidates);
  return help.empty() ? otherwise : help;
}

// Reads YAML nodes and reports problems at their marks.
class YamlReader {
 public:
  YamlReader(const std::string& path, const std::string& text) : source_(path, text) {}

  [[noreturn]] void fail(const YAML::Mark& mark, std::uint32_t length, std::string message,
                         std::string help = {}) const {
    throw YamlInputError{source_.error(source_.diagnostic(mark, length, std::move(message), std::move(help)))};
  }

  [[noreturn]] void fail(const YAML::Node& node, std::string message, std::string help = {}) const {
    fail(node.Mark(), source_.length_of(node), std::move(message), std::move(help));
  }

  [[nodiscard]] YAML::Node parse() const {
    try {
      return YAML::Load(source_.source().text());
    } catch (const YAML::Exception& error) {
      fail(error.mark, 1, error.msg);
    }
  }

  // The entries of a map, in order; a map is required, and each key at most once.
  [[nodiscard]] std::vector<std::pair<YAML::Node, YAML::Node>> entries(const YAML::Node& map,
                                                                       const std::string& what) const {
    if (!map.IsMap()) fail(map, fmt::format("{} must be a map", what));
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs;
    std::set<std::string> seen;
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) fail(entry.first, fmt::format("the keys of {} must be names", what));
      if (!seen.insert(entry.first.Scalar()).second) {
        fail(entry.first, fmt::format("`{}` appears twice in {}", entry.first.Scalar(), what));
      }
      pairs.emplace_back(entry.first, entry.second);
    }
    return pairs;
  }

  // Checks that a map has only the allowed keys; returns the value of each key (null when absent).
  [[nodiscard]] std::vector<YAML::Node> fields(const YAML::Node& map, const std::string& what,
                                               std::initializer_list<std::string_view> allowed) const {
    std::vector<YAML::Node> values(allowed.size());
    for (const auto& [key, value] : entries(map, what)) {
      std::size_t index = 0;
      for (const auto name : allowed) {
        if (name == key.Scalar()) break;
        ++index;
      }
      if (index == allowed.size()) {
        const std::vector<std::string> names(allowed.begin(), allowed.end());
        fail(key, fmt::format("unknown key `{}` in {}", key.Scalar(), what),
             suggestion(key.Scalar(), names, fmt::format("expected {}", key_list(allowed))));
      }
      values[index] = value;
    }
    return values;
  }

  // A key that must be there (`fields` leaves an absent key as a null node without a mark).
  void require(const YAML::Node& value, const YAML::Node& parent, std::string_view key, const std::string& what) const {
    if (!value.IsNull()) return;
    if (value.Mark().line >= 0) fail(value, fmt::format("`{}` needs a value", key));
    fail(parent, fmt::format("{} needs `{}`", what, key));
  }

  [[nodiscard]] std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, fmt::format("{} must be a single value", what));
    return node.Scalar();
  }

 protected:
  [[nodiscard]] const records::YamlSource& yaml_source() const { return source_; }

 private:
  records::YamlSource source_;
};

}  // namespace usegate::review
