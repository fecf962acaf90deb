// Bindings mistakes are diagnostics like a policy's: the place, the source line, a caret under
// the node and a help line, with "did you mean" wherever a name is looked up.
#include <doctest/doctest.h>

#include <string>

#include "policy_from_text.hpp"
#include "usegate/records/bindings.hpp"

namespace {

using namespace usegate;

const char* const policy_text = R"(policy bindings "t"
enum purpose { training, ads }
enum category { post, direct_message }
enum region { US, EU }
time ts
setting sharing {
  default on
  covers purpose == training
}
allow train when purpose == training and category == post
)";

std::string error_of(const std::string& yaml) {
  const Policy policy = usegate::testing::policy_from_text("bindings.policy", policy_text);
  const auto read = records::read_bindings("b.yaml", yaml, policy);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == Error::Code::invalid_input);
  return read.error().message;
}

}  // namespace

TEST_CASE("bindings diagnostics: a misspelled attribute") {
  CHECK(error_of("attributes:\n  regoin: geo.region\n") ==
        "b.yaml:2:3: error: unknown attribute `regoin`\n"
        " 2 |   regoin: geo.region\n"
        "   |   ^~~~~~\n"
        "   = help: did you mean `region`?\n");
}

TEST_CASE("bindings diagnostics: an attribute with nothing close lists the attributes") {
  CHECK(error_of("attributes:\n  colour: c\n") ==
        "b.yaml:2:3: error: unknown attribute `colour`\n"
        " 2 |   colour: c\n"
        "   |   ^~~~~~\n"
        "   = help: the policy declares the attributes: `purpose`, `category`, `region`, `ts`\n");
}

TEST_CASE("bindings diagnostics: a setting named under `attributes:` belongs under `settings:`") {
  CHECK(error_of("attributes:\n  sharing: prefs.sharing\n") ==
        "b.yaml:2:3: error: `sharing` is a setting, not an attribute\n"
        " 2 |   sharing: prefs.sharing\n"
        "   |   ^~~~~~~\n"
        "   = help: bind it under `settings:`, which says where the user's consent for it is found\n");
}

TEST_CASE("bindings diagnostics: an attribute named under `settings:` belongs under `attributes:`") {
  CHECK(error_of("settings:\n  region: geo.region\n") ==
        "b.yaml:2:3: error: `region` is an attribute, not a setting\n"
        " 2 |   region: geo.region\n"
        "   |   ^~~~~~\n"
        "   = help: bind it under `attributes:`, which says where a record's value for it is found\n");
}

TEST_CASE("bindings diagnostics: a misspelled setting") {
  CHECK(error_of("settings:\n  sharnig: {field: prefs.sharing}\n") ==
        "b.yaml:2:3: error: unknown setting `sharnig`\n"
        " 2 |   sharnig: {field: prefs.sharing}\n"
        "   |   ^~~~~~~\n"
        "   = help: did you mean `sharing`?\n");
}

TEST_CASE("bindings diagnostics: a misspelled value in a value map, and in a constant") {
  CHECK(error_of("attributes:\n  category: {field: type, values: {tweet: posts}}\n") ==
        "b.yaml:2:43: error: `posts` is not a value of `category`\n"
        " 2 |   category: {field: type, values: {tweet: posts}}\n"
        "   |                                           ^~~~~\n"
        "   = help: did you mean `post`?\n");
  CHECK(error_of("attributes:\n  purpose: {constant: \"trainig\"}\n") ==
        "b.yaml:2:23: error: `trainig` is not a value of `purpose`\n"
        " 2 |   purpose: {constant: \"trainig\"}\n"
        "   |                       ^~~~~~~~~\n"
        "   = help: did you mean `training`?\n");
  CHECK(error_of("attributes:\n  region: {field: r, values: {x: Mars}}\n") ==
        "b.yaml:2:34: error: `Mars` is not a value of `region`\n"
        " 2 |   region: {field: r, values: {x: Mars}}\n"
        "   |                                  ^~~~\n"
        "   = help: its values: `US`, `EU`\n");
}

TEST_CASE("bindings diagnostics: misspelled keys of the file and of an entry") {
  CHECK(error_of("atributes:\n  region: r\n") ==
        "b.yaml:1:1: error: unknown key `atributes` in the bindings\n"
        " 1 | atributes:\n"
        "   | ^~~~~~~~~\n"
        "   = help: did you mean `attributes`?\n");
  CHECK(error_of("attributes:\n  region: {feild: r}\n") ==
        "b.yaml:2:12: error: unknown key `feild` in attribute `region`\n"
        " 2 |   region: {feild: r}\n"
        "   |            ^~~~~\n"
        "   = help: did you mean `field`?\n");
  CHECK(error_of("colour: blue\n") ==
        "b.yaml:1:1: error: unknown key `colour` in the bindings\n"
        " 1 | colour: blue\n"
        "   | ^~~~~~\n"
        "   = help: the keys: `user`, `attributes`, `settings`\n");
}

TEST_CASE("bindings diagnostics: a misspelled time format") {
  CHECK(error_of("attributes:\n  ts: {field: t, time: epoch_second}\n") ==
        "b.yaml:2:24: error: unknown time format `epoch_second`\n"
        " 2 |   ts: {field: t, time: epoch_second}\n"
        "   |                        ^~~~~~~~~~~~\n"
        "   = help: did you mean `epoch_seconds`?\n");
}

TEST_CASE("bindings diagnostics: a YAML syntax error is shown at its place") {
  CHECK(error_of("attributes: [a\n") ==
        "b.yaml:2:1: error: end of sequence flow not found\n"
        " 2 | \n"
        "   | ^\n");
}
