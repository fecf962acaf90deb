// The generators themselves: random policies use every part of the language and always
// check; random records reach every kind of edge they are meant to. Without this, a
// differential test that passes might only be comparing easy cases.
#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>

#include "differential_check.hpp"
#include "random_policy.hpp"
#include "random_record.hpp"
#include "support.hpp"

namespace {

using namespace usegate;
using namespace usegate::differential;

void collect_atoms(const RandomCondition& condition, std::set<std::string>& atoms) {
  if (condition.kind == RandomCondition::Kind::atom) atoms.insert(condition.atom);
  for (const auto& operand : condition.operands) collect_atoms(operand, atoms);
}

}  // namespace

TEST_CASE("random policies: same seed and same text, every policy checks, every construct occurs") {
  CHECK(generate_policy(7).render() == generate_policy(7).render());
  CHECK(generate_policy(7).render() != generate_policy(8).render());

  std::string all_text;
  std::set<std::string> atoms;
  std::set<std::string> bool_names;
  int diagram_sized = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const RandomPolicy policy = generate_policy(mix_seed(seed));
    const std::string text = policy.render();
    const Pipeline pipeline = run_pipeline(text, compiler::CompileOptions{}, /*run_lints=*/true);
    INFO("seed " << mix_seed(seed) << "\n" << text << pipeline.errors);
    REQUIRE(pipeline.table.has_value());
    if (pipeline.table->layout() == "diagram") ++diagram_sized;
    all_text += text;
    for (const auto& declaration : policy.declarations) {
      if (const auto* rule = std::get_if<RandomRule>(&declaration)) collect_atoms(rule->condition, atoms);
      if (const auto* setting = std::get_if<RandomSetting>(&declaration)) collect_atoms(setting->covers, atoms);
      if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) {
        if (attribute->kind == RandomAttribute::Kind::boolean) bool_names.insert(attribute->name);
      }
    }
  }
  for (const char* construct :
       {" == ", " != ", " in {", " not in {", " < ", " <= ", " > ", " >= ", " is missing", " is unknown",
        " is known", "consent ", "not ", " and ", " or ", "(", "\n   and ", "now ", "default allow",
        "default deny", "enum platform", "formerly ", "available on {", " from ", " until ",
        "T00:", ":30:00Z", "== -", " 0.", "\\\"", "# about", "time ", "number ", "bool ", "; default",
        "setting ", "interaction_with_grok_a", "interaction_b_with_grok", ",}"}) {
    CAPTURE(std::string(construct));
    CHECK(all_text.find(construct) != std::string::npos);
  }
  CHECK(atoms.count("true") == 1);
  CHECK(atoms.count("false") == 1);
  bool bare_bool = false;
  for (const auto& name : bool_names) bare_bool = bare_bool || atoms.count(name) > 0;
  CHECK(bare_bool);
  CHECK(diagram_sized > 0);
}

TEST_CASE("random records: every edge kind occurs") {
  const std::string text = R"(policy p
enum category { post, interaction }
time ts
number age
bool verified
setting sharing { default on; covers category == post; formerly old_sharing }
allow a when ts >= 2024-05-07 and age < 18.5 and verified and now >= 2024-08-01 and category == post
)";
  const Pipeline pipeline = run_pipeline(text, compiler::CompileOptions{});
  REQUIRE(pipeline.checked.has_value());
  const RecordGenerator records(*pipeline.checked);
  std::mt19937_64 rng(1);
  std::set<std::string> seen;
  const auto note = [&](const std::string& what) { seen.insert(what); };
  for (int i = 0; i < 20000; ++i) {
    const compiler::InterpreterInput input = records.next(rng);
    for (const char* name : {"category", "ts", "age", "verified"}) {
      const auto found = input.attributes.find(name);
      if (found == input.attributes.end()) {
        note(std::string(name) + " absent");
        continue;
      }
      const compiler::FieldValue& value = found->second;
      note(std::string(name) + " " + describe_value(value));
      if (value.kind == compiler::FieldValue::Kind::null) note(std::string(name) + " null");
      if (value.kind == compiler::FieldValue::Kind::composite) note(std::string(name) + " object");
    }
    if (const auto ts = input.attributes.find("ts"); ts != input.attributes.end()) {
      const auto& value = ts->second;
      if (value.kind == compiler::FieldValue::Kind::string) {
        if (value.text.find(".5") != std::string::npos) note("ts fraction");
        if (value.text.find("+02:00") != std::string::npos) note("ts +02:00");
        if (value.text.find("-05:30") != std::string::npos) note("ts -05:30");
        if (value.text.size() == 10) note("ts date only");
        if (value.text == "2024-02-30") note("ts no such day");
        if (value.text == "2024-07-26T12:00:00") note("ts no zone");
        if (value.text.find("T25:") != std::string::npos) note("ts hour 25");
      }
      if (value.kind == compiler::FieldValue::Kind::number) {
        note(value.number == static_cast<double>(static_cast<long long>(value.number)) ? "ts epoch whole"
                                                                                       : "ts epoch fraction");
      }
    }
    for (const auto& [name, value] : input.consent) note("consent " + name + " " + describe_value(value));
    if (input.consent.count("old_sharing") > 0 && input.consent.count("sharing") == 0) note("former only");
    note("now " + std::to_string(input.now));
  }
  for (const char* expected :
       {"category absent", "category null", "category \"post\"", "category \"Post\"", "category 1",
        "category object", "ts absent", "ts null", "ts object", "ts fraction", "ts +02:00", "ts -05:30",
        "ts date only", "ts no such day", "ts no zone", "ts hour 25", "ts epoch whole", "ts epoch fraction",
        "ts \"2024-05-07T00:00:00Z\"", "ts \"2024-05-06T23:59:59Z\"", "ts \"2024-05-07T00:00:01Z\"",
        "age 18.5", "age 19.5", "age 17.5", "age \"18.5\"", "age NaN", "age Infinity", "verified true",
        "verified false", "verified \"true\"", "consent sharing \"on\"", "consent sharing \"off\"",
        "consent sharing true", "consent sharing false", "consent sharing null", "consent sharing \"maybe\"",
        "consent sharing 1", "consent old_sharing \"off\"", "former only", "now 1722470400",
        "now 1722470399", "now 1722470401"}) {
    CAPTURE(std::string(expected));
    CHECK(seen.count(expected) == 1);
  }
}
