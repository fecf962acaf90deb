// `usegate diff OLD NEW --records FILE`: the records whose decision or reason changes, on small
// hand-made JSON Lines files whose counts follow by hand; the text byte for byte (the ten X
// records: the golden case tests/golden/diff-records-x-grok-2024-07-to-08), the JSON
// document's shape, bindings and purposes only NEW knows, consent changes read under each
// version's availability, and usage errors.
#include <doctest/doctest.h>

#include <simdjson.h>

#include <cstdint>
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

TEST_CASE("diff --records: before the suspension applies (now 2024-08-01T00:00:00Z) no record changes") {
  const std::string directory = scratch_directory("diff-records-early");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  const auto result = run_usegate({"diff", july, august, "--records", records, "--now", "2024-08-01"});
  CHECK(result.exit_code == 1);  // the rows still differ: the exit status is the diff's
  CHECK(result.out.ends_with("records (" + records +
                             ", now 2024-08-01T00:00:00Z): 10 read, 0 changed, 10 unchanged, 0 rejected\n"
                             "  newly denied: 0 records\n"
                             "  newly allowed: 0 records\n"
                             "  reason only: 0 records\n"));
}

TEST_CASE("diff --records: five line numbers per pair at most, then `first lines`, and lines neither reads rejected") {
  std::string input;
  for (int i = 0; i < 7; ++i) input += x_record("u", "EU", "2024-06-01");
  input += "not json\n{\"cut\": \n";
  const auto result =
      run_usegate({"diff", july, august, "--records", "-", "--now", "2024-09-01", "--purpose", "fine_tuning"}, input);
  CHECK(result.exit_code == 1);
  CHECK(result.out.ends_with(
      "records (-, now 2024-09-01T00:00:00Z, purposes fine_tuning): 9 read, 7 changed, 0 unchanged, "
      "2 rejected\n"
      "  newly denied: 7 records\n"
      "    allow (train_on_posts) → deny (eu_suspension): 7 records, "
      "first lines 1, 2, 3, 4, 5\n"
      "  newly allowed: 0 records\n"
      "  reason only: 0 records\n"));
}

TEST_CASE("diff --records --format json: a `records` object after the rows") {
  const std::string directory = scratch_directory("diff-records-json");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  const auto result =
      run_usegate({"diff", "--format", "json", july, august, "--records", records, "--now", "2024-09-01"});
  REQUIRE(result.exit_code == 1);
  CHECK(result.out.ends_with(
      "  ],\n"
      "  \"records\": {\"file\": \"" +
      records +
      "\", \"now\": \"2024-09-01T00:00:00Z\", \"purposes\": [], \"read\": 10, \"changed\": 3, \"unchanged\": 7, "
      "\"rejected\": 0, \"empty_lines\": 1, \"newly_denied\": 3, \"newly_allowed\": 0, \"reason_only\": 0, "
      "\"consent\": null, \"pairs\": [\n"
      "    {\"direction\": \"newly_denied\", \"old\": {\"decision\": \"allow\", \"reason\": \"train_on_posts\"}, "
      "\"new\": {\"decision\": \"deny\", \"reason\": \"eu_suspension\"}, \"records\": 3, \"first_lines\": [2, 5, 9]}\n"
      "  ]}\n"
      "}\n"));

  simdjson::dom::parser parser;
  simdjson::dom::element document;
  REQUIRE(parser.parse(result.out).get(document) == simdjson::SUCCESS);
  CHECK(keys_of(document) ==
        std::vector<std::string_view>{"old", "new", "semantic_change", "structural_changes", "rows", "records"});
  simdjson::dom::element records_object;
  REQUIRE(document["records"].get(records_object) == simdjson::SUCCESS);
  CHECK(keys_of(records_object) == std::vector<std::string_view>{"file", "now", "purposes", "read", "changed",
                                                                 "unchanged", "rejected", "empty_lines", "newly_denied",
                                                                 "newly_allowed", "reason_only", "consent", "pairs"});
  std::uint64_t third_line = 0;
  REQUIRE(records_object["pairs"].at(0)["first_lines"].at(2).get(third_line) == simdjson::SUCCESS);
  CHECK(third_line == 9);

  // Without --records, the document is as before: no `records` member.
  const auto plain = run_usegate({"diff", "--format", "json", july, august});
  CHECK(plain.out.find("\"records\"") == std::string::npos);
  CHECK(plain.out.ends_with("  ]\n}\n"));
}

// Two versions of a small policy: NEW adds `enum plan` and denies enterprise data, a purpose
// and a category.
const char* const plans_old = R"(policy plans "Plans"
version 1
enum purpose { training }
enum category { post, message }
allow train_posts "Posts train" when purpose == training and category == post
default deny
)";

const char* const plans_new = R"(policy plans "Plans"
version 2
enum purpose { training, search }
enum category { post, message, story }
enum plan { consumer, enterprise }
allow train_posts "Posts train" when purpose == training and category == post
allow search_all "Search uses everything" when purpose == search
deny enterprise_data "Enterprise data is never used" when plan == enterprise
default deny
)";

// NEW lets an unreadable `plan` slip past `enterprise_data`: every command that loads it says so
// on stderr, before anything else.
std::string plans_new_lint(const std::string& path) {
  return path +
         ":8:59: warning: deny rule `enterprise_data` does not match records whose `plan` is missing or unknown, and "
         "`train_posts`, `search_all` then allows them [deny-escaped-by-missing]\n"
         " 8 | deny enterprise_data \"Enterprise data is never used\" when plan == enterprise\n"
         "   |                                                           ^~~~~~~~~~~~~~~~~~\n"
         "   = help: an unreadable `plan` slips past the deny (fails open); deny such records too, e.g. with `not plan "
         "is known`\n";
}

TEST_CASE("diff --records: bindings are checked against NEW, and OLD skips the attribute it does not declare") {
  // OLD declares neither `plan` nor the category `story`: it skips the binding of `plan` and
  // reads `reel` as `story`, which it does not know (`unknown`), rather than failing.
  const std::string directory = scratch_directory("diff-records-bindings");
  const std::string old_policy = scratch_file(directory, "old.policy", plans_old);
  const std::string new_policy = scratch_file(directory, "new.policy", plans_new);
  const std::string bindings = scratch_file(directory, "b.yaml",
                                            "attributes:\n"
                                            "  plan: account.plan\n"
                                            "  category: {field: kind, values: {tweet: post, reel: story}}\n");
  // 1, 3: enterprise posts (newly denied); 2: a consumer post (unchanged); 4: an enterprise
  // message (denied before by default, now by enterprise_data); 5: a key twice inside
  // `account`, which only NEW reads: NEW rejects it, OLD decides it; 6: rejected by both; 7: a story,
  // denied by default under both (unchanged).
  const std::string records = scratch_file(directory, "r.jsonl",
                                           R"({"purpose":"training","kind":"tweet","account":{"plan":"enterprise"}}
{"purpose":"training","kind":"tweet","account":{"plan":"consumer"}}
{"purpose":"training","kind":"post","account":{"plan":"enterprise"}}
{"purpose":"training","kind":"message","account":{"plan":"enterprise"}}
{"purpose":"training","kind":"tweet","account":{"plan":"enterprise","plan":"consumer"}}
not json
{"purpose":"training","kind":"reel","account":{"plan":"consumer"}}
)");
  const auto result = run_usegate(
      {"diff", old_policy, new_policy, "--records", records, "--bindings", bindings, "--now", "2024-09-01"});
  CHECK(result.err == plans_new_lint(new_policy));
  CHECK(result.exit_code == 1);
  CHECK(result.out.ends_with("records (" + records +
                             ", now 2024-09-01T00:00:00Z): 7 read, 4 changed, 2 unchanged, 1 rejected\n"
                             "  newly denied: 3 records\n"
                             "    allow (train_posts) → deny (enterprise_data): 2 records, lines 1, 3\n"
                             "    allow (train_posts) → reject (duplicate_key): 1 record, line 5\n"
                             "  newly allowed: 0 records\n"
                             "  reason only: 1 record\n"
                             "    deny (default) → deny (enterprise_data): 1 record, line 4\n"));

  // Checked against NEW: a name NEW does not declare is an error at its place, exit 3.
  const std::string wrong = scratch_file(directory, "wrong.yaml", "attributes:\n  tier: account.tier\n");
  const auto error = run_usegate({"diff", old_policy, new_policy, "--records", records, "--bindings", wrong});
  CHECK(error.exit_code == 3);
  CHECK(error.out.empty());
  CHECK(error.err == plans_new_lint(new_policy) + wrong +
                         ":2:3: error: unknown attribute `tier`\n"
                         " 2 |   tier: account.tier\n"
                         "   |   ^~~~\n"
                         "   = help: the policy declares the attributes: `purpose`, `category`, `plan`\n");
}

TEST_CASE("diff --records --purpose: checked against NEW, and a purpose OLD does not declare reads as unknown there") {
  const std::string directory = scratch_directory("diff-records-purpose");
  const std::string old_policy = scratch_file(directory, "old.policy", plans_old);
  const std::string new_policy = scratch_file(directory, "new.policy", plans_new);
  const std::string records = scratch_file(directory, "r.jsonl",
                                           "{\"category\":\"post\",\"plan\":\"consumer\"}\n"
                                           "{\"category\":\"message\",\"plan\":\"consumer\"}\n");
  const auto search =
      run_usegate({"diff", old_policy, new_policy, "--records", records, "--purpose", "search", "--now", "2024-09-01"});
  CHECK(
      search.out.ends_with("records (" + records +
                           ", now 2024-09-01T00:00:00Z, purposes search): 2 read, 2 changed, 0 unchanged, 0 rejected\n"
                           "  newly denied: 0 records\n"
                           "  newly allowed: 2 records\n"
                           "    deny (default) → allow (search_all): 2 records, lines 1, 2\n"
                           "  reason only: 0 records\n"));
  // Several purposes: allowed only when all allow; the reason is the first denying purpose's.
  const auto both = run_usegate(
      {"diff", old_policy, new_policy, "--records", records, "--purpose", "search,training", "--now", "2024-09-01"});
  CHECK(both.out.ends_with(
      "records (" + records +
      ", now 2024-09-01T00:00:00Z, purposes search, training): 2 read, 1 changed, 1 unchanged, 0 rejected\n"
      "  newly denied: 0 records\n"
      "  newly allowed: 1 record\n"
      "    deny (default) → allow (search_all): 1 record, line 1\n"
      "  reason only: 0 records\n"));
  const auto unknown = run_usegate({"diff", old_policy, new_policy, "--records", records, "--purpose", "ads"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        plans_new_lint(new_policy) + "usegate diff: unknown purpose `ads` (the policy's purposes: training, search)\n");
}

TEST_CASE("diff --records --consent: each version applies its own availability to the same changes") {
  const std::string directory = scratch_directory("diff-records-consent");
  // NEW makes the setting available in the apps too: nothing else changes, so there is no row.
  std::string text = read_text(july);
  const std::string web_only = "available on {web} from 2024-07-26";
  text.replace(text.find(web_only), web_only.size(), "available on {web, ios, android} from 2024-07-26");
  const std::string everywhere = scratch_file(directory, "x-grok-apps.policy", text);
  const std::string records =
      scratch_file(directory, "r.jsonl", x_record("u1", "US", "2024-06-01") + x_record("u2", "US", "2024-06-01"));
  // u1 switches off in the iOS app (refused under July, applied under NEW); u2 on the web.
  const std::string consent =
      scratch_file(directory, "c.jsonl",
                   R"({"user":"u1","setting":"grok_sharing","value":"off","platform":"ios","ts":"2024-08-01T09:00:00Z"}
{"user":"u2","setting":"grok_sharing","value":"off","platform":"web","ts":"2024-08-01T09:00:00Z"}
{"user":"u2","setting":"grok_sharing","value":"on","platform":"web","ts":"2024-09-02T09:00:00Z"}
)");
  const auto result =
      run_usegate({"diff", july, everywhere, "--records", records, "--consent", consent, "--now", "2024-09-01"});
  CHECK(result.exit_code == 0);  // no row: availability is a structural change
  CHECK(result.err.empty());
  CHECK(
      result.out.ends_with("\nno semantic change\n"
                           "\n"
                           "records (" +
                           records +
                           ", now 2024-09-01T00:00:00Z): 2 read, 1 changed, 1 unchanged, 0 rejected\n"
                           "  newly denied: 1 record\n"
                           "    allow (train_on_posts) → deny (optout_grok_sharing): 1 record, line 1\n"
                           "  newly allowed: 0 records\n"
                           "  reason only: 0 records\n"
                           "  consent changes (" +
                           consent +
                           "): old 1 applied, 1 rejected, 1 after --now; new 2 applied, 0 rejected, "
                           "1 after --now\n"));

  const auto json = run_usegate({"diff", "--format", "json", july, everywhere, "--records", records, "--consent",
                                 consent, "--now", "2024-09-01"});
  CHECK(json.out.find("\"consent\": {\"file\": \"" + consent +
                      "\", \"old\": {\"applied\": 1, \"rejected\": 1, \"after_now\": 1, \"bad_value_read_as_off\": 0}, "
                      "\"new\": {\"applied\": 2, \"rejected\": 0, \"after_now\": 1, \"bad_value_read_as_off\": 0}}") !=
        std::string::npos);
}

TEST_CASE("diff --records: usage errors exit 2") {
  const std::string directory = scratch_directory("diff-records-usage");
  const std::string records = scratch_file(directory, "r.jsonl", ten_x_records);
  const auto missing = run_usegate({"diff", july, august, "--records", directory + "/none.jsonl"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.out.empty());
  CHECK(missing.err == "usegate cannot read records file `" + directory + "/none.jsonl`\n");
  for (const char* option : {"--bindings", "--consent", "--now", "--purpose"}) {
    const auto without = run_usegate({"diff", july, august, option, "x"});
    CHECK(without.exit_code == 2);
    CHECK(without.err == "usegate diff: `" + std::string(option) + "` applies to `--records FILE`\n");
  }
  const auto stdin_twice = run_usegate({"diff", july, august, "--records", "-", "--consent", "-"});
  CHECK(stdin_twice.exit_code == 2);
  CHECK(stdin_twice.err ==
        "usegate diff: --records and --consent both name standard input (`-`), which can be read "
        "once\n");
  const auto bad_now = run_usegate({"diff", july, august, "--records", records, "--now", "soon"});
  CHECK(bad_now.exit_code == 2);
  const auto help = run_usegate({"diff", "--help"});
  CHECK(help.out.find("\n       usegate diff OLD NEW --records FILE [--bindings B] [--consent C] [--now T] "
                      "[--purpose P[,P]]\n") != std::string::npos);
}

}  // namespace

TEST_CASE("diff --records: reasons compared by name, so a rule inserted before another changes none of its records") {
  const std::string directory = scratch_directory("diff-records-inserted-rule");
  const std::string old_policy = scratch_file(directory, "old.policy", R"(policy p "t"
enum purpose { training, ads }
enum region { US, EU }
deny no_b when region == EU
allow train when purpose == training
)");
  const std::string new_policy = scratch_file(directory, "new.policy", R"(policy p "t"
enum purpose { training, ads }
enum region { US, EU }
allow yes_a when purpose == ads
deny no_b when region == EU
allow train when purpose == training
)");
  const auto record = [](const char* purpose, const char* region) {
    return std::string(R"({"purpose":")") + purpose + R"(","region":")" + region + "\"}\n";
  };
  // Lines 1-2: denied by no_b under both; line 3: allowed by train under both (each now the
  // rule after yes_a); line 4: default deny, then yes_a; line 5: unreadable under both.
  const std::string records = scratch_file(
      directory, "r.jsonl",
      record("training", "EU") + record("ads", "EU") + record("training", "US") + record("ads", "US") + "{\n");
  const auto result = run_usegate({"diff", old_policy, new_policy, "--records", records, "--now", "2024-09-01"});
  CHECK(result.exit_code == 1);
  // Both versions let an unreadable region slip past `no_b`: diff says so, once per policy,
  // as every command that loads a policy does, and goes on.
  CHECK(result.err ==
        old_policy +
            ":4:16: warning: deny rule `no_b` does not match records whose `region` is missing or unknown, and "
            "`train` then allows them [deny-escaped-by-missing]\n"
            " 4 | deny no_b when region == EU\n"
            "   |                ^~~~~~~~~~~~\n"
            "   = help: an unreadable `region` slips past the deny (fails open); deny such records too, e.g. with "
            "`not region is known`\n" +
            new_policy +
            ":5:16: warning: deny rule `no_b` does not match records whose `region` is missing or unknown, and "
            "`yes_a`, `train` then allows them [deny-escaped-by-missing]\n"
            " 5 | deny no_b when region == EU\n"
            "   |                ^~~~~~~~~~~~\n"
            "   = help: an unreadable `region` slips past the deny (fails open); deny such records too, e.g. with "
            "`not region is known`\n");
  CHECK(result.out.ends_with("records (" + records +
                             ", now 2024-09-01T00:00:00Z): 5 read, 1 changed, 3 unchanged, 1 rejected\n"
                             "  newly denied: 0 records\n"
                             "  newly allowed: 1 record\n"
                             "    deny (default) → allow (yes_a): 1 record, line 4\n"
                             "  reason only: 0 records\n"));
}

TEST_CASE("diff --records: a rule moved, removed or renamed changes exactly the records it decides") {
  const std::string directory = scratch_directory("diff-records-moved-rules");
  const std::string old_policy = scratch_file(directory, "old.policy", R"(policy p "t"
enum purpose { training, ads, search }
enum region { US, EU }
deny no_eu when region == EU
allow train when purpose == training
allow search_all when purpose == search
deny no_ads when purpose == ads
)");
  // no_ads moves first, search_all is gone, train is renamed.
  const std::string new_policy = scratch_file(directory, "new.policy", R"(policy p "t"
enum purpose { training, ads, search }
enum region { US, EU }
deny no_ads when purpose == ads
deny no_eu when region == EU
allow train_v2 when purpose == training
)");
  const auto record = [](const char* purpose, const char* region) {
    return std::string(R"({"purpose":")") + purpose + R"(","region":")" + region + "\"}\n";
  };
  const std::string records = scratch_file(directory, "r.jsonl",
                                           record("training", "EU") +      // 1: deny (no_eu) both
                                               record("ads", "EU") +       // 2: deny (no_eu) → deny (no_ads)
                                               record("ads", "US") +       // 3: deny (no_ads) both
                                               record("search", "US") +    // 4: allow (search_all) → deny (default)
                                               record("training", "US"));  // 5: allow (train) → allow (train_v2)
  const auto result = run_usegate({"diff", old_policy, new_policy, "--records", records, "--now", "2024-09-01"});
  CHECK(result.exit_code == 1);
  CHECK(result.out.ends_with("records (" + records +
                             ", now 2024-09-01T00:00:00Z): 5 read, 3 changed, 2 unchanged, 0 rejected\n"
                             "  newly denied: 1 record\n"
                             "    allow (search_all) → deny (default): 1 record, line 4\n"
                             "  newly allowed: 0 records\n"
                             "  reason only: 2 records\n"
                             "    deny (no_eu) → deny (no_ads): 1 record, line 2\n"
                             "    allow (train) → allow (train_v2): 1 record, line 5\n"));
}
