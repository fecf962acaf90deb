#pragma once
// One shape for every library call that can fail on its input: a value or an Error. The
// runtime's public header re-exports it as `usegate::Result`; bindings, scenarios and the
// policy front end return it too, so callers handle every kind of input the same way.

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace usegate {

// Why an operation failed. Errors are values: the libraries throw only std::bad_alloc for
// these. (The record readers of usegate_records, which read files and pipes, throw
// std::runtime_error when reading fails.)
struct Error {
  enum class Code {
    io,                // the file could not be read
    invalid_artifact,  // not an artifact, unsupported version, truncated or corrupted
    invalid_input,     // readable, but broken: a policy, bindings, a scenario, a key file
    // loading with a public key: the artifact is not signed, signed by another key, or its
    // signature does not match its bytes
    untrusted_artifact,
  };
  Code code = Code::io;
  // For invalid_input: the whole diagnostic as printed (`FILE:LINE:COL: error: ...`, the
  // source line, the caret and the help line), ending with a newline.
  std::string message;
  std::size_t offset = 0;  // for invalid_artifact: where in the file
};

// A value or an error. The error is an Error for every input a user hands over; the compiler's
// stages, whose errors carry a position or advice of their own, give their own error type
// (compiler::CompileError, compiler::DiffError) in the same shape.
template <typename T, typename E = Error>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(E error) : state_(std::move(error)) {}  // NOLINT
  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const T& value() const { return std::get<0>(state_); }
  [[nodiscard]] T& value() { return std::get<0>(state_); }
  [[nodiscard]] const E& error() const { return std::get<1>(state_); }
  // The error, or null when there is a value: `if (const auto* error = result.error_if())`.
  [[nodiscard]] const E* error_if() const { return std::get_if<1>(&state_); }
  const T& operator*() const { return value(); }
  T& operator*() { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, E> state_;
};

}  // namespace usegate
