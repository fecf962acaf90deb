// The consent ledger (records/consent_ledger.hpp) read straight from a descriptor: subjects by
// value, bad values applied as off, former names in policy order, availability to the second.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "policy_from_text.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/subject_key.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/usegate.hpp"

namespace {

using namespace usegate;
using records::ConsentLedger;

// `sharing` can be changed on the web from 2024-07-26 until 2024-08-01, and in the iOS app
// from noon on the 26th until noon on the 27th; `renamed` anywhere, at any time.
const char* const policy_text = R"(policy consent_test "t"
enum purpose { training }
enum platform { web, ios }
setting sharing {
  default on
  covers purpose == training
  available on {web} from 2024-07-26 until 2024-08-01
  available on {ios} from 2024-07-26T12:00:00Z until 2024-07-27T12:00:00Z
}
setting renamed {
  default on
  covers purpose == training
  formerly first_name
  formerly second_name
}
allow train when purpose == training
)";

constexpr std::int64_t september = 1725148800;  // 2024-09-01

Policy load_policy() {
  return usegate::testing::policy_from_text("consent.policy", policy_text);
}

ConsentLedger read_ledger(const Policy& policy, const std::string& changes, std::int64_t now = september) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  REQUIRE(std::fwrite(changes.data(), 1, changes.size(), file) == changes.size());
  REQUIRE(std::fflush(file) == 0);
  REQUIRE(::lseek(fileno(file), 0, SEEK_SET) == 0);
  auto ledger = ConsentLedger::read(fileno(file), policy, now);
  std::fclose(file);
  return ledger;
}

std::size_t setting_index(const Policy& policy, const std::string& name) {
  const auto& settings = runtime::compiled_of(policy).settings;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    if (settings[i].name == name) return i;
  }
  FAIL("no setting " << name);
  return 0;
}

// `u0`, `u1`… (built in steps: GCC 12 warns falsely, -Wrestrict, on "..." + std::string).
std::string numbered(const char* prefix, std::size_t number) {
  std::string text = prefix;
  text += std::to_string(number);
  return text;
}

std::string string_key(const std::string& text) {
  std::string key;
  records::subject_key_from_string(text, key);
  return key;
}

std::string number_key(const std::string& token) {
  std::string key;
  REQUIRE(records::subject_key_from_number(token, key));
  return key;
}

// A change of `renamed`, which has no availability, with `user` and `value` as JSON text.
std::string change(const std::string& user, const std::string& value, const std::string& day = "2024-08-02",
                   const std::string& setting = "renamed") {
  return R"({"user":)" + user + R"(,"setting":")" + setting + R"(","value":)" + value + R"(,"ts":")" + day + "\"}\n";
}

struct Note {
  std::uint64_t line;
  bool applied;
  std::string cause;
  std::string message;
  bool operator==(const Note&) const = default;
};

std::vector<Note> notes_of(const ConsentLedger& ledger) {
  std::vector<Note> notes;
  for (const auto& note : ledger.notes()) notes.push_back(Note{note.line, note.applied, note.cause, note.message});
  return notes;
}

TEST_CASE("consent ledger: subjects match by value — 50, 50.0, 5e1 and \"50\" are one subject") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  const ConsentLedger ledger =
      read_ledger(policy, change("50.0", R"("off")") +                       // 1
                              change(R"("050")", R"("on")") +                // 2: another subject
                              change("18446744073709551615", R"("off")") +   // 3
                              change("1.50", R"("off")") +                   // 4
                              change("-0", R"("off")") +                     // 5
                              change("-7e0", R"("off")") +                   // 6
                              change(R"("u1")", R"("off")") +                // 7
                              change(R"("7")", R"("off")") +                 // 8
                              change("5e1", R"("on")", "2024-08-03") +       // 9: the same subject as line 1, later
                              change(R"("50")", R"("off")", "2024-08-04") +  // 10: and again
                              // 11: an integer beyond 64 bits, refused as in records: readers disagree on it
                              change("123456789012345678901234", R"("off")"));
  CHECK(ledger.applied() == 10);
  CHECK(ledger.rejected() == 1);
  CHECK(ledger.rejected_by_cause().at("number_out_of_range") == 1);
  // Lines 1, 9 and 10 are one subject: its last change wins.
  for (const std::string& key : {number_key("50"), number_key("50.0"), number_key("5e1"), number_key("500e-1"),
                                 number_key("5.0E+1"), string_key("50")}) {
    CHECK(ledger.value(renamed, key) == false);
  }
  CHECK(ledger.value(renamed, string_key("050")) == true);
  CHECK(ledger.value(renamed, string_key("50.0")) == std::nullopt);
  CHECK(ledger.value(renamed, number_key("18446744073709551615")) == false);
  CHECK(ledger.value(renamed, string_key("18446744073709551615")) == false);
  CHECK(ledger.value(renamed, number_key("18446744073709551614")) == std::nullopt);  // the same double
  CHECK(ledger.value(renamed, string_key("123456789012345678901234")) == std::nullopt);
  CHECK(ledger.value(renamed, number_key("1.5")) == false);
  CHECK(ledger.value(renamed, number_key("15e-1")) == false);
  CHECK(ledger.value(renamed, string_key("1.5")) == std::nullopt);
  CHECK(ledger.value(renamed, number_key("0")) == false);
  CHECK(ledger.value(renamed, string_key("0")) == false);
  CHECK(ledger.value(renamed, string_key("-0")) == std::nullopt);
  CHECK(ledger.value(renamed, string_key("-7")) == false);
  CHECK(ledger.value(renamed, string_key("u1")) == false);
  CHECK(ledger.value(renamed, number_key("7")) == false);  // line 8's string "7"
  CHECK(ledger.value(renamed, number_key("-7")) == false);
  CHECK(ledger.value(renamed, string_key("u2")) == std::nullopt);
  // The number of distinct subjects that switched off: 50, 18446744073709551615, 1.5, 0, -7, u1, 7.
  CHECK(ledger.subjects_with_value(renamed, false) == 7);
  CHECK(ledger.subjects_with_value(renamed, true) == 1);
}

TEST_CASE("consent ledger: a subject that is neither a string nor a number is rejected") {
  const Policy policy = load_policy();
  const ConsentLedger ledger = read_ledger(policy, change("true", R"("off")") + change("null", R"("off")") +
                                                       change(R"({"id":50})", R"("off")") + change("[50]", R"("off")"));
  CHECK(ledger.applied() == 0);
  CHECK(ledger.rejected() == 4);
  CHECK(ledger.rejected_by_cause() == std::map<std::string, std::uint64_t>{{"bad_user", 4}});
  CHECK(notes_of(ledger) == std::vector<Note>{{1, false, "bad_user", "`user` must be a string or a number"},
                                              {2, false, "bad_user", "`user` must be a string or a number"},
                                              {3, false, "bad_user", "`user` must be a string or a number"},
                                              {4, false, "bad_user", "`user` must be a string or a number"}});
}

TEST_CASE("consent ledger: a value neither on nor off is applied as off, counted and noted with its line") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  const std::size_t sharing = setting_index(policy, "sharing");
  struct Row {
    const char* value;  // as JSON
    const char* message;
  };
  const Row rows[] = {
      {R"("OFF")", "value `OFF` is neither on nor off"},
      {R"("disabled")", "value `disabled` is neither on nor off"},
      {"1", "value `1` is neither on nor off"},
      {"0", "value `0` is neither on nor off"},
      {R"("maybe")", "value `maybe` is neither on nor off"},
      {R"("")", "value `` is neither on nor off"},
      {R"("On")", "value `On` is neither on nor off"},
      {R"("true")", "value `true` is neither on nor off"},
      {R"({"value":"on"})", "an object value is neither on nor off"},
      {R"(["on"])", "an array value is neither on nor off"},
  };
  // Each subject switched on first; then the bad value, a day later.
  std::string changes;
  std::vector<Note> expected_notes;
  std::uint64_t line = 0;
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    const std::string user = numbered("\"u", i) + "\"";
    changes += change(user, R"("on")", "2024-08-02");
    changes += change(user, rows[i].value, "2024-08-03");
    line += 2;
    expected_notes.push_back(Note{line, true, "bad_value_read_as_off", rows[i].message});
  }
  // A bad value followed by a good one: the later change wins, as always.
  changes += change(R"("later")", R"("maybe")", "2024-08-02") + change(R"("later")", R"("on")", "2024-08-03");
  expected_notes.push_back(Note{line + 1, true, "bad_value_read_as_off", "value `maybe` is neither on nor off"});
  // A bad value still passes every check first: where the setting was unavailable it is
  // rejected, after `now` it is only counted as such, and neither counts as a bad value.
  changes += R"({"user":"app","setting":"sharing","value":"maybe","platform":"ios","ts":"2024-07-30"})"
             "\n";
  changes += R"({"user":"web","setting":"sharing","value":"maybe","platform":"web","ts":"2024-07-30"})"
             "\n";
  changes += R"({"user":"tv","setting":"sharing","value":"maybe","platform":"tv","ts":"2024-07-30"})"
             "\n";
  changes += change(R"("future")", R"("maybe")", "2024-10-01");
  expected_notes.push_back(
      Note{line + 3, false, "unavailable", "setting `sharing` could not be changed on ios at that time"});
  expected_notes.push_back(Note{line + 4, true, "bad_value_read_as_off", "value `maybe` is neither on nor off"});
  expected_notes.push_back(Note{line + 5, false, "unknown_platform", "the policy has no platform `tv`"});

  const ConsentLedger ledger = read_ledger(policy, changes);
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    INFO("value ", std::string(rows[i].value));
    CHECK(ledger.value(renamed, string_key(numbered("u", i))) == false);
  }
  CHECK(ledger.value(renamed, string_key("later")) == true);
  CHECK(ledger.value(sharing, string_key("app")) == std::nullopt);
  CHECK(ledger.value(sharing, string_key("web")) == false);
  CHECK(ledger.value(renamed, string_key("future")) == std::nullopt);
  CHECK(ledger.applied() == 2 * std::size(rows) + 2 + 1);
  CHECK(ledger.bad_values_read_as_off() == std::size(rows) + 2);
  CHECK(ledger.rejected() == 2);
  CHECK(ledger.after_now() == 1);
  CHECK(ledger.rejected_by_cause() ==
        std::map<std::string, std::uint64_t>{{"unavailable", 1}, {"unknown_platform", 1}});
  CHECK(ledger.rejected_by_setting()[sharing] == 2);
  CHECK(notes_of(ledger) == expected_notes);
}

TEST_CASE("consent ledger: own name first, then the former names in the order the policy lists them") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  struct Row {
    const char* subject;
    std::vector<std::string> changes;  // (name, value, day) as change() writes them, in file order
    std::optional<bool> expected;
  };
  const auto under = [](const char* subject, const char* name, const char* value, const char* day) {
    return change(std::string("\"") + subject + "\"", value, day, name);
  };
  const Row rows[] = {
      // Only the second former name has a value: it counts.
      {"a", {under("a", "second_name", R"("off")", "2024-08-02")}, false},
      // Both former names: the first one listed wins, whatever their times.
      {"b",
       {under("b", "first_name", R"("on")", "2024-08-02"), under("b", "second_name", R"("off")", "2024-08-03")},
       true},
      {"c",
       {under("c", "second_name", R"("off")", "2024-08-02"), under("c", "first_name", R"("on")", "2024-08-03")},
       true},
      {"d",
       {under("d", "second_name", R"("on")", "2024-08-02"), under("d", "first_name", R"("off")", "2024-08-03")},
       false},
      // The own name wins over both.
      {"e",
       {under("e", "renamed", R"("on")", "2024-08-02"), under("e", "first_name", R"("off")", "2024-08-03"),
        under("e", "second_name", R"("off")", "2024-08-04")},
       true},
      // A name set back to the default has no value: the next name in order counts.
      {"f",
       {under("f", "renamed", R"("on")", "2024-08-02"), under("f", "renamed", "null", "2024-08-03"),
        under("f", "second_name", R"("off")", "2024-08-01")},
       false},
      {"g",
       {under("g", "first_name", R"("on")", "2024-08-02"), under("g", "first_name", "null", "2024-08-03"),
        under("g", "second_name", R"("off")", "2024-08-04")},
       false},
      // Under one name, the last change counts.
      {"h",
       {under("h", "first_name", R"("off")", "2024-08-02"), under("h", "first_name", R"("on")", "2024-08-03"),
        under("h", "second_name", R"("off")", "2024-08-04")},
       true},
      {"i",
       {under("i", "first_name", "null", "2024-08-02"), under("i", "second_name", "null", "2024-08-03")},
       std::nullopt},
  };
  std::string changes;
  for (const auto& row : rows) {
    for (const auto& text : row.changes) changes += text;
  }
  const ConsentLedger ledger = read_ledger(policy, changes);
  CHECK(ledger.rejected() == 0);
  for (const auto& row : rows) {
    INFO("subject ", std::string(row.subject));
    CHECK(ledger.value(renamed, string_key(row.subject)) == row.expected);
  }
  CHECK(ledger.subjects_with_value(renamed, true) == 4);   // b, c, e, h
  CHECK(ledger.subjects_with_value(renamed, false) == 4);  // a, d, f, g
}

TEST_CASE("consent ledger: availability from its `from` (inclusive) until its `until` (exclusive), to the second") {
  const Policy policy = load_policy();
  const std::size_t sharing = setting_index(policy, "sharing");
  struct Row {
    const char* platform;
    const char* ts;  // as JSON: text or epoch seconds
    bool applied;
  };
  const Row rows[] = {
      // The web: from 2024-07-26 (1721952000) until 2024-08-01 (1722470400).
      {"web", R"("2024-07-25T23:59:59Z")", false},
      {"web", R"("2024-07-25T23:59:59.5Z")", false},
      {"web", "1721951999.5", false},
      {"web", R"("2024-07-26")", true},
      {"web", R"("2024-07-26T00:00:00Z")", true},
      {"web", R"("2024-07-26T02:00:00+02:00")", true},
      {"web", "1721952000", true},
      {"web", R"("2024-07-26T00:00:00.5Z")", true},
      {"web", R"("2024-07-31T23:59:59Z")", true},
      {"web", R"("2024-07-31T23:59:59.999Z")", true},
      {"web", "1722470399.5", true},
      {"web", R"("2024-08-01T01:59:59+02:00")", true},
      {"web", R"("2024-08-01T00:00:00Z")", false},
      {"web", R"("2024-08-01")", false},
      {"web", "1722470400", false},
      {"web", R"("2024-08-01T02:00:00+02:00")", false},
      {"web", R"("2024-08-01T00:00:00.5Z")", false},
      {"web", R"("2024-08-01T00:00:01Z")", false},
      // The app: date-time bounds, from 2024-07-26T12:00:00Z until 2024-07-27T12:00:00Z.
      {"ios", R"("2024-07-26T11:59:59Z")", false},
      {"ios", R"("2024-07-26T11:59:59.5Z")", false},
      {"ios", R"("2024-07-26T12:00:00Z")", true},
      {"ios", "1721995200", true},
      {"ios", R"("2024-07-27T11:59:59Z")", true},
      {"ios", R"("2024-07-27T11:59:59.5Z")", true},
      {"ios", R"("2024-07-27T12:00:00Z")", false},
      {"ios", "1722081600", false},
      {"ios", R"("2024-07-27T12:00:00.5Z")", false},
      {"ios", R"("2024-07-27")", true},  // midnight: inside the app's day
  };
  std::string changes;
  std::uint64_t refused = 0;
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    changes += numbered(R"({"user":"u)", i) + R"(","setting":"sharing","value":"off","platform":")" + rows[i].platform +
               R"(","ts":)" + rows[i].ts + "}\n";
    refused += rows[i].applied ? 0 : 1;
  }
  const ConsentLedger ledger = read_ledger(policy, changes);
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    INFO("line ", i + 1, ": ", std::string(rows[i].platform), " at ", std::string(rows[i].ts));
    CHECK(ledger.value(sharing, string_key(numbered("u", i))) ==
          (rows[i].applied ? std::optional<bool>(false) : std::nullopt));
  }
  CHECK(ledger.applied() == std::size(rows) - refused);
  CHECK(ledger.rejected() == refused);
  CHECK(ledger.rejected_by_cause() == std::map<std::string, std::uint64_t>{{"unavailable", refused}});
}

}  // namespace

namespace {

TEST_CASE("consent ledger: a change is applied only if it is strict JSON with no key twice") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  const ConsentLedger ledger =
      read_ledger(policy,
                  // Which copy wins differs between readers: neither is applied.
                  R"({"user":"a","setting":"renamed","value":"on","value":"off","ts":"2024-08-01"})"
                  "\n"
                  R"({"user":"b","user":"c","setting":"renamed","value":"off","ts":"2024-08-01"})"
                  "\n"
                  R"({"user":"d","setting":"renamed","val\u0075e":"off","value":"on","ts":"2024-08-01"})"
                  "\n"
                  // Broken values in fields the ledger does not read.
                  R"({"user":"e","setting":"renamed","value":"off","ts":"2024-08-01","note":tru})"
                  "\n"
                  R"({"user":"f","setting":"renamed","value":"off","ts":"2024-08-01","note":[1,]})"
                  "\n"
                  R"({"user":"g","setting":"renamed","value":"off","ts":"2024-08-01","note":1e999})"
                  "\n"
                  // The same changes, well formed.
                  R"({"user":"h","setting":"renamed","value":"off","ts":"2024-08-01","note":{"a":[true,null,-0.5e-3]}})"
                  "\n");
  CHECK(ledger.applied() == 1);
  CHECK(ledger.rejected() == 6);
  CHECK(ledger.rejected_by_cause() ==
        std::map<std::string, std::uint64_t>{{"duplicate_key", 3}, {"invalid_json", 2}, {"number_out_of_range", 1}});
  for (const char* subject : {"a", "b", "c", "d", "e", "f", "g"}) CHECK(ledger.value(renamed, subject) == std::nullopt);
  CHECK(ledger.value(renamed, "h") == false);
}

}  // namespace

namespace {

TEST_CASE("consent ledger: each rejection has its cause and message, and is never applied") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  const std::size_t sharing = setting_index(policy, "sharing");
  struct Row {
    const char* line;
    const char* cause;
    const char* message;
  };
  const Row rows[] = {
      {R"({"user":"a","setting":"sharnig","value":"off","ts":"2024-08-02"})", "unknown_setting",
       "the policy has no setting `sharnig`"},
      {R"({"user":"a","setting":"optout_renamed","value":"off","ts":"2024-08-02"})", "unknown_setting",
       "the policy has no setting `optout_renamed`"},
      {R"({"setting":"renamed","value":"off","ts":"2024-08-02"})", "missing_field", "no `user`"},
      {R"({"user":"a","value":"off","ts":"2024-08-02"})", "missing_field", "no `setting`"},
      {R"({"user":"a","setting":"renamed","ts":"2024-08-02"})", "missing_field", "no `value`"},
      {R"({"user":"a","setting":"renamed","value":"off"})", "missing_field", "no `ts`"},
      {R"({"user":"a","setting":"renamed","value":"off","ts":"2024-02-30"})", "bad_time",
       "`ts` is not an ISO-8601 time or epoch seconds"},
      {R"({"user":"a","setting":"renamed","value":"off","ts":"yesterday"})", "bad_time",
       "`ts` is not an ISO-8601 time or epoch seconds"},
      {R"({"user":"a","setting":7,"value":"off","ts":"2024-08-02"})", "bad_setting", "`setting` must be a string"},
      {R"({"user":"a","setting":"sharing","value":"off","ts":"2024-07-27"})", "missing_field",
       "no `platform`, and setting `sharing` is available only on some"},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"android","ts":"2024-07-27"})", "unknown_platform",
       "the policy has no platform `android`"},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"ios","ts":"2024-07-28"})", "unavailable",
       "setting `sharing` could not be changed on ios at that time"},
      {R"({"user":"a","setting":"sharing","value":"off","platform":"web","ts":"2024-08-01"})", "unavailable",
       "setting `sharing` could not be changed on web at that time"},
      {R"(["user","a"])", "not_an_object", "not a JSON object"},
  };
  std::string changes;
  std::vector<Note> expected;
  std::map<std::string, std::uint64_t> by_cause;
  for (std::size_t i = 0; i < std::size(rows); ++i) {
    changes += std::string(rows[i].line) + "\n";
    expected.push_back(Note{i + 1, false, rows[i].cause, rows[i].message});
    ++by_cause[rows[i].cause];
  }
  const ConsentLedger ledger = read_ledger(policy, changes);
  CHECK(ledger.applied() == 0);
  CHECK(ledger.rejected() == std::size(rows));
  CHECK(ledger.rejected_by_cause() == by_cause);
  CHECK(notes_of(ledger) == expected);
  // Only the changes that named `sharing` and failed on its availability count for it.
  CHECK(ledger.rejected_by_setting()[sharing] == 4);
  CHECK(ledger.rejected_by_setting()[renamed] == 0);
  CHECK(ledger.value(renamed, string_key("a")) == std::nullopt);
  CHECK(ledger.value(sharing, string_key("a")) == std::nullopt);
}

TEST_CASE(
    "consent ledger: the last change at or before now wins, by time and not by line, and a tie goes to the later "
    "line") {
  const Policy policy = load_policy();
  const std::size_t renamed = setting_index(policy, "renamed");
  const std::int64_t aug_10 = 1723248000;  // 2024-08-10T00:00:00Z
  struct Row {
    const char* subject;
    std::vector<std::pair<const char*, const char*>> changes;  // value (JSON), time
    std::optional<bool> expected;
  };
  const std::vector<Row> rows = {
      {"in_order", {{R"("on")", "2024-08-01"}, {R"("off")", "2024-08-02"}}, false},
      {"out_of_order", {{R"("off")", "2024-08-02"}, {R"("on")", "2024-08-01"}}, false},
      {"tie_last_line", {{R"("off")", "2024-08-02"}, {R"("on")", "2024-08-02T00:00:00Z"}}, true},
      {"tie_other_way", {{R"("on")", "2024-08-02"}, {R"("off")", "2024-08-02T02:00:00+02:00"}}, false},
      {"fraction_later", {{R"("on")", "2024-08-02T00:00:00.5Z"}, {R"("off")", "2024-08-02"}}, true},
      {"at_now", {{R"("on")", "2024-08-01"}, {R"("off")", "2024-08-10T00:00:00Z"}}, false},
      {"after_now", {{R"("off")", "2024-08-01"}, {R"("on")", "2024-08-10T00:00:01Z"}}, false},
      {"only_after_now", {{R"("off")", "2024-08-11"}}, std::nullopt},
      {"back_to_default", {{R"("off")", "2024-08-01"}, {"null", "2024-08-02"}}, std::nullopt},
      {"bool_values", {{"false", "2024-08-01"}, {"true", "2024-08-02"}}, true},
  };
  std::string changes;
  for (const Row& row : rows) {
    std::string subject(1, '"');
    subject += row.subject;
    subject += '"';
    for (const auto& [value, time] : row.changes) changes += change(subject, value, time);
  }
  const ConsentLedger ledger = read_ledger(policy, changes, aug_10);
  for (const Row& row : rows) {
    INFO(row.subject);
    CHECK(ledger.value(renamed, string_key(row.subject)) == row.expected);
  }
  CHECK(ledger.after_now() == 2);
  CHECK(ledger.applied() == 17);
  CHECK(ledger.rejected() == 0);
  CHECK(ledger.subjects_with_value(renamed, true) == 3);
  CHECK(ledger.subjects_with_value(renamed, false) == 5);
}

}  // namespace

namespace {

TEST_CASE("consent ledger: the source of a value is the line of the change that set it") {
  const Policy policy = load_policy();
  const ConsentLedger ledger = read_ledger(policy,
                                           // line 1: off on the web; line 2: on again, later; line 3: rejected (ios
                                           // after its window); line 4: a former name of `renamed`; line 5: its own
                                           // name set back to the default.
                                           "{\"user\": \"u1\", \"setting\": \"sharing\", \"value\": \"off\", "
                                           "\"platform\": \"web\", \"ts\": \"2024-07-27\"}\n"
                                           "{\"user\": \"u1\", \"setting\": \"sharing\", \"value\": \"on\", "
                                           "\"platform\": \"web\", \"ts\": \"2024-07-29\"}\n"
                                           "{\"user\": \"u1\", \"setting\": \"sharing\", \"value\": \"off\", "
                                           "\"platform\": \"ios\", \"ts\": \"2024-07-30\"}\n"
                                           "{\"user\": \"u1\", \"setting\": \"second_name\", \"value\": \"off\", "
                                           "\"platform\": \"web\", \"ts\": \"2024-07-27\"}\n"
                                           "{\"user\": \"u1\", \"setting\": \"renamed\", \"value\": null, "
                                           "\"platform\": \"web\", \"ts\": \"2024-07-28\"}\n");
  const std::string u1 = string_key("u1");
  const auto sharing = ledger.source(setting_index(policy, "sharing"), u1);
  REQUIRE(sharing.has_value());
  CHECK(sharing->on);
  CHECK(sharing->line == 2);
  const auto renamed = ledger.source(setting_index(policy, "renamed"), u1);
  REQUIRE(renamed.has_value());
  CHECK_FALSE(renamed->on);
  CHECK(renamed->line == 4);
  CHECK_FALSE(ledger.source(setting_index(policy, "sharing"), string_key("u2")).has_value());
  // value() says the same without the line.
  CHECK(ledger.value(setting_index(policy, "sharing"), u1) == std::optional<bool>(true));
  CHECK(ledger.value(setting_index(policy, "renamed"), u1) == std::optional<bool>(false));
}

}  // namespace
