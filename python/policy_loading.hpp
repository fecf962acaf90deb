#pragma once
// Policies from Python: a policy's source compiled (with its diagnostics), an artifact loaded.

#include <pybind11/pybind11.h>

#include <optional>
#include <string>

namespace usegate::python {

// (Policy or None, diagnostics as dicts {file, line, column, severity, message, help,
// rendered} in source order, warnings included).
[[nodiscard]] pybind11::tuple compile_source(const std::string& text, const std::string& name);

// (Policy or None, the reason it cannot be loaded or None). Given a public key (32 bytes),
// only an artifact that key signed loads (docs/artifact.md, "Signed artifacts").
[[nodiscard]] pybind11::tuple load_artifact(const pybind11::bytes& bytes, const std::optional<pybind11::bytes>& key);

// A public key file of `usegate keygen` (`NAME.pub`) as its 32 bytes; ValueError with the
// file's position when it holds no public key.
[[nodiscard]] pybind11::bytes read_public_key_file(const std::string& path);

}  // namespace usegate::python
