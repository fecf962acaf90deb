#pragma once
// Where a report goes: standard output, or the file named by `-o FILE` (`--output FILE`).

#include <optional>
#include <string>

#include "arguments.hpp"

namespace usegate::cli {

// `-o FILE` or `--output FILE`; nothing for standard output.
[[nodiscard]] std::optional<std::string> output_path(const Arguments& arguments);

// Writes `text` whole to the file, or to standard output. A file that cannot be written is a
// usage error (exit 2) naming it.
void write_report(const std::string& text, const std::optional<std::string>& path, const std::string& command);

}  // namespace usegate::cli
