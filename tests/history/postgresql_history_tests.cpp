// The PostgreSQL history against a real server that the ctest fixture started on loopback.
#include "history_checks.hpp"

#include <metron/error.hpp>
#include <metron/history/history.hpp>

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace {

/// The fixture's server URL (postgresql://metron@127.0.0.1:PORT/metron_test).
std::string server_url() {
  const char* state = std::getenv("METRON_TEST_POSTGRESQL_STATE");
  REQUIRE(state != nullptr);
  std::ifstream in(std::string(state) + "/url");
  std::string url;
  std::getline(in, url);
  INFO("the PostgreSQL fixture (tests/history/postgresql_fixture.sh) wrote no URL to "
       << state << "/url; its ctest output says why");
  REQUIRE(!url.empty());
  return url;
}

/// Runs `sql` on the fixture's database.
void run_sql(const std::string& url, const std::string& sql) {
  PGconn* connection = PQconnectdb(url.c_str());
  INFO(PQerrorMessage(connection));
  REQUIRE(PQstatus(connection) == CONNECTION_OK);
  PGresult* result = PQexec(connection, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  INFO(PQerrorMessage(connection));
  PQclear(result);
  PQfinish(connection);
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
}

/// A fresh, empty database on the fixture's server, for one test case; its URL.
std::string fresh_database(const std::string& name) {
  const std::string url = server_url();
  run_sql(url, "DROP DATABASE IF EXISTS " + name);
  run_sql(url, "CREATE DATABASE " + name);
  return url.substr(0, url.rfind('/') + 1) + name;
}

}  // namespace

TEST_CASE("PostgreSQL history: runs round-trip", "[history][postgresql]") {
  metron::test::check_round_trip(fresh_database("round_trip"));
}

TEST_CASE("PostgreSQL history: a bad run adds nothing", "[history][postgresql]") {
  metron::test::check_atomic_add(fresh_database("atomic_add"));
}

TEST_CASE("PostgreSQL history: two processes adding at once both land",
          "[history][postgresql][mt]") {
  metron::test::check_concurrent_adds(fresh_database("concurrent"));
}

TEST_CASE("PostgreSQL history: foreign tables, missing stores and newer schemas are refused",
          "[history][postgresql]") {
  const std::string url = fresh_database("refusals");
  CHECK_THROWS_WITH(metron::analysis::open_history(url, metron::analysis::history_open::existing),
                    Catch::Contains("holds no metron history"));
  run_sql(url, "CREATE TABLE runs (name TEXT)");
  CHECK_THROWS_WITH(
      metron::analysis::open_history(url, metron::analysis::history_open::create_if_missing),
      Catch::Contains("no metron history schema"));
  run_sql(url, "DROP TABLE runs");
  CHECK(metron::analysis::open_history(url, metron::analysis::history_open::create_if_missing)
            ->schema_version() == 2);
  run_sql(url, "UPDATE metron_schema SET version = 99");
  CHECK_THROWS_WITH(metron::analysis::open_history(url, metron::analysis::history_open::existing),
                    Catch::Contains("version 99 is newer"));
}

TEST_CASE("PostgreSQL history: an unreachable server is a clear error", "[history][postgresql]") {
  // Port 1 on loopback: nothing listens there.
  CHECK_THROWS_AS(metron::analysis::open_history("postgresql://metron:secret@127.0.0.1:1/x",
                                                 metron::analysis::history_open::existing),
                  metron::resource_error);
  CHECK_THROWS_WITH(metron::analysis::open_history("postgresql://metron:secret@127.0.0.1:1/x",
                                                   metron::analysis::history_open::existing),
                    !Catch::Contains("secret") && Catch::Contains("cannot connect"));
}
