// The SQLite history: the shared checks, migrations, and refusal of corrupt or foreign files.
#include "history_checks.hpp"

#include <metron/error.hpp>
#include <metron/history/history.hpp>
#include <metron/readers/dataset.hpp>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

using metron::analysis::history_open;
using metron::analysis::open_history;

/// A fresh directory, removed with its content.
class scratch {
 public:
  scratch() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "metron-history-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

void run_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* message = nullptr;
  const int status = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  INFO((message != nullptr ? message : ""));
  sqlite3_free(message);
  sqlite3_close(db);
  REQUIRE(status == SQLITE_OK);
}

/// The first column of the first row of `sql`.
std::int64_t integer_of(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* query = nullptr;
  std::int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &query, nullptr) == SQLITE_OK &&
      sqlite3_step(query) == SQLITE_ROW) {
    value = sqlite3_column_int64(query, 0);
  }
  sqlite3_finalize(query);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("SQLite history: runs round-trip", "[history][sqlite]") {
  const scratch dir;
  metron::test::check_round_trip(dir.file("results.sqlite"));
}

TEST_CASE("SQLite history: a bad run adds nothing", "[history][sqlite]") {
  const scratch dir;
  metron::test::check_atomic_add(dir.file("results.sqlite"));
}

TEST_CASE("SQLite history: two processes adding at once both land", "[history][sqlite][mt]") {
  const scratch dir;
  metron::test::check_concurrent_adds(dir.file("results.sqlite"));
}

TEST_CASE("SQLite history: a version 1 store is migrated and keeps its runs", "[history][sqlite]") {
  const scratch dir;
  const std::string path = dir.file("old.sqlite");
  run_sql(
      path,
      "CREATE TABLE metron_schema (version INTEGER NOT NULL);"
      "INSERT INTO metron_schema (version) VALUES (1);"
      "CREATE TABLE runs (id INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, branch TEXT NOT NULL,"
      "  machine TEXT NOT NULL, time TEXT NOT NULL);"
      "CREATE TABLE measurements (run_id INTEGER NOT NULL REFERENCES runs (id),"
      "  metric TEXT NOT NULL, unit TEXT NOT NULL, direction TEXT NOT NULL, value REAL NOT NULL,"
      "  samples INTEGER NOT NULL, PRIMARY KEY (run_id, metric));"
      "INSERT INTO runs VALUES (1, 'abc', 'main', 'm', '2026-01-01T00:00:00Z');"
      "INSERT INTO measurements VALUES (1, 'BM_x', 'ns', 'lower', 42.5, 3);");
  const auto store = open_history(path, history_open::existing);
  CHECK(store->schema_version() == 2);
  const auto series = store->series("BM_x", {});
  REQUIRE(series.size() == 1);
  CHECK(series[0].value == 42.5);
  CHECK(series[0].commit == "abc");
  // The migration's indexes are there.
  CHECK(integer_of(path,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                   "('measurements_by_metric', 'runs_by_time')") == 2);
}

TEST_CASE("SQLite history: corrupt and foreign files are refused and left unchanged",
          "[history][sqlite]") {
  const scratch dir;
  SECTION("not a database") {
    const std::string path = dir.file("notes.sqlite");
    write_bytes(path, std::string("these are notes, not a database\n").append(4000, 'x'));
    const std::string before = bytes_of(path);
    CHECK_THROWS_WITH(open_history(path, history_open::create_if_missing),
                      Catch::Contains(path) && Catch::Contains("not an SQLite database"));
    CHECK(bytes_of(path) == before);
  }
  SECTION("a damaged database") {
    const std::string path = dir.file("damaged.sqlite");
    {
      const auto store = open_history(path, history_open::create_if_missing);
      for (int i = 0; i < 200; ++i) {
        const std::vector<metron::analysis::history_value> values{
            {"metric_with_a_long_name_" + std::to_string(i), "ns", metron::analysis::better::lower,
             i * 1.5, 1}};
        store->add_run({"commit" + std::to_string(i), "main", "m", ""}, values);
      }
    }
    std::string bytes = bytes_of(path);
    REQUIRE(bytes.size() > 3 * 4096);
    // Scribble over the second and third pages, leaving the header intact.
    for (std::size_t i = 4096; i < 3 * 4096; ++i) {
      bytes[i] = static_cast<char>(i * 7 % 251);
    }
    write_bytes(path, bytes);
    CHECK_THROWS_WITH(
        open_history(path, history_open::create_if_missing),
        Catch::Contains(path) && Catch::Contains("corrupt") && Catch::Contains("not changed"));
    CHECK(bytes_of(path) == bytes);
  }
  SECTION("another program's database") {
    const std::string path = dir.file("other.sqlite");
    run_sql(path, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada');");
    const std::string before = bytes_of(path);
    CHECK_THROWS_WITH(open_history(path, history_open::create_if_missing),
                      Catch::Contains("not a metron history") && Catch::Contains("contacts"));
    CHECK(bytes_of(path) == before);
  }
  SECTION("a newer schema") {
    const std::string path = dir.file("future.sqlite");
    CHECK(open_history(path, history_open::create_if_missing)->schema_version() == 2);
    run_sql(path, "UPDATE metron_schema SET version = 99");
    const std::string before = bytes_of(path);
    CHECK_THROWS_WITH(open_history(path, history_open::create_if_missing),
                      Catch::Contains("version 99 is newer"));
    CHECK(bytes_of(path) == before);
  }
  SECTION("a missing store opened for reading is not created") {
    const std::string path = dir.file("missing.sqlite");
    CHECK_THROWS_WITH(open_history(path, history_open::existing),
                      Catch::Contains("no such history database"));
    CHECK_FALSE(std::filesystem::exists(path));
  }
}

TEST_CASE("a dataset's metrics become history values by their medians", "[history]") {
  metron::analysis::dataset data;
  data.metrics.push_back({"BM_a",
                          "BM_a",
                          "real_time",
                          "ns",
                          metron::analysis::better::lower,
                          {},
                          "",
                          {},
                          {5, 1, 3, 100}});
  data.metrics.push_back(
      {"empty", "empty", "value", "", metron::analysis::better::lower, {}, "", {}, {}});
  data.metrics.push_back(
      {"BM_a:rate", "BM_a", "rate", "1/s", metron::analysis::better::higher, {}, "", {}, {7}});
  const auto values = metron::analysis::history_values(data);
  REQUIRE(values.size() == 2);
  CHECK(values[0].metric == "BM_a");
  CHECK(values[0].value == 4.0);
  CHECK(values[0].samples == 4);
  CHECK(values[1].direction == metron::analysis::better::higher);
  CHECK(values[1].value == 7.0);
}
