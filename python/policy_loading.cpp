#include "policy_loading.hpp"

#include <stdexcept>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/usegate.hpp"

namespace py = pybind11;

namespace usegate::python {
namespace {

py::dict diagnostic_dict(const SourceFile& source, const Diagnostic& diagnostic) {
  py::dict entry;
  entry["file"] = source.name();
  entry["line"] = diagnostic.span.begin.line;
  entry["column"] = diagnostic.span.begin.column;
  entry["severity"] = diagnostic.severity == Severity::error ? "error" : "warning";
  entry["message"] = diagnostic.message;
  entry["help"] = diagnostic.help;
  entry["rendered"] = format_diagnostic(source, diagnostic);
  return entry;
}

}  // namespace

py::tuple compile_source(const std::string& text, const std::string& name) {
  const SourceFile source(name, text);
  const compiler::PolicyAnalysis analysis = compiler::analyze_policy(source);
  py::list diagnostics;
  for (const auto& diagnostic : analysis.diagnostics.all()) diagnostics.append(diagnostic_dict(source, diagnostic));
  if (!analysis.policy || analysis.diagnostics.has_errors()) return py::make_tuple(py::none(), diagnostics);
  auto compiled = compiler::compile_policy(*analysis.policy);
  if (const auto* error = compiled.error_if()) {
    py::dict entry;
    entry["file"] = name;
    entry["line"] = 0;
    entry["column"] = 0;
    entry["severity"] = "error";
    entry["message"] = error->message;
    entry["help"] = error->help;
    entry["rendered"] = name + ": error: " + error->message + "\n = help: " + error->help + "\n";
    diagnostics.append(entry);
    return py::make_tuple(py::none(), diagnostics);
  }
  auto loaded = Policy::from_bytes(runtime::write_artifact(compiled.value()));
  if (!loaded) throw std::runtime_error("internal error: " + loaded.error().message);
  return py::make_tuple(py::cast(std::move(*loaded)), diagnostics);
}

// An artifact's bytes to a Policy, or the reason it cannot be loaded.
py::tuple load_artifact(const py::bytes& bytes) {
  const std::string_view view(bytes);
  auto loaded = Policy::from_bytes(view);
  if (!loaded) return py::make_tuple(py::none(), loaded.error().message);
  return py::make_tuple(py::cast(std::move(*loaded)), py::none());
}

}  // namespace usegate::python
