// The record decoder (records/record_decoder.hpp) line by line: the code of every variable,
// or why the line is rejected, for the default bindings and for a bindings file.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "policy_from_text.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/runtime/compiled_policy.hpp"

namespace {

using namespace usegate;
using records::RecordDecoder;

// `ts` and `age` are each compared with one constant, so each has three cells besides missing
// and unknown: below it, at it, above it.
const char* const policy_text = R"(policy decoder_test "t"
enum purpose { training, ads }
enum category { post, reply }
time ts
number age
bool verified
setting sharing {
  default on
  covers purpose == training
  formerly old_sharing
  formerly older_sharing
}
setting comments { default off; covers category == reply }
allow train when purpose == training and category in {post, reply} and ts >= 2024-06-01 and age >= 18 and verified
)";

constexpr std::int64_t september = 1725148800;  // 2024-09-01, the evaluation time

const Policy& test_policy() {
  static const Policy policy = usegate::testing::policy_from_text("decoder.policy", policy_text);
  return policy;
}

// Every variable as `name=value`: enum and bool values by name, ordered cells as below, at or
// above the policy's constant, settings on or off.
std::string describe(const Policy& policy, const std::vector<Code>& codes) {
  const auto& compiled = runtime::compiled_of(policy);
  std::string out;
  for (std::size_t v = 0; v < codes.size(); ++v) {
    const VariableDescription variable = policy.variable(v);
    const Code code = codes[v];
    std::string value;
    if (variable.kind == VariableDescription::Kind::setting) {
      value = code == runtime::setting_on_code ? "on" : "off";
    } else if (code == runtime::missing_code) {
      value = "missing";
    } else if (code == runtime::unknown_code) {
      value = "unknown";
    } else if (variable.kind == VariableDescription::Kind::time || variable.kind == VariableDescription::Kind::number) {
      static const char* const cells[] = {"below", "at", "above"};
      value = code - runtime::first_value_code < 3 ? cells[code - runtime::first_value_code] : "?";
    } else {
      for (const auto& attribute : compiled.attributes) {
        if (attribute.name == variable.name) value = attribute.values.at(code - runtime::first_value_code);
      }
    }
    if (!out.empty()) out += ' ';
    out.append(variable.name).append("=").append(value);
  }
  return out;
}

// A line as a block would hold it: followed by the zero padding the parser may read.
std::string decode(RecordDecoder& decoder, const Policy& policy, const std::string& text) {
  std::string padded = text;
  padded.append(records::parse_padding, '\0');
  records::InputLine line;
  line.text = std::string_view(padded.data(), text.size());
  line.raw = line.text;
  line.number = 1;
  line.readable = padded.size();
  std::vector<Code> codes(policy.variable_count(), 0xEEEE);
  const records::RejectCause cause = decoder.decode(line, codes.data());
  if (cause != records::RejectCause::none) return std::string("reject ") + records::reject_cause_name(cause);
  std::string out = describe(policy, codes);
  if (decoder.bad_consent_values() > 0) out.append(" bad=").append(std::to_string(decoder.bad_consent_values()));
  return out;
}

records::Bindings bindings_from(const std::string& yaml) {
  auto result = records::read_bindings("b.yaml", yaml, test_policy());
  REQUIRE(result.ok());
  return *result;
}

struct Case {
  std::string line;
  std::string expected;
};

void check_cases(RecordDecoder& decoder, const std::vector<Case>& cases) {
  // Twice over: nothing of one line may stay behind for the next.
  for (int round = 0; round < 2; ++round) {
    for (const Case& c : cases) {
      INFO(c.line);
      CHECK(decode(decoder, test_policy(), c.line) == c.expected);
    }
  }
}

}  // namespace

TEST_CASE("record decoder: default bindings, values of every type, absent, null and of the wrong type") {
  const Policy& policy = test_policy();
  const records::Bindings bindings = records::default_bindings(policy);
  RecordDecoder decoder(policy, bindings, nullptr, september);
  const std::string all_missing =
      "purpose=missing category=missing ts=missing age=missing verified=missing sharing=on comments=off";
  check_cases(
      decoder,
      {
          {R"({"purpose":"training","category":"post","ts":"2024-07-01","age":30,"verified":true})",
           "purpose=training category=post ts=above age=above verified=true sharing=on comments=off"},
          {R"({"purpose":"ads","category":"reply","ts":"2024-05-01","age":18,"verified":false})",
           "purpose=ads category=reply ts=below age=at verified=false sharing=on comments=off"},
          {"{}", all_missing},
          {R"({"unrelated":[1,{"x":null}]})", all_missing},
          {R"({"purpose":null,"category":null,"ts":null,"age":null,"verified":null,"sharing":null})", all_missing},
          // Present but not readable as the attribute's type: unknown, never missing.
          {R"({"purpose":1,"category":true,"ts":true,"age":"30","verified":"true"})",
           "purpose=unknown category=unknown ts=unknown age=unknown verified=unknown sharing=on comments=off"},
          {R"({"purpose":{"a":1},"category":["post"],"ts":{},"age":[],"verified":{}})",
           "purpose=unknown category=unknown ts=unknown age=unknown verified=unknown sharing=on comments=off"},
          // Enum values match exactly: case, escapes unescaped, no trimming.
          {R"({"purpose":"Training","category":"po\u0073t"})",
           "purpose=unknown category=post ts=missing age=missing verified=missing sharing=on comments=off"},
          {R"({"purpose":"training ","category":""})",
           "purpose=unknown category=unknown ts=missing age=missing verified=missing sharing=on comments=off"},
          // Numbers: as numbers, whatever their spelling.
          {R"({"age":1.8e1})",
           "purpose=missing category=missing ts=missing age=at verified=missing sharing=on comments=off"},
          {R"({"age":-0.5})",
           "purpose=missing category=missing ts=missing age=below verified=missing sharing=on comments=off"},
      });
}

TEST_CASE("record decoder: times in each format the automatic reading accepts") {
  const Policy& policy = test_policy();
  const records::Bindings bindings = records::default_bindings(policy);
  RecordDecoder decoder(policy, bindings, nullptr, september);
  const auto ts = [](const std::string& value) { return "{\"ts\":" + value + "}"; };
  const auto with_ts = [](const std::string& cell) {
    return "purpose=missing category=missing ts=" + cell + " age=missing verified=missing sharing=on comments=off";
  };
  check_cases(decoder, {
                           {ts(R"("2024-06-01")"), with_ts("at")},
                           {ts(R"("2024-05-31")"), with_ts("below")},
                           {ts(R"("2024-06-01T00:00:00Z")"), with_ts("at")},
                           {ts(R"("2024-06-01T00:00:00.001Z")"), with_ts("above")},
                           {ts(R"("2024-06-01T02:00:00+02:00")"), with_ts("at")},
                           {ts(R"("2024-05-31T23:00:00-01:00")"), with_ts("at")},
                           {ts("1717200000"), with_ts("at")},  // epoch seconds
                           {ts("1717199999.5"), with_ts("below")},
                           {ts(R"("2024-02-30")"), with_ts("unknown")},
                           {ts(R"("2024-06-01 00:00:00")"), with_ts("unknown")},
                           {ts(R"("yesterday")"), with_ts("unknown")},
                       });
}

TEST_CASE(
    "record decoder: settings from the record, own name first, then former names in order, bad values read as off") {
  const Policy& policy = test_policy();
  const records::Bindings bindings = records::default_bindings(policy);
  RecordDecoder decoder(policy, bindings, nullptr, september);
  const auto consent = [](const std::string& sharing, const std::string& comments) {
    return "purpose=missing category=missing ts=missing age=missing verified=missing sharing=" + sharing +
           " comments=" + comments;
  };
  check_cases(decoder, {
                           {R"({"sharing":"off","comments":"on"})", consent("off", "on")},
                           {R"({"sharing":false,"comments":true})", consent("off", "on")},
                           {R"({"sharing":null})", consent("on", "off")},
                           {R"({"old_sharing":"off"})", consent("off", "off")},
                           {R"({"sharing":null,"old_sharing":"off"})", consent("off", "off")},
                           {R"({"sharing":"on","old_sharing":"off"})", consent("on", "off")},
                           {R"({"older_sharing":"off","old_sharing":"on"})", consent("on", "off")},
                           {R"({"old_sharing":null,"older_sharing":"off"})", consent("off", "off")},
                           {R"({"sharing":"maybe","comments":"ON"})", consent("off", "off") + " bad=2"},
                           {R"({"sharing":1})", consent("off", "off") + " bad=1"},
                           {R"({"sharing":{"on":true}})", consent("off", "off") + " bad=1"},
                       });
}

TEST_CASE("record decoder: lines that cannot be read are rejected with their cause") {
  const Policy& policy = test_policy();
  const records::Bindings bindings = records::default_bindings(policy);
  RecordDecoder decoder(policy, bindings, nullptr, september);
  check_cases(decoder, {
                           {"not json", "reject invalid_json"},
                           {"", "reject invalid_json"},
                           {R"({"purpose":"training"} {})", "reject invalid_json"},
                           {R"({"purpose":"training",})", "reject invalid_json"},
                           {R"({"x":[1,]})", "reject invalid_json"},
                           {"[1,2]", "reject not_an_object"},
                           {R"("training")", "reject not_an_object"},
                           {"null", "reject not_an_object"},
                           {R"({"purpose":"training","purpose":"ads"})", "reject duplicate_key"},
                           {R"({"purpose":"training","purp\u006fse":"ads"})", "reject duplicate_key"},
                           {R"({"x":1,"x":2})", "reject duplicate_key"},
                           {"{\"category\":\"p\xC3\x28st\"}", "reject invalid_utf8"},
                           {"{\"note\":\"\xFF\"}", "reject invalid_utf8"},
                           {R"({"age":1e999})", "reject number_out_of_range"},
                           {R"({"x":1e999})", "reject number_out_of_range"},
                           {"{\"x\":" + std::string(1100, '[') + std::string(1100, ']') + "}", "reject too_deep"},
                       });
}

TEST_CASE("record decoder: a bindings file's paths, value maps and time formats") {
  const Policy& policy = test_policy();
  const records::Bindings bindings = bindings_from(
      "attributes:\n"
      "  purpose: {constant: training}\n"
      "  category: {field: type, values: {tweet: post, answer: reply, 7: post}}\n"
      "  ts: {field: meta.created_ms, time: epoch_milliseconds}\n"
      "  age: author.age\n"
      "  verified: {field: author.flags.v, values: {yes: true, no: false, 1: true}}\n"
      "settings:\n"
      "  sharing: prefs.sharing\n");
  RecordDecoder decoder(policy, bindings, nullptr, september);
  check_cases(
      decoder,
      {
          {R"({"type":"tweet","meta":{"created_ms":1717200000000},"author":{"age":20,"flags":{"v":"yes"}}})",
           "purpose=training category=post ts=at age=above verified=true sharing=on comments=off"},
          // Values not in the map are read as they are; a number maps by its text as written.
          {R"({"type":"reply","author":{"flags":{"v":true}}})",
           "purpose=training category=reply ts=missing age=missing verified=true sharing=on comments=off"},
          {R"({"type":7,"author":{"flags":{"v":1}}})",
           "purpose=training category=post ts=missing age=missing verified=true sharing=on comments=off"},
          {R"({"type":7.0,"author":{"flags":{"v":"no"}}})",
           "purpose=training category=unknown ts=missing age=missing verified=false sharing=on comments=off"},
          // The constant wins over a field of the same name, which is not read.
          {R"({"purpose":"ads","type":"answer"})",
           "purpose=training category=reply ts=missing age=missing verified=missing sharing=on comments=off"},
          // Milliseconds: text is not in the format, so unknown.
          {R"({"meta":{"created_ms":"2024-06-01"}})",
           "purpose=training category=missing ts=unknown age=missing verified=missing sharing=on comments=off"},
          // A path through something that is not an object: the value there is no value of the field.
          {R"({"meta":5,"author":"x"})",
           "purpose=training category=missing ts=missing age=missing verified=missing sharing=on comments=off"},
          {R"({"meta":{"created_ms":{"a":1}}})",
           "purpose=training category=missing ts=unknown age=missing verified=missing sharing=on comments=off"},
          // The setting's former names lie beside its field.
          {R"({"prefs":{"old_sharing":"off"},"sharing":"on"})",
           "purpose=training category=missing ts=missing age=missing verified=missing sharing=off comments=off"},
          // Duplicate keys are found inside the objects the decoder enters.
          {R"({"author":{"age":20,"age":10}})", "reject duplicate_key"},
      });
  const records::Bindings iso = bindings_from("attributes:\n  ts: {time: iso8601}\n");
  RecordDecoder iso_decoder(policy, iso, nullptr, september);
  check_cases(iso_decoder,
              {
                  {R"({"ts":"2024-06-01"})",
                   "purpose=missing category=missing ts=at age=missing verified=missing sharing=on comments=off"},
                  {R"({"ts":1717200000})",
                   "purpose=missing category=missing ts=unknown age=missing verified=missing sharing=on comments=off"},
              });
  const records::Bindings seconds = bindings_from("attributes:\n  ts: {time: epoch_seconds}\n");
  RecordDecoder seconds_decoder(policy, seconds, nullptr, september);
  check_cases(seconds_decoder,
              {
                  {R"({"ts":"2024-06-01"})",
                   "purpose=missing category=missing ts=unknown age=missing verified=missing sharing=on comments=off"},
                  {R"({"ts":1717200000})",
                   "purpose=missing category=missing ts=at age=missing verified=missing sharing=on comments=off"},
              });
}
