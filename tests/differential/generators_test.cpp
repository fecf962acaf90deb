// The generators themselves: random policies use every part of the language and always
// check; random records reach every kind of edge they are meant to. Without this, a
// differential test that passes might only be comparing easy cases.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "civil_time.hpp"
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
  // Ordered variables by their number of constants: a few (counted by the runtime) or more
  // than eight (searched); settings by their number of former names; availability lines.
  int few_constants = 0, many_constants = 0, windows = 0, time_of_day_bounds = 0, shaped_with_availability = 0;
  std::set<std::size_t> former_counts;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const bool shaped = seed % 4 == 3;
    const RandomPolicy policy = generate_policy(mix_seed(seed), PolicyShape{.settings_with_availability = shaped});
    const std::string text = policy.render();
    const Pipeline pipeline = run_pipeline(text, compiler::CompileOptions{}, /*run_lints=*/true);
    INFO("seed " << mix_seed(seed) << "\n" << text << pipeline.errors);
    REQUIRE(pipeline.table.has_value());
    if (pipeline.table->layout() == "diagram") ++diagram_sized;
    const Policy& loaded = pipeline.table->policy();
    for (std::size_t v = 0; v < loaded.variable_count(); ++v) {
      const VariableDescription variable = loaded.variable(v);
      if (variable.kind != VariableDescription::Kind::time && variable.kind != VariableDescription::Kind::number)
        continue;
      const std::size_t constants = (variable.code_count - 3) / 2;  // missing, unknown, 2 per constant, 1
      ++(constants > 8 ? many_constants : few_constants);
    }
    all_text += text;
    bool has_availability = false;
    for (const auto& declaration : policy.declarations) {
      if (const auto* rule = std::get_if<RandomRule>(&declaration)) collect_atoms(rule->condition, atoms);
      if (const auto* setting = std::get_if<RandomSetting>(&declaration)) {
        collect_atoms(setting->covers, atoms);
        former_counts.insert(setting->formerly.size());
        for (const auto& line : setting->availability) {
          has_availability = true;
          windows += line.from && line.until ? 1 : 0;
          time_of_day_bounds += (line.from && *line.from % 86400 != 0) || (line.until && *line.until % 86400 != 0);
        }
      }
      if (const auto* attribute = std::get_if<RandomAttribute>(&declaration)) {
        if (attribute->kind == RandomAttribute::Kind::boolean) bool_names.insert(attribute->name);
      }
    }
    shaped_with_availability += shaped && has_availability ? 1 : 0;
  }
  CHECK(few_constants > 20);
  CHECK(many_constants > 20);
  CHECK(former_counts == std::set<std::size_t>{0, 1, 2, 3});
  CHECK(windows > 10);
  CHECK(time_of_day_bounds > 10);
  CHECK(shaped_with_availability > 50);  // of 75
  for (const char* construct : {" == ",
                                " != ",
                                " in {",
                                " not in {",
                                " < ",
                                " <= ",
                                " > ",
                                " >= ",
                                " is missing",
                                " is unknown",
                                " is known",
                                "consent ",
                                "not ",
                                " and ",
                                " or ",
                                "(",
                                "\n   and ",
                                "now ",
                                "default allow",
                                "default deny",
                                "enum platform",
                                "formerly ",
                                "available on {",
                                " from ",
                                " until ",
                                "T00:",
                                ":30:00Z",
                                "== -",
                                " 0.",
                                "\\\"",
                                "# about",
                                "time ",
                                "number ",
                                "bool ",
                                "; default",
                                "setting ",
                                "interaction_with_grok_a",
                                "interaction_b_with_grok",
                                ",}"}) {
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
      const compiler::RecordValue& value = found->second;
      note(std::string(name) + " " + describe_value(value));
      if (value.kind == compiler::RecordValue::Kind::null) note(std::string(name) + " null");
      if (value.kind == compiler::RecordValue::Kind::composite) note(std::string(name) + " object");
    }
    if (const auto ts = input.attributes.find("ts"); ts != input.attributes.end()) {
      const auto& value = ts->second;
      if (value.kind == compiler::RecordValue::Kind::string) {
        if (value.text.find(".5") != std::string::npos) note("ts fraction");
        if (value.text.find("+02:00") != std::string::npos) note("ts +02:00");
        if (value.text.find("-05:30") != std::string::npos) note("ts -05:30");
        if (value.text.size() == 10) note("ts date only");
        if (value.text == "2024-02-30") note("ts no such day");
        if (value.text == "2024-07-26T12:00:00") note("ts no zone");
        if (value.text.find("T25:") != std::string::npos) note("ts hour 25");
      }
      if (value.kind == compiler::RecordValue::Kind::number) {
        note(value.number == static_cast<double>(static_cast<long long>(value.number)) ? "ts epoch whole"
                                                                                       : "ts epoch fraction");
      }
    }
    for (const auto& [name, value] : input.consent) note("consent " + name + " " + describe_value(value));
    if (input.consent.count("old_sharing") > 0 && input.consent.count("sharing") == 0) note("former only");
    if (const auto own = input.consent.find("sharing"); own != input.consent.end() &&
                                                        own->second.kind == compiler::RecordValue::Kind::null &&
                                                        input.consent.count("old_sharing") > 0) {
      note("own null, former set");
    }
    note("now " + std::to_string(input.now));
  }
  for (const char* expected : {"category absent",
                               "category null",
                               "category \"post\"",
                               "category \"Post\"",
                               "category 1",
                               "category object",
                               "ts absent",
                               "ts null",
                               "ts object",
                               "ts fraction",
                               "ts +02:00",
                               "ts -05:30",
                               "ts date only",
                               "ts no such day",
                               "ts no zone",
                               "ts hour 25",
                               "ts epoch whole",
                               "ts epoch fraction",
                               "ts \"2024-05-07T00:00:00Z\"",
                               "ts \"2024-05-06T23:59:59Z\"",
                               "ts \"2024-05-07T00:00:01Z\"",
                               "age 18.5",
                               "age 19.5",
                               "age 17.5",
                               "age \"18.5\"",
                               "age NaN",
                               "age Infinity",
                               "verified true",
                               "verified false",
                               "verified \"true\"",
                               "consent sharing \"on\"",
                               "consent sharing \"off\"",
                               "consent sharing true",
                               "consent sharing false",
                               "consent sharing null",
                               "consent sharing \"maybe\"",
                               "consent sharing 1",
                               "consent sharing \"OFF\"",
                               "consent old_sharing \"off\"",
                               "consent old_sharing null",
                               "former only",
                               "own null, former set",
                               "now 1722470400",
                               "now 1722470399",
                               "now 1722470401"}) {
    CAPTURE(std::string(expected));
    CHECK(seen.count(expected) == 1);
  }
}

TEST_CASE("edge records: every constant and its neighbours, every setting value under every name") {
  const std::string text = R"(policy p
enum category { post, interaction }
time ts
number age
bool verified
setting sharing { default on; covers category == post; formerly old_sharing; formerly legacy_toggle }
allow a when verified and ts in {2024-05-01, 2024-05-02, 2024-05-03, 2024-05-04, 2024-05-05, 2024-05-06,
                                 2024-05-07, 2024-05-08, 2024-05-09T12:00:00Z}
  and age in {1, 2, 3, 4, 5, 6, 7, 8, 9.5}
)";
  const Pipeline pipeline = run_pipeline(text, compiler::CompileOptions{});
  REQUIRE(pipeline.table.has_value());
  // Nine constants each: the runtime searches rather than counts.
  for (const char* name : {"ts", "age"}) {
    const auto variable = pipeline.table->policy().find_variable(name);
    REQUIRE(variable.has_value());
    CHECK(pipeline.table->policy().variable(*variable).code_count == 2 + 2 * 9 + 1);
  }
  const RecordGenerator generator(*pipeline.checked);
  std::mt19937_64 rng(3);
  const std::vector<compiler::InterpreterInput> records = generator.edge_records(rng);
  std::set<std::string> seen;
  for (const auto& record : records) {
    for (const char* name : {"category", "ts", "age", "verified"}) {
      const auto found = record.attributes.find(name);
      seen.insert(std::string(name) + " " +
                  (found == record.attributes.end() ? "absent" : describe_value(found->second)));
    }
    std::string names;
    for (const char* name : {"sharing", "old_sharing", "legacy_toggle"}) {
      const auto found = record.consent.find(name);
      names += std::string(names.empty() ? "" : ", ") + name + " " +
               (found == record.consent.end() ? "absent" : describe_value(found->second));
    }
    seen.insert(names);
  }
  std::vector<std::string> expected = {
      "category absent",   "category null",     "category {}", "category \"post\"", "category \"interaction\"",
      "category 1",        "verified \"true\"", "ts absent",   "ts null",           "ts {}",
      "ts \"2024-02-30\"", "age absent",        "age null",    "age \"18\"",        "age NaN",
      "age Infinity"};
  // Each constant, a second and half a second either side (times, as epoch seconds and as text),
  // and the neighbouring doubles, ±1 and ±0.5 (numbers).
  for (const std::int64_t c : {1714521600LL, 1714608000LL, 1715040000LL, 1715256000LL}) {
    for (const std::int64_t s : {c - 1, c, c + 1}) {
      expected.push_back("ts " + describe_value(compiler::RecordValue::of(static_cast<double>(s))));
      expected.push_back("ts \"" + datetime_text(s) + "\"");
    }
    expected.push_back("ts " + describe_value(compiler::RecordValue::of(static_cast<double>(c) + 0.5)));
    expected.push_back("ts " + describe_value(compiler::RecordValue::of(static_cast<double>(c) - 0.5)));
    expected.push_back("ts \"" + datetime_text(c - 1, ".5Z") + "\"");
    expected.push_back("ts \"" + datetime_text(c + 7200, "+02:00") + "\"");
  }
  for (const double c : {1.0, 5.0, 8.0, 9.5}) {
    for (const double value :
         {c, c - 1, c + 1, c - 0.5, c + 0.5, std::nextafter(c, 100.0), std::nextafter(c, -100.0)}) {
      expected.push_back("age " + describe_value(compiler::RecordValue::of(value)));
    }
  }
  // Every value under each name alone, and the first name set winning over later ones.
  for (const auto& value : RecordGenerator::consent_values()) {
    const std::string v = describe_value(value);
    expected.push_back("sharing " + v + ", old_sharing absent, legacy_toggle absent");
    expected.push_back("sharing absent, old_sharing " + v + ", legacy_toggle absent");
    expected.push_back("sharing absent, old_sharing absent, legacy_toggle " + v);
    expected.push_back("sharing null, old_sharing null, legacy_toggle " + v);
  }
  expected.push_back("sharing absent, old_sharing absent, legacy_toggle absent");
  for (const auto& want : expected) {
    CAPTURE(want);
    CHECK(seen.count(want) == 1);
  }
  // Own name set, former ones set too (to other values): the own name must win.
  bool own_and_former = false;
  for (const auto& record : records) {
    own_and_former = own_and_former || (record.consent.count("sharing") &&
                                        record.consent.at("sharing").kind != compiler::RecordValue::Kind::null &&
                                        record.consent.count("old_sharing") && record.consent.count("legacy_toggle"));
  }
  CHECK(own_and_former);
}
