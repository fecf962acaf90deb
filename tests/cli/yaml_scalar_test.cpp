// Which texts `table --format yaml` writes in quotes: those a YAML 1.1 reader would read as a
// boolean, null, a number or a date (tests/reports/yaml_table_test.py reads them back).
#include <doctest/doctest.h>

#include <string>

#include "yaml_scalar.hpp"

namespace {

struct Case {
  const char* text;
  bool quoted;
};

}  // namespace

TEST_CASE("YAML: texts a YAML 1.1 reader would read as something else are quoted") {
  const Case cases[] = {
      {"on", true},
      {"off", true},
      {"On", true},
      {"OFF", true},
      {"yes", true},
      {"no", true},
      {"y", true},
      {"N", true},
      {"true", true},
      {"False", true},
      {"null", true},
      {"~", true},
      {"", true},
      {"2024-08-08", true},
      {"2024-08-08T00:00:00Z", true},
      {"1e3", true},
      {"0x1F", true},
      {"1:20", true},
      {"-1", true},
      {".5", true},
      {"+.5", true},
      {".inf", true},
      {"-.Inf", true},
      {".NaN", true},
      {"<<", true},
      {"=", true},
      {"< 2024-08-08", false},
      {"training", false},
      {"post", false},
      {"EU", false},
      {"other_region", false},
      {"none", false},
      {"online", false},
      {"yesterday", false},
      {"missing", false},
      {"web+ios", false},
      {"x_grok", false},
      {"-", false},
      {"[2024-05-07, 2024-08-01)", false},
  };
  for (const auto& [text, quoted] : cases) {
    CAPTURE(std::string(text));
    CHECK(usegate::cli::yaml_needs_quotes(text) == quoted);
  }
}
