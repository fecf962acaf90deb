// Runs one golden case of tests/golden/: `usegate` with the words of the case's `cmd`, in the
// case folder, with its `stdin` file (or nothing) as standard input; then compares standard
// output, standard error and the exit status byte for byte with the files `stdout`, `stderr`
// and `exit`, printing a unified diff for each that differs. With UPDATE_GOLDEN=1 in the
// environment it writes the three files instead, for review with `git diff`.
//
//   golden_runner USEGATE CASE_FOLDER
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "usegate/base/unified_diff.hpp"

namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

bool write_file(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  return static_cast<bool>(file);
}

// The words of the command line: split at spaces and tabs; a word in single quotes keeps its
// spaces (no other quoting, no expansion).
std::optional<std::vector<std::string>> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < line.size()) {
    if (line[at] == ' ' || line[at] == '\t') {
      ++at;
      continue;
    }
    std::string word;
    while (at < line.size() && line[at] != ' ' && line[at] != '\t') {
      if (line[at] == '\'') {
        const std::size_t close = line.find('\'', at + 1);
        if (close == std::string::npos) return std::nullopt;
        word += line.substr(at + 1, close - at - 1);
        at = close + 1;
      } else {
        word += line[at++];
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

struct Outcome {
  std::string out;
  std::string err;
  std::string exit;  // `0\n`, or `signal 11\n`
};

// Runs the program in `folder`; its output goes to files in `scratch`, so neither stream can
// block the other.
std::optional<Outcome> run(const std::string& program, const std::vector<std::string>& words, const fs::path& folder,
                           const fs::path& scratch) {
  const fs::path input = fs::exists(folder / "stdin") ? folder / "stdin" : fs::path("/dev/null");
  const fs::path out_path = scratch / "stdout";
  const fs::path err_path = scratch / "stderr";
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);

  const pid_t child = ::fork();
  if (child < 0) return std::nullopt;
  if (child == 0) {
    const int in = ::open(input.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 ||
        ::chdir(folder.c_str()) != 0) {
      ::_exit(127);
    }
    // Messages from the C library (`No such file or directory`) in one language everywhere.
    ::setenv("LC_ALL", "C", 1);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  Outcome outcome;
  outcome.out = read_file(out_path).value_or("");
  outcome.err = read_file(err_path).value_or("");
  outcome.exit = WIFEXITED(status) ? std::to_string(WEXITSTATUS(status)) + "\n"
                                   : "signal " + std::to_string(WTERMSIG(status)) + "\n";
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: golden_runner USEGATE CASE_FOLDER\n";
    return 2;
  }
  const std::string program = fs::absolute(argv[1]).string();
  const fs::path folder = fs::absolute(argv[2]);
  const std::string name = folder.filename().string();

  const auto command = read_file(folder / "cmd");
  if (!command) {
    std::cerr << name << ": cannot read " << (folder / "cmd").string() << '\n';
    return 1;
  }
  std::string line = command->substr(0, command->find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (command->find('\n') != std::string::npos &&
      command->find_first_not_of(" \t\r\n", command->find('\n')) != std::string::npos) {
    std::cerr << name << ": `cmd` holds more than one line; a case runs one command\n";
    return 1;
  }
  const auto words = words_of(line);
  if (!words || words->empty()) {
    std::cerr << name << ": `cmd` has no command, or a quote that is not closed\n";
    return 1;
  }

  char scratch_template[] = "/tmp/usegate-golden-XXXXXX";
  if (::mkdtemp(scratch_template) == nullptr) {
    std::cerr << name << ": cannot make a scratch folder\n";
    return 1;
  }
  const fs::path scratch = scratch_template;
  const auto outcome = run(program, *words, folder, scratch);
  fs::remove_all(scratch);
  if (!outcome) {
    std::cerr << name << ": cannot run " << program << '\n';
    return 1;
  }

  const std::pair<const char*, const std::string*> results[] = {
      {"stdout", &outcome->out}, {"stderr", &outcome->err}, {"exit", &outcome->exit}};
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) != "0" && std::string(update) != "") {
    for (const auto& [file, actual] : results) {
      if (read_file(folder / file) == *actual) continue;
      if (!write_file(folder / file, *actual)) {
        std::cerr << name << ": cannot write " << (folder / file).string() << '\n';
        return 1;
      }
      std::cout << "updated " << (folder / file).string() << '\n';
    }
    return 0;
  }

  bool same = true;
  for (const auto& [file, actual] : results) {
    const auto expected = read_file(folder / file);
    if (!expected) {
      std::cout << name << ": no expected `" << file << "` file; UPDATE_GOLDEN=1 writes it\n";
      same = false;
      continue;
    }
    if (*expected == *actual) continue;
    same = false;
    std::cout << name << ": " << file << " differs from " << (folder / file).string() << '\n'
              << usegate::unified_diff(*expected, *actual, "expected/" + std::string(file),
                                       "actual/" + std::string(file));
  }
  if (!same) {
    std::cout << "command: usegate " << line << "\n(in " << folder.string()
              << "; UPDATE_GOLDEN=1 ctest -R golden rewrites the expected files)\n";
  }
  return same ? 0 : 1;
}
