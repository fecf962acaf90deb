#pragma once
// Diagnostics: what is wrong with an input file (a policy, bindings, a scenario, consent
// changes), where, and what to do about it.
//
// Messages follow one style: lowercase, no final period, user input in backticks, no C++
// type names; a longer explanation goes into `help`. Printed like a compiler's:
//
//   policies/x.policy:12:8: error: unknown attribute `regoin`
//    12 |   when regoin == EU
//       |        ^~~~~~
//       = help: did you mean `region`?

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "usegate/base/source.hpp"

namespace usegate {

enum class Severity {
  error,    // the policy is rejected
  warning,  // a lint: the policy compiles, but probably does not say what its author meant
};

struct Diagnostic {
  Severity severity = Severity::error;
  std::string message;
  SourceSpan span;
  std::string help;  // empty when there is nothing more to say
  std::string lint;  // the lint's name for warnings (e.g. `default-allow`), empty for errors
  // More lines printed after the help, each as it is under the gutter (a failing assertion's
  // counterexample); empty for most diagnostics.
  std::vector<std::string> details;
  // The same for machines: a JSON value, written as `"counterexample"`; empty for none.
  std::string counterexample_json;
};

// Collects diagnostics for one source file, in the order they were found.
class DiagnosticList {
 public:
  void error(SourceSpan span, std::string message, std::string help = {});
  void warning(std::string lint, SourceSpan span, std::string message, std::string help = {});
  void add(Diagnostic diagnostic);

  [[nodiscard]] const std::vector<Diagnostic>& all() const { return diagnostics_; }
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] std::size_t warning_count() const;
  [[nodiscard]] bool has_errors() const { return error_count() > 0; }

  // Orders by position (stable for equal positions), so output reads top to bottom.
  void sort_by_position();

 private:
  std::vector<Diagnostic> diagnostics_;
};

// `file:line:col: severity: message`, the source line, a caret line, and the help line.
[[nodiscard]] std::string format_diagnostic(const SourceFile& source, const Diagnostic& diagnostic);
// The same for a diagnostic about one line of a file that is not held whole (a JSON Lines
// stream): `line_text` is that line, and the span's line and column place the caret. A column
// of 0 stands for the line as a whole: `file:line: severity: message`, and no source line.
[[nodiscard]] std::string format_line_diagnostic(std::string_view file_name, std::string_view line_text,
                                                 const Diagnostic& diagnostic);
// One JSON object: {"file", "line", "column", "end_line", "end_column", "severity", "message", "help", "lint"}.
[[nodiscard]] std::string format_diagnostic_json(const SourceFile& source, const Diagnostic& diagnostic);
// Just the first line: `file:line:col: severity: message`.
[[nodiscard]] std::string format_diagnostic_headline(const SourceFile& source, const Diagnostic& diagnostic);

}  // namespace usegate
