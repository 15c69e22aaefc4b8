// The history in an SQLite file: versioned schema, migrations, busy waits, refusal of foreign files.
#include "history_backends.hpp"

#include <metron/error.hpp>
#include <metron/history/history.hpp>

#include <fmt/core.h>
#include <sqlite3.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace metron::analysis::detail {

namespace {

/// How long a writer waits for another process's transaction before giving up.
constexpr int busy_timeout_ms = 30000;

/// Migration k takes the schema from version k to k + 1; applied in order, in one transaction.
constexpr std::array<const char*, history_schema_version> sqlite_migrations = {
    // 0 → 1: runs and their measurements.
    "CREATE TABLE metron_schema (version INTEGER NOT NULL);"
    "INSERT INTO metron_schema (version) VALUES (0);"
    "CREATE TABLE runs (id INTEGER PRIMARY KEY, commit_id TEXT NOT NULL, branch TEXT NOT NULL,"
    "  machine TEXT NOT NULL, time TEXT NOT NULL);"
    "CREATE TABLE measurements (run_id INTEGER NOT NULL REFERENCES runs (id),"
    "  metric TEXT NOT NULL, unit TEXT NOT NULL, direction TEXT NOT NULL, value REAL NOT NULL,"
    "  samples INTEGER NOT NULL, PRIMARY KEY (run_id, metric));",
    // 1 → 2: a metric's series and the run order without scanning every measurement.
    "CREATE INDEX measurements_by_metric ON measurements (metric, run_id);"
    "CREATE INDEX runs_by_time ON runs (time, id);",
};

/// A prepared statement, finalised when it goes.
class statement {
 public:
  statement(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &handle_, nullptr) != SQLITE_OK) {
      fail("prepare");
    }
  }
  ~statement() { sqlite3_finalize(handle_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  void bind(int index, std::string_view text) {
    check(sqlite3_bind_text(handle_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT),
          "bind");
  }
  void bind(int index, double value) { check(sqlite3_bind_double(handle_, index, value), "bind"); }
  void bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(handle_, index, value), "bind");
  }

  /// Makes the statement ready to run again with new bindings.
  void reset() {
    sqlite3_reset(handle_);
    sqlite3_clear_bindings(handle_);
  }

  /// Advances; true while there is a row.
  bool step() {
    const int status = sqlite3_step(handle_);
    if (status == SQLITE_ROW) {
      return true;
    }
    if (status != SQLITE_DONE) {
      fail("step");
    }
    return false;
  }

  [[nodiscard]] std::string text(int column) const {
    const unsigned char* value = sqlite3_column_text(handle_, column);
    return value == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(value));
  }
  [[nodiscard]] double real(int column) const { return sqlite3_column_double(handle_, column); }
  [[nodiscard]] std::int64_t integer(int column) const {
    return sqlite3_column_int64(handle_, column);
  }

 private:
  void check(int status, const char* what) const {
    if (status != SQLITE_OK) {
      fail(what);
    }
  }
  [[noreturn]] void fail(const char* what) const;

  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* handle_ = nullptr;
};

/// Corruption and foreign files are the user's to fix (input); the rest is the system's.
[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& path, std::string_view what) {
  const int code = sqlite3_errcode(db);
  const std::string message = fmt::format("{}: SQLite {} failed: {}", path, what, sqlite3_errmsg(db));
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    throw input_error(message + "; the database is corrupt and was not changed");
  }
  throw resource_error(message);
}

void statement::fail(const char* what) const { throw_sqlite(db_, path_, what); }

void execute(sqlite3* db, const std::string& path, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);
    throw_sqlite(db, path, "statement");
  }
}

/// A file that exists with content must start with SQLite's header; checked before SQLite
/// touches it, so that nothing is ever written to a file that is not a database.
void require_sqlite_header(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error) || std::filesystem::file_size(path, error) == 0) {
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::array<char, 16> header{};
  in.read(header.data(), header.size());
  constexpr char magic[] = "SQLite format 3";  // with its terminating NUL: 16 bytes
  if (in.gcount() != static_cast<std::streamsize>(header.size()) ||
      std::memcmp(header.data(), magic, sizeof magic) != 0) {
    throw input_error(fmt::format(
        "{}: not an SQLite database (byte 0: the 16-byte SQLite header is missing); it was not "
        "changed — give the path of a metron history or of a new file",
        path));
  }
}

class sqlite_history final : public history_store {
 public:
  sqlite_history(std::string path, history_open mode) : path_(std::move(path)) {
    std::error_code error;
    if (mode == history_open::existing && !std::filesystem::exists(path_, error)) {
      throw input_error(fmt::format(
          "{}: no such history database; 'metron history add --db {}' creates it", path_, path_));
    }
    require_sqlite_header(path_);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (mode == history_open::create_if_missing) {
      flags |= SQLITE_OPEN_CREATE;
    }
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ == nullptr ? "out of memory" : sqlite3_errmsg(db_);
      sqlite3_close(db_);
      db_ = nullptr;
      throw resource_error(fmt::format("{}: cannot open the history database: {}", path_, message));
    }
    try {
      sqlite3_busy_timeout(db_, busy_timeout_ms);
      check_integrity();
      migrate();
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  ~sqlite_history() override { sqlite3_close(db_); }
  sqlite_history(const sqlite_history&) = delete;
  sqlite_history& operator=(const sqlite_history&) = delete;

  std::int64_t add_run(const history_run& run, std::span<const history_value> values) override {
    check_run(run, values);
    transaction write(db_, path_);
    statement insert_run(db_, path_,
                         "INSERT INTO runs (commit_id, branch, machine, time) VALUES (?, ?, ?, ?)");
    insert_run.bind(1, run.commit);
    insert_run.bind(2, run.branch);
    insert_run.bind(3, run.machine);
    insert_run.bind(4, run.time.empty() ? utc_now() : run.time);
    insert_run.step();
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    statement insert_value(db_, path_,
                           "INSERT INTO measurements (run_id, metric, unit, direction, value, "
                           "samples) VALUES (?, ?, ?, ?, ?, ?)");
    for (const history_value& value : values) {
      insert_value.reset();
      insert_value.bind(1, id);
      insert_value.bind(2, value.metric);
      insert_value.bind(3, value.unit);
      insert_value.bind(4, to_string(value.direction));
      insert_value.bind(5, value.value);
      insert_value.bind(6, static_cast<std::int64_t>(value.samples));
      insert_value.step();
    }
    write.commit();
    return id;
  }

  std::vector<history_point> series(std::string_view metric, const history_filter& filter) override {
    statement query(db_, path_,
                    "SELECT r.id, r.commit_id, r.branch, r.machine, r.time, m.value, m.samples "
                    "FROM measurements m JOIN runs r ON r.id = m.run_id WHERE m.metric = ?1 "
                    "AND (?2 = '' OR r.branch = ?2) AND (?3 = '' OR r.machine = ?3) "
                    "ORDER BY r.time, r.id");
    query.bind(1, metric);
    query.bind(2, filter.branch);
    query.bind(3, filter.machine);
    std::vector<history_point> points;
    while (query.step()) {
      points.push_back({query.integer(0), query.text(1), query.text(2), query.text(3),
                        query.text(4), query.real(5), static_cast<std::size_t>(query.integer(6))});
    }
    if (points.empty()) {
      std::vector<std::string> known;
      for (history_metric& entry : metrics(filter)) {
        known.push_back(std::move(entry.name));
      }
      throw unknown_metric(path_, metric, filter, known);
    }
    return points;
  }

  std::vector<history_metric> metrics(const history_filter& filter) override {
    statement query(db_, path_,
                    "SELECT m.metric, m.unit, m.direction FROM measurements m "
                    "JOIN runs r ON r.id = m.run_id "
                    "WHERE (?1 = '' OR r.branch = ?1) AND (?2 = '' OR r.machine = ?2) "
                    "ORDER BY m.metric, r.time, r.id");
    query.bind(1, filter.branch);
    query.bind(2, filter.machine);
    metric_list_builder list;
    while (query.step()) {
      list.add(query.text(0), query.text(1), query.text(2));
    }
    return list.finish();
  }

  int schema_version() override { return read_version(); }

 private:
  /// BEGIN IMMEDIATE takes the write lock at once, so two writers queue on the busy timeout
  /// instead of one failing at its first write; rolled back unless committed.
  class transaction {
   public:
    transaction(sqlite3* db, const std::string& path) : db_(db), path_(path) {
      execute(db_, path_, "BEGIN IMMEDIATE");
    }
    ~transaction() {
      if (!committed_) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
      execute(db_, path_, "COMMIT");
      committed_ = true;
    }

   private:
    sqlite3* db_;
    const std::string& path_;
    bool committed_ = false;
  };

  /// Reads before anything is written: a damaged file fails here and stays as it was.
  void check_integrity() {
    statement check(db_, path_, "PRAGMA quick_check");
    std::string problems;
    while (check.step()) {
      const std::string line = check.text(0);
      if (line != "ok") {
        problems += (problems.empty() ? "" : "; ") + line;
      }
    }
    if (!problems.empty()) {
      throw input_error(fmt::format("{}: the SQLite database is corrupt ({}); it was not changed",
                                    path_, problems));
    }
    statement tables(db_, path_,
                     "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    std::vector<std::string> names;
    bool ours = false;
    while (tables.step()) {
      names.push_back(tables.text(0));
      ours = ours || names.back() == "metron_schema";
    }
    if (!names.empty() && !ours) {
      std::string listed;
      for (const std::string& name : names) {
        listed += (listed.empty() ? "" : ", ") + name;
      }
      throw input_error(fmt::format(
          "{}: an SQLite database but not a metron history (it has tables {}); it was not changed",
          path_, listed));
    }
  }

  int read_version() {
    statement exists(db_, path_,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                     "'metron_schema'");
    exists.step();
    if (exists.integer(0) == 0) {
      return 0;
    }
    statement version(db_, path_, "SELECT version FROM metron_schema");
    return version.step() ? static_cast<int>(version.integer(0)) : 0;
  }

  void refuse_newer(int version) const {
    if (version > history_schema_version) {
      throw input_error(fmt::format(
          "{}: history schema version {} is newer than this metron's {}; upgrade metron", path_,
          version, history_schema_version));
    }
  }

  void migrate() {
    const int seen = read_version();
    refuse_newer(seen);
    if (seen == history_schema_version) {
      return;
    }
    transaction upgrade(db_, path_);
    // Read again under the write lock: another process may have migrated meanwhile.
    const int version = read_version();
    refuse_newer(version);
    for (int step = version; step < history_schema_version; ++step) {
      execute(db_, path_, sqlite_migrations.at(static_cast<std::size_t>(step)));
    }
    statement record(db_, path_, "UPDATE metron_schema SET version = ?");
    record.bind(1, static_cast<std::int64_t>(history_schema_version));
    record.step();
    upgrade.commit();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<history_store> open_sqlite_history(const std::string& path, history_open mode) {
  return std::make_unique<sqlite_history>(path, mode);
}

}  // namespace metron::analysis::detail
