// `--consent-table` in SQLite against the runtime: random policies with settings (availability
// windows, former names), random tables of consent changes (every kind of subject, setting name,
// value, platform and time a change may have, good and bad, at and around each availability
// boundary and `now`), and random rows with their subjects. Each row's reason and decision must
// be what the runtime gives the same record with the same changes read by `--consent`
// (records::ConsentLedger and records::RecordDecoder, then Policy::decide).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
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
#include "runtime_reference.hpp"
#include "sql_rows.hpp"
#include "sqlite_database.hpp"
#include "support.hpp"
#include "usegate/records/bindings.hpp"
#include "usegate/records/block_reader.hpp"
#include "usegate/records/consent_ledger.hpp"
#include "usegate/records/record_decoder.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/sql/lower_sql.hpp"

namespace {

using namespace usegate;
using sql_testing::SqlValue;

// One value as JSON (empty: the field is left out) and as stored in SQL.
struct BothWays {
  std::string json;
  SqlValue sql;
};

BothWays text(const std::string& value) {
  std::string json;
  json::append_string(json, value);
  return {json, SqlValue{SqlValue::Kind::text, 0, 0, value}};
}
BothWays integer(std::int64_t value) {
  return {std::to_string(value), SqlValue{SqlValue::Kind::integer, value, 0, {}}};
}
BothWays real(double value, const std::string& json) {
  return {json, SqlValue{SqlValue::Kind::real, 0, value, {}}};
}
BothWays boolean(bool value) {
  return {value ? "true" : "false", SqlValue{SqlValue::Kind::integer, value ? 1 : 0, 0, {}}};
}
BothWays absent() {
  return {"", SqlValue{}};
}
BothWays object() {
  return {"{\"a\":1}", SqlValue{SqlValue::Kind::blob, 0, 0, "{\"a\":1}"}};
}

template <typename T>
const T& pick(const std::vector<T>& items, std::mt19937_64& rng) {
  return items[std::uniform_int_distribution<std::size_t>(0, items.size() - 1)(rng)];
}

// Subjects: a string, and the integer 7 written four ways (one subject), and a non-integer.
std::vector<BothWays> subject_ids() {
  return {text("u1"), text("u2"), text("7"), integer(7), real(7.0, "7.0"), real(2.5, "2.5"), text("2.5")};
}

struct ChangeTable {
  std::string jsonl;
  std::vector<std::vector<SqlValue>> rows;  // subject, setting, value, platform, ts, seq
};

ChangeTable random_changes(const compiler::CheckedPolicy& policy, std::int64_t now, std::size_t count,
                           std::mt19937_64& rng) {
  std::vector<BothWays> names{text("nope"), absent(), integer(3)};
  std::set<std::int64_t> instants{now - 1, now, now + 1, 1717200000};
  for (const auto& setting : policy.settings) {
    names.push_back(text(setting.name));
    names.push_back(text(setting.name));
    for (const auto& former : setting.formerly) names.push_back(text(former));
    for (const auto& entry : setting.availability) {
      for (const auto& bound : {entry.from, entry.until}) {
        if (bound) instants.insert({*bound - 1, *bound, *bound + 1});
      }
    }
  }
  std::vector<BothWays> platforms{text("mars"), absent(), integer(5)};
  if (policy.platform_attribute) {
    for (const auto& value : policy.attributes[*policy.platform_attribute].values) {
      platforms.push_back(text(value));
      platforms.push_back(text(value));
    }
  }
  const std::vector<BothWays> values{text("on"),           text("off"),      boolean(true), boolean(false),
                                     {"null", SqlValue{}}, text("on"),       text("off"),   text("maybe"),
                                     text("OFF"),          real(2.5, "2.5"), integer(2),    object()};
  std::vector<BothWays> subjects = subject_ids();
  subjects.push_back(absent());
  subjects.push_back(object());
  const std::vector<std::int64_t> times(instants.begin(), instants.end());
  ChangeTable table;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t second = pick(times, rng);
    BothWays ts;
    switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
      case 0: ts = text(differential::datetime_text(second)); break;
      case 1: ts = text(differential::datetime_text(second, ".5Z")); break;
      case 2: ts = text(differential::datetime_text(second + 3600, "+01:00")); break;
      case 3: ts = real(static_cast<double>(second), std::to_string(second)); break;
      case 4: ts = real(static_cast<double>(second) + 0.5, std::to_string(second) + ".5"); break;
      case 5: ts = text("soon"); break;
      default: ts = absent(); break;
    }
    const BothWays fields[] = {pick(subjects, rng), pick(names, rng), pick(values, rng), pick(platforms, rng), ts};
    const char* keys[] = {"user", "setting", "value", "platform", "ts"};
    std::string line = "{";
    std::vector<SqlValue> row;
    for (std::size_t f = 0; f < 5; ++f) {
      row.push_back(fields[f].sql);
      if (fields[f].json.empty()) continue;
      if (line.size() > 1) line += ", ";
      line += fmt::format("\"{}\": {}", keys[f], fields[f].json);
    }
    row.push_back(SqlValue{SqlValue::Kind::integer, static_cast<std::int64_t>(i), 0, {}});
    table.jsonl += line + "}\n";
    table.rows.push_back(std::move(row));
  }
  return table;
}

TEST_CASE("sqlite reads consent from a table of changes as --consent reads them") {
  const std::uint64_t seed = differential::base_seed();
  MESSAGE("seed " << seed << " (USEGATE_SEED=" << seed << " to replay)");
  const bool reduced = testing::reduced_scale();
  const int policies = reduced ? 6 : 30;
  const std::size_t rows_per_policy = reduced ? 300 : 1500;
  const std::string directory = testing::scratch_directory("sql-consent");
  std::size_t compared = 0;
  for (int index = 0; index < policies; ++index) {
    const std::uint64_t policy_seed =
        differential::mix_seed(seed ^ (0xC0115E47ULL + static_cast<std::uint64_t>(index)));
    differential::PolicyShape shape;
    shape.settings_with_availability = true;
    const std::string policy_text = differential::generate_policy(policy_seed, shape).render();
    const differential::Pipeline pipeline = differential::run_pipeline(policy_text, {});
    REQUIRE_MESSAGE(pipeline.table.has_value(), pipeline.errors);
    const compiler::CheckedPolicy& checked = *pipeline.checked;
    const Policy& policy = pipeline.table->policy();
    std::mt19937_64 rng(policy_seed);
    const std::int64_t now = pick(std::vector<std::int64_t>{1722470400, 1721952000, 1893456000}, rng);
    const ChangeTable changes = random_changes(checked, now, reduced ? 120 : 400, rng);

    // Rows with a subject each (some unreadable), the records as JSON Lines beside them.
    const differential::RecordGenerator generator(checked);
    auto columns = sql_testing::row_columns(checked);
    columns.push_back(
        sql_testing::RowColumn{"user", sql_testing::RowColumn::Role::attribute, compiler::AttributeKind::enumeration});
    std::vector<BothWays> users = subject_ids();
    users.push_back(absent());
    users.push_back(object());  // neither text nor a number: unreadable, every setting off
    std::vector<std::vector<SqlValue>> rows;
    std::string records;
    for (std::size_t i = 0; i < rows_per_policy; ++i) {
      compiler::InterpreterInput record = generator.next(rng);
      record.attributes.erase("user");
      const BothWays& user = pick(users, rng);
      auto row = sql_testing::row_values(columns, record, static_cast<std::int64_t>(i));
      row.back() = user.sql;
      rows.push_back(std::move(row));
      records += differential::json_line(record, user.json.empty() ? "" : "\"user\":" + user.json);
    }
    const auto expected = sql_testing::runtime_reasons(policy, directory, changes.jsonl, records, now);
    REQUIRE(expected.size() == rows.size());

    sql::SqlOptions options;
    options.table = "rows";
    options.now = now;
    options.consent_table = "changes";
    const auto lowered = sql::lower_to_sql(policy, records::default_bindings(policy), options);
    REQUIRE_MESSAGE(lowered.ok(), (lowered.ok() ? "" : lowered.error().message));
    sql_testing::SqliteDatabase db;
    REQUIRE(db.execute(sql_testing::create_table("rows", columns)).empty());
    REQUIRE(db.execute("CREATE TABLE changes (subject, setting, value, platform, ts, seq)").empty());
    REQUIRE(db.insert("\"rows\"", columns.size(), rows).empty());
    REQUIRE(db.insert("changes", 6, changes.rows).empty());
    const std::string error = db.execute(lowered.value().text);
    REQUIRE_MESSAGE(error.empty(), error << "\n" << lowered.value().text);
    std::vector<std::vector<std::string>> decided;
    REQUIRE(db.query("SELECT usegate_test_id, usegate_decision, usegate_reason FROM rows_usegate ORDER BY 1", decided)
                .empty());
    REQUIRE(decided.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const std::string actual = decided[i][1] + " " + decided[i][2];
      if (actual != expected[i]) {
        FAIL("seed " << seed << ", policy " << index << ", now " << now << "\npolicy:\n"
                     << policy_text << "\nconsent changes:\n"
                     << changes.jsonl << "row: " << sql_testing::describe_row(columns, rows[i])
                     << "\nruntime: " << expected[i] << "\nsqlite: " << actual << "\nSQL:\n"
                     << lowered.value().text);
      }
      ++compared;
    }
  }
  MESSAGE(compared << " rows compared");
  CHECK(compared >= (reduced ? 1000U : 40000U));
}

}  // namespace
