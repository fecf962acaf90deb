// The reference interpreter against DESIGN.md's "Decision semantics", rule by rule. Every case is
// a row: a policy snippet, a record (attribute fields, consent values, `now`) and the exact
// decision and reason it must get. The tables are the spec in executable form; read a table's
// header comment, then its rows.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "usegate/base/diagnostics.hpp"
#include "usegate/base/source.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/interpreter.hpp"

namespace {

using namespace usegate;
using compiler::Effect;
using compiler::FieldMap;
using compiler::InterpreterInput;
using compiler::RecordValue;

// ---------------------------------------------------------------------------------------------
// Vocabulary of the tables.

// JSON values.
RecordValue text(const char* value) {
  return RecordValue::of(value);
}
RecordValue num(double value) {
  return RecordValue::of(value);
}
RecordValue json_bool(bool value) {
  return RecordValue::of(value);
}
const RecordValue null = RecordValue::null();
const RecordValue object = RecordValue::composite();

struct Expected {
  Effect effect;
  std::string reason;
};

std::string effect_name(Effect effect) {
  return effect == Effect::allow ? "allow" : "deny";
}

// Most atom tables use a one-rule policy `allow hit when COND` with `default deny`:
const Expected hit{Effect::allow, "hit"};        // the condition holds
const Expected no_hit{Effect::deny, "default"};  // it does not

// Epoch seconds of the instants the tables use.
constexpr std::int64_t aug_01 = 1722470400;       // 2024-08-01T00:00:00Z
constexpr std::int64_t aug_01_noon = 1722513600;  // 2024-08-01T12:00:00Z
constexpr std::int64_t aug_07 = 1722988800;       // 2024-08-07T00:00:00Z
constexpr std::int64_t some_day = 1717200000;     // 2024-06-01T00:00:00Z

std::string describe(const RecordValue& value) {
  switch (value.kind) {
    case RecordValue::Kind::null: return "null";
    case RecordValue::Kind::boolean: return value.boolean ? "true" : "false";
    case RecordValue::Kind::number: {
      std::ostringstream out;
      out.precision(17);
      out << value.number;
      return out.str();
    }
    case RecordValue::Kind::string: return "\"" + value.text + "\"";
    case RecordValue::Kind::composite: return "{...}";
  }
  return "?";
}

std::string describe(const FieldMap& fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ", ";
    out += "\"" + name + "\": " + describe(value);
  }
  return out + "}";
}

// Parses and checks a policy (no lints); the test stops if it does not check.
compiler::CheckedPolicy checked(const std::string& policy_text) {
  const usegate::SourceFile source("test.policy", policy_text);
  compiler::PolicyAnalysis analysis = compiler::analyze_policy(source, /*run_lints=*/false);
  std::string diagnostics;
  for (const auto& diagnostic : analysis.diagnostics.all()) {
    diagnostics += usegate::format_diagnostic(source, diagnostic);
  }
  INFO("policy:\n" << policy_text << "\ndiagnostics:\n" << diagnostics);
  REQUIRE(analysis.policy.has_value());
  REQUIRE(analysis.diagnostics.error_count() == 0);
  return std::move(*analysis.policy);
}

// The declarations every atom table shares.
const std::string declarations = R"(policy p "interpreter cases"
enum region { US, EU, UK }
enum purpose { training, ads, search }
time ts
number age
bool verified
)";

std::string one_rule_policy(const std::string& condition) {
  return declarations + "allow hit when " + condition + "\ndefault deny\n";
}

compiler::Interpretation run(const compiler::CheckedPolicy& policy, const FieldMap& attributes,
                             const FieldMap& consent = {}, std::int64_t now = some_day) {
  InterpreterInput input;
  input.attributes = attributes;
  input.consent = consent;
  input.now = now;
  return compiler::interpret(policy, input);
}

void check_decision(const compiler::Interpretation& result, const Expected& expected) {
  CHECK(effect_name(result.decision.effect) == effect_name(expected.effect));
  CHECK(result.decision.reason == expected.reason);
}

// Checks `allow hit when CONDITION` on one record.
void check_atom(const std::string& condition, const FieldMap& record, const Expected& expected) {
  INFO("condition: " << condition << "    record: " << describe(record)
                     << "    expected: " << effect_name(expected.effect) << " " << expected.reason);
  const auto policy = checked(one_rule_policy(condition));
  check_decision(run(policy, record), expected);
}

std::vector<std::string> rule_ids(const compiler::CheckedPolicy& policy, const std::vector<std::uint32_t>& rules) {
  std::vector<std::string> ids;
  for (const auto rule : rules) ids.push_back(policy.rules[rule].id);
  return ids;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ",") + word;
  return out;
}

// ---------------------------------------------------------------------------------------------
// 1. Atoms on `missing` and `unknown`.
//
// `==`, `in` and ordered comparisons are false on missing/unknown; `!=` and `not in` are true
// there. `is missing` / `is unknown` / `is known` say exactly what they name. A bare bool is
// `== true`. `not` is plain boolean negation of the atom's truth value.

// How each attribute can be missing (absent, or JSON null) and unknown (present, unreadable).
struct AttributeSamples {
  const char* attribute;
  std::vector<RecordValue> unknown_values;
};

const std::vector<AttributeSamples> samples = {
    // wrong JSON type, unlisted value, case mismatch, object
    {"region", {num(3), json_bool(true), text("FR"), text("eu"), text(""), object}},
    // unparseable text, impossible date, wrong JSON type, object
    {"ts", {text("yesterday"), text("2024-02-30"), json_bool(true), object}},
    // numeric text is not a number; wrong JSON type; object
    {"age", {text("18"), json_bool(false), object}},
    // text "true" and 1 are not JSON booleans; object
    {"verified", {text("true"), num(1), object}},
};

struct AtomRow {
  const char* condition;
  Expected on_missing;
  Expected on_unknown;
  RecordValue known_holds;  // a readable value on which the condition holds
  RecordValue known_fails;  // a readable value on which it does not
};

TEST_CASE("a record value from a string literal is text, never a bool") {
  const RecordValue literal = RecordValue::of("on");
  CHECK(literal.kind == RecordValue::Kind::string);
  CHECK(literal.text == "on");
  CHECK(RecordValue::of("").kind == RecordValue::Kind::string);
  CHECK(RecordValue::of(true).kind == RecordValue::Kind::boolean);
  // As consent: the text `off` opts out; a literal taken for the bool `true` would grant it.
  const compiler::CheckedPolicy policy = checked(declarations + R"(setting s { default on; covers true }
allow hit when true
)");
  const compiler::Interpretation decision = run(policy, {}, {{"s", RecordValue::of("off")}});
  CHECK(decision.decision.reason == "optout_s");
  CHECK(decision.bad_consent_values.empty());
}

TEST_CASE("each operator on missing and unknown values") {
  // condition                         missing  unknown   holds on            fails on
  const std::vector<AtomRow> rows = {
      {"region == EU", no_hit, no_hit, text("EU"), text("US")},
      {"region != EU", hit, hit, text("US"), text("EU")},
      {"region in {EU, UK}", no_hit, no_hit, text("UK"), text("US")},
      {"region not in {EU, UK}", hit, hit, text("US"), text("UK")},
      {"region is missing", hit, no_hit, null, text("EU")},
      {"region is unknown", no_hit, hit, text("eu"), text("EU")},
      {"region is known", no_hit, no_hit, text("US"), text("FR")},
      {"not (region == EU)", hit, hit, text("US"), text("EU")},
      {"not (region != EU)", no_hit, no_hit, text("EU"), text("US")},
      {"not (region in {EU, UK})", hit, hit, text("US"), text("EU")},
      {"not region is known", hit, hit, text("FR"), text("EU")},
      {"ts == 2024-08-01", no_hit, no_hit, text("2024-08-01"), text("2024-08-02")},
      {"ts != 2024-08-01", hit, hit, text("2024-08-02"), text("2024-08-01")},
      {"ts < 2024-08-01", no_hit, no_hit, text("2024-07-31"), text("2024-08-01")},
      {"ts <= 2024-08-01", no_hit, no_hit, text("2024-08-01"), text("2024-08-02")},
      {"ts > 2024-08-01", no_hit, no_hit, text("2024-08-02"), text("2024-08-01")},
      {"ts >= 2024-08-01", no_hit, no_hit, text("2024-08-01"), text("2024-07-31")},
      {"not (ts < 2024-08-01)", hit, hit, text("2024-08-01"), text("2024-07-31")},
      {"ts is missing", hit, no_hit, null, text("2024-08-01")},
      {"ts is unknown", no_hit, hit, text("2024-13-01"), text("2024-08-01")},
      {"ts is known", no_hit, no_hit, num(0), text("yesterday")},
      {"age == 18", no_hit, no_hit, num(18), num(19)},
      {"age != 18", hit, hit, num(19), num(18)},
      {"age < 18", no_hit, no_hit, num(17), num(18)},
      {"age <= 18", no_hit, no_hit, num(18), num(19)},
      {"age > 18", no_hit, no_hit, num(19), num(18)},
      {"age >= 18", no_hit, no_hit, num(18), num(17)},
      {"not (age >= 18)", hit, hit, num(17), num(18)},
      {"age is missing", hit, no_hit, null, num(0)},
      {"age is unknown", no_hit, hit, text("18"), num(18)},
      {"age is known", no_hit, no_hit, num(-1), text("x")},
      {"verified", no_hit, no_hit, json_bool(true), json_bool(false)},
      {"not verified", hit, hit, json_bool(false), json_bool(true)},
      {"verified == true", no_hit, no_hit, json_bool(true), json_bool(false)},
      {"verified == false", no_hit, no_hit, json_bool(false), json_bool(true)},
      {"verified != true", hit, hit, json_bool(false), json_bool(true)},
      {"verified is missing", hit, no_hit, null, json_bool(false)},
      {"verified is unknown", no_hit, hit, text("true"), json_bool(true)},
      {"verified is known", no_hit, no_hit, json_bool(false), num(0)},
  };
  int cases = 0;
  for (const auto& row : rows) {
    const std::string condition = row.condition;
    const AttributeSamples* sample = nullptr;
    for (const auto& candidate : samples) {
      if (condition.find(candidate.attribute) != std::string::npos) sample = &candidate;
    }
    REQUIRE(sample != nullptr);
    const std::string name = sample->attribute;
    check_atom(condition, {}, row.on_missing);              // field absent
    check_atom(condition, {{name, null}}, row.on_missing);  // field null
    for (const auto& unknown : sample->unknown_values) {
      check_atom(condition, {{name, unknown}}, row.on_unknown);
    }
    check_atom(condition, {{name, row.known_holds}}, hit);
    check_atom(condition, {{name, row.known_fails}}, no_hit);
    cases += 4 + static_cast<int>(sample->unknown_values.size());
  }
  CHECK(cases > 200);
}

TEST_CASE("`not (ts < d)` and `ts >= d` differ exactly on a missing or unknown ts") {
  struct Row {
    FieldMap record;
    Expected negated;  // allow hit when not (ts < 2024-08-01)
    Expected direct;   // allow hit when ts >= 2024-08-01
  };
  // record                                        not (ts < d)   ts >= d
  const std::vector<Row> rows = {
      {{}, hit, no_hit},                            // absent
      {{{"ts", null}}, hit, no_hit},                // null
      {{{"ts", text("not a time")}}, hit, no_hit},  // unknown
      {{{"ts", text("2024-07-31")}}, no_hit, no_hit},
      {{{"ts", text("2024-08-01")}}, hit, hit},
      {{{"ts", text("2024-08-02")}}, hit, hit},
  };
  for (const auto& row : rows) {
    check_atom("not (ts < 2024-08-01)", row.record, row.negated);
    check_atom("ts >= 2024-08-01", row.record, row.direct);
  }
}

TEST_CASE("compound conditions combine the atoms' plain truth values") {
  struct Row {
    const char* condition;
    FieldMap record;
    Expected expected;
  };
  const std::vector<Row> rows = {
      // `region != EU` alone lets a missing region through; `and region is known` stops it.
      {"region != EU and region is known", {}, no_hit},
      {"region != EU and region is known", {{"region", text("eu")}}, no_hit},
      {"region != EU and region is known", {{"region", text("US")}}, hit},
      {"region == EU or region is missing", {}, hit},
      {"region == EU or region is missing", {{"region", text("FR")}}, no_hit},
      {"not (region == EU or region == UK)", {{"region", null}}, hit},
      {"not (region == EU or region == UK)", {{"region", text("UK")}}, no_hit},
      {"purpose == training and not verified", {{"purpose", text("training")}}, hit},
      {"purpose == training and not verified", {{"purpose", text("training")}, {"verified", json_bool(true)}}, no_hit},
      {"true", {}, hit},
      {"not true", {}, no_hit},
  };
  for (const auto& row : rows) check_atom(row.condition, row.record, row.expected);
}

// ---------------------------------------------------------------------------------------------
// 2. Ordered comparisons at, just below and just above each boundary.
//
// The truth of each operator by where the record's value lies relative to the constant.

enum class Where { below, at, above };

struct OperatorTruth {
  const char* op;
  Expected below, at, above;
};

// op     below   at      above
const std::vector<OperatorTruth> truth_table = {
    {"<", hit, no_hit, no_hit}, {"<=", hit, hit, no_hit},    {">", no_hit, no_hit, hit},
    {">=", no_hit, hit, hit},   {"==", no_hit, hit, no_hit}, {"!=", hit, no_hit, hit},
};

struct BoundaryRow {
  RecordValue value;
  Where where;
};

int check_boundaries(const std::string& attribute, const std::string& constant, const std::vector<BoundaryRow>& rows) {
  int count = 0;
  for (const auto& truth : truth_table) {
    const std::string condition = attribute + " " + truth.op + " " + constant;
    const auto policy = checked(one_rule_policy(condition));
    for (const auto& row : rows) {
      const Expected& expected = row.where == Where::below ? truth.below
                                 : row.where == Where::at  ? truth.at
                                                           : truth.above;
      INFO("condition: " << condition << "    value: " << describe(row.value)
                         << "    expected: " << effect_name(expected.effect) << " " << expected.reason);
      check_decision(run(policy, {{attribute, row.value}}), expected);
      ++count;
    }
  }
  return count;
}

TEST_CASE("time boundaries: a date literal") {
  // ts OP 2024-08-01 (midnight UTC)
  const std::vector<BoundaryRow> rows = {
      {text("2024-08-01"), Where::at},
      {text("2024-07-31"), Where::below},
      {text("2024-08-02"), Where::above},
      {text("2024-08-01T00:00:00Z"), Where::at},
      {text("2024-07-31T23:59:59Z"), Where::below},
      {text("2024-08-01T00:00:01Z"), Where::above},
      {text("2024-07-31T23:59:59.5Z"), Where::below},     // half a second before
      {text("2024-08-01T00:00:00.5Z"), Where::above},     // half a second after
      {text("2024-08-01T00:00:00.000Z"), Where::at},      // a zero fraction is no fraction
      {text("2024-08-01T02:00:00+02:00"), Where::at},     // = 00:00:00Z
      {text("2024-08-01T01:59:59+02:00"), Where::below},  // = 2024-07-31T23:59:59Z
      {text("2024-08-01T02:00:01+02:00"), Where::above},
      {text("2024-08-01T01:00:00+02:00"), Where::below},  // read as UTC it would be after
      {text("2024-08-01T00:00:00+00:00"), Where::at},
      {text("2024-08-01T00:00:00-00:00"), Where::at},
      {text("2024-08-01T14:00:00+14:00"), Where::at},  // the largest offset in use
      {text("2024-07-31T19:00:00-05:00"), Where::at},  // = 2024-08-01T00:00:00Z
      {text("2024-07-31T18:59:59-05:00"), Where::below},
      {text("2024-07-31T19:00:01-05:00"), Where::above},
      {text("2024-07-31T23:00:00-05:00"), Where::above},  // read as UTC it would be before
      {num(static_cast<double>(aug_01)), Where::at},      // epoch seconds
      {num(static_cast<double>(aug_01 - 1)), Where::below},
      {num(static_cast<double>(aug_01 + 1)), Where::above},
      {num(static_cast<double>(aug_01) - 0.5), Where::below},  // fractional epoch seconds
      {num(static_cast<double>(aug_01) + 0.25), Where::above},
  };
  CHECK(check_boundaries("ts", "2024-08-01", rows) == 150);
}

TEST_CASE("time boundaries: a date-time literal") {
  // ts OP 2024-08-01T12:00:00Z
  const std::vector<BoundaryRow> rows = {
      {text("2024-08-01T12:00:00Z"), Where::at},
      {text("2024-08-01T11:59:59Z"), Where::below},
      {text("2024-08-01T12:00:01Z"), Where::above},
      {text("2024-08-01T11:59:59.999Z"), Where::below},
      {text("2024-08-01T12:00:00.5Z"), Where::above},
      {text("2024-08-01"), Where::below},  // midnight of that day
      {text("2024-08-02"), Where::above},
      {text("2024-08-01T14:00:00+02:00"), Where::at},
      {text("2024-08-01T13:59:59.5+02:00"), Where::below},
      {text("2024-08-01T07:00:00-05:00"), Where::at},
      {text("2024-08-01T07:00:00.5-05:00"), Where::above},
      {text("2024-08-01T06:59:59-05:00"), Where::below},
      {num(static_cast<double>(aug_01_noon)), Where::at},
      {num(static_cast<double>(aug_01_noon) + 0.5), Where::above},
      {num(static_cast<double>(aug_01_noon) - 0.1), Where::below},
  };
  CHECK(check_boundaries("ts", "2024-08-01T12:00:00Z", rows) == 90);
}

TEST_CASE("number boundaries: integers, decimals, negatives") {
  int count = 0;
  // age OP 18
  count += check_boundaries("age", "18",
                            {
                                {num(18), Where::at},
                                {num(17), Where::below},
                                {num(19), Where::above},
                                {num(17.999), Where::below},
                                {num(18.001), Where::above},
                                {num(-18), Where::below},
                            });
  // age OP 0.5
  count += check_boundaries("age", "0.5",
                            {
                                {num(0.5), Where::at},
                                {num(0.49), Where::below},
                                {num(0.51), Where::above},
                                {num(0), Where::below},
                            });
  // age OP -2.5
  count += check_boundaries("age", "-2.5",
                            {
                                {num(-2.5), Where::at},
                                {num(-2.6), Where::below},
                                {num(-2.4), Where::above},
                                {num(2.5), Where::above},
                            });
  // age OP 0 (negative zero is zero)
  count += check_boundaries("age", "0",
                            {
                                {num(0), Where::at},
                                {num(-0.0), Where::at},
                                {num(-1e-9), Where::below},
                                {num(1e-9), Where::above},
                            });
  CHECK(count == 108);
}

// ---------------------------------------------------------------------------------------------
// 3. Time text the language does not accept is `unknown`: `YYYY-MM-DD`, or
//    `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or epoch seconds, within years 0000-9999.

TEST_CASE("time values that are unknown, and their readable neighbours") {
  const std::vector<RecordValue> unknown = {
      text("2024-02-30"),                 // no such day
      text("2023-02-29"),                 // not a leap year
      text("2024-13-01"),                 // no such month
      text("2024-07-26T25:00:00Z"),       // no such hour
      text("2024-07-26T12:60:00Z"),       // no such minute
      text("2024-07-26T23:59:60Z"),       // no leap seconds
      text("2024-07-26T12:00:00"),        // no zone designator
      text("2024-07-26T12:00:00.5"),      // no zone designator after a fraction
      text("2024-07-26t12:00:00Z"),       // lowercase t
      text("2024-07-26T12:00:00z"),       // lowercase z
      text("2024-07-26 12:00:00Z"),       // space for T
      text("2024-07-26T12:00:00Zjunk"),   // trailing junk
      text("2024-07-26T12:00:00Z "),      // trailing space
      text("2024-07-26x"),                // trailing junk after a date
      text("2024-07-26T12:00:00."),       // empty fraction
      text("2024-07-26T12:00:00+0200"),   // offset without colon
      text("2024-07-26T12:00:00+24:00"),  // no such offset
      text("2024-7-26"),                  // one-digit month
      text("24-07-26"),                   // two-digit year
      text(""),                           // empty text
      num(253402300800.0),                // 10000-01-01T00:00:00Z: beyond year 9999
      num(1e20),                          // far beyond
      num(-62167219201.0),                // before year 0000
      json_bool(false),                   // wrong JSON type
      object,
  };
  const std::vector<RecordValue> known = {
      text("2024-02-29"),
      text("2024-07-26T12:00:00Z"),
      text("2024-07-26T12:00:00.123456789Z"),
      text("2024-07-26T12:00:00+02:00"),
      text("2024-07-26T12:00:00-05:00"),
      text("9999-12-31T23:59:59Z"),
      text("0000-01-01"),
      num(0),
      num(-1),              // before 1970 is fine
      num(253402300799.0),  // 9999-12-31T23:59:59Z
      num(1722470400.5),
  };
  const auto is_unknown = checked(one_rule_policy("ts is unknown"));
  const auto is_known = checked(one_rule_policy("ts is known"));
  for (const auto& value : unknown) {
    INFO("ts = " << describe(value) << " must be unknown");
    check_decision(run(is_unknown, {{"ts", value}}), hit);
    check_decision(run(is_known, {{"ts", value}}), no_hit);
  }
  for (const auto& value : known) {
    INFO("ts = " << describe(value) << " must be known");
    check_decision(run(is_unknown, {{"ts", value}}), no_hit);
    check_decision(run(is_known, {{"ts", value}}), hit);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Consent: the set value, else the default; unset is absent or null; anything but on/off
//    counts as off and is reported; a `formerly` name's value counts when the new name has none.

std::string consent_policy(const char* default_value) {
  return std::string(R"(policy p "consent cases"
enum purpose { training, ads }
setting share {
  label "Use my data for training"
  default )") +
         default_value + R"(
  covers purpose == training
  formerly old_share
}
allow train when purpose == training
allow ad_use when purpose == ads
default deny
)";
}

TEST_CASE("consent: default, explicit values, bad values, former names") {
  const auto default_on = checked(consent_policy("on"));
  const auto default_off = checked(consent_policy("off"));
  const Expected allowed{Effect::allow, "train"};
  const Expected opted_out{Effect::deny, "optout_share"};
  struct Row {
    const char* what;
    FieldMap consent;
    Expected with_default_on;
    Expected with_default_off;
    bool bad;  // listed in bad_consent_values
  };
  const std::vector<Row> rows = {
      // what                      consent values                                  default on  default off bad
      {"unset (absent)", {}, allowed, opted_out, false},
      {"unset (null)", {{"share", null}}, allowed, opted_out, false},
      {"\"on\"", {{"share", text("on")}}, allowed, allowed, false},
      {"\"off\"", {{"share", text("off")}}, opted_out, opted_out, false},
      {"true", {{"share", json_bool(true)}}, allowed, allowed, false},
      {"false", {{"share", json_bool(false)}}, opted_out, opted_out, false},
      {"bad: \"maybe\"", {{"share", text("maybe")}}, opted_out, opted_out, true},
      {"bad: 1", {{"share", num(1)}}, opted_out, opted_out, true},
      {"bad: 0", {{"share", num(0)}}, opted_out, opted_out, true},
      {"bad: \"ON\"", {{"share", text("ON")}}, opted_out, opted_out, true},
      {"bad: \"true\"", {{"share", text("true")}}, opted_out, opted_out, true},
      {"bad: object", {{"share", object}}, opted_out, opted_out, true},
      {"former name off", {{"old_share", text("off")}}, opted_out, opted_out, false},
      {"former name on", {{"old_share", text("on")}}, allowed, allowed, false},
      {"former name false", {{"old_share", json_bool(false)}}, opted_out, opted_out, false},
      {"former name bad", {{"old_share", text("maybe")}}, opted_out, opted_out, true},
      {"former null, unset", {{"old_share", null}}, allowed, opted_out, false},
      {"new on beats former off", {{"share", text("on")}, {"old_share", text("off")}}, allowed, allowed, false},
      {"new off beats former on", {{"share", text("off")}, {"old_share", text("on")}}, opted_out, opted_out, false},
      {"new bad beats former on", {{"share", text("maybe")}, {"old_share", text("on")}}, opted_out, opted_out, true},
      {"new null: former counts", {{"share", null}, {"old_share", text("off")}}, opted_out, opted_out, false},
      {"new null: former counts", {{"share", null}, {"old_share", text("on")}}, allowed, allowed, false},
      {"other setting's name", {{"sharing", text("off")}}, allowed, opted_out, false},
  };
  const FieldMap training{{"purpose", text("training")}};
  const FieldMap ads{{"purpose", text("ads")}};
  for (const auto& row : rows) {
    for (const bool on_by_default : {true, false}) {
      const auto& policy = on_by_default ? default_on : default_off;
      const Expected& expected = on_by_default ? row.with_default_on : row.with_default_off;
      INFO("consent " << row.what << " " << describe(row.consent) << ", default " << (on_by_default ? "on" : "off"));
      const auto result = run(policy, training, row.consent);
      check_decision(result, expected);
      CHECK(result.bad_consent_values == (row.bad ? std::vector<std::uint32_t>{0} : std::vector<std::uint32_t>{}));
      // A use the setting does not cover is untouched by its value, bad or not; a bad value is
      // still reported.
      const auto uncovered = run(policy, ads, row.consent);
      check_decision(uncovered, Expected{Effect::allow, "ad_use"});
      CHECK(uncovered.bad_consent_values == (row.bad ? std::vector<std::uint32_t>{0} : std::vector<std::uint32_t>{}));
    }
  }
}

TEST_CASE("consent: the `consent S` atom, and bad values of several settings") {
  const auto policy = checked(R"(policy p "consent atom"
enum purpose { training, ads }
setting a {
  default off
  covers purpose == ads
}
setting b { default on; covers purpose == ads }
allow with_consent when purpose == training and consent a
allow training_anyway when purpose == training
default deny
)");
  const FieldMap training{{"purpose", text("training")}};
  struct Row {
    FieldMap consent;
    Expected expected;
    std::vector<std::uint32_t> bad;
  };
  const Expected with_consent{Effect::allow, "with_consent"};
  const Expected anyway{Effect::allow, "training_anyway"};
  const std::vector<Row> rows = {
      {{}, anyway, {}},  // a defaults off
      {{{"a", text("on")}}, with_consent, {}},
      {{{"a", json_bool(true)}}, with_consent, {}},
      {{{"a", text("yes")}}, anyway, {0}},
      {{{"a", text("yes")}, {"b", num(1)}}, anyway, {0, 1}},
      {{{"a", text("on")}, {"b", text("maybe")}}, with_consent, {1}},
  };
  for (const auto& row : rows) {
    INFO("consent " << describe(row.consent));
    const auto result = run(policy, training, row.consent);
    check_decision(result, row.expected);
    CHECK(result.bad_consent_values == row.bad);
  }
}

// ---------------------------------------------------------------------------------------------
// 5. The decision: any matching deny (explicit or a setting's implicit opt-out) denies, with the
//    first matching deny in source order as the reason; else the first matching allow; else the
//    default with reason `default`. matched_rules lists every matching rule in source order.

const std::string selection_policy = R"(policy p "rule selection"
enum purpose { training, ads, search }
enum region { US, EU }
enum visibility { public, protected }

allow train "training is allowed" when purpose == training
allow public_any when visibility == public
deny eu "nothing from the EU" when region == EU
setting share {
  label "Use my data for training and ads"
  default on
  covers purpose in {training, ads}
}
deny protected_posts when visibility == protected
allow ads when purpose == ads
default deny
)";

TEST_CASE("decision: deny overrides allow, first deny, else first allow, else default") {
  const auto policy = checked(selection_policy);
  // Rules in source order: train, public_any, eu, optout_share, protected_posts, ads.
  REQUIRE(rule_ids(policy, {0, 1, 2, 3, 4, 5}) ==
          std::vector<std::string>{"train", "public_any", "eu", "optout_share", "protected_posts", "ads"});
  struct Row {
    FieldMap record;
    FieldMap consent;
    Expected expected;
    const char* matched;  // every matching rule, source order
  };
  const auto rec = [](const char* purpose, const char* region, const char* visibility) {
    FieldMap record;
    if (purpose) record["purpose"] = text(purpose);
    if (region) record["region"] = text(region);
    if (visibility) record["visibility"] = text(visibility);
    return record;
  };
  const FieldMap off{{"share", text("off")}};
  const std::vector<Row> rows = {
      // first matching allow, even when a later allow matches too
      {rec("training", "US", "public"), {}, {Effect::allow, "train"}, "train,public_any"},
      {rec("ads", "US", "public"), {}, {Effect::allow, "public_any"}, "public_any,ads"},
      {rec("ads", "US", nullptr), {}, {Effect::allow, "ads"}, "ads"},
      {rec("search", nullptr, "public"), {}, {Effect::allow, "public_any"}, "public_any"},
      // the implicit opt-out denies, and two matching allows cannot outvote it
      {rec("training", "US", "public"), off, {Effect::deny, "optout_share"}, "train,public_any,optout_share"},
      {rec("ads", "US", "public"), off, {Effect::deny, "optout_share"}, "public_any,optout_share,ads"},
      {rec("training", nullptr, nullptr), off, {Effect::deny, "optout_share"}, "train,optout_share"},
      // first matching deny in source order: `eu` comes before the opt-out
      {rec("training", "EU", "public"), off, {Effect::deny, "eu"}, "train,public_any,eu,optout_share"},
      {rec("training", "EU", "public"), {}, {Effect::deny, "eu"}, "train,public_any,eu"},
      // ... and the opt-out, at its setting's place, comes before `protected_posts`
      {rec("training", "US", "protected"), off, {Effect::deny, "optout_share"}, "train,optout_share,protected_posts"},
      {rec("training", "US", "protected"), {}, {Effect::deny, "protected_posts"}, "train,protected_posts"},
      {rec("ads", "EU", "protected"), off, {Effect::deny, "eu"}, "eu,optout_share,protected_posts,ads"},
      {rec("search", "US", "protected"), off, {Effect::deny, "protected_posts"}, "protected_posts"},
      // a deny with no allow at all
      {rec("search", "EU", nullptr), {}, {Effect::deny, "eu"}, "eu"},
      // the opt-out covers nothing here: no rule matches, so the default decides
      {rec("search", "US", nullptr), off, {Effect::deny, "default"}, ""},
      {rec(nullptr, nullptr, nullptr), {}, {Effect::deny, "default"}, ""},
      // an unreadable visibility matches neither `public_any` nor `protected_posts`
      {rec("search", "US", "Public"), {}, {Effect::deny, "default"}, ""},
  };
  for (const auto& row : rows) {
    INFO("record " << describe(row.record) << "  consent " << describe(row.consent));
    const auto result = run(policy, row.record, row.consent);
    check_decision(result, row.expected);
    CHECK(joined(rule_ids(policy, result.matched_rules)) == row.matched);
    if (row.expected.reason == "default") {
      CHECK_FALSE(result.decision.rule.has_value());
    } else {
      REQUIRE(result.decision.rule.has_value());
      CHECK(policy.rules[*result.decision.rule].id == row.expected.reason);
    }
  }
}

TEST_CASE("decision: the default effect, explicit or absent") {
  struct Row {
    const char* default_line;
    FieldMap record;
    Expected expected;
  };
  const std::string rules = R"(policy p "defaults"
enum purpose { training, ads, search }
allow train when purpose == training
deny no_ads when purpose == ads
)";
  const std::vector<Row> rows = {
      {"default allow", {{"purpose", text("search")}}, {Effect::allow, "default"}},
      {"default allow", {}, {Effect::allow, "default"}},
      {"default allow", {{"purpose", text("ads")}}, {Effect::deny, "no_ads"}},
      {"default allow", {{"purpose", text("training")}}, {Effect::allow, "train"}},
      {"default deny", {{"purpose", text("search")}}, {Effect::deny, "default"}},
      {"default deny", {{"purpose", text("training")}}, {Effect::allow, "train"}},
      {"", {{"purpose", text("search")}}, {Effect::deny, "default"}},  // absent: deny
      {"", {}, {Effect::deny, "default"}},
      {"", {{"purpose", text("training")}}, {Effect::allow, "train"}},
  };
  for (const auto& row : rows) {
    INFO("`" << row.default_line << "` record " << describe(row.record));
    const auto policy = checked(rules + row.default_line + "\n");
    check_decision(run(policy, row.record), row.expected);
  }
}

TEST_CASE("decision: `now` switches rules on at its boundary") {
  // The X suspension: EU posts created in the window stop being used from 2024-08-07 on.
  const auto policy = checked(R"(policy p "now"
enum purpose { training }
enum region { US, EU }
time ts
allow train when purpose == training
deny eu_suspension when purpose == training and region == EU
  and ts >= 2024-05-07 and ts < 2024-08-01 and now >= 2024-08-07
deny before_launch when now < 2024-07-26T12:00:00Z
default deny
)");
  struct Row {
    FieldMap record;
    std::int64_t now;
    Expected expected;
    const char* matched;
  };
  const FieldMap eu_in_window{{"purpose", text("training")}, {"region", text("EU")}, {"ts", text("2024-06-01")}};
  const FieldMap us_in_window{{"purpose", text("training")}, {"region", text("US")}, {"ts", text("2024-06-01")}};
  const FieldMap eu_after_window{{"purpose", text("training")}, {"region", text("EU")}, {"ts", text("2024-08-01")}};
  const FieldMap eu_no_ts{{"purpose", text("training")}, {"region", text("EU")}};
  const Expected train{Effect::allow, "train"};
  const Expected suspended{Effect::deny, "eu_suspension"};
  const Expected too_early{Effect::deny, "before_launch"};
  const std::vector<Row> rows = {
      {eu_in_window, aug_07 - 1, train, "train"},                    // just before
      {eu_in_window, aug_07, suspended, "train,eu_suspension"},      // at
      {eu_in_window, aug_07 + 1, suspended, "train,eu_suspension"},  // just after
      {eu_in_window, aug_07 + 86400 * 365, suspended, "train,eu_suspension"},
      {us_in_window, aug_07, train, "train"},
      {eu_after_window, aug_07, train, "train"},  // ts == end: outside
      {eu_no_ts, aug_07, train, "train"},         // a missing ts escapes
      // a date-time literal on `now`
      {us_in_window, 1721995200 - 1, too_early, "train,before_launch"},  // 2024-07-26T11:59:59Z
      {us_in_window, 1721995200, train, "train"},                        // 2024-07-26T12:00:00Z
      {eu_in_window, some_day, too_early, "train,before_launch"},
  };
  for (const auto& row : rows) {
    INFO("record " << describe(row.record) << "  now " << row.now);
    const auto result = run(policy, row.record, {}, row.now);
    check_decision(result, row.expected);
    CHECK(joined(rule_ids(policy, result.matched_rules)) == row.matched);
  }
}

TEST_CASE("decision: an opt-out cannot be outvoted, whatever the rule order") {
  // The setting declared last: its opt-out is the last deny, but still overrides every allow.
  const auto policy = checked(R"(policy p "late setting"
enum purpose { training }
deny never when purpose == training and now < 2000-01-01
allow a when purpose == training
allow b when true
setting late { default off; covers purpose == training }
)");
  struct Row {
    FieldMap consent;
    Expected expected;
    const char* matched;
  };
  const std::vector<Row> rows = {
      {{}, {Effect::deny, "optout_late"}, "a,b,optout_late"},
      {{{"late", text("off")}}, {Effect::deny, "optout_late"}, "a,b,optout_late"},
      {{{"late", text("maybe")}}, {Effect::deny, "optout_late"}, "a,b,optout_late"},
      {{{"late", text("on")}}, {Effect::allow, "a"}, "a,b"},
  };
  for (const auto& row : rows) {
    INFO("consent " << describe(row.consent));
    const auto result = run(policy, {{"purpose", text("training")}}, row.consent);
    check_decision(result, row.expected);
    CHECK(joined(rule_ids(policy, result.matched_rules)) == row.matched);
  }
  // Outside the coverage only the allow-everything rule is left.
  check_decision(run(policy, {}, {}), Expected{Effect::allow, "b"});
}

}  // namespace
