// Bindings files (records/bindings.hpp) read against a policy, table by table: what a valid
// file binds, and the exact message of each kind of mistake.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "policy_from_text.hpp"
#include "usegate/records/bindings.hpp"

namespace {

using namespace usegate;
using records::Bindings;
using records::BindingsMode;

// `region` is declared but never tested, so it has no table variable.
const char* const policy_text = R"(policy bindings_test "t"
enum purpose { training, ads }
enum category { post, reply }
enum region { US, EU }
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

const Policy& test_policy() {
  static const Policy policy = usegate::testing::policy_from_text("bindings.policy", policy_text);
  return policy;
}

std::string path_text(const records::FieldPath& path) {
  std::string text;
  for (const auto& key : path) text += (text.empty() ? "" : "|") + key;
  return text;
}

const char* format_name(records::TimeFormat format) {
  switch (format) {
    case records::TimeFormat::automatic: return "auto";
    case records::TimeFormat::iso8601: return "iso8601";
    case records::TimeFormat::epoch_seconds: return "epoch_seconds";
    case records::TimeFormat::epoch_milliseconds: return "epoch_milliseconds";
  }
  return "?";
}

// One line per binding; path keys joined by `|` so that a key holding a dot shows as one key.
std::string render(const Bindings& bindings) {
  std::string out = "user " + path_text(bindings.user_path) + "\n";
  for (const auto& attribute : bindings.attributes) {
    out += attribute.attribute + (attribute.variable ? "" : " (untested)") + ": ";
    out += attribute.constant ? "constant " + *attribute.constant : "field " + path_text(attribute.path);
    for (const auto& [from, to] : attribute.value_map) out += " " + from + "->" + to;
    if (attribute.time_format != records::TimeFormat::automatic)
      out += std::string(" time ") + format_name(attribute.time_format);
    out += "\n";
  }
  for (const auto& setting : bindings.settings) {
    out += "setting " + setting.setting + ": field " + path_text(setting.path) + " key " + path_text(setting.key_path);
    for (const auto& former : setting.former_paths) out += " formerly " + path_text(former);
    out += "\n";
  }
  return out;
}

// A rendered diagnostic without its source and caret lines (tests/records/
// bindings_diagnostics_test.cpp checks those): the headline, and the help line if any.
std::string headline_and_help(const std::string& rendered) {
  std::string out = rendered.substr(0, rendered.find('\n'));
  const std::size_t help = rendered.find("= help: ");
  if (help != std::string::npos) out += "\n = help: " + rendered.substr(help + 8, rendered.find('\n', help) - help - 8);
  return out;
}

std::string read(const std::string& text, BindingsMode mode = BindingsMode::strict) {
  const auto result = records::read_bindings("b.yaml", text, test_policy(), mode);
  if (!result) return "error: " + headline_and_help(result.error().message);
  return render(*result);
}

const std::string default_rendering = R"(user user
purpose: field purpose
category: field category
region (untested): field region
ts: field ts
age: field age
verified: field verified
setting sharing: field sharing key user formerly old_sharing formerly older_sharing
setting comments: field comments key user
)";

}  // namespace

TEST_CASE("bindings: an empty file, and the defaults, read every input from the field of its name") {
  CHECK(render(records::default_bindings(test_policy())) == default_rendering);
  CHECK(read("") == default_rendering);
  CHECK(read("# nothing bound\n") == default_rendering);
}

TEST_CASE("bindings: valid files, table by table") {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      // A nested user id moves every setting's key with it.
      {"user: author.id\n",
       "user author|id\npurpose: field purpose\ncategory: field category\nregion (untested): field region\n"
       "ts: field ts\nage: field age\nverified: field verified\n"
       "setting sharing: field sharing key author|id formerly old_sharing formerly older_sharing\n"
       "setting comments: field comments key author|id\n"},
      // Paths, constants, value maps, time formats; a key holding a dot as a list of keys.
      {"attributes:\n"
       "  purpose: {constant: training}\n"
       "  category: {field: type, values: {tweet: post, answer: reply}}\n"
       "  region: [geo, region.code]\n"
       "  ts: {field: created_at_ms, time: epoch_milliseconds}\n"
       "  age: author.age\n"
       "  verified: {field: author.flags, values: {yes: true, no: false}}\n",
       "user user\npurpose: constant training\ncategory: field type tweet->post answer->reply\n"
       "region (untested): field geo|region.code\nts: field created_at_ms time epoch_milliseconds\n"
       "age: field author|age\nverified: field author|flags yes->true no->false\n"
       "setting sharing: field sharing key user formerly old_sharing formerly older_sharing\n"
       "setting comments: field comments key user\n"},
      // A map without `field` reads the attribute's own field.
      {"attributes:\n  ts: {time: iso8601}\n  category: {values: {tweet: post}}\n",
       "user user\npurpose: field purpose\ncategory: field category tweet->post\nregion (untested): field region\n"
       "ts: field ts time iso8601\nage: field age\nverified: field verified\n"
       "setting sharing: field sharing key user formerly old_sharing formerly older_sharing\n"
       "setting comments: field comments key user\n"},
      {"attributes:\n  ts: {time: epoch_seconds}\n  age: {constant: 21.5}\n",
       "user user\npurpose: field purpose\ncategory: field category\nregion (untested): field region\n"
       "ts: field ts time epoch_seconds\nage: constant 21.5\nverified: field verified\n"
       "setting sharing: field sharing key user formerly old_sharing formerly older_sharing\n"
       "setting comments: field comments key user\n"},
      // Former names lie beside the setting's own field; a setting keyed by another field.
      {"settings:\n  sharing: prefs.grok\n  comments: {field: blog.prefs.comments, key: blog_id}\n",
       "user user\npurpose: field purpose\ncategory: field category\nregion (untested): field region\n"
       "ts: field ts\nage: field age\nverified: field verified\n"
       "setting sharing: field prefs|grok key user formerly prefs|old_sharing formerly prefs|older_sharing\n"
       "setting comments: field blog|prefs|comments key blog_id\n"},
      {"attributes:\n  ts: {constant: 2024-06-01}\n  verified: {constant: true}\n",
       "user user\npurpose: field purpose\ncategory: field category\nregion (untested): field region\n"
       "ts: constant 2024-06-01\nage: field age\nverified: constant true\n"
       "setting sharing: field sharing key user formerly old_sharing formerly older_sharing\n"
       "setting comments: field comments key user\n"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(read(c.yaml) == c.expected);
  }
}

TEST_CASE("bindings: each kind of mistake, with its exact message and position") {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"- a\n", "error: b.yaml:1:1: error: expected a map with `user`, `attributes` and `settings`"},
      {"users: id\n",
       "error: b.yaml:1:1: error: unknown key `users` in the bindings\n"
       " = help: did you mean `user`?"},
      {"attributes:\n  regoin: geo.region\n",
       "error: b.yaml:2:3: error: unknown attribute `regoin`\n"
       " = help: did you mean `region`?"},
      {"attributes:\n  now: created\n",
       "error: b.yaml:2:3: error: `now` is the evaluation time, set with `--now`; records do not carry it"},
      {"settings:\n  sharring: x\n",
       "error: b.yaml:2:3: error: unknown setting `sharring`\n"
       " = help: did you mean `sharing`?"},
      {"attributes: [purpose]\n", "error: b.yaml:1:13: error: expected a map from attribute names to fields"},
      {"settings: x\n", "error: b.yaml:1:11: error: expected a map from setting names to fields"},
      {"attributes:\n  category: {field: type, valuse: {a: post}}\n",
       "error: b.yaml:2:27: error: unknown key `valuse` in attribute `category`\n"
       " = help: did you mean `values`?"},
      {"attributes:\n  purpose: {field: p, constant: training}\n",
       "error: b.yaml:2:33: error: attribute `purpose` has both a `field` and a `constant`"},
      {"attributes:\n  purpose: {constant: [training]}\n", "error: b.yaml:2:23: error: expected a single value"},
      {"attributes:\n  purpose: {constant: trainnig}\n",
       "error: b.yaml:2:23: error: `trainnig` is not a value of `purpose`\n"
       " = help: did you mean `training`?"},
      {"attributes:\n  category: {values: {tweet: posts}}\n",
       "error: b.yaml:2:30: error: `posts` is not a value of `category`\n"
       " = help: did you mean `post`?"},
      {"attributes:\n  verified: {values: {yes: yes}}\n",
       "error: b.yaml:2:28: error: `yes` is not a value of `verified`\n"
       " = help: its values: `false`, `true`"},
      {"attributes:\n  age: {constant: eighteen}\n",
       "error: b.yaml:2:19: error: `eighteen` is not a number, and `age` is a number"},
      {"attributes:\n  ts: {constant: 2024-02-30}\n",
       "error: b.yaml:2:18: error: `2024-02-30` is not a time (write `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or epoch "
       "seconds)"},
      {"attributes:\n  age: {values: {x: '1'}}\n",
       "error: b.yaml:2:17: error: `values` maps record values to enum or bool values, and `age` is a number"},
      {"attributes:\n  category: {values: [post]}\n",
       "error: b.yaml:2:22: error: expected a map from record values to policy values"},
      {"attributes:\n  age: {time: epoch_seconds}\n",
       "error: b.yaml:2:15: error: `time` sets how a time is written, and `age` is a number"},
      {"attributes:\n  ts: {time: unix}\n",
       "error: b.yaml:2:14: error: unknown time format `unix`\n"
       " = help: the formats: `auto`, `iso8601`, `epoch_seconds`, `epoch_milliseconds`"},
      {"attributes:\n  region: geo..region\n",
       "error: b.yaml:2:11: error: bad field path `geo..region`: empty segment"},
      {"attributes:\n  region: []\n", "error: b.yaml:2:11: error: expected at least one key in the field path"},
      {"attributes:\n  region: [geo, [a]]\n",
       "error: b.yaml:2:17: error: expected a key: each item of a field path list is one key"},
      {"attributes:\n  region: \"geo\\tregion\"\n",
       "error: b.yaml:2:11: error: a field path cannot hold control characters\n"
       " = help: name the field by its key as it is written in the records"},
      {"attributes:\n  region: media[0].region\n",
       "error: b.yaml:2:11: error: bad field path `media[0].region`: a path names object keys, and arrays are not "
       "supported\n"
       " = help: bind a field outside the array, or have the pipeline copy the element to a field of its own; a key "
       "that holds `[`, `]` or `.` is written as a list of keys, such as `[media, \"a.b[0]\"]`"},
      {"attributes:\n  region: {field: {a: b}}\n",
       "error: b.yaml:2:19: error: expected a field path such as `geo.region`"},
      {"settings:\n  sharing: {field: a, keys: b}\n",
       "error: b.yaml:2:23: error: unknown key `keys` in setting `sharing`\n"
       " = help: did you mean `key`?"},
      {"attributes: {purpose: [\n", "error: b.yaml:2:1: error: end of sequence flow not found"},
  };
  for (const Case& c : cases) {
    INFO(c.yaml);
    CHECK(read(c.yaml) == c.expected);
  }
}

TEST_CASE(
    "bindings: for a policy the file was not written for, unknown names are skipped and unknown enum values kept") {
  const char* const yaml =
      "attributes:\n  regoin: geo.region\n  category: {field: type, values: {tweet: thread}}\n"
      "settings:\n  sharring: x\n  sharing: prefs.s\n";
  CHECK(read(yaml, BindingsMode::skip_unknown_names) ==
        "user user\npurpose: field purpose\ncategory: field type tweet->thread\nregion (untested): field region\n"
        "ts: field ts\nage: field age\nverified: field verified\n"
        "setting sharing: field prefs|s key user formerly prefs|old_sharing formerly prefs|older_sharing\n"
        "setting comments: field comments key user\n");
  // Everything else is checked as strictly as ever, bool values included.
  CHECK(read("attributes:\n  verified: {values: {yes: yes}}\n", BindingsMode::skip_unknown_names) ==
        "error: b.yaml:2:28: error: `yes` is not a value of `verified`\n"
        " = help: its values: `false`, `true`");
}
