#include "arguments.hpp"

#include <fmt/format.h>

namespace usegate::cli {

Arguments::Arguments(std::string command, std::vector<std::string_view> words, std::set<std::string> flags,
                     std::set<std::string> options)
    : command_(std::move(command)) {
  bool only_positionals = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string word(words[i]);
    if (only_positionals || word == "-" || !word.starts_with('-')) {
      positionals_.push_back(word);
      continue;
    }
    if (word == "--") {
      only_positionals = true;
      continue;
    }
    std::string name = word;
    std::optional<std::string> value;
    if (const auto equals = word.find('='); equals != std::string::npos && word.starts_with("--")) {
      name = word.substr(0, equals);
      value = word.substr(equals + 1);
    }
    if (flags.count(name) > 0) {
      if (value) throw UsageError(fmt::format("{}: `{}` takes no value", command_, name));
      flags_.insert(name);
      continue;
    }
    if (options.count(name) == 0) {
      throw UsageError(fmt::format("{}: unknown option `{}` (see `usegate {} --help`)", command_, name, command_));
    }
    if (!value) {
      if (i + 1 >= words.size()) {
        throw UsageError(fmt::format("{}: `{}` needs a value", command_, name));
      }
      value = std::string(words[++i]);
    }
    options_.emplace(name, *value);
  }
}

std::optional<std::string> Arguments::option(const std::string& name) const {
  const auto [begin, end] = options_.equal_range(name);
  if (begin == end) return std::nullopt;
  auto last = end;
  return (--last)->second;  // the last one given wins
}

std::vector<std::string> Arguments::all(const std::string& name) const {
  std::vector<std::string> values;
  const auto [begin, end] = options_.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

std::string Arguments::format(const std::vector<std::string>& allowed) const {
  const std::string chosen = option("--format").value_or(allowed.front());
  for (const auto& candidate : allowed) {
    if (candidate == chosen) return chosen;
  }
  std::string list;
  for (const auto& candidate : allowed) list += (list.empty() ? "" : ", ") + candidate;
  throw UsageError(fmt::format("{}: unknown format `{}` (choose from {})", command_, chosen, list));
}

std::string Arguments::required(const std::string& name) const {
  if (auto value = option(name)) return *value;
  throw UsageError(fmt::format("{}: `{}` is required", command_, name));
}

}  // namespace usegate::cli
