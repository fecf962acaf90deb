#include "report_output.hpp"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

namespace usegate::cli {

std::optional<std::string> output_path(const Arguments& arguments) {
  if (auto path = arguments.option("-o")) return path;
  return arguments.option("--output");
}

void write_report(const std::string& text, const std::optional<std::string>& path, const std::string& command) {
  if (!path || *path == "-") {
    std::cout << text;
    return;
  }
  std::ofstream file(*path, std::ios::binary);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) throw UsageError(fmt::format("{}: cannot write `{}`", command, *path));
}

}  // namespace usegate::cli
