// `usegate table` and `usegate build`: errors, and the artifact. The tables themselves, text and
// YAML, are golden cases (tests/golden/table-*).
#include <doctest/doctest.h>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

TEST_CASE("table and build: a policy with errors exits 3 with its diagnostics") {
  const std::string directory = scratch_directory("table-build-errors");
  write_text(directory + "/broken.policy", "policy p \"t\"\nallow a when x\n");
  for (const auto& arguments :
       {std::vector<std::string>{"table", directory + "/broken.policy"},
        std::vector<std::string>{"build", directory + "/broken.policy", "-o", directory + "/x.ugt"}}) {
    const auto result = run_usegate(arguments);
    CHECK(result.exit_code == 3);
    CHECK(result.err.find(directory + "/broken.policy:2:14: error: unknown attribute `x`") == 0);
  }
  CHECK(run_usegate({"build", source_path("policies/x-grok-2024-07.policy")}).exit_code == 2);  // no -o
}

TEST_CASE("build: writes the artifact and says what it holds") {
  const std::string directory = scratch_directory("build");
  const auto result = run_usegate({"build", source_path("policies/x-grok-2024-07.policy"), "-o", directory + "/x.ugt"});
  CHECK(result.exit_code == 0);
  CHECK(result.err ==
        "wrote " + directory +
            "/x.ugt: policy x_grok version 2024-07-26, 4 variables, dense table of 280 cells, 2028 bytes\n");
  const std::string artifact = read_text(directory + "/x.ugt");
  CHECK(artifact.size() == 2028);
  CHECK(artifact.compare(0, 8, std::string("USEGATE\0", 8)) == 0);
}

}  // namespace
