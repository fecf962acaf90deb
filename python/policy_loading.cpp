#include "policy_loading.hpp"

#include <cstring>
#include <stdexcept>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/signing/signed_artifact.hpp"
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

namespace {

// Only an artifact the key signed, when a key is given.
Result<Policy> load_policy(std::string_view bytes, const std::optional<py::bytes>& key) {
  if (!key) return Policy::from_bytes(bytes);
  const std::string_view key_bytes(*key);
  if (key_bytes.size() != signing::public_key_size) {
    throw py::value_error("verify_key: a public key is " + std::to_string(signing::public_key_size) + " bytes, not " +
                          std::to_string(key_bytes.size()));
  }
  signing::PublicKey public_key{};
  std::memcpy(public_key.data(), key_bytes.data(), public_key.size());
  return signing::load_verified(bytes, public_key);
}

}  // namespace

// An artifact's bytes to a Policy, or the reason it cannot be loaded.
py::tuple load_artifact(const py::bytes& bytes, const std::optional<py::bytes>& key) {
  auto loaded = load_policy(std::string_view(bytes), key);
  if (!loaded) return py::make_tuple(py::none(), loaded.error().message);
  return py::make_tuple(py::cast(std::move(*loaded)), py::none());
}

py::bytes read_public_key_file(const std::string& path) {
  auto key = signing::read_public_key_file(path);
  if (!key) throw py::value_error(key.error().message);
  return py::bytes(reinterpret_cast<const char*>(key->data()), key->size());
}

}  // namespace usegate::python
