#pragma once
// Running `usegate` where run_usegate cannot: through bash (for `<(…)` and FIFOs) under a time
// limit, and as a child fed and read line by line through pipes. Every wait is bounded, so a
// command that hangs fails its test instead of hanging the suite.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "support.hpp"

namespace usegate::testing {

inline constexpr int command_time_limit_seconds = 60;

// Runs `script` with bash in `directory`, `$USEGATE` naming the program, killed after the time
// limit (exit code 124 then).
inline CommandResult run_bash(const std::string& directory, const std::string& script,
                              int seconds = command_time_limit_seconds) {
  const std::string script_path = directory + "/script.sh";
  write_text(script_path, script);
  const std::string command = "cd '" + directory + "' && USEGATE='" + usegate_binary() + "' timeout " +
                              std::to_string(seconds) + " bash '" + script_path + "' >'" + directory + "/out' 2>'" +
                              directory + "/err' </dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(directory + "/out");
  result.err = read_text(directory + "/err");
  return result;
}

// `usegate` with its standard input and output on pipes held here.
class StreamingChild {
 public:
  explicit StreamingChild(const std::vector<std::string>& arguments) {
    ::signal(SIGPIPE, SIG_IGN);  // a child that died fails a write, not the suite
    int input[2];
    int output[2];
    REQUIRE(::pipe2(input, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(output, O_CLOEXEC) == 0);
    const std::string program = usegate_binary();
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(input[0], 0);
      ::dup2(output[1], 1);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(input[0]);
    ::close(output[1]);
    to_child_ = input[1];
    from_child_ = output[0];
  }
  ~StreamingChild() {
    close_input();
    if (from_child_ >= 0) ::close(from_child_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  StreamingChild(const StreamingChild&) = delete;
  StreamingChild& operator=(const StreamingChild&) = delete;

  void write(const std::string& text) {
    REQUIRE(::write(to_child_, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  void close_input() {
    if (to_child_ >= 0) ::close(to_child_);
    to_child_ = -1;
  }
  // Everything the child has written once its output holds `expected` (or nothing more
  // came for `seconds`: then what came so far).
  std::string read_until(const std::string& expected, int seconds = 20) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (received_.find(expected) == std::string::npos) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd request{from_child_, POLLIN, 0};
      if (::poll(&request, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t got = ::read(from_child_, buffer, sizeof buffer);
      if (got <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(got));
    }
    return received_;
  }
  // Waits for the child to end (after its input is closed); its exit code.
  int wait() {
    close_input();
    read_until("\x01never", command_time_limit_seconds);  // to the end of its output
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string received_;
};

}  // namespace usegate::testing
