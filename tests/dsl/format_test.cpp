// The canonical layout (`usegate fmt`): exact output for tables of inputs, comments kept in
// place, and a fixed point. That formatting never changes meaning is tested on every bundled,
// corpus and random policy in tests/differential/fmt_preserves_meaning_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/dsl/format.hpp"
#include "usegate/dsl/parser.hpp"

namespace {

using namespace usegate;

std::string formatted(const std::string& text) {
  const SourceFile source("f.policy", text);
  DiagnosticList diagnostics;
  const dsl::PolicyFile file = dsl::parse_policy(source, diagnostics);
  REQUIRE_FALSE(diagnostics.has_errors());
  return dsl::format_policy(source, file);
}

struct Case {
  const char* name;
  const char* input;
  const char* expected;
};

TEST_CASE("fmt: canonical layout, comments kept, a fixed point") {
  const std::vector<Case> cases = {
      {"header, attributes aligned, trailing comments",
       "policy   p \"P\"   # the policy\nversion \"2024 draft\"\nenum purpose {training,ads,}   # purposes\n"
       "time ts # created\nbool minor\n",
       "policy p \"P\"  # the policy\nversion \"2024 draft\"\n\nenum purpose { training, ads }  # purposes\n"
       "time ts      # created\nbool minor\n"},
      {"a setting on one line becomes one field a line, in the canonical order",
       "policy p\nenum purpose { training, ads }\nsetting s { formerly old; covers purpose==training ; default off; "
       "label \"L \\\"q\\\"\" }\n",
       "policy p\n\nenum purpose { training, ads }\n\nsetting s {\n  label   \"L \\\"q\\\"\"\n  default off\n"
       "  covers  purpose == training\n  formerly old\n}\n"},
      {"comments inside a setting stay before their field",
       "policy p\nenum purpose { training, ads }\nsetting s {\n  # who sees it\n  label \"L\"\n  default on  # on\n"
       "  # what it covers\n  covers purpose == training\n  # nothing more\n}\n",
       "policy p\n\nenum purpose { training, ads }\n\nsetting s {\n  # who sees it\n  label   \"L\"\n"
       "  default on  # on\n  # what it covers\n  covers  purpose == training\n  # nothing more\n}\n"},
      {"rules: `when` on the next line after a description; breaks before top-level `and` and `or` kept",
       "policy p\nenum purpose { training, ads }\nbool minor\ntime ts\n"
       "allow a when purpose == training and (ts < 2024-01-01 or not minor)\n  and (purpose in {training}) # why\n"
       "# before b\ndeny b \"desc\" when not (minor or ts is missing)\n   or ts >= 2024-05-05T10:00:00Z\n"
       "default deny\n",
       "policy p\n\nenum purpose { training, ads }\nbool minor\ntime ts\n\n"
       "allow a when purpose == training and (ts < 2024-01-01 or not minor)\n   and (purpose in {training})  # why\n\n"
       "# before b\ndeny b \"desc\"\n  when not (minor or ts is missing)\n   or ts >= 2024-05-05T10:00:00Z\n\n"
       "default deny\n"},
      {"necessary parentheses added, redundant ones the author wrote kept",
       "policy p\nbool a\nbool b\nbool c\nallow r when (a or b) and c\ndeny d when a or (b and c)\n"
       "deny e when a or b and c\n",
       "policy p\n\nbool a\nbool b\nbool c\n\nallow r when (a or b) and c\n\ndeny d when a or (b and c)\n\n"
       "deny e when a or b and c\n"},
      {"assertions, and comments at the end of the file",
       "policy p\nbool minor\nallow a when true\nassert x \"never minors\" never allow when minor\nassert y always "
       "allow when not minor\n\n# the end\n",
       "policy p\n\nbool minor\n\nallow a when true\n\nassert x \"never minors\"\n  never allow when minor\n\n"
       "assert y always allow when not minor\n\n# the end\n"},
      {"header comments and blank lines between comment blocks", "# one\n\n\n# two\n# three\n\npolicy p\n",
       "# one\n\n# two\n# three\n\npolicy p\n"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string once = formatted(c.input);
    CHECK(once == c.expected);
    CHECK(formatted(once) == once);
  }
}

}  // namespace
