// `usegate`: data-use policy as code. Dispatches to one command per file (cli/cmd_*.cpp).
#include <exception>
#include <iostream>
#include <string_view>

#include "arguments.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "policy_files.hpp"

#ifndef USEGATE_VERSION
#define USEGATE_VERSION "unknown"
#endif

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const usegate::cli::Words&);
};

constexpr Command commands[] = {
    {"check", "parse, type-check and lint policies", usegate::cli::run_check},
    {"table", "print the compiled decision table as merged rows", usegate::cli::run_table},
    {"build", "compile a policy to a decision-table artifact", usegate::cli::run_build},
    {"fmt", "rewrite policies in the canonical layout", usegate::cli::run_fmt},
    {"keygen", "make a key pair for signing artifacts", usegate::cli::run_keygen},
    {"diff", "show what changes between two versions of a policy", usegate::cli::run_diff},
    {"eval", "decide every record of a JSON Lines stream", usegate::cli::run_eval},
    {"filter", "pass the records a policy allows", usegate::cli::run_filter},
    {"explain", "show why one record gets its decision", usegate::cli::run_explain},
    {"test", "run the test cases written for policies", usegate::cli::run_test},
    {"sim", "simulate a population under a policy, or two side by side", usegate::cli::run_sim},
};

void print_help() {
  std::cout << "usage: usegate COMMAND [OPTIONS] [ARGS]\n\n"
               "Data-use policy as code: check policies, compile them to decision tables and\n"
               "enforce them on record streams.\n\ncommands:\n";
  for (const auto& command : commands) {
    std::cout << "  " << command.name << std::string(command.name.size() < 10 ? 10 - command.name.size() : 1, ' ')
              << command.summary << '\n';
  }
  std::cout << "\n`usegate COMMAND --help` describes each command. Exit status: 0 success, 1 the "
               "command's answer is no,\n2 a usage error or a file that cannot be read, 3 an input "
               "that is broken (docs/cli.md).\n";
}

}  // namespace

int main(int argc, char** argv) {
  const usegate::cli::Words words(argv + 1, argv + argc);
  if (words.empty() || words.front() == "--help" || words.front() == "-h" || words.front() == "help") {
    print_help();
    return words.empty() ? 2 : 0;
  }
  if (words.front() == "--version") {
    std::cout << "usegate " << USEGATE_VERSION << '\n';
    return 0;
  }
  for (const auto& command : commands) {
    if (command.name != words.front()) continue;
    try {
      return command.run(usegate::cli::Words(words.begin() + 1, words.end()));
    } catch (const usegate::cli::InputFileError& error) {
      std::cerr << error.what() << '\n';
      return 2;
    } catch (const usegate::cli::BrokenInputError& error) {
      std::cerr << error.what() << '\n';
      return usegate::cli::exit_code::broken_input;
    } catch (const usegate::cli::UsageError& error) {
      std::cerr << "usegate " << error.what() << '\n';
      return 2;
    } catch (const std::exception& error) {
      std::cerr << "usegate " << words.front() << ": internal error: " << error.what() << '\n';
      return usegate::cli::exit_code::internal_error;
    }
  }
  std::cerr << "usegate: unknown command `" << words.front() << "` (see `usegate --help`)\n";
  return 2;
}
