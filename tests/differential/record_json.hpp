#pragma once
// An interpreter input written as the JSON Lines record the command line reads: attributes and
// setting values as top-level fields, which is where the default bindings read them.

#include <string>

#include "usegate/compiler/interpreter.hpp"

namespace usegate::differential {

// One line, newline included. Non-finite numbers, which JSON cannot hold, are written so that
// the record reader reads them as the interpreter does: unknown.
[[nodiscard]] std::string json_line(const compiler::InterpreterInput& input);

}  // namespace usegate::differential
