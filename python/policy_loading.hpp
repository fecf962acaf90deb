#pragma once
// Policies from Python: a policy's source compiled (with its diagnostics), an artifact loaded.

#include <pybind11/pybind11.h>

#include <string>

namespace usegate::python {

// (Policy or None, diagnostics as dicts {file, line, column, severity, message, help,
// rendered} in source order, warnings included).
[[nodiscard]] pybind11::tuple compile_source(const std::string& text, const std::string& name);

// (Policy or None, the reason it cannot be loaded or None).
[[nodiscard]] pybind11::tuple load_artifact(const pybind11::bytes& bytes);

}  // namespace usegate::python
