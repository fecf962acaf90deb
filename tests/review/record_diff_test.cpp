// The record diff (review/record_diff.hpp): each record's outcome under two versions, where it
// goes, reasons compared by rule id, and the counts of a whole file.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <variant>
#include <vector>

#include "policy_from_text.hpp"
#include "support.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/review/record_diff.hpp"

namespace {

using namespace usegate;

const char* const old_text = R"(policy diff_test "old"
enum purpose { training, ads }
enum region { US, EU }
allow train when purpose == training
)";

// `train` moves to the second place: reasons are matched by id, not by place.
const char* const new_text = R"(policy diff_test "new"
enum purpose { training, ads }
enum region { US, EU }
deny eu when region == EU
allow train when purpose == training
allow ads_us when purpose == ads and region == US
)";

constexpr std::int64_t september = 1725148800;

const char* change_name(review::RecordChange change) {
  switch (change) {
    case review::RecordChange::unchanged: return "unchanged";
    case review::RecordChange::rejected_by_both: return "rejected_by_both";
    case review::RecordChange::newly_denied: return "newly_denied";
    case review::RecordChange::newly_allowed: return "newly_allowed";
    case review::RecordChange::reason_only: return "reason_only";
  }
  return "?";
}

std::string compare(review::RecordComparer& comparer, const std::string& text) {
  std::string padded = text;
  padded.append(records::parse_padding, '\0');
  records::InputLine line;
  line.text = std::string_view(padded.data(), text.size());
  line.raw = line.text;
  line.number = 1;
  line.readable = padded.size();
  const review::RecordComparison comparison = comparer.compare(line);
  const review::RecordOutcome before = comparer.named(comparison.before);
  const review::RecordOutcome after = comparer.named(comparison.after);
  return before.decision + " " + before.reason + " -> " + after.decision + " " + after.reason + ": " +
         change_name(comparison.change);
}

struct Versions {
  Policy old_policy = usegate::testing::policy_from_text("old.policy", old_text);
  Policy new_policy = usegate::testing::policy_from_text("new.policy", new_text);
  records::Bindings old_bindings = records::default_bindings(old_policy);
  records::Bindings new_bindings = records::default_bindings(new_policy);
  review::RecordDiffVersion old_version() const { return {old_policy, old_bindings, nullptr, {}}; }
  review::RecordDiffVersion new_version() const { return {new_policy, new_bindings, nullptr, {}}; }
};

std::string direction_text(compiler::DiffDirection direction) {
  switch (direction) {
    case compiler::DiffDirection::newly_denied: return "newly_denied";
    case compiler::DiffDirection::newly_allowed: return "newly_allowed";
    case compiler::DiffDirection::reason_only: return "reason_only";
  }
  return "?";
}

std::string render(const review::RecordDiff& diff) {
  std::string out = fmt::format("read {}, unchanged {}, rejected {}, changed {}, empty lines {}\n", diff.read,
                                diff.unchanged, diff.rejected, diff.changed(), diff.empty_lines);
  for (const auto& pair : diff.pairs) {
    out += fmt::format("{}: {} {} -> {} {}: {} at", direction_text(pair.direction), pair.before.decision,
                       pair.before.reason, pair.after.decision, pair.after.reason, pair.records);
    for (const auto line : pair.first_lines) out += fmt::format(" {}", line);
    out += "\n";
  }
  return out;
}

review::RecordDiff diff_file(const Versions& versions, const std::string& text) {
  const std::string path = usegate::testing::scratch_directory("record-diff") + "/records.jsonl";
  usegate::testing::write_text(path, text);
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(descriptor >= 0);
  review::RecordDiff diff = review::diff_records(descriptor, versions.old_version(), versions.new_version(), september);
  ::close(descriptor);
  return diff;
}

}  // namespace

TEST_CASE("record diff: each kind of change, record by record, reasons matched by rule id") {
  const Versions versions;
  // The comparer keeps references to the versions: they outlive it.
  const review::RecordDiffVersion old_version = versions.old_version();
  const review::RecordDiffVersion new_version = versions.new_version();
  review::RecordComparer comparer(old_version, new_version, september);
  struct Case {
    const char* line;
    const char* expected;
  };
  const Case cases[] = {
      // `train` is rule 1 in OLD and rule 2 in NEW: the same reason all the same.
      {R"({"purpose":"training","region":"US"})", "allow train -> allow train: unchanged"},
      {R"({"purpose":"training","region":"EU"})", "allow train -> deny eu: newly_denied"},
      {R"({"purpose":"ads","region":"US"})", "deny default -> allow ads_us: newly_allowed"},
      {R"({"purpose":"ads","region":"EU"})", "deny default -> deny eu: reason_only"},
      {R"({"purpose":"ads"})", "deny default -> deny default: unchanged"},
      {"oops", "reject invalid_json -> reject invalid_json: rejected_by_both"},
      {R"({"purpose":"ads","purpose":"training"})", "reject duplicate_key -> reject duplicate_key: rejected_by_both"},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    CHECK(compare(comparer, c.line) == c.expected);
  }
}

TEST_CASE("record diff: a record one version rejects and the other decides is a change") {
  Versions versions;
  // NEW reads the region inside `geo`, so a key twice there rejects the record under NEW only.
  auto bindings = records::read_bindings("b.yaml", "attributes:\n  region: geo.region\n", versions.new_policy);
  REQUIRE(bindings.ok());
  versions.new_bindings = *bindings;
  // The comparer keeps references to the versions: they outlive it.
  const review::RecordDiffVersion old_version = versions.old_version();
  const review::RecordDiffVersion new_version = versions.new_version();
  review::RecordComparer comparer(old_version, new_version, september);
  CHECK(compare(comparer, R"({"purpose":"training","geo":{"region":"US","region":"EU"}})") ==
        "allow train -> reject duplicate_key: newly_denied");
  CHECK(compare(comparer, R"({"purpose":"ads","geo":{"region":"US","region":"EU"}})") ==
        "deny default -> reject duplicate_key: reason_only");
  CHECK(compare(comparer, R"({"purpose":"ads","geo":{"region":"US"}})") ==
        "deny default -> allow ads_us: newly_allowed");
}

TEST_CASE("record diff: a file's counts, the pairs by direction and their first physical lines") {
  const Versions versions;
  std::string text;
  const auto add = [&](const std::string& line, int times = 1) {
    for (int i = 0; i < times; ++i) text += line + "\n";
  };
  add(R"({"purpose":"training","region":"US"})");     // 1
  add(R"({"purpose":"training","region":"EU"})", 7);  // 2-8: newly denied, five lines kept
  add("");                                            // 9
  add(R"({"purpose":"ads","region":"US"})");          // 10
  add(R"({"purpose":"ads","region":"EU"})", 2);       // 11-12
  add("not json");                                    // 13
  text += R"({"purpose":"ads","region":"US"})";       // 14, no final newline
  CHECK(render(diff_file(versions, text)) ==
        "read 13, unchanged 1, rejected 1, changed 11, empty lines 1\n"
        "newly_denied: allow train -> deny eu: 7 at 2 3 4 5 6\n"
        "newly_allowed: deny default -> allow ads_us: 2 at 10 14\n"
        "reason_only: deny default -> deny eu: 2 at 11 12\n");
  CHECK(render(diff_file(versions, "")) == "read 0, unchanged 0, rejected 0, changed 0, empty lines 0\n");
}
