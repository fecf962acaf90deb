// `usegate eval` and `usegate filter` end to end: every input case of a real pipeline, with
// the exact bytes written and the summary's counts.
#include <doctest/doctest.h>

#include <string>

#include "support.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

const std::string august = source_path("policies/x-grok-2024-08.policy");

// A record that the August policy allows for training, unless `extra` changes it: a field
// that `extra` sets (`,"region":"EU"`) takes the place of the default one, so that no key is
// written twice.
std::string post(const std::string& user, const std::string& extra = "") {
  const std::vector<std::pair<std::string, std::string>> defaults{{"purpose", R"("training")"},
                                                                  {"category", R"("post")"},
                                                                  {"region", R"("US")"},
                                                                  {"visibility", R"("public")"},
                                                                  {"ts", R"("2024-06-01")"}};
  std::string record = R"({"user":")" + user + "\"";
  for (const auto& [key, value] : defaults) {
    if (extra.find(",\"" + key + "\":") == std::string::npos) record += ",\"" + key + "\":" + value;
  }
  return record + extra + "}";
}

std::string eval(const std::string& input, std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments{"eval", "--policy", august, "--now", "2024-09-01"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  const auto result = run_usegate(arguments, input);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  return result.out;
}

std::string line(int number, const char* decision, const char* reason) {
  return std::string(R"({"line":)") + std::to_string(number) + R"(,"decision":")" + decision + R"(","reason":")" +
         reason + "\"}\n";
}

TEST_CASE("eval: one decision per record, in order, with the deciding rule") {
  const std::string input = post("a") + "\n" + post("b", R"(,"grok_sharing":"off")") + "\n" +
                            post("c", R"(,"region":"EU")") + "\n" + post("d", R"(,"category":"direct_message")") + "\n";
  CHECK(eval(input) == line(1, "allow", "train_on_posts") + line(2, "deny", "optout_grok_sharing") +
                           line(3, "deny", "eu_suspension") + line(4, "deny", "direct_messages"));
}

TEST_CASE("eval: empty lines are no records, and CRLF, a byte order mark and a last line without newline are read") {
  const std::string input =
      "\xEF\xBB\xBF" + post("a") + "\r\n\r\n   \n" + post("b", R"(,"grok_sharing":"off")") + "\r\n\n" + post("c");
  CHECK(eval(input) == line(1, "allow", "train_on_posts") + line(4, "deny", "optout_grok_sharing") +
                           line(6, "allow", "train_on_posts"));
}

TEST_CASE("eval: lines that cannot be read are rejected with their cause, never allowed") {
  const std::string input =
      "not json\n"
      "[1,2]\n"
      "\"text\"\n" +
      post("a", R"(,"x":[1,2)") + "\n" +                         // cut short
      post("b") + " trailing\n" + "{\"user\":\"\xC3\x28\"}\n" +  // invalid UTF-8
      "{\"category\":\"post\"}}\n";
  CHECK(eval(input) == line(1, "reject", "invalid_json") + line(2, "reject", "not_an_object") +
                           line(3, "reject", "not_an_object") + line(4, "reject", "invalid_json") +
                           line(5, "reject", "invalid_json") + line(6, "reject", "invalid_utf8") +
                           line(7, "reject", "invalid_json"));
}

TEST_CASE("eval: keys and values written with escapes are the same keys and values") {
  const std::string input =
      R"({"purpose":"tr\u0061ining","category":"post","re\u0067ion":"E\u0055","visibility":"public","ts":"2024-06-01"})"
      "\n"
      R"({"purpose":"training","category":"post","\u0072egion":"EU","visibility":"public","ts":"2024-06-01"})"
      "\n"
      R"({"purpose":"training","category":"post","regionx":"EU","visibility":"public","ts":"2024-06-01","region":"US"})"
      "\n"
      R"({"purpose":"training","category":"posts","region":"US","visibility":"public","ts":"2024-06-01"})"
      "\n"
      R"({"purpose":"training","category":"po","region":"US","visibility":"public","ts":"2024-06-01"})"
      "\n";
  CHECK(eval(input) == line(1, "deny", "eu_suspension") + line(2, "deny", "eu_suspension") +
                           line(3, "allow", "train_on_posts") + line(4, "deny", "default") +
                           line(5, "deny", "default"));
}

TEST_CASE("eval: a key twice in an object the reader reads rejects the line, whichever copy would win") {
  // Readers disagree on which copy wins, so neither copy may decide.
  const std::string user =
      R"({"user":"a","purpose":"training","category":"post","visibility":"public","ts":"2024-06-01",)";
  const std::string input = user +
                            R"("region":"EU","region":"US"})"
                            "\n" +
                            user +
                            R"("region":"US","region":"EU"})"
                            "\n" +
                            user +
                            R"("region":"US","re\u0067ion":"EU"})"
                            "\n" +  // equal after unescaping
                            user +
                            R"("region":"US","lang":"en","lang":"fr"})"
                            "\n" +  // a key no binding reads
                            user +
                            R"("region":"US","meta":{"lang":"en","lang":"fr"}})"
                            "\n" +  // an object nobody reads
                            user +
                            R"("region":"US","Region":"EU"})"
                            "\n";  // keys are case-sensitive
  CHECK(eval(input) == line(1, "reject", "duplicate_key") + line(2, "reject", "duplicate_key") +
                           line(3, "reject", "duplicate_key") + line(4, "reject", "duplicate_key") +
                           line(5, "allow", "train_on_posts") + line(6, "allow", "train_on_posts"));
  // Records with many keys are compared another way: a repeat among 40 keys, first and last.
  std::string many = R"({"user":"a","purpose":"training","category":"post","visibility":"public","ts":"2024-06-01")";
  for (int i = 0; i < 40; ++i) many += ",\"k" + std::to_string(i) + "\":" + std::to_string(i);
  CHECK(eval(many + R"(,"region":"US"})"
                    "\n") == line(1, "allow", "train_on_posts"));
  CHECK(eval(many + R"(,"region":"US","k0":0})"
                    "\n") == line(1, "reject", "duplicate_key"));
  CHECK(eval(many + R"(,"region":"US","region":"US"})"
                    "\n") == line(1, "reject", "duplicate_key"));
}

TEST_CASE("eval: a line is decided only if it is strict JSON through and through, read or not") {
  // Each broken value sits in a field no binding reads (`x`) and then in one the policy reads
  // (`region`): both reject the line.
  const std::vector<std::pair<std::string, std::string>> broken{{"tru", "invalid_json"},
                                                                {"nul", "invalid_json"},
                                                                {"01", "invalid_json"},
                                                                {"1.", "invalid_json"},
                                                                {"-", "invalid_json"},
                                                                {".5", "invalid_json"},
                                                                {"+1", "invalid_json"},
                                                                {"1e", "invalid_json"},
                                                                {"NaN", "invalid_json"},
                                                                {"[1,]", "invalid_json"},
                                                                {"[1 2]", "invalid_json"},
                                                                {"{\"a\":1,}", "invalid_json"},
                                                                {"{\"a\" 1}", "invalid_json"},
                                                                {"'x'", "invalid_json"},
                                                                {"\"\\x\"", "invalid_json"},
                                                                {"\"\\u00\"", "invalid_json"},
                                                                {"\"\\ud800\"", "invalid_json"},
                                                                {"1/*c*/", "invalid_json"},
                                                                {"\"a\tb\"", "invalid_json"},
                                                                {"[tru]", "invalid_json"},
                                                                {"{\"a\":[{\"b\":01}]}", "invalid_json"},
                                                                {"1e999", "number_out_of_range"},
                                                                {"-1e999", "number_out_of_range"},
                                                                {"18446744073709551616", "number_out_of_range"},
                                                                {"-9223372036854775809", "number_out_of_range"},
                                                                {"[1e999]", "number_out_of_range"}};
  for (const auto& [value, cause] : broken) {
    CAPTURE(value);
    CHECK(eval(post("a", ",\"x\":" + value) + "\n") == line(1, "reject", cause.c_str()));
    CHECK(eval(post("a", ",\"region\":" + value) + "\n") == line(1, "reject", cause.c_str()));
  }
  // Valid JSON of every kind is decided, read or not.
  const std::vector<std::string> valid{"-0",
                                       "1E+2",
                                       "1.5e-3",
                                       "0.0",
                                       "18446744073709551615",
                                       "-9223372036854775808",
                                       "1e-999",
                                       "\"\\u00e9\\ud83d\\ude00\\\"\\\\/\\b\\f\\n\\r\\t\"",
                                       "[]",
                                       "{}",
                                       "[[[]]]",
                                       "{\"a\":{\"a\":null}}",
                                       "[true,false,null]"};
  for (const auto& value : valid) {
    CAPTURE(value);
    CHECK(eval(post("a", ",\"x\":" + value) + "\n") == line(1, "allow", "train_on_posts"));
  }
  // Brackets that do not match, where a reader that skips values by counting brackets would
  // see a well-formed record: a key inside an array, closed by a brace.
  CHECK(eval(post("a", R"(,"x":[{"a":[]},"b","user":{},"g":[1],"geo":1}])") + "\n") ==
        line(1, "reject", "invalid_json"));
  CHECK(eval(post("a", R"(,"region":["b","user":{},"g":1}])") + "\n") == line(1, "reject", "invalid_json"));
  // Comments and trailing commas between fields.
  CHECK(eval(post("a", "/*c*/") + "\n") == line(1, "reject", "invalid_json"));
  CHECK(eval(post("a", ",") + "\n") == line(1, "reject", "invalid_json"));
}

TEST_CASE("eval: unreadable values are unknown, and the policy decides what unknown means") {
  // A wrong type, an object, null and a value outside the enum in a field the policy reads.
  const std::string input = post("a", R"(,"ts":"soon")") + "\n" + post("b", R"(,"region":7)") + "\n" +
                            post("c", R"(,"region":{"nested":[1,2]})") + "\n" + post("d", R"(,"region":null)") + "\n" +
                            post("e", R"(,"region":"Mars")") + "\n";
  CHECK(eval(input) == line(1, "allow", "train_on_posts") + line(2, "deny", "eu_suspension_unreadable") +
                           line(3, "deny", "eu_suspension_unreadable") + line(4, "deny", "eu_suspension_unreadable") +
                           line(5, "deny", "eu_suspension_unreadable"));
}

TEST_CASE("eval: nesting deeper than 1024 levels is rejected wherever it is") {
  const auto nested = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  // The record object is level 1, so a field's value may nest 1023 levels.
  CHECK(eval(post("a", ",\"x\":" + nested(1023)) + "\n") == line(1, "allow", "train_on_posts"));
  CHECK(eval(post("a", ",\"x\":" + nested(1024)) + "\n") == line(1, "reject", "too_deep"));
  CHECK(eval(post("a", ",\"region\":" + nested(2000)) + "\n") == line(1, "reject", "too_deep"));
}

TEST_CASE("eval: a record longer than 16 MB") {
  const std::string padding(17 * 1024 * 1024, 'x');
  const std::string input = post("a") + "\n" + post("b", R"(,"padding":")" + padding + "\"") + "\n" + post("c") + "\n";
  CHECK(eval(input) ==
        line(1, "allow", "train_on_posts") + line(2, "allow", "train_on_posts") + line(3, "allow", "train_on_posts"));
}

TEST_CASE("eval: --keep carries each record, unreadable ones as a JSON string") {
  const std::string input = post("a") + "\n" + "bad \"json\"\xFF\n";
  CHECK(eval(input, {"--keep"}) ==
        R"({"line":1,"decision":"allow","reason":"train_on_posts","record":)" + post("a") + "}\n" +
            R"({"line":2,"decision":"reject","reason":"invalid_utf8","record":"bad \"json\"\ufffd"})" + "\n");
}

TEST_CASE("filter: allowed records byte for byte, denied and rejected ones to their files") {
  const std::string directory = scratch_directory("filter-split");
  const std::string allowed_a = post("a") + "\r\n";
  const std::string denied_b = post("b", R"(,"grok_sharing":"off")") + "\n";
  const std::string rejected_c = "{oops\n";
  const std::string allowed_d = post("d");  // no newline at the end
  const auto result =
      run_usegate({"filter", "--policy", august, "--now", "2024-09-01", "--denied", directory + "/denied", "--rejects",
                   directory + "/rejects", "--summary", directory + "/summary.json", "-"},
                  allowed_a + "\n" + denied_b + rejected_c + allowed_d);
  CHECK(result.exit_code == 0);
  CHECK(result.out == allowed_a + allowed_d);
  CHECK(read_text(directory + "/denied") == denied_b);
  CHECK(read_text(directory + "/rejects") == rejected_c);
  CHECK(
      read_text(directory + "/summary.json") ==
      R"({"policy":"x_grok","version":"2024-08-08","now":"2024-09-01T00:00:00Z","read":4,"allowed":2,"denied":1,"rejected":1,"empty_lines":1,)"
      R"("denied_by_reason":{"optout_grok_sharing":1},"rejected_by_cause":{"invalid_json":1},"consent_applied":0,)"
      R"("consent_rejected":0,"consent_rejected_by_cause":{},"consent_after_now":0,"consent_bad_value_read_as_off":0,)"
      R"("bad_consent_values":0,"subject_unreadable":0})"
      "\n");
  CHECK(result.err ==
        "usegate filter: 4 records: 2 allowed, 1 denied, 1 rejected (1 empty line skipped)\n"
        "  denied by reason: optout_grok_sharing 1\n"
        "  rejected by cause: invalid_json 1\n"
        "  policy: x_grok version 2024-08-08\n"
        "  now: 2024-09-01T00:00:00Z\n");
}

TEST_CASE("filter: --strict exits 1 when records were rejected") {
  const auto clean = run_usegate({"filter", "--policy", august, "--strict"}, post("a") + "\n");
  CHECK(clean.exit_code == 0);
  const auto dirty = run_usegate({"filter", "--policy", august, "--strict"}, post("a") + "\nnope\n");
  CHECK(dirty.exit_code == 1);
  CHECK(dirty.out == post("a") + "\n");
}

TEST_CASE("--purpose supplies or overrides the purpose, and several purposes must all allow") {
  const std::string no_purpose =
      R"({"user":"a","category":"post","region":"US","visibility":"public","ts":"2024-06-01"})";
  CHECK(eval(no_purpose + "\n") == line(1, "deny", "default"));
  CHECK(eval(no_purpose + "\n", {"--purpose", "training"}) == line(1, "allow", "train_on_posts"));
  CHECK(eval(no_purpose + "\n", {"--purpose", "training,realtime_answers"}) == line(1, "allow", "train_on_posts"));
  const std::string protected_post = R"({"user":"a","category":"post","region":"US","visibility":"protected"})";
  CHECK(eval(protected_post + "\n", {"--purpose", "realtime_answers,training"}) == line(1, "deny", "default"));
  CHECK(eval(protected_post + "\n", {"--purpose", "training,realtime_answers"}) == line(1, "deny", "protected_posts"));
  const auto unknown = run_usegate({"eval", "--policy", august, "--purpose", "ads"}, "");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "usegate eval: unknown purpose `ads` (the policy's purposes: training, fine_tuning, realtime_answers)\n");
}

TEST_CASE("-j keeps input order and gives the same bytes as one thread") {
  std::string input;
  for (int i = 0; i < 60000; ++i) {
    std::string user = "u";  // built up in steps: GCC 12 warns falsely (-Wrestrict) on "u" + std::string
    user += std::to_string(i);
    input += post(user, i % 3 == 0 ? R"(,"grok_sharing":"off")" : i % 7 == 0 ? R"(,"region":"EU")" : "");
    input += "\n";
    if (i % 1000 == 0) input += "garbage\n";
  }
  const auto one = run_usegate({"eval", "--policy", august, "--now", "2024-09-01"}, input);
  const auto four = run_usegate({"eval", "--policy", august, "--now", "2024-09-01", "-j", "4"}, input);
  CHECK(one.exit_code == 0);
  CHECK(four.exit_code == 0);
  CHECK(one.out.size() > 1000000);
  CHECK(one.out == four.out);
  CHECK(one.err == four.err);
  const auto filtered_one = run_usegate({"filter", "--policy", august, "--now", "2024-09-01"}, input);
  const auto filtered_three = run_usegate({"filter", "--policy", august, "--now", "2024-09-01", "-j", "3"}, input);
  CHECK(filtered_one.out == filtered_three.out);
}

TEST_CASE("--policy takes a built artifact as well as a source") {
  const std::string directory = scratch_directory("artifact-policy");
  REQUIRE(run_usegate({"build", august, "-o", directory + "/x.ugt"}).exit_code == 0);
  const std::string input = post("a") + "\n" + post("b", R"(,"grok_sharing":"off")") + "\n";
  const auto from_artifact = run_usegate({"eval", "--policy", directory + "/x.ugt", "--now", "2024-09-01"}, input);
  CHECK(from_artifact.out == eval(input));
}

TEST_CASE("exit codes: usage 2, policy, bindings and consent problems 3") {
  CHECK(run_usegate({"eval"}).exit_code == 2);
  CHECK(run_usegate({"eval", "--policy", august, "--now", "yesterday"}).exit_code == 2);
  CHECK(run_usegate({"eval", "--policy", august, "/nonexistent.jsonl"}).exit_code == 2);
  const std::string directory = scratch_directory("exit-codes");
  write_text(directory + "/broken.policy", "policy p \"t\"\nallow a when x\n");
  const auto broken = run_usegate({"eval", "--policy", directory + "/broken.policy"}, "");
  CHECK(broken.exit_code == 3);
  CHECK(broken.err.find(directory + "/broken.policy:2:14: error: unknown attribute `x`") == 0);
  write_text(directory + "/damaged.ugt", std::string("USEGATE\0", 8) + "garbage");
  const auto damaged = run_usegate({"eval", "--policy", directory + "/damaged.ugt"}, "");
  CHECK(damaged.exit_code == 3);
  CHECK(damaged.err ==
        directory + "/damaged.ugt: error: not a complete usegate artifact: the file ends inside the header\n");
}

// ------------------------------------------------------------------ bindings

const std::string bindings_yaml = R"(user: author.id
attributes:
  region: geo.region
  purpose: {constant: training}
  category:
    field: type
    values: {tweet: post, reply: post, dm: direct_message}
  visibility: {field: author.protected, values: {true: protected, false: public}}
  ts: {field: created_ms, time: epoch_milliseconds}
settings:
  grok_sharing: {field: prefs.grok}
)";

TEST_CASE("bindings: nested paths, constants, value maps, time formats, inline settings") {
  const std::string directory = scratch_directory("bindings");
  write_text(directory + "/bindings.yaml", bindings_yaml);
  const std::string input =
      R"({"author":{"id":"u1","protected":false},"geo":{"region":"US"},"type":"tweet","created_ms":1717200000000})"
      "\n"
      R"({"author":{"id":"u2","protected":true},"geo":{"region":"US"},"type":"reply","created_ms":1717200000000})"
      "\n"
      R"({"author":{"id":"u3","protected":false},"geo":{"region":"EU"},"type":"tweet","created_ms":1717200000000})"
      "\n"
      R"({"author":{"id":"u4","protected":false},"geo":{"region":"US"},"type":"dm","created_ms":1717200000000})"
      "\n"
      R"({"author":{"id":"u5","protected":false},"geo":{"region":"US"},"type":"post","prefs":{"grok":"off"}})"
      "\n"
      R"({"author":{"id":"u6","protected":false},"geo":{"region":"EU"},"type":"tweet","created_ms":"2024-06-01"})"
      "\n";
  CHECK(eval(input, {"--bindings", directory + "/bindings.yaml"}) ==
        line(1, "allow", "train_on_posts") + line(2, "deny", "protected_posts") + line(3, "deny", "eu_suspension") +
            line(4, "deny", "direct_messages") + line(5, "deny", "optout_grok_sharing") +
            line(6, "deny", "eu_suspension_unreadable"));
}

TEST_CASE("bindings: mistakes are reported at their place in the file") {
  // The first line of each diagnostic and its help line; tests/records/bindings_diagnostics_test.cpp
  // has whole renderings.
  struct Case {
    std::string yaml;
    std::string error;
    std::string help = {};
  };
  const std::string array_help =
      "bind a field outside the array, or have the pipeline copy the element to a field of its own; a key "
      "that holds `[`, `]` or `.` is written as a list of keys, such as `[media, \"a.b[0]\"]`";
  const Case cases[] = {
      {"attributes:\n  regoin: geo.region\n", ":2:3: error: unknown attribute `regoin`", "did you mean `region`?"},
      {"attributes:\n  category: {field: type, values: {tweet: posts}}\n",
       ":2:43: error: `posts` is not a value of `category`", "did you mean `post`?"},
      {"attributes:\n  region: geo..region\n", ":2:11: error: bad field path `geo..region`: empty segment"},
      {"attributes:\n  ts: {field: t, time: epoch_hours}\n", ":2:24: error: unknown time format `epoch_hours`",
       "the formats: `auto`, `iso8601`, `epoch_seconds`, `epoch_milliseconds`"},
      {"settings:\n  grok: prefs.grok\n", ":2:3: error: unknown setting `grok`",
       "the policy declares the settings: `grok_sharing`"},
      {"colour: blue\n", ":1:1: error: unknown key `colour` in the bindings",
       "the keys: `user`, `attributes`, `settings`"},
      {"attributes:\n  now: clock\n",
       ":2:3: error: `now` is the evaluation time, set with `--now`; records do not carry it"},
      {"attributes: [a\n", ":2:1: error: end of sequence flow not found"},
      {"attributes:\n  region: media[0].over18\n",
       ":2:11: error: bad field path `media[0].over18`: a path names object keys, and arrays are not supported",
       array_help},
      {"settings:\n  grok_sharing:\n    field: prefs[1]\n",
       ":3:12: error: bad field path `prefs[1]`: a path names object keys, and arrays are not supported", array_help},
      {"attributes:\n  region: \"geo.\\tregion\"\n", ":2:11: error: a field path cannot hold control characters",
       "name the field by its key as it is written in the records"},
      {"attributes:\n  region: [geo, [region]]\n",
       ":2:17: error: expected a key: each item of a field path list is one key"},
      {"attributes:\n  region: [geo, \"\"]\n",
       ":2:17: error: expected a key: each item of a field path list is one key"},
      {"user: []\n", ":1:7: error: expected at least one key in the field path"},
  };
  const std::string directory = scratch_directory("bindings-errors");
  for (const auto& c : cases) {
    write_text(directory + "/b.yaml", c.yaml);
    const auto result = run_usegate({"eval", "--policy", august, "--bindings", directory + "/b.yaml"}, "");
    INFO(c.yaml);
    CHECK(result.exit_code == 3);
    CHECK(result.err.substr(0, result.err.find('\n')) == directory + "/b.yaml" + c.error);
    const auto help = result.err.find("= help: ");
    CHECK((help == std::string::npos ? std::string() : result.err.substr(help + 8, result.err.size() - help - 9)) ==
          c.help);
  }
}

TEST_CASE("bindings: a key holding a dot or brackets is written as a list of keys") {
  const std::string directory = scratch_directory("bindings-key-lists");
  write_text(directory + "/b.yaml",
             "attributes:\n  region: [geo, region.code]\n  visibility: {field: [\"flags[0]\"], values: {yes: "
             "protected}}\n");
  const std::string input =
      R"({"purpose":"training","category":"post","geo":{"region.code":"EU"},"visibility":"x","ts":"2024-06-01"})"
      "\n"
      R"({"purpose":"training","category":"post","geo":{"region":{"code":"EU"}},"flags[0]":"yes","ts":"2024-06-01"})"
      "\n";
  CHECK(eval(input, {"--bindings", directory + "/b.yaml"}) ==
        line(1, "deny", "eu_suspension") + line(2, "deny", "protected_posts"));
}

TEST_CASE("summary: denials by reason, most frequent first, ties in the policy's reason order") {
  // optout_grok_sharing 1, protected_posts 2, direct_messages 3, eu_suspension 2 in reason order.
  const std::string input =
      post("a", R"(,"grok_sharing":"off")") + "\n" + post("b", R"(,"visibility":"protected")") + "\n" +
      post("c", R"(,"region":"EU")") + "\n" + post("d", R"(,"category":"direct_message")") + "\n" +
      post("e", R"(,"category":"direct_message")") + "\n" + post("f", R"(,"visibility":"protected")") + "\n" +
      post("g", R"(,"region":"EU")") + "\n" + post("h", R"(,"category":"direct_message")") + "\n";
  const std::string directory = scratch_directory("summary-order");
  const auto result = run_usegate(
      {"filter", "--policy", august, "--now", "2024-09-01", "--summary", directory + "/summary.json"}, input);
  CHECK(result.exit_code == 0);
  CHECK(result.err ==
        "usegate filter: 8 records: 0 allowed, 8 denied, 0 rejected\n"
        "  denied by reason: direct_messages 3, protected_posts 2, eu_suspension 2, optout_grok_sharing 1\n"
        "  policy: x_grok version 2024-08-08\n"
        "  now: 2024-09-01T00:00:00Z\n");
  CHECK(
      read_text(directory + "/summary.json")
          .find(
              R"("denied_by_reason":{"direct_messages":3,"protected_posts":2,"eu_suspension":2,"optout_grok_sharing":1})") !=
      std::string::npos);
}

// ------------------------------------------------------------------ consent changes

TEST_CASE("consent changes: the state as of --now, availability enforced, rejections reported with their line") {
  const std::string directory = scratch_directory("consent");
  write_text(directory + "/changes.jsonl",
             R"({"user":"a","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-27T10:00:00Z"})"
             "\n"
             R"({"user":"b","setting":"grok_sharing","value":"off","platform":"ios","ts":"2024-07-27T10:00:00Z"})"
             "\n"
             R"({"user":"c","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-20T10:00:00Z"})"
             "\n"
             R"({"user":"d","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-28"})"
             "\n"
             R"({"user":"d","setting":"grok_sharing","value":"on","platform":"web","ts":"2024-08-30"})"
             "\n"
             R"({"user":"e","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-09-05"})"
             "\n"
             R"({"user":"f","setting":"grok_sharing","value":"maybe","platform":"web","ts":"2024-07-28"})"
             "\n"
             R"({"user":"g","setting":"telemetry","value":"off","platform":"web","ts":"2024-07-28"})"
             "\n"
             "\n"
             R"({"user":"h","setting":"grok_sharing","value":"off","ts":"2024-07-28"})"
             "\n"
             "not json\n");
  const std::string input = post("a") + "\n" + post("b") + "\n" + post("c") + "\n" + post("d") + "\n" + post("e") +
                            "\n" + post("f") + "\n" + post("z", R"(,"grok_sharing":"off")") + "\n" +
                            post("a", R"(,"grok_sharing":"on")") + "\n";
  const auto result = run_usegate(
      {"eval", "--policy", august, "--now", "2024-09-01", "--consent", directory + "/changes.jsonl"}, input);
  CHECK(result.exit_code == 0);
  // a: switched off on the web after launch. b: on iOS, where the setting did not exist.
  // c: before the setting existed. d: off, then on again. e: after --now. f: a bad value, read
  // as off. z: no events, the record's own value. The last line: the event stream wins over
  // the record.
  CHECK(result.out == line(1, "deny", "optout_grok_sharing") + line(2, "allow", "train_on_posts") +
                          line(3, "allow", "train_on_posts") + line(4, "allow", "train_on_posts") +
                          line(5, "allow", "train_on_posts") + line(6, "deny", "optout_grok_sharing") +
                          line(7, "deny", "optout_grok_sharing") + line(8, "deny", "optout_grok_sharing"));
  const std::string file = directory + "/changes.jsonl";
  CHECK(result.err ==
        file +
            ":2:63: warning: consent change rejected: setting `grok_sharing` could not be changed on ios at that "
            "time [unavailable]\n"
            " 2 | "
            "{\"user\":\"b\",\"setting\":\"grok_sharing\",\"value\":\"off\",\"platform\":\"ios\",\"ts\":\"2024-07-"
            "27T10:00:00Z\"}\n"
            "   |                                                               ^~~~~\n" +
            file +
            ":3:63: warning: consent change rejected: setting `grok_sharing` could not be changed on web at that "
            "time [unavailable]\n"
            " 3 | "
            "{\"user\":\"c\",\"setting\":\"grok_sharing\",\"value\":\"off\",\"platform\":\"web\",\"ts\":\"2024-07-"
            "20T10:00:00Z\"}\n"
            "   |                                                               ^~~~~\n" +
            file +
            ":7:46: warning: consent change read as off: value `maybe` is neither on nor off [bad_value_read_as_off]\n"
            " 7 | "
            "{\"user\":\"f\",\"setting\":\"grok_sharing\",\"value\":\"maybe\",\"platform\":\"web\",\"ts\":\"2024-07-"
            "28\"}\n"
            "   |                                              ^~~~~~~\n" +
            file +
            ":8:23: warning: consent change rejected: the policy has no setting `telemetry` [unknown_setting]\n"
            " 8 | "
            "{\"user\":\"g\",\"setting\":\"telemetry\",\"value\":\"off\",\"platform\":\"web\",\"ts\":\"2024-07-28\"}\n"
            "   |                       ^~~~~~~~~~~\n" +
            file +
            ":10: warning: consent change rejected: no `platform`, and setting `grok_sharing` is available only on "
            "some [missing_field]\n" +
            file + ":11: warning: consent change rejected: not valid JSON [invalid_json]\n" +
            "usegate eval: 8 records: 4 allowed, 4 denied, 0 rejected\n"
            "  denied by reason: optout_grok_sharing 4\n"
            "  consent changes: 4 applied, 5 rejected, 1 after --now\n"
            "  consent change values neither on nor off (read as off): 1\n"
            "  policy: x_grok version 2024-08-08\n"
            "  now: 2024-09-01T00:00:00Z\n");
}

TEST_CASE("consent changes: a former setting name counts, and settings keyed by another field") {
  const std::string directory = scratch_directory("consent-keys");
  write_text(directory + "/blog.policy", R"(policy blogs "t"
enum purpose { training }
setting comment_training {
  label "Allow comments on this blog to train models"
  default on
  covers purpose == training
  formerly ai_comments
}
allow train when purpose == training
)");
  write_text(directory + "/bindings.yaml", "settings:\n  comment_training: {key: blog}\n");
  write_text(directory + "/changes.jsonl",
             R"({"user":"blog-1","setting":"ai_comments","value":"off","ts":"2024-01-01"})"
             "\n"
             R"({"user":"blog-2","setting":"ai_comments","value":"off","ts":"2024-01-01"})"
             "\n"
             R"({"user":"blog-2","setting":"comment_training","value":"on","ts":"2024-01-02"})"
             "\n");
  const std::string input = R"({"user":"u1","blog":"blog-1","purpose":"training"})"
                            "\n"
                            R"({"user":"u1","blog":"blog-2","purpose":"training"})"
                            "\n"
                            R"({"user":"blog-1","blog":"blog-3","purpose":"training"})"
                            "\n";
  const auto result = run_usegate({"eval", "--policy", directory + "/blog.policy", "--now", "2024-06-01", "--bindings",
                                   directory + "/bindings.yaml", "--consent", directory + "/changes.jsonl"},
                                  input);
  CHECK(result.exit_code == 0);
  CHECK(result.out ==
        line(1, "deny", "optout_comment_training") + line(2, "allow", "train") + line(3, "allow", "train"));
}

}  // namespace
