// Differential test on the real policies in policies/: each is built by the `usegate` program
// (`usegate build POLICY -o FILE`), the artifact loaded with Policy::load_file, and its
// decisions compared with the reference interpreter's on random records. The same records
// are replayed on an in-process build with the decision-diagram layout.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"
#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

int records_per_policy() {
  return testing::reduced_scale() ? 5000 : 100000;
}

std::string file_name(const std::string& path) {
  return path.substr(path.find_last_of('/') + 1);
}

}  // namespace

TEST_CASE("bundled policies: the built artifact decides like the interpreter") {
  const std::uint64_t base = base_seed();
  MESSAGE("bundled policies: base seed " << base << " (USEGATE_SEED=" << base << " reproduces this run), "
                                         << records_per_policy() << " records per policy");
  const std::vector<std::string> files = testing::files_ending_with(testing::source_path("policies"), ".policy");
  REQUIRE(!files.empty());
  const std::string scratch = testing::scratch_directory("differential-bundled");
  std::uint64_t pairs = 0;
  for (std::size_t file_index = 0; file_index < files.size(); ++file_index) {
    const std::string& path = files[file_index];
    CAPTURE(path);
    const std::string artifact = scratch + "/" + file_name(path) + ".ugt";
    const testing::CommandResult built = testing::run_usegate({"build", path, "-o", artifact});
    INFO("usegate build stderr: " << built.err);
    REQUIRE(built.exit_code == 0);
    auto loaded = Policy::load_file(artifact);
    INFO("load error: " << (loaded ? std::string() : loaded.error().message));
    REQUIRE(loaded.ok());

    const std::string text = testing::read_text(path);
    const usegate::SourceFile source(path, text);
    compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, /*run_lints=*/false);
    REQUIRE(analysis.policy.has_value());
    const compiler::CheckedPolicy& checked = *analysis.policy;
    const TableUnderTest built_table(std::move(*loaded), checked);

    compiler::CompileOptions tiny;
    tiny.max_dense_cells = 1;
    Pipeline diagram = run_pipeline(text, tiny);
    INFO("pipeline errors: " << diagram.errors);
    REQUIRE(diagram.table.has_value());
    REQUIRE(diagram.table->layout() == "diagram");
    const TableUnderTest* const tables[] = {&built_table, &*diagram.table};

    const RecordGenerator records(checked);
    const std::uint64_t seed = mix_seed(base ^ mix_seed(0xB0B0ULL + file_index));
    std::mt19937_64 rng(seed);
    for (int r = 0; r < records_per_policy(); ++r) {
      const compiler::InterpreterInput record = records.next(rng);
      const Answer expected = interpreter_answer(checked, record);
      for (const TableUnderTest* table : tables) {
        const Answer actual = table->decide(record);
        ++pairs;
        if (actual == expected) continue;
        // The policy is fixed (it is a real file); only the record shrinks.
        const auto still_fails = [&](const compiler::InterpreterInput& smaller) {
          return !(table->decide(smaller) == interpreter_answer(checked, smaller));
        };
        const compiler::InterpreterInput minimal = shrink_record(record, still_fails);
        std::ostringstream reproduce;
        reproduce << "reproduce: USEGATE_SEED=" << base << " differential_tests -tc='bundled policies*' (policy "
                  << path << ", record #" << r << ", "
                  << (table == &built_table ? "artifact from `usegate build`" : "max_dense_cells 1")
                  << ")\n--- original record ---\n"
                  << describe_record(record);
        FAIL(failure_report(reproduce.str(), Disagreement{"(" + path + ", as it is in the tree)\n", minimal,
                                                          interpreter_answer(checked, minimal), table->decide(minimal),
                                                          table->layout()}));
      }
    }
  }
  MESSAGE("bundled policies: " << pairs << " pairs over " << files.size() << " policies");
}
