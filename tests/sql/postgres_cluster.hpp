#pragma once
// A throwaway PostgreSQL cluster for the tests: initdb in a fresh temporary directory (run as
// the `postgres` user when the tests run as root, as in CI), a server listening on a Unix
// socket in that directory only (`listen_addresses=''`), one libpq connection. The destructor
// stops the server (`pg_ctl stop -m immediate`, which ends the postmaster whose pid it wrote)
// and removes the directory, also when a test fails.

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace usegate::sql_testing {

inline constexpr const char* postgres_bin = "/usr/lib/postgresql/15/bin";

class PostgresCluster {
 public:
  // Whether Debian's PostgreSQL 15 is installed (scripts/install-deps installs it).
  static bool available() { return std::filesystem::exists(std::string(postgres_bin) + "/initdb"); }

  PostgresCluster() {
    char pattern[] = "/tmp/usegate-postgres-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    if (made == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    directory_ = made;
    as_user_ = ::geteuid() == 0 ? "runuser -u postgres -- " : "";
    if (::geteuid() == 0 && std::system(("chown postgres " + directory_).c_str()) != 0) {
      error_ = "cannot give the cluster directory to the postgres user";
      return;
    }
    const std::string log = directory_ + "/server.log";
    if (std::system((as_user_ + postgres_bin + "/initdb -D " + directory_ + "/data --auth=trust -U postgres >" +
                     directory_ + "/initdb.log 2>&1")
                        .c_str()) != 0) {
      error_ = "initdb failed, see " + directory_ + "/initdb.log";
      return;
    }
    if (std::system((as_user_ + postgres_bin + "/pg_ctl -D " + directory_ + "/data -o \"-c listen_addresses='' -k " +
                     directory_ + "\" -l " + log + " -w start >/dev/null 2>&1")
                        .c_str()) != 0) {
      error_ = "the server did not start";
      return;
    }
    started_ = true;
    connection_ = PQconnectdb(("host=" + directory_ + " user=postgres dbname=postgres").c_str());
    if (PQstatus(connection_) != CONNECTION_OK) error_ = std::string("connect: ") + PQerrorMessage(connection_);
    // Notices (a view's columns, say) are not failures.
    PQsetNoticeProcessor(
        connection_, [](void*, const char*) {}, nullptr);
  }

  ~PostgresCluster() {
    if (connection_ != nullptr) PQfinish(connection_);
    if (started_) {
      const int stopped = std::system(
          (as_user_ + postgres_bin + "/pg_ctl -D " + directory_ + "/data -m immediate stop >/dev/null 2>&1").c_str());
      static_cast<void>(stopped);
    }
    if (!directory_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(directory_, ignored);
    }
  }
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // Why the cluster is not usable; empty when it is.
  [[nodiscard]] const std::string& error() const { return error_; }

  // Runs statements; the error message, or empty.
  std::string execute(const std::string& sql) {
    PGresult* result = PQexec(connection_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    std::string error = (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) ? "" : PQresultErrorMessage(result);
    PQclear(result);
    return error;
  }

  // The rows of a query, each column as text (NULL as `NULL`).
  std::string query(const std::string& sql, std::vector<std::vector<std::string>>& rows) {
    PGresult* result = PQexec(connection_, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      std::string error = PQresultErrorMessage(result);
      PQclear(result);
      return error;
    }
    for (int row = 0; row < PQntuples(result); ++row) {
      std::vector<std::string> values;
      for (int column = 0; column < PQnfields(result); ++column) {
        values.emplace_back(PQgetisnull(result, row, column) ? "NULL" : PQgetvalue(result, row, column));
      }
      rows.push_back(std::move(values));
    }
    PQclear(result);
    return {};
  }

 private:
  std::string directory_;
  std::string as_user_;
  std::string error_;
  bool started_ = false;
  PGconn* connection_ = nullptr;
};

}  // namespace usegate::sql_testing
