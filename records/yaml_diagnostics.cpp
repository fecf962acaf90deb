#include "usegate/records/yaml_diagnostics.hpp"

#include <algorithm>

namespace usegate::records {

Diagnostic YamlSource::diagnostic(const YAML::Mark& mark, std::uint32_t length, std::string message,
                                  std::string help) const {
  Diagnostic diagnostic;
  diagnostic.message = std::move(message);
  diagnostic.help = std::move(help);
  const bool known = mark.line >= 0 && mark.column >= 0 && mark.pos >= 0;
  if (known) {
    // The offset decides the line shown; yaml-cpp's line and column agree with it.
    diagnostic.span.begin = source_.position_of(static_cast<std::uint32_t>(mark.pos));
  }
  diagnostic.span.end_offset = diagnostic.span.begin.offset + std::max<std::uint32_t>(length, 1);
  return diagnostic;
}

Diagnostic YamlSource::diagnostic(const YAML::Node& node, std::string message, std::string help) const {
  return diagnostic(node.Mark(), length_of(node), std::move(message), std::move(help));
}

Error YamlSource::error(const Diagnostic& diagnostic) const {
  return Error{Error::Code::invalid_input, format_diagnostic(source_, diagnostic), 0};
}

std::uint32_t YamlSource::length_of(const YAML::Node& node) const {
  if (!node.IsDefined() || !node.IsScalar() || node.Mark().pos < 0) return 1;
  const std::string& text = source_.text();
  const auto start = static_cast<std::size_t>(node.Mark().pos);
  if (start < text.size() && (text[start] == '"' || text[start] == '\'')) {
    const auto close = text.find(text[start], start + 1);
    if (close != std::string::npos) return static_cast<std::uint32_t>(close - start + 1);
  }
  return static_cast<std::uint32_t>(node.Scalar().size());
}

}  // namespace usegate::records
