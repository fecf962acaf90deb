#pragma once
// The exit statuses of every command: the same problem exits with the same code whatever the
// command (docs/cli.md, "Exit status", holds the table users read).

namespace usegate::cli::exit_code {

inline constexpr int success = 0;
// The command's answer is "no": check found errors (or warnings with --werror), eval and
// filter rejected records under --strict, diff found decisions that change.
inline constexpr int answer_no = 1;
// A usage error, or a file that cannot be read or is over its size limit.
inline constexpr int usage = 2;
// An input that can be read but is broken: a policy with errors (in any command but check,
// whose answer they are), an artifact that does not load, bindings, consent or a scenario
// that cannot be used.
inline constexpr int broken_input = 3;
// A bug in usegate itself.
inline constexpr int internal_error = 70;

}  // namespace usegate::cli::exit_code
