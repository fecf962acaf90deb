#include "stage_show.hpp"

#include <array>
#include <iostream>
#include <string_view>

#include <fmt/format.h>

#include "arguments.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/compiler/stage_dump.hpp"
#include "usegate/dsl/ast_dump.hpp"
#include "usegate/dsl/parser.hpp"

namespace usegate::cli {
namespace {

constexpr std::array<std::pair<std::string_view, Stage>, 4> stage_names{{
    {"ast", Stage::ast},
    {"checked", Stage::checked},
    {"partitions", Stage::partitions},
    {"diagram", Stage::diagram},
}};

std::string_view name_of(Stage stage) {
  for (const auto& [name, value] : stage_names) {
    if (value == stage) return name;
  }
  return "?";
}

}  // namespace

std::vector<Stage> stages_to_show(const std::vector<std::string>& values) {
  std::array<bool, stage_names.size()> wanted{};
  for (const auto& value : values) {
    std::string_view rest = value;
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view word = rest.substr(0, comma);
      bool known = false;
      for (std::size_t i = 0; i < stage_names.size(); ++i) {
        if (stage_names[i].first == word) wanted[i] = known = true;
      }
      if (!known) {
        throw UsageError(
            fmt::format("check: `--show {}`: unknown stage `{}` (the stages: ast, checked, partitions, "
                        "diagram)",
                        value, word));
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  std::vector<Stage> stages;
  for (std::size_t i = 0; i < stage_names.size(); ++i) {
    if (wanted[i]) stages.push_back(stage_names[i].second);
  }
  return stages;
}

void StagePrinter::header(Stage stage, const std::string& path) {
  std::cout << (sections_++ == 0 ? "" : "\n") << "# " << name_of(stage) << ": " << path << '\n';
}

std::size_t StagePrinter::print(const std::string& path, const LoadedPolicy& loaded) {
  if (loaded.not_text) return 0;
  const auto& policy = loaded.analysis.policy;
  const bool checks = policy && !loaded.analysis.diagnostics.has_errors();
  std::size_t errors = 0;
  for (const Stage stage : stages_) {
    if (stage == Stage::ast) {
      // The analysis keeps no syntax tree; parsing again is cheap beside everything else.
      usegate::DiagnosticList syntax;
      const dsl::PolicyFile file = dsl::parse_policy(*loaded.source, syntax);
      if (syntax.has_errors()) continue;
      header(stage, path);
      std::cout << dsl::dump_ast(file);
      continue;
    }
    if (!checks) continue;
    if (stage == Stage::checked) {
      header(stage, path);
      std::cout << compiler::dump_checked(*policy);
    } else if (stage == Stage::partitions) {
      header(stage, path);
      std::cout << compiler::dump_partitions(*policy, compiler::partitions_of(*policy));
    } else {
      std::string dump;
      try {
        dump = compiler::dump_decision_diagram(*policy);
      } catch (const compiler::DiagramTooLarge&) {
        // The compiler words the error, naming the attributes responsible, as `build` does.
        const auto compiled = compiler::compile_policy(*policy);
        const auto* error = compiled.error_if();
        std::cerr << fmt::format("{}: error: {}\n = help: {}\n", path,
                                 error ? error->message : "the decision diagram exceeds its budget",
                                 error ? error->help : "");
        ++errors;
        continue;
      }
      header(stage, path);
      std::cout << dump;
    }
  }
  return errors;
}

}  // namespace usegate::cli
