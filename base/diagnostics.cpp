#include "usegate/base/diagnostics.hpp"

#include <algorithm>

#include "usegate/base/json_text.hpp"

namespace usegate {

void DiagnosticList::error(SourceSpan span, std::string message, std::string help) {
  diagnostics_.push_back(Diagnostic{Severity::error, std::move(message), span, std::move(help), {}, {}, {}});
}

void DiagnosticList::warning(std::string lint, SourceSpan span, std::string message, std::string help) {
  diagnostics_.push_back(
      Diagnostic{Severity::warning, std::move(message), span, std::move(help), std::move(lint), {}, {}});
}

void DiagnosticList::add(Diagnostic diagnostic) {
  diagnostics_.push_back(std::move(diagnostic));
}

std::size_t DiagnosticList::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(diagnostics_.begin(), diagnostics_.end(),
                    [](const Diagnostic& diagnostic) { return diagnostic.severity == Severity::error; }));
}

std::size_t DiagnosticList::warning_count() const {
  return diagnostics_.size() - error_count();
}

void DiagnosticList::sort_by_position() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.span.begin.offset < b.span.begin.offset; });
}

namespace {

const char* severity_name(Severity severity) {
  return severity == Severity::error ? "error" : "warning";
}

}  // namespace

namespace {

std::string headline(std::string_view file_name, const Diagnostic& diagnostic) {
  std::string line(file_name);
  line.append(":").append(std::to_string(diagnostic.span.begin.line));
  if (diagnostic.span.begin.column > 0) line.append(":").append(std::to_string(diagnostic.span.begin.column));
  line.append(": ").append(severity_name(diagnostic.severity)).append(": ").append(diagnostic.message);
  if (!diagnostic.lint.empty()) line.append(" [").append(diagnostic.lint).append("]");
  return line;
}

std::string render(std::string_view file_name, std::string_view line, const Diagnostic& diagnostic) {
  std::string out = headline(file_name, diagnostic) + "\n";
  const std::string number = std::to_string(diagnostic.span.begin.line);
  const std::string gutter(number.size(), ' ');
  const std::uint32_t column = diagnostic.span.begin.column;
  if (column > 0) {
    out.append(" ").append(number).append(" | ").append(line).append("\n");
    // The caret line keeps the tabs of the source line so that it lines up in a terminal.
    std::string marker;
    for (std::uint32_t i = 0; i + 1 < column && i < line.size(); ++i) {
      marker += line[i] == '\t' ? '\t' : ' ';
    }
    marker += '^';
    const std::uint32_t line_rest = column <= line.size() ? static_cast<std::uint32_t>(line.size()) - column + 1 : 1;
    const std::uint32_t underline = std::min(diagnostic.span.length(), line_rest);
    for (std::uint32_t i = 1; i < underline; ++i) marker += '~';
    out.append(" ").append(gutter).append(" | ").append(marker).append("\n");
  }
  if (!diagnostic.help.empty()) out.append(" ").append(gutter).append(" = help: ").append(diagnostic.help).append("\n");
  for (const auto& detail : diagnostic.details) out.append(" ").append(gutter).append(" ").append(detail).append("\n");
  return out;
}

}  // namespace

std::string format_diagnostic_headline(const SourceFile& source, const Diagnostic& diagnostic) {
  return headline(source.name(), diagnostic);
}

std::string format_diagnostic(const SourceFile& source, const Diagnostic& diagnostic) {
  return render(source.name(), source.line_text(diagnostic.span.begin.line), diagnostic);
}

std::string format_line_diagnostic(std::string_view file_name, std::string_view line_text,
                                   const Diagnostic& diagnostic) {
  return render(file_name, line_text, diagnostic);
}

std::string format_diagnostic_json(const SourceFile& source, const Diagnostic& diagnostic) {
  const SourcePosition end = source.position_of(diagnostic.span.end_offset);
  std::string out = "{\"file\":" + json::quote(source.name());
  out.append(",\"line\":").append(std::to_string(diagnostic.span.begin.line));
  out.append(",\"column\":").append(std::to_string(diagnostic.span.begin.column));
  out.append(",\"end_line\":").append(std::to_string(end.line));
  out.append(",\"end_column\":").append(std::to_string(end.column));
  out.append(",\"severity\":\"").append(severity_name(diagnostic.severity)).append("\"");
  out.append(",\"message\":").append(json::quote(diagnostic.message));
  out.append(",\"help\":").append(json::quote(diagnostic.help));
  out.append(",\"lint\":").append(json::quote(diagnostic.lint));
  if (!diagnostic.counterexample_json.empty())
    out.append(",\"counterexample\":").append(diagnostic.counterexample_json);
  out.append("}");
  return out;
}

}  // namespace usegate
