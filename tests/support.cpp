#include "support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace usegate::testing {

std::string source_path(const std::string& relative) {
  return std::string(USEGATE_SOURCE_DIR) + "/" + relative;
}

std::string usegate_binary() {
  return std::string(USEGATE_BINARY_DIR) + "/usegate";
}

std::string read_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::string scratch_directory(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(USEGATE_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path.string();
}

std::vector<std::string> files_ending_with(const std::string& directory, const std::string& suffix) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string path = entry.path().string();
    if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string golden_text(const std::string& path, const std::string& actual) {
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) != "" && std::string(update) != "0") {
    write_text(path, actual);
    return actual;
  }
  return std::filesystem::exists(path) ? read_text(path) : std::string();
}

namespace {

std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (const char c : word) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

CommandResult run_usegate(const std::vector<std::string>& arguments, const std::string& input) {
  static int counter = 0;
  const std::string directory =
      scratch_directory("run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  const std::string in_path = directory + "/stdin";
  const std::string out_path = directory + "/stdout";
  const std::string err_path = directory + "/stderr";
  write_text(in_path, input);
  std::string command = shell_quote(usegate_binary());
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on `" " + std::string`.
  for (const auto& argument : arguments) {
    command += ' ';
    command += shell_quote(argument);
  }
  for (const auto& [redirect, path] : {std::pair{" <", &in_path}, {" >", &out_path}, {" 2>", &err_path}}) {
    command += redirect;
    command += shell_quote(*path);
  }
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  std::filesystem::remove_all(directory);
  return result;
}

bool reduced_scale() {
  const char* scale = std::getenv("USEGATE_TEST_SCALE");
  return scale != nullptr && std::string(scale) == "sanitize";
}

}  // namespace usegate::testing
