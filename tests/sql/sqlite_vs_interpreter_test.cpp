// The SQL of `usegate build --target sql --dialect sqlite`, run by SQLite itself (the C
// library), against the reference interpreter: random policies of the differential generator
// and every bundled policy, random rows at every edge (each constant and around it, NULL, values
// of another type, unreadable texts, consent values good and bad under every name), several
// values of `now`. Every row's reason and decision, and the rows of the usable view, must be the
// interpreter's. A disagreement is shrunk to a small policy and one row, printed with the SQL.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../differential/differential_check.hpp"
#include "../differential/random_policy.hpp"
#include "../differential/random_record.hpp"
#include "reference_answers.hpp"
#include "sql_rows.hpp"
#include "sqlite_database.hpp"
#include "support.hpp"
#include "usegate/compiler/analyze.hpp"
#include "usegate/compiler/compile.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/purposes.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace {

using namespace usegate;
using sql_testing::expected_answer;
using sql_testing::nows_for;
using sql_testing::SqliteDatabase;

struct SqlCase {
  std::string policy_text;
  std::vector<compiler::InterpreterInput> records;
  std::int64_t now = 0;
  std::vector<std::string> purposes;
  bool now_parameter = false;  // the queries reading :usegate_now rather than the views
};

// The first row SQLite decides differently from the interpreter, as a report; empty when all
// agree; `compared` counts the rows compared.
std::string first_disagreement(const SqlCase& sql_case, std::size_t& compared) {
  const differential::Pipeline pipeline = differential::run_pipeline(sql_case.policy_text, {});
  if (!pipeline.table) return {};
  const compiler::CheckedPolicy& checked = *pipeline.checked;
  const Policy& policy = pipeline.table->policy();
  sql::SqlOptions options;
  options.table = "rows";
  if (!sql_case.now_parameter) options.now = sql_case.now;
  if (!sql_case.purposes.empty()) options.purposes = records::purposes_as_read_by(policy, sql_case.purposes);
  const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
  if (!lowered) return "lowering failed: " + lowered.error().message;
  const std::string& sql = lowered.value().text;

  const auto columns = sql_testing::row_columns(checked);
  std::vector<std::vector<sql_testing::SqlValue>> rows;
  for (std::size_t i = 0; i < sql_case.records.size(); ++i) {
    rows.push_back(sql_testing::row_values(columns, sql_case.records[i], static_cast<std::int64_t>(i)));
  }
  SqliteDatabase db;
  if (auto error = db.execute(sql_testing::create_table("rows", columns)); !error.empty()) return "create: " + error;
  if (auto error = db.insert("\"rows\"", columns.size(), rows); !error.empty()) return "insert: " + error;

  std::vector<std::vector<std::string>> decided;
  std::vector<std::vector<std::string>> usable;
  // A policy that never tests `now` gets views either way.
  if (sql_case.now_parameter && sql.find("CREATE VIEW") == std::string::npos) {
    // The two queries, split at the blank line between them.
    const std::size_t split = sql.find(";\n\n");
    const std::string decisions = sql.substr(0, split);
    const std::string usable_query = sql.substr(split + 3);
    const std::string select_decided =
        "SELECT usegate_test_id, usegate_reason, usegate_decision FROM (" + decisions + ") ORDER BY usegate_test_id";
    if (auto error = db.query(select_decided, decided, sql_case.now); !error.empty())
      return "query: " + error + "\n" + sql;
    const std::string select_usable =
        "SELECT usegate_test_id FROM (" + usable_query.substr(0, usable_query.rfind(';')) + ") ORDER BY 1";
    if (auto error = db.query(select_usable, usable, sql_case.now); !error.empty())
      return "query: " + error + "\n" + sql;
  } else {
    if (auto error = db.execute(sql); !error.empty()) return "create views: " + error + "\n" + sql;
    if (auto error =
            db.query("SELECT usegate_test_id, usegate_reason, usegate_decision FROM rows_usegate ORDER BY 1", decided);
        !error.empty()) {
      return "query: " + error;
    }
    if (auto error = db.query("SELECT usegate_test_id FROM rows_usegate_usable ORDER BY 1", usable); !error.empty()) {
      return "query: " + error;
    }
  }
  if (decided.size() != rows.size()) return "the view has " + std::to_string(decided.size()) + " rows";
  std::vector<std::string> expected_usable;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    compiler::InterpreterInput record = sql_case.records[i];
    record.now = sql_case.now;
    const differential::Answer expected = expected_answer(checked, record, sql_case.purposes);
    if (expected.allowed) expected_usable.push_back(std::to_string(i));
    const bool agrees = decided[i][0] == std::to_string(i) && decided[i][1] == expected.reason &&
                        decided[i][2] == (expected.allowed ? "allow" : "deny");
    if (!agrees) {
      return "row: " + sql_testing::describe_row(columns, rows[i]) +
             "\nrecord: " + differential::describe_record(record) +
             "\ninterpreter: " + differential::describe_answer(expected) + "\nsqlite: " + decided[i][2] + " (reason `" +
             decided[i][1] + "`)\nSQL:\n" + sql;
    }
    ++compared;
  }
  std::vector<std::string> usable_ids;
  for (const auto& row : usable) usable_ids.push_back(row[0]);
  std::sort(expected_usable.begin(), expected_usable.end());
  std::sort(usable_ids.begin(), usable_ids.end());
  if (usable_ids != expected_usable) return "the usable view holds other rows than the allowed ones\nSQL:\n" + sql;
  return {};
}

// A failing case made small: one failing row, then the policy simplified while it still fails.
std::string shrunk_report(differential::RandomPolicy policy, SqlCase sql_case) {
  std::size_t ignored = 0;
  for (const auto& record : sql_case.records) {
    SqlCase one = sql_case;
    one.records = {record};
    if (!first_disagreement(one, ignored).empty()) {
      sql_case = one;
      break;
    }
  }
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto& simpler : differential::policy_simplifications(policy)) {
      SqlCase attempt = sql_case;
      attempt.policy_text = simpler.render();
      if (!first_disagreement(attempt, ignored).empty()) {
        policy = std::move(simpler);
        sql_case = std::move(attempt);
        changed = true;
        break;
      }
    }
  }
  return "policy:\n" + sql_case.policy_text + "\nnow: " + std::to_string(sql_case.now) +
         (sql_case.now_parameter ? " (as :usegate_now)" : "") + "\n" + first_disagreement(sql_case, ignored);
}

TEST_CASE("sqlite decides every row of random policies as the reference interpreter") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const bool reduced = testing::reduced_scale();
  const int policies = reduced ? 10 : 60;
  const int random_rows = reduced ? 200 : 900;
  std::size_t compared = 0;
  for (int index = 0; index < policies; ++index) {
    const std::uint64_t policy_seed = differential::mix_seed(seed + static_cast<std::uint64_t>(index));
    differential::PolicyShape shape;
    shape.settings_with_availability = index % 3 == 0;
    const differential::RandomPolicy random = differential::generate_policy(policy_seed, shape);
    const std::string text = random.render();
    const differential::Pipeline pipeline = differential::run_pipeline(text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    std::mt19937_64 rng(policy_seed);
    const differential::RecordGenerator generator(*pipeline.checked);
    SqlCase sql_case{text, generator.edge_records(rng), 0, {}, false};
    for (int i = 0; i < random_rows; ++i) sql_case.records.push_back(generator.next(rng));
    const auto nows = nows_for(*pipeline.checked, rng, 3);
    for (std::size_t n = 0; n < nows.size(); ++n) {
      sql_case.now = nows[n];
      sql_case.now_parameter = n == 0 && index % 2 == 0;
      const std::string failure = first_disagreement(sql_case, compared);
      if (!failure.empty()) {
        FAIL("seed " << seed << ", policy " << index << " (USEGATE_SEED=" << seed << ")\n"
                     << shrunk_report(random, sql_case));
      }
    }
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared >= (reduced ? 10000U : 100000U));
}

TEST_CASE("sqlite decides every row of each bundled policy as the reference interpreter, for each purpose") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const int random_rows = testing::reduced_scale() ? 300 : 2000;
  std::size_t compared = 0;
  for (const auto& path : testing::files_ending_with(testing::source_path("policies"), ".policy")) {
    const std::string text = testing::read_text(path);
    const differential::Pipeline pipeline = differential::run_pipeline(text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    const compiler::CheckedPolicy& policy = *pipeline.checked;
    std::mt19937_64 rng(seed ^ std::hash<std::string>{}(policy.name + policy.version));
    const differential::RecordGenerator generator(policy);
    SqlCase sql_case{text, generator.edge_records(rng), 0, {}, false};
    for (int i = 0; i < random_rows; ++i) sql_case.records.push_back(generator.next(rng));
    // No purpose (the row's own), each purpose alone, and all of them at once.
    std::vector<std::vector<std::string>> purpose_lists{{}};
    if (const auto purpose = policy.find_attribute("purpose")) {
      for (const auto& value : policy.attributes[*purpose].values) purpose_lists.push_back({value});
      purpose_lists.push_back(policy.attributes[*purpose].values);
    }
    for (const auto now : nows_for(policy, rng, 4)) {
      for (const auto& purposes : purpose_lists) {
        sql_case.now = now;
        sql_case.purposes = purposes;
        const std::string failure = first_disagreement(sql_case, compared);
        if (!failure.empty()) FAIL(path << ", seed " << seed << ", now " << now << "\n" << failure);
      }
    }
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared > 0);
}

}  // namespace
