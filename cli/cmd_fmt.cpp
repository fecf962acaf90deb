// `usegate fmt FILE...`: rewrite policies in the canonical layout (dsl/format.hpp).
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "arguments.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "policy_files.hpp"
#include "usegate/base/unified_diff.hpp"
#include "usegate/dsl/format.hpp"
#include "usegate/dsl/parser.hpp"

namespace usegate::cli {
namespace {

constexpr const char* help = R"(usage: usegate fmt [--check | --diff | --stdout] FILE...

Rewrites each policy file in place in the canonical layout (docs/language.md, section 2),
comments kept where they are. A file already in that layout is left untouched. `-` reads
standard input and writes the result to standard output.

options:
  --check    write nothing; print the name of each file that would change
  --diff     write nothing; print a unified diff of each file that would change
  --stdout   write nothing; print each file formatted on standard output

exit status (docs/cli.md, "Exit status"): 0 formatted (or, with --check and --diff, nothing
             would change), 1 with --check or --diff: some file would change, 2 usage error
             or a file that cannot be read, 3 a file with syntax errors (left untouched)
)";

enum class Mode { write, check, diff, print };

// Writes next to the file, then renames over it, so that a failure never leaves half a policy.
void replace_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".usegate-fmt";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw UsageError(fmt::format("fmt: cannot write `{}`", temporary));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw UsageError(fmt::format("fmt: cannot replace `{}`: {}", path, error.message()));
}

}  // namespace

int run_fmt(const Words& words) {
  const Arguments arguments("fmt", words, {"--check", "--diff", "--stdout", "--help"}, {});
  if (arguments.flag("--help")) {
    std::cout << help;
    return 0;
  }
  if (arguments.positionals().empty()) throw UsageError("fmt: name at least one policy file");
  const int modes =
      (arguments.flag("--check") ? 1 : 0) + (arguments.flag("--diff") ? 1 : 0) + (arguments.flag("--stdout") ? 1 : 0);
  if (modes > 1) throw UsageError("fmt: choose one of `--check`, `--diff` and `--stdout`");
  const Mode mode = arguments.flag("--check")    ? Mode::check
                    : arguments.flag("--diff")   ? Mode::diff
                    : arguments.flag("--stdout") ? Mode::print
                                                 : Mode::write;

  bool broken = false;
  bool changes = false;
  for (const auto& path : arguments.positionals()) {
    std::string text = read_file(path, policy_file_limit);
    if (is_artifact(text)) {
      std::cerr << fmt::format("{}: error: an artifact built with `usegate build` has no source to format\n", path);
      broken = true;
      continue;
    }
    const SourceFile source(path, std::move(text));
    DiagnosticList diagnostics;
    const dsl::PolicyFile file = dsl::parse_policy(source, diagnostics);
    if (diagnostics.has_errors()) {
      for (const auto& diagnostic : diagnostics.all()) std::cerr << format_diagnostic(source, diagnostic);
      broken = true;
      continue;
    }
    const std::string formatted = dsl::format_policy(source, file);
    // The layout must not change the syntax tree (spans aside); if it did, that is a bug in
    // the formatter, and the file is left alone.
    DiagnosticList reparse_diagnostics;
    const SourceFile reformatted(path, formatted);
    const dsl::PolicyFile reparsed = dsl::parse_policy(reformatted, reparse_diagnostics);
    if (reparse_diagnostics.has_errors() || reparsed.declarations != file.declarations ||
        reparsed.comments.size() != file.comments.size()) {
      std::cerr << fmt::format("{}: internal error: formatting would change the policy; the file is left as it is\n",
                               path);
      return exit_code::internal_error;
    }
    const bool changed = formatted != source.text();
    changes = changes || changed;
    if (mode == Mode::print || (mode == Mode::write && path == "-")) {
      std::cout << formatted;
    } else if (mode == Mode::check) {
      if (changed) std::cout << path << '\n';
    } else if (mode == Mode::diff) {
      std::cout << unified_diff(source.text(), formatted, path, path);
    } else if (changed) {
      replace_file(path, formatted);
    }
  }
  if (broken) return exit_code::broken_input;
  return (mode == Mode::check || mode == Mode::diff) && changes ? exit_code::answer_no : exit_code::success;
}

}  // namespace usegate::cli
