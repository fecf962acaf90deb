#pragma once
// An SQLite database in memory for the tests, through the C library: statements run or fail
// the test with SQLite's message, values bound by type, rows read back as text.

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sql_rows.hpp"

namespace usegate::sql_testing {

class SqliteDatabase {
 public:
  SqliteDatabase() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open failed");
  }
  ~SqliteDatabase() { sqlite3_close(db_); }
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs statements; the error message, or empty when they ran.
  std::string execute(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return {};
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return text;
  }

  // Inserts rows into `table` (columns in order, every value bound with its type).
  std::string insert(const std::string& table, std::size_t columns, const std::vector<std::vector<SqlValue>>& rows) {
    std::string sql = "INSERT INTO " + table + " VALUES (";
    for (std::size_t i = 0; i < columns; ++i) sql += i ? ", ?" : "?";
    sql += ")";
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) return sqlite3_errmsg(db_);
    std::string error = execute("BEGIN");
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        const SqlValue& value = row[i];
        const int at = static_cast<int>(i) + 1;
        switch (value.kind) {
          case SqlValue::Kind::null: sqlite3_bind_null(statement, at); break;
          case SqlValue::Kind::integer: sqlite3_bind_int64(statement, at, value.integer); break;
          case SqlValue::Kind::real: sqlite3_bind_double(statement, at, value.real); break;
          case SqlValue::Kind::text:
            sqlite3_bind_text(statement, at, value.text.data(), static_cast<int>(value.text.size()), SQLITE_TRANSIENT);
            break;
          case SqlValue::Kind::blob:
            sqlite3_bind_blob(statement, at, value.text.data(), static_cast<int>(value.text.size()), SQLITE_TRANSIENT);
            break;
        }
      }
      if (sqlite3_step(statement) != SQLITE_DONE && error.empty()) error = sqlite3_errmsg(db_);
      sqlite3_reset(statement);
    }
    sqlite3_finalize(statement);
    const std::string commit = execute("COMMIT");
    return error.empty() ? commit : error;
  }

  // Every row of a query, each column as text (NULL as `NULL`); `now` binds :usegate_now when
  // the query has it.
  std::string query(const std::string& sql, std::vector<std::vector<std::string>>& rows,
                    std::optional<std::int64_t> now = std::nullopt) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) return sqlite3_errmsg(db_);
    if (now) {
      const int at = sqlite3_bind_parameter_index(statement, ":usegate_now");
      if (at > 0) sqlite3_bind_int64(statement, at, *now);
    }
    const int columns = sqlite3_column_count(statement);
    int status = 0;
    while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < columns; ++i) {
        const unsigned char* text = sqlite3_column_text(statement, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      rows.push_back(std::move(row));
    }
    std::string error = status == SQLITE_DONE ? std::string() : std::string(sqlite3_errmsg(db_));
    sqlite3_finalize(statement);
    return error;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace usegate::sql_testing
