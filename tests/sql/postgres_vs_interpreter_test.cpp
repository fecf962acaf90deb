// The SQL of `usegate build --target sql --dialect postgres`, run by PostgreSQL 15 in a
// throwaway cluster the test starts and removes, against the reference interpreter: random
// policies of the differential generator and every bundled policy, their edge and random records
// as rows of a typed table. A typed column holds only its type, so each record is first made
// what the table can hold (a number in an enum column becomes its text, a text in a number
// column NaN, anything but a boolean in a bool column NULL...) and the interpreter decides that
// record; every row's reason and decision, and the usable view, must be the interpreter's.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "../differential/civil_time.hpp"
#include "../differential/differential_check.hpp"
#include "../differential/json_lines.hpp"
#include "../differential/random_policy.hpp"
#include "../differential/random_record.hpp"
#include "consent_changes.hpp"
#include "postgres_cluster.hpp"
#include "runtime_reference.hpp"
#include "support.hpp"
#include "typed_rows.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace {

using namespace usegate;
using compiler::RecordValue;

using namespace sql_testing;

// Loads the records into a fresh table `rows` and compares every now and purpose list; the first
// disagreement as a report, or empty.
std::string compare(sql_testing::PostgresCluster& cluster, const std::string& policy_text,
                    const std::vector<compiler::InterpreterInput>& generated, const std::vector<std::int64_t>& nows,
                    const std::vector<std::vector<std::string>>& purpose_lists, std::size_t& compared) {
  const differential::Pipeline pipeline = differential::run_pipeline(policy_text, {});
  if (!pipeline.table) return "the policy does not compile: " + pipeline.errors;
  const compiler::CheckedPolicy& checked = *pipeline.checked;
  const Policy& policy = pipeline.table->policy();
  const auto columns = columns_of(checked);
  const auto records = stored_records(columns, generated);
  std::string create = "DROP TABLE IF EXISTS rows CASCADE; CREATE TABLE rows (usegate_test_id integer";
  for (const auto& column : columns) create += fmt::format(", \"{}\" {}", column.name, column_type(column));
  create += ")";
  if (auto error = cluster.execute(create); !error.empty()) return "create: " + error;
  for (std::size_t first = 0; first < records.size(); first += 500) {
    std::string insert = "INSERT INTO rows VALUES ";
    for (std::size_t i = first; i < std::min(records.size(), first + 500); ++i) {
      insert += fmt::format("{}({}", i == first ? "" : ", ", i);
      for (const auto& column : columns) {
        const auto& fields = column.setting ? records[i].consent : records[i].attributes;
        const auto found = fields.find(column.name);
        insert += ", " + (found == fields.end() ? std::string("NULL") : literal(found->second));
      }
      insert += ")";
    }
    if (auto error = cluster.execute(insert); !error.empty()) return "insert: " + error;
  }
  bool usable_checked = false;
  for (const auto now : nows) {
    for (const auto& purposes : purpose_lists) {
      sql::SqlOptions options;
      options.dialect = sql::Dialect::postgres;
      options.table = "rows";
      options.now = now;
      if (!purposes.empty()) options.purposes = records::purposes_as_read_by(policy, purposes);
      const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
      if (!lowered) return "lowering: " + lowered.error().message;
      const std::string& sql = lowered.value().text;
      if (auto error = cluster.execute("DROP VIEW IF EXISTS rows_usegate, rows_usegate_usable; " + sql);
          !error.empty()) {
        return "create views: " + error + "\n" + sql;
      }
      std::vector<std::vector<std::string>> decided;
      std::vector<std::vector<std::string>> usable;
      if (auto error = cluster.query(
              "SELECT usegate_test_id, usegate_reason, usegate_decision FROM rows_usegate ORDER BY 1", decided);
          !error.empty()) {
        return "query: " + error + "\n" + sql;
      }
      // The usable view once per table: it filters with the same expression, and the time
      // goes to the rows compared.
      if (!usable_checked) {
        if (auto error = cluster.query("SELECT usegate_test_id FROM rows_usegate_usable ORDER BY 1", usable);
            !error.empty()) {
          return "query: " + error;
        }
      }
      if (decided.size() != records.size()) return "the view has " + std::to_string(decided.size()) + " rows";
      std::vector<std::string> expected_usable;
      for (std::size_t i = 0; i < records.size(); ++i) {
        compiler::InterpreterInput record = records[i];
        record.now = now;
        const differential::Answer expected = expected_answer(checked, record, purposes);
        if (expected.allowed) expected_usable.push_back(std::to_string(i));
        if (decided[i][1] != expected.reason || decided[i][2] != (expected.allowed ? "allow" : "deny")) {
          return fmt::format(
              "policy:\n{}\nnow: {}\nrecord as stored: {}\ninterpreter: {}\npostgres: {} (reason `{}`)\nSQL:\n{}",
              policy_text, now, differential::describe_record(record), differential::describe_answer(expected),
              decided[i][2], decided[i][1], sql);
        }
        ++compared;
      }
      std::vector<std::string> usable_ids;
      for (const auto& row : usable) usable_ids.push_back(row[0]);
      if (!usable_checked && usable_ids != expected_usable) {
        return "the usable view holds other rows than the allowed ones\n" + sql;
      }
      usable_checked = true;
    }
  }
  return {};
}

TEST_CASE("postgres decides every row of random and bundled policies as the reference interpreter") {
  if (!sql_testing::PostgresCluster::available()) {
    MESSAGE("skipped: PostgreSQL 15 is not installed (scripts/install-deps installs it)");
    return;
  }
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  sql_testing::PostgresCluster cluster;
  REQUIRE_MESSAGE(cluster.error().empty(), cluster.error());
  const bool reduced = testing::reduced_scale();
  std::size_t compared = 0;
  const int policies = reduced ? 6 : 40;
  for (int index = 0; index < policies; ++index) {
    const std::uint64_t policy_seed = differential::mix_seed(seed + 7919 * static_cast<std::uint64_t>(index + 1));
    differential::PolicyShape shape;
    shape.settings_with_availability = index % 3 == 0;
    const std::string text = differential::generate_policy(policy_seed, shape).render();
    const differential::Pipeline pipeline = differential::run_pipeline(text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    std::mt19937_64 rng(policy_seed);
    const differential::RecordGenerator generator(*pipeline.checked);
    auto records = generator.edge_records(rng);
    for (int i = 0; i < (reduced ? 150 : 1100); ++i) records.push_back(generator.next(rng));
    const std::string failure = compare(cluster, text, records, nows_for(*pipeline.checked, rng, 3), {{}}, compared);
    if (!failure.empty()) FAIL("seed " << seed << ", policy " << index << "\n" << failure);
  }
  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    const std::string text = testing::read_text(path);
    const differential::Pipeline pipeline = differential::run_pipeline(text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    const compiler::CheckedPolicy& policy = *pipeline.checked;
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(policy.name + policy.version));
    const differential::RecordGenerator generator(policy);
    auto records = generator.edge_records(rng);
    for (int i = 0; i < (reduced ? 200 : 1000); ++i) records.push_back(generator.next(rng));
    std::vector<std::vector<std::string>> purpose_lists{{}};
    if (const auto purpose = policy.find_attribute("purpose"))
      purpose_lists.push_back(policy.attributes[*purpose].values);
    const std::string failure = compare(cluster, text, records, nows_for(policy, rng, 2), purpose_lists, compared);
    if (!failure.empty()) FAIL(path << ", seed " << seed << "\n" << failure);
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared >= (reduced ? 5000U : 100000U));
}

// `--consent-table` in PostgreSQL against the runtime with `--consent`: the change table's
// columns are text (docs/sql.md), every kind of text each may hold, at and around each
// availability boundary and `now`; rows with text subjects, some NULL.
TEST_CASE("postgres reads consent from a table of changes as --consent reads them") {
  if (!sql_testing::PostgresCluster::available()) {
    MESSAGE("skipped: PostgreSQL 15 is not installed (scripts/install-deps installs it)");
    return;
  }
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  sql_testing::PostgresCluster cluster;
  REQUIRE_MESSAGE(cluster.error().empty(), cluster.error());
  const bool reduced = testing::reduced_scale();
  const std::string directory = testing::scratch_directory("sql-consent-postgres");
  std::size_t compared = 0;
  for (int index = 0; index < (reduced ? 4 : 12); ++index) {
    const std::uint64_t policy_seed = differential::mix_seed(seed ^ (0x9057E5ULL + static_cast<std::uint64_t>(index)));
    differential::PolicyShape shape;
    shape.settings_with_availability = true;
    const std::string policy_text = differential::generate_policy(policy_seed, shape).render();
    const differential::Pipeline pipeline = differential::run_pipeline(policy_text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    const compiler::CheckedPolicy& checked = *pipeline.checked;
    const Policy& policy = pipeline.table->policy();
    std::mt19937_64 rng(policy_seed);
    const std::int64_t now = index % 2 == 0 ? 1722470400 : 1893456000;

    // Changes: "" stands for NULL (an absent field; for `value`, null).
    const auto [changes_jsonl, insert_changes] = random_consent_changes(checked, now, rng, reduced ? 100 : 300);

    // Rows as the typed table holds them, with a text subject.
    const differential::RecordGenerator generator(checked);
    const auto columns = columns_of(checked);
    std::vector<compiler::InterpreterInput> generated;
    for (int i = 0; i < (reduced ? 300 : 1500); ++i) generated.push_back(generator.next(rng));
    const auto records = stored_records(columns, generated);
    std::string create =
        "DROP TABLE IF EXISTS rows CASCADE; DROP TABLE IF EXISTS changes CASCADE; "
        "CREATE TABLE changes (subject text, setting text, value text, platform text, ts text, seq "
        "integer); CREATE TABLE rows (usegate_test_id integer, \"user\" text";
    for (const auto& column : columns) create += fmt::format(", \"{}\" {}", column.name, column_type(column));
    create += ")";
    REQUIRE(cluster.execute(create).empty());
    REQUIRE(cluster.execute(insert_changes).empty());
    std::string insert = "INSERT INTO rows VALUES ";
    std::string records_jsonl;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string user =
          change_subjects[std::uniform_int_distribution<std::size_t>(0, change_subjects.size() - 1)(rng)];
      insert += fmt::format("{}({}, {}", i == 0 ? "" : ", ", i, user.empty() ? "NULL" : "'" + user + "'");
      for (const auto& column : columns) {
        const auto& fields = column.setting ? records[i].consent : records[i].attributes;
        const auto found = fields.find(column.name);
        insert += ", " + (found == fields.end() ? std::string("NULL") : literal(found->second));
      }
      insert += ")";
      records_jsonl += differential::json_line(records[i], user.empty() ? "" : "\"user\":\"" + user + "\"");
    }
    REQUIRE(cluster.execute(insert).empty());
    const auto expected = sql_testing::runtime_reasons(policy, directory, changes_jsonl, records_jsonl, now);
    REQUIRE(expected.size() == records.size());

    sql::SqlOptions options;
    options.dialect = sql::Dialect::postgres;
    options.table = "rows";
    options.consent_table = "changes";
    // Half the policies read `now` from the session's setting usegate.now.
    if (index % 3 != 0) options.now = now;
    const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
    REQUIRE_MESSAGE(lowered.ok(), (lowered.ok() ? "" : lowered.error().message));
    const std::string error = cluster.execute(fmt::format("SET usegate.now = '{}'; ", now) + lowered.value().text);
    REQUIRE_MESSAGE(error.empty(), error << "\n" << lowered.value().text);
    std::vector<std::vector<std::string>> decided;
    const std::string query_error =
        cluster.query("SELECT usegate_test_id, usegate_decision, usegate_reason FROM rows_usegate ORDER BY 1", decided);
    REQUIRE_MESSAGE(query_error.empty(), query_error);
    REQUIRE(decided.size() == records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string actual = decided[i][1] + " " + decided[i][2];
      if (actual != expected[i]) {
        FAIL("seed " << seed << ", policy " << index << ", now " << now << "\npolicy:\n"
                     << policy_text << "\nconsent changes:\n"
                     << changes_jsonl << "record: " << differential::json_line(records[i]) << "runtime: " << expected[i]
                     << "\npostgres: " << actual << "\nSQL:\n"
                     << lowered.value().text);
      }
      ++compared;
    }
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared >= (reduced ? 1000U : 15000U));
}

}  // namespace
