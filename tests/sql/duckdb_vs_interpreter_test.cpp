// The SQL of `usegate build --target sql --dialect duckdb`, run by DuckDB (npm @duckdb/node-api,
// driven by tests/sql/duckdb_run.mjs) against the reference interpreter: random policies of the
// differential generator and every bundled policy, their edge and random records as rows of a
// typed table (typed_rows.hpp), and the same rows again as a Parquet file DuckDB writes and the
// views read through read_parquet. Consent from a table of changes is compared with the runtime
// under `--consent`. Every row's reason and decision, and the usable view, must agree.
#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../differential/civil_time.hpp"
#include "../differential/differential_check.hpp"
#include "../differential/json_lines.hpp"
#include "../differential/policy_edits.hpp"
#include "../differential/random_policy.hpp"
#include "../differential/random_record.hpp"
#include "consent_changes.hpp"
#include "duckdb_script.hpp"
#include "runtime_reference.hpp"
#include "support.hpp"
#include "typed_rows.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace {

using namespace usegate;
using namespace sql_testing;

// A number as a text literal: DuckDB reads a bare literal with a fraction as a DECIMAL first.
std::string duckdb_literal(const RecordValue& value) {
  if (value.kind == RecordValue::Kind::number && std::isfinite(value.number)) {
    return "'" + number_text(value.number) + "'";
  }
  return literal(value);
}

struct DuckdbCase {
  std::string policy_text;
  std::vector<compiler::InterpreterInput> records;
  std::vector<std::int64_t> nows;
  std::vector<std::vector<std::string>> purpose_lists{{}};
  bool parquet = false;       // the rows read from a Parquet file DuckDB wrote from the table
  bool now_variable = false;  // `now` from the variable usegate_now rather than a constant
};

// The first row DuckDB decides differently from the interpreter, as a report; empty when all
// agree; `compared` counts the rows compared.
std::string first_disagreement(const DuckdbCase& c, const std::string& directory, std::size_t& compared) {
  const differential::Pipeline pipeline = differential::run_pipeline(c.policy_text, {});
  if (!pipeline.table) return {};
  const compiler::CheckedPolicy& checked = *pipeline.checked;
  const Policy& policy = pipeline.table->policy();
  const auto columns = columns_of(checked);
  const auto records = stored_records(columns, c.records);

  DuckdbScript script;
  std::string create = "CREATE TABLE rows (usegate_test_id integer";
  for (const auto& column : columns) create += fmt::format(", \"{}\" {}", column.name, column_type(column));
  create += ");\n";
  // One INSERT of every row: DuckDB takes a thousand rows of VALUES in a few milliseconds.
  std::string insert = "INSERT INTO rows VALUES ";
  for (std::size_t i = 0; i < records.size(); ++i) {
    insert += fmt::format("{}({}", i == 0 ? "" : ", ", i);
    for (const auto& column : columns) {
      const auto& fields = column.setting ? records[i].consent : records[i].attributes;
      const auto found = fields.find(column.name);
      insert += ", " + (found == fields.end() ? std::string("NULL") : duckdb_literal(found->second));
    }
    insert += ")";
  }
  script.execute(create + insert + ";");
  std::string table = "rows";
  if (c.parquet) {
    const std::string file = directory + "/rows.parquet";
    script.execute(fmt::format(
        "COPY rows TO '{0}' (FORMAT parquet); CREATE VIEW rows_parquet AS SELECT * FROM read_parquet('{0}');", file));
    table = "rows_parquet";
  }
  std::vector<std::string> texts;
  for (const auto now : c.nows) {
    for (const auto& purposes : c.purpose_lists) {
      sql::SqlOptions options;
      options.dialect = sql::Dialect::duckdb;
      options.table = table;
      if (!c.now_variable) options.now = now;
      if (!purposes.empty()) options.purposes = records::purposes_as_read_by(policy, purposes);
      const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
      if (!lowered) return "lowering: " + lowered.error().message;
      texts.push_back(lowered.value().text);
      script.execute(
          fmt::format("DROP VIEW IF EXISTS {0}_usegate; DROP VIEW IF EXISTS {0}_usegate_usable; "
                      "SET VARIABLE usegate_now = {1};\n{2}",
                      table, now, texts.back()));
      script.query(
          fmt::format("SELECT usegate_test_id, usegate_reason, usegate_decision FROM {}_usegate ORDER BY 1", table));
      script.query(fmt::format("SELECT usegate_test_id FROM {}_usegate_usable ORDER BY 1", table));
    }
  }
  std::vector<QueryRows> results;
  if (auto error = script.run(directory, results); !error.empty()) {
    return error + "\nSQL:\n" + (texts.empty() ? std::string() : texts.front());
  }
  std::size_t at = 0;
  std::size_t text_at = 0;
  for (const auto now : c.nows) {
    for (const auto& purposes : c.purpose_lists) {
      const std::string& sql = texts[text_at++];
      const QueryRows& decided = results[at++];
      const QueryRows& usable = results[at++];
      if (decided.size() != records.size()) return fmt::format("the view has {} rows\nSQL:\n{}", decided.size(), sql);
      std::vector<std::string> expected_usable;
      for (std::size_t i = 0; i < records.size(); ++i) {
        compiler::InterpreterInput record = records[i];
        record.now = now;
        const differential::Answer expected = expected_answer(checked, record, purposes);
        if (expected.allowed) expected_usable.push_back(std::to_string(i));
        if (decided[i].size() != 3 || decided[i][0] != std::to_string(i) || decided[i][1] != expected.reason ||
            decided[i][2] != (expected.allowed ? "allow" : "deny")) {
          return fmt::format("now: {}{}\npurposes: {}\nrecord as stored: {}\ninterpreter: {}\nduckdb: {}\nSQL:\n{}",
                             now, c.now_variable ? " (as the variable usegate_now)" : "", fmt::join(purposes, ","),
                             differential::describe_record(record), differential::describe_answer(expected),
                             fmt::join(decided[i], " "), sql);
        }
        ++compared;
      }
      std::vector<std::string> usable_ids;
      for (const auto& row : usable) usable_ids.push_back(row.at(0));
      if (usable_ids != expected_usable) {
        return fmt::format("now: {}\nthe usable view holds other rows than the allowed ones\nSQL:\n{}", now, sql);
      }
    }
  }
  return {};
}

// A failing case made small: one now, one failing row, then the policy simplified while it
// still fails (random policies only).
std::string shrunk_report(const std::optional<differential::RandomPolicy>& random, DuckdbCase c,
                          const std::string& directory) {
  std::size_t ignored = 0;
  for (const auto now : c.nows) {
    DuckdbCase one = c;
    one.nows = {now};
    if (!first_disagreement(one, directory, ignored).empty()) {
      c = one;
      break;
    }
  }
  for (const auto& record : c.records) {
    DuckdbCase one = c;
    one.records = {record};
    if (!first_disagreement(one, directory, ignored).empty()) {
      c = one;
      break;
    }
  }
  if (random) {
    differential::RandomPolicy policy = *random;
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto& simpler : differential::policy_simplifications(policy)) {
        DuckdbCase attempt = c;
        attempt.policy_text = simpler.render();
        if (!first_disagreement(attempt, directory, ignored).empty()) {
          policy = std::move(simpler);
          c = std::move(attempt);
          changed = true;
          break;
        }
      }
    }
  }
  return fmt::format("policy:\n{}\n{}{}", c.policy_text, c.parquet ? "rows read from Parquet\n" : "",
                     first_disagreement(c, directory, ignored));
}

TEST_CASE("duckdb decides every row of random and bundled policies, in a table and in Parquet, as the interpreter") {
  if (const std::string why = duckdb_unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const bool reduced = testing::reduced_scale();
  const std::string directory = testing::scratch_directory("sql-duckdb");
  std::size_t compared = 0;
  std::size_t from_parquet = 0;
  const int policies = reduced ? 6 : 40;
  for (int index = 0; index < policies; ++index) {
    const std::uint64_t policy_seed = differential::mix_seed(seed + 6151 * static_cast<std::uint64_t>(index + 1));
    differential::PolicyShape shape;
    shape.settings_with_availability = index % 3 == 0;
    const differential::RandomPolicy random = differential::generate_policy(policy_seed, shape);
    DuckdbCase c;
    c.policy_text = random.render();
    const differential::Pipeline pipeline = differential::run_pipeline(c.policy_text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    std::mt19937_64 rng(policy_seed);
    const differential::RecordGenerator generator(*pipeline.checked);
    c.records = generator.edge_records(rng);
    for (int i = 0; i < (reduced ? 150 : 1100); ++i) c.records.push_back(generator.next(rng));
    c.nows = nows_for(*pipeline.checked, rng, 3);
    // Every fourth policy reads `now` from the variable, every fourth (another) from Parquet.
    c.now_variable = index % 4 == 1;
    c.parquet = index % 4 == 2;
    std::size_t counted = 0;
    if (!first_disagreement(c, directory, counted).empty()) {
      FAIL("seed " << seed << ", policy " << index << "\n" << shrunk_report(random, c, directory));
    }
    compared += counted;
    if (c.parquet) from_parquet += counted;
  }
  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    DuckdbCase c;
    c.policy_text = testing::read_text(path);
    const differential::Pipeline pipeline = differential::run_pipeline(c.policy_text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    const compiler::CheckedPolicy& policy = *pipeline.checked;
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(policy.name + policy.version));
    const differential::RecordGenerator generator(policy);
    c.records = generator.edge_records(rng);
    for (int i = 0; i < (reduced ? 200 : 1000); ++i) c.records.push_back(generator.next(rng));
    if (const auto purpose = policy.find_attribute("purpose")) {
      c.purpose_lists.push_back(policy.attributes[*purpose].values);
      for (const auto& value : policy.attributes[*purpose].values) c.purpose_lists.push_back({value});
    }
    c.nows = nows_for(policy, rng, 2);
    for (const bool parquet : {false, true}) {
      c.parquet = parquet;
      std::size_t counted = 0;
      if (!first_disagreement(c, directory, counted).empty()) {
        FAIL(path << ", seed " << seed << "\n" << shrunk_report(std::nullopt, c, directory));
      }
      compared += counted;
      if (parquet) from_parquet += counted;
    }
  }
  MESSAGE(compared << " rows compared, " << from_parquet << " of them read from Parquet");
  CHECK(compared >= (reduced ? 5000U : 100000U));
  CHECK(from_parquet >= (reduced ? 1000U : 20000U));
}

// `--consent-table` in DuckDB against the runtime with `--consent`: text change columns, every
// kind of text each may hold, at and around each availability boundary and `now`.
TEST_CASE("duckdb reads consent from a table of changes as --consent reads them") {
  if (const std::string why = duckdb_unavailable(); !why.empty()) {
    MESSAGE("skipped: " << why);
    return;
  }
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const bool reduced = testing::reduced_scale();
  const std::string directory = testing::scratch_directory("sql-consent-duckdb");
  std::size_t compared = 0;
  for (int index = 0; index < (reduced ? 4 : 12); ++index) {
    const std::uint64_t policy_seed = differential::mix_seed(seed ^ (0xD0CD8ULL + static_cast<std::uint64_t>(index)));
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
        "CREATE TABLE changes (subject text, setting text, value text, platform text, ts text, seq integer);\n"
        "CREATE TABLE rows (usegate_test_id integer, \"user\" text";
    for (const auto& column : columns) create += fmt::format(", \"{}\" {}", column.name, column_type(column));
    create += ");\n";
    std::string insert = "INSERT INTO rows VALUES ";
    std::string records_jsonl;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string user =
          change_subjects[std::uniform_int_distribution<std::size_t>(0, change_subjects.size() - 1)(rng)];
      insert += fmt::format("{}({}, {}", i == 0 ? "" : ", ", i, user.empty() ? "NULL" : "'" + user + "'");
      for (const auto& column : columns) {
        const auto& fields = column.setting ? records[i].consent : records[i].attributes;
        const auto found = fields.find(column.name);
        insert += ", " + (found == fields.end() ? std::string("NULL") : duckdb_literal(found->second));
      }
      insert += ")";
      records_jsonl += differential::json_line(records[i], user.empty() ? "" : "\"user\":\"" + user + "\"");
    }
    const auto expected = sql_testing::runtime_reasons(policy, directory, changes_jsonl, records_jsonl, now);
    REQUIRE(expected.size() == records.size());

    sql::SqlOptions options;
    options.dialect = sql::Dialect::duckdb;
    options.table = "rows";
    options.consent_table = "changes";
    // A third of the policies read `now` from the variable usegate_now.
    if (index % 3 != 0) options.now = now;
    const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
    REQUIRE_MESSAGE(lowered.ok(), (lowered.ok() ? "" : lowered.error().message));
    DuckdbScript script;
    script.execute(create + insert_changes + ";\n" + insert + ";");
    script.execute(fmt::format("SET VARIABLE usegate_now = {};\n{}", now, lowered.value().text));
    script.query("SELECT usegate_test_id, usegate_decision, usegate_reason FROM rows_usegate ORDER BY 1");
    std::vector<QueryRows> results;
    const std::string error = script.run(directory, results);
    REQUIRE_MESSAGE(error.empty(), error << "\n" << lowered.value().text);
    REQUIRE(results.size() == 1);
    const QueryRows& decided = results[0];
    REQUIRE(decided.size() == records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string actual = decided[i].size() == 3 ? decided[i][1] + " " + decided[i][2] : "(a short row)";
      if (actual != expected[i]) {
        FAIL("seed " << seed << ", policy " << index << ", now " << now << "\npolicy:\n"
                     << policy_text << "\nconsent changes:\n"
                     << changes_jsonl << "record: " << differential::json_line(records[i]) << "runtime: " << expected[i]
                     << "\nduckdb: " << actual << "\nSQL:\n"
                     << lowered.value().text);
      }
      ++compared;
    }
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared >= (reduced ? 1000U : 15000U));
}

}  // namespace
