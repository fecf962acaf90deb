#pragma once
// `usegate check --show STAGE[,STAGE]`: the stages of the pipeline printed as text, from the
// printers that live beside each stage (dsl/ast_dump, compiler/stage_dump).

#include <cstddef>
#include <string>
#include <vector>

#include "policy_files.hpp"

namespace usegate::cli {

// The stages in pipeline order; `--show` prints them in this order, each once.
enum class Stage { ast, checked, partitions, diagram };

// The stages the `--show` values name (each value one stage or a comma-separated list; they
// may repeat), in pipeline order. An unknown name is a usage error.
[[nodiscard]] std::vector<Stage> stages_to_show(const std::vector<std::string>& values);

class StagePrinter {
 public:
  explicit StagePrinter(std::vector<Stage> stages) : stages_(std::move(stages)) {}

  [[nodiscard]] bool empty() const { return stages_.empty(); }

  // Prints the stages of one policy source on stdout, each after a `# STAGE: FILE` line and
  // apart from the one before by an empty line. `ast` needs a file that parses, the others a
  // file that checks; a file with errors prints what it can (its diagnostics are printed
  // elsewhere). Returns the errors it found itself: a diagram over its budget.
  std::size_t print(const std::string& path, const LoadedPolicy& policy);

 private:
  void header(Stage stage, const std::string& path);

  std::vector<Stage> stages_;
  std::size_t sections_ = 0;
};

}  // namespace usegate::cli
