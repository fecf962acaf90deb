// `usegate sim POLICY --records FILE`: the simulation over real records. Exact figures on small
// hand-made JSON Lines files whose counts follow by hand, the text byte for byte, the JSON
// document's shape, `--vs` with a consent file, bindings that fit only one policy, the same
// figures as the synthetic simulation on the records it wrote, and usage errors.
#include <doctest/doctest.h>

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "x_records.hpp"

namespace {

using usegate::testing::read_text;
using usegate::testing::run_usegate;
using usegate::testing::scratch_directory;
using usegate::testing::source_path;
using usegate::testing::write_text;

using usegate::testing::keys_of;
using usegate::testing::scratch_file;
using usegate::testing::ten_x_records;
using usegate::testing::x_record;

const std::string& july = usegate::testing::july_policy;
const std::string& august = usegate::testing::august_policy;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Decided at 2024-09-01 for training: u1, u3, u9, u4 and u10 are usable (5); u2, u5 and u8
// fall to eu_suspension (3); u6 to protected_posts; u7 to direct_messages. For realtime answers
// only public posts are usable: u1, u2, u3, u5, u8, u9 (6). The text report of training is the
// golden case tests/golden/sim-records-x-grok-2024-08.

TEST_CASE("sim --records --format json: every purpose of the policy by default, the synthetic report's shape") {
  const std::string directory = scratch_directory("sim-records-json");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  const auto result = run_usegate({"sim", august, "--records", records, "--now", "2024-09-01", "--format", "json"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.starts_with(R"({"records":{"path":")" + records +
                               R"(","now":"2024-09-01T00:00:00Z","read":10,"decided":10,"rejected":0,"empty_lines":1,)"
                               R"("purposes":["training","fine_tuning","realtime_answers"],"consent":null},)"));
  for (const char* expected :
       {R"({"purpose":"training","records":10,"usable":5,"usable_share":0.500000,)",
        R"({"purpose":"fine_tuning","records":10,"usable":5,"usable_share":0.500000,)",
        R"({"purpose":"realtime_answers","records":10,"usable":6,"usable_share":0.600000,)",
        R"({"reason":"eu_suspension","effect":"deny","records":3,"share":0.300000})",
        R"({"reason":"realtime_public","effect":"allow","records":6,"share":0.600000})",
        R"({"field":"region","values":[{"value":"US","records":2,"usable":2,"usable_share":1.000000},)",
        R"({"setting":"grok_sharing","default":"on","reach":null,"subjects_switched_off":null,)"
        R"("changes_rejected":null,"records_removed":0,"records_removed_share":0.000000})",
        "\"consent\":null}]}\n"}) {
    INFO(expected);
    CHECK(contains(result.out, expected));
  }

  simdjson::dom::parser parser;
  simdjson::dom::element document;
  REQUIRE(parser.parse(result.out).get(document) == simdjson::SUCCESS);
  CHECK(keys_of(document) == std::vector<std::string_view>{"records", "policies"});
  simdjson::dom::element policy;
  REQUIRE(document["policies"].at(0).get(policy) == simdjson::SUCCESS);
  CHECK(keys_of(policy) == std::vector<std::string_view>{"label", "path", "name", "version", "records", "purposes",
                                                         "settings", "consent"});
  simdjson::dom::element purpose;
  REQUIRE(policy["purposes"].at(0).get(purpose) == simdjson::SUCCESS);
  CHECK(keys_of(purpose) ==
        std::vector<std::string_view>{"purpose", "records", "usable", "usable_share", "breakdowns", "reasons"});
}

TEST_CASE("sim --records: `missing` and `unknown` rows where records have them, unreadable lines in no figure") {
  const std::string directory = scratch_directory("sim-records-missing");
  // a: no region; b: a region the policy does not know; c: no visibility; d: readable in full;
  // line 5 is JSON but no object.
  const std::string records = scratch_file(directory, "m.jsonl",
                                           R"({"user":"a","category":"post","visibility":"public","ts":"2024-06-01"}
{"user":"b","category":"post","region":"Mars","visibility":"public","ts":"2024-06-01"}
{"user":"c","category":"post","region":"US","ts":"2024-06-01"}
{"user":"d","category":"post","region":"US","visibility":"public","ts":"2024-06-01"}
[1, 2]
)");
  const auto result =
      run_usegate({"sim", august, "--records", records, "--now", "2024-09-01", "--purpose", "training"});
  REQUIRE(result.exit_code == 0);
  CHECK(contains(result.out, "records " + records +
                                 ": 5 read, 4 decided, 1 rejected (unreadable: usable for no purpose, in no figure "
                                 "below); now 2024-09-01T00:00:00Z; purposes training\n"
                                 "\n"
                                 "purpose training: 1 of 4 records usable (25.00%)\n"));
  CHECK(contains(result.out,
                 "region     | US             |       2 |      1 | 50.00%\n"
                 "           | EU             |       0 |      0 |  0.00%\n"
                 "           | UK             |       0 |      0 |  0.00%\n"
                 "           | other_region   |       0 |      0 |  0.00%\n"
                 "           | missing        |       1 |      0 |  0.00%\n"
                 "           | unknown        |       1 |      0 |  0.00%\n"
                 "visibility | public         |       3 |      1 | 33.33%\n"
                 "           | protected      |       0 |      0 |  0.00%\n"
                 "           | missing        |       1 |      0 |  0.00%\n"
                 "\n"));
  // c's post is not known to be public: denied by default. a's and b's: unreadable region.
  CHECK(contains(result.out,
                 "default                  |       1 | 25.00% | default deny\n"
                 "eu_suspension_unreadable |       2 | 50.00% |"));
}

TEST_CASE("sim --records --vs with a consent file: side by side, opt-outs removed, changes rejected") {
  const std::string directory = scratch_directory("sim-records-vs");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  // u1 and u2 switch the setting off on the web (applied); u6 tries in the iOS app (rejected:
  // web only); u3's change comes after --now.
  const std::string consent =
      scratch_file(directory, "c.jsonl",
                   R"({"user":"u1","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-27T10:00:00Z"}
{"user":"u6","setting":"grok_sharing","value":"off","platform":"ios","ts":"2024-07-28T10:00:00Z"}
{"user":"u2","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-07-30T10:00:00Z"}
{"user":"u3","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-09-30T10:00:00Z"}
)");
  const auto result = run_usegate({"sim", july, "--vs", august, "--records", records, "--consent", consent, "--now",
                                   "2024-09-01", "--purpose", "training"});
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  // Training: July allows all but u1, u2 (opted out), u6, u7: 6 of 10. August also denies u5 and
  // u8 (eu_suspension; u2 is removed by its opt-out first): 4 of 10.
  CHECK(contains(
      result.out,
      "records " + records +
          ": 10 read, 10 decided, 0 rejected; now 2024-09-01T00:00:00Z; purposes training; the same records under "
          "each policy\n"
          "consent changes " +
          consent +
          " under x-grok-2024-07: 2 applied, 1 rejected, 1 after now\n"
          "consent changes " +
          consent +
          " under x-grok-2024-08: 2 applied, 1 rejected, 1 after now\n"
          "\n"
          "purpose training: usable 60.00% under x-grok-2024-07, 40.00% under x-grok-2024-08 "
          "(-20.00 pp)\n"));
  CHECK(contains(result.out,
                 "region     | US             |       2 |         50.00% |         50.00% |   0.00 pp\n"
                 "           | EU             |       7 |         71.43% |         42.86% | -28.57 pp\n"));
  CHECK(contains(result.out,
                 "denied by           | x-grok-2024-07 | x-grok-2024-08 | change\n"
                 "--------------------+----------------+----------------+----------\n"
                 "optout_grok_sharing |     2 (20.00%) |     2 (20.00%) |   0.00 pp\n"
                 "protected_posts     |     1 (10.00%) |     1 (10.00%) |   0.00 pp\n"
                 "direct_messages     |     1 (10.00%) |     1 (10.00%) |   0.00 pp\n"
                 "eu_suspension       |              - |     2 (20.00%) | +20.00 pp\n"));
  CHECK(contains(result.out,
                 "setting      | measure          | x-grok-2024-07 | x-grok-2024-08 | change\n"
                 "-------------+------------------+----------------+----------------+--------\n"
                 "grok_sharing | default          |             on |             on |    same\n"
                 "             | switched off     |              2 |              2 |       0\n"
                 "             | changes rejected |              1 |              1 |       0\n"
                 "             | records removed  |     2 (20.00%) |     2 (20.00%) | 0.00 pp\n"));

  const auto json = run_usegate({"sim", july, "--vs", august, "--records", records, "--consent", consent, "--now",
                                 "2024-09-01", "--purpose", "training", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(contains(json.out, R"({"setting":"grok_sharing","default":"on","reach":null,"subjects_switched_off":2,)"
                           R"("changes_rejected":1,"records_removed":2,"records_removed_share":0.200000})"));
  CHECK(contains(json.out, R"("consent":{"applied":2,"rejected":1,"after_now":1}})"));
  CHECK(contains(json.out, R"({"label":"x-grok-2024-08",)"));
}

TEST_CASE("sim --records --vs: bindings that fit one policy in full, and the other skips what it does not declare") {
  const std::string directory = scratch_directory("sim-records-bindings");
  const std::string old_policy = scratch_file(directory, "plans-1.policy", R"(policy plans "Plans"
version 1
enum purpose { training }
enum category { post, message }
allow train_posts "Posts train" when purpose == training and category == post
default deny
)");
  const std::string new_policy = scratch_file(directory, "plans-2.policy", R"(policy plans "Plans"
version 2
enum purpose { training }
enum category { post, message }
enum plan { consumer, enterprise }
allow train_posts "Posts train" when purpose == training and category == post
deny enterprise_data "Enterprise data is never used" when plan == enterprise
default deny
)");
  const std::string bindings = scratch_file(directory, "b.yaml", "attributes:\n  plan: account.plan\n");
  const std::string records = scratch_file(directory, "r.jsonl",
                                           R"({"category":"post","account":{"plan":"enterprise"}}
{"category":"post","account":{"plan":"consumer"}}
{"category":"message","account":{"plan":"enterprise"}}
{"category":"post"}
)");
  for (const auto& order : {std::vector<std::string>{old_policy, new_policy}, {new_policy, old_policy}}) {
    const auto result = run_usegate({"sim", order[0], "--vs", order[1], "--records", records, "--bindings", bindings,
                                     "--now", "2024-09-01", "--format", "json"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(contains(result.out,
                   R"({"field":"plan","values":[{"value":"consumer","records":1,"usable":1,"usable_share":1.000000},)"
                   R"({"value":"enterprise","records":2,"usable":)"));
    CHECK(contains(result.out, R"("version":"1","records":4,"purposes":[)"
                               "\n"
                               R"(    {"purpose":"training","records":4,"usable":3,"usable_share":0.750000,)"));
    CHECK(contains(result.out, R"("version":"2","records":4,"purposes":[)"
                               "\n"
                               R"(    {"purpose":"training","records":4,"usable":2,"usable_share":0.500000,)"));
  }
  // Alone, the first policy does not declare `plan`: the file does not fit it, exit 3.
  const auto alone = run_usegate({"sim", old_policy, "--records", records, "--bindings", bindings});
  CHECK(alone.exit_code == 3);
  CHECK(alone.err.starts_with(bindings + ":2:3: error: unknown attribute `plan`\n"));
  CHECK(alone.err.ends_with("   = help: the policy declares the attributes: `purpose`, `category`\n"));
}

TEST_CASE("sim --records on the records --write-records wrote gives the synthetic figures") {
  const std::string directory = scratch_directory("sim-records-written");
  std::string scenario_text = read_text(source_path("policies/scenarios/x-grok-2024-08-15.yaml"));
  scenario_text.replace(scenario_text.find("users: 100000"), 13, "users: 400");
  const std::string scenario = scratch_file(directory, "s.yaml", scenario_text);
  const std::string written = directory + "/records.jsonl";
  const auto synthetic =
      run_usegate({"sim", august, "--scenario", scenario, "--write-records", written, "--format", "json"});
  REQUIRE(synthetic.exit_code == 0);
  const auto real = run_usegate({"sim", august, "--records", written, "--bindings",
                                 source_path("policies/scenarios/sim-records.bindings.yaml"), "--now", "2024-08-15",
                                 "--purpose", "training,fine_tuning", "--format", "json"});
  REQUIRE(real.exit_code == 0);
  CHECK(contains(real.out, R"("read":14000,"decided":14000,"rejected":0,)"));
  // Per purpose: the headline figures and every reason's count are the same.
  for (const char* purpose : {"training", "fine_tuning"}) {
    const std::string start = std::string(R"({"purpose":")") + purpose + "\"";
    const std::size_t at = synthetic.out.find(start);
    REQUIRE(at != std::string::npos);
    const std::string headline = synthetic.out.substr(at, synthetic.out.find("\"breakdowns\"", at) - at);
    INFO(headline);
    CHECK(contains(real.out, headline));
    const std::size_t reasons_at = synthetic.out.find("\"reasons\":[", at);
    const std::string reasons = synthetic.out.substr(reasons_at, synthetic.out.find("]}", reasons_at) - reasons_at);
    CHECK(contains(real.out, reasons));
  }
  const std::size_t removed_at = synthetic.out.find("\"records_removed\":");
  // The opt-out's figures, up to the synthetic report's own reach by platform mix.
  const std::string removed =
      synthetic.out.substr(removed_at, synthetic.out.find(",\"reach_by_platforms\"", removed_at) - removed_at);
  CHECK(contains(real.out, removed));
}

TEST_CASE("sim --records: usage errors exit 2, bindings that fit no policy exit 3") {
  const std::string directory = scratch_directory("sim-records-usage");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  const std::string scenario = scratch_file(directory, "s.yaml",
                                            "users: 10\nnow: 2024-08-15\npurposes: [training]\n"
                                            "records: {category: {post: 2}}\n");

  const auto both = run_usegate({"sim", august, "--records", records, "--scenario", scenario});
  CHECK(both.exit_code == 2);
  CHECK(both.err ==
        "usegate sim: `--scenario` and `--records` exclude each other: simulate a synthetic population or real "
        "records\n");
  const auto neither = run_usegate({"sim", august});
  CHECK(neither.exit_code == 2);
  CHECK(neither.err ==
        "usegate sim: give `--scenario S.yaml` (a synthetic population) or `--records FILE` (real records)\n");
  const auto missing = run_usegate({"sim", august, "--records", directory + "/none.jsonl"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err == "usegate cannot read records file `" + directory + "/none.jsonl`\n");
  const auto write = run_usegate({"sim", august, "--records", records, "--write-records", directory + "/w.jsonl"});
  CHECK(write.exit_code == 2);
  CHECK(write.err ==
        "usegate sim: `--write-records` writes the records of a scenario; with `--records` they exist already\n");
  const auto with_scenario = run_usegate({"sim", august, "--scenario", scenario, "--now", "2024-08-15"});
  CHECK(with_scenario.exit_code == 2);
  CHECK(with_scenario.err ==
        "usegate sim: `--now` applies to `--records FILE`; a scenario sets the time, the purposes and the settings "
        "itself\n");
  const auto purpose = run_usegate({"sim", august, "--records", records, "--purpose", "training,ads"});
  CHECK(purpose.exit_code == 2);
  CHECK(purpose.err == "usegate sim: unknown purpose `ads` (the purposes: training, fine_tuning, realtime_answers)\n");
  const auto twice = run_usegate({"sim", august, "--records", records, "--purpose", "training,training"});
  CHECK(twice.exit_code == 2);
  CHECK(twice.err == "usegate sim: purpose `training` is given twice\n");
  const auto stdin_twice = run_usegate({"sim", august, "--records", "-", "--consent", "-"});
  CHECK(stdin_twice.exit_code == 2);
  CHECK(stdin_twice.err ==
        "usegate sim: --records and --consent both name standard input (`-`), which can be read "
        "once\n");

  const std::string typo = scratch_file(directory, "typo.yaml", "attributes:\n  regoin: geo.region\n");
  const auto bindings = run_usegate({"sim", august, "--records", records, "--bindings", typo});
  CHECK(bindings.exit_code == 3);
  CHECK(bindings.err.starts_with(typo + ":2:3: error: unknown attribute `regoin`"));

  const auto help = run_usegate({"sim", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out,
                 "\n       usegate sim POLICY --records FILE [--bindings B] [--consent C] [--now T] "
                 "[--purpose P[,P]]\n"));
}

}  // namespace
