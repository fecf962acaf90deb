#pragma once
// Problems in YAML files (bindings, scenarios) reported as the compiler reports a policy's:
// `FILE:LINE:COL: error: message`, the source line, a caret under the node and `= help:`.
// yaml-cpp gives each node a Mark (0-based line, column and byte offset); this turns a mark
// into a Diagnostic and renders it against the file's text.
//
// Users of this header link yaml-cpp themselves (records and review do).

#include <cstdint>
#include <string>

#include <yaml-cpp/yaml.h>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/result.hpp"
#include "usegate/base/source.hpp"

namespace usegate::records {

class YamlSource {
 public:
  YamlSource(std::string name, std::string text) : source_(std::move(name), std::move(text)) {}

  [[nodiscard]] const SourceFile& source() const { return source_; }

  // The error at a mark, `length` bytes long (at least one). A mark yaml-cpp does not know
  // (an empty document) is the start of the file.
  [[nodiscard]] Diagnostic diagnostic(const YAML::Mark& mark, std::uint32_t length, std::string message,
                                      std::string help = {}) const;
  // The error at a node, underlined as far as the node is written on its line.
  [[nodiscard]] Diagnostic diagnostic(const YAML::Node& node, std::string message, std::string help = {}) const;

  // The diagnostic as an Error::Code::invalid_input whose message is the rendered text.
  [[nodiscard]] Error error(const Diagnostic& diagnostic) const;

  // How many bytes a node takes on its line: a scalar as written (quotes included), anything
  // else one.
  [[nodiscard]] std::uint32_t length_of(const YAML::Node& node) const;

 private:
  SourceFile source_;
};

}  // namespace usegate::records
