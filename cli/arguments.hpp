#pragma once
// A small command-line reader: `--name value`, `--name=value`, `-j 4`, flags, positionals.
// Anything it does not know is a usage error (exit 2), reported with the command's name.

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace usegate::cli {

// Thrown for a command line that does not make sense; main prints it and exits with 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  // `flags` take no value; `options` take one (repeatable ones keep every value).
  Arguments(std::string command, std::vector<std::string_view> words, std::set<std::string> flags,
            std::set<std::string> options);

  [[nodiscard]] bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  [[nodiscard]] std::optional<std::string> option(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const;
  [[nodiscard]] const std::vector<std::string>& positionals() const { return positionals_; }

  // `--format text|json|yaml`, checked against what the command offers.
  [[nodiscard]] std::string format(const std::vector<std::string>& allowed) const;
  // A required option, or a usage error naming it.
  [[nodiscard]] std::string required(const std::string& name) const;

 private:
  std::string command_;
  std::set<std::string> flags_;
  std::multimap<std::string, std::string> options_;
  std::vector<std::string> positionals_;
};

}  // namespace usegate::cli
