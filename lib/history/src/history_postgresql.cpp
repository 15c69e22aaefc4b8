// The history in a PostgreSQL database through libpq: the same schema and migrations, for a team.
#include "history_backends.hpp"

#include <metron/error.hpp>
#include <metron/history/history.hpp>

#include <fmt/core.h>
#include <libpq-fe.h>

#include <array>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace metron::analysis::detail {

namespace {

/// Migration k takes the schema from version k to k + 1 (see history_sqlite.cpp).
constexpr std::array<const char*, history_schema_version> postgresql_migrations = {
    "CREATE TABLE metron_schema (version INTEGER NOT NULL);"
    "INSERT INTO metron_schema (version) VALUES (0);"
    "CREATE TABLE runs (id BIGSERIAL PRIMARY KEY, commit_id TEXT NOT NULL, branch TEXT NOT NULL,"
    "  machine TEXT NOT NULL, time TEXT NOT NULL);"
    "CREATE TABLE measurements (run_id BIGINT NOT NULL REFERENCES runs (id),"
    "  metric TEXT NOT NULL, unit TEXT NOT NULL, direction TEXT NOT NULL,"
    "  value DOUBLE PRECISION NOT NULL, samples BIGINT NOT NULL, PRIMARY KEY (run_id, metric));",
    "CREATE INDEX measurements_by_metric ON measurements (metric, run_id);"
    "CREATE INDEX runs_by_time ON runs (time, id);",
};

/// Any key for the advisory lock that serialises migrations between processes.
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(7283626973746)";

/// A query's result, cleared when it goes.
class result {
 public:
  explicit result(PGresult* handle) : handle_(handle) {}
  ~result() { PQclear(handle_); }
  result(const result&) = delete;
  result& operator=(const result&) = delete;
  result(result&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  result& operator=(result&&) = delete;

  [[nodiscard]] PGresult* handle() const noexcept { return handle_; }
  [[nodiscard]] int rows() const { return PQntuples(handle_); }
  [[nodiscard]] std::string text(int row, int column) const {
    return PQgetvalue(handle_, row, column);
  }
  [[nodiscard]] bool is_null(int row, int column) const {
    return PQgetisnull(handle_, row, column) != 0;
  }

 private:
  PGresult* handle_;
};

class postgresql_history final : public history_store {
 public:
  postgresql_history(const std::string& url, history_open mode)
      : where_(redacted(url)), connection_(PQconnectdb(url.c_str())) {
    if (connection_ == nullptr || PQstatus(connection_) != CONNECTION_OK) {
      const std::string message =
          connection_ == nullptr ? "out of memory" : PQerrorMessage(connection_);
      PQfinish(connection_);
      throw resource_error(fmt::format("{}: cannot connect to PostgreSQL: {}", where_,
                                       trim(message)));
    }
    try {
      execute("SET client_min_messages TO warning", {});
      open(mode);
    } catch (...) {
      PQfinish(connection_);
      throw;
    }
  }
  ~postgresql_history() override { PQfinish(connection_); }
  postgresql_history(const postgresql_history&) = delete;
  postgresql_history& operator=(const postgresql_history&) = delete;

  std::int64_t add_run(const history_run& run, std::span<const history_value> values) override {
    check_run(run, values);
    transaction write(*this);
    const result inserted = execute(
        "INSERT INTO runs (commit_id, branch, machine, time) VALUES ($1, $2, $3, $4) RETURNING id",
        {run.commit, run.branch, run.machine, run.time.empty() ? utc_now() : run.time});
    const std::string id = inserted.text(0, 0);
    for (const history_value& value : values) {
      execute(
          "INSERT INTO measurements (run_id, metric, unit, direction, value, samples) "
          "VALUES ($1, $2, $3, $4, $5, $6)",
          {id, value.metric, value.unit, std::string(to_string(value.direction)),
           fmt::format("{:.17g}", value.value), std::to_string(value.samples)});
    }
    write.commit();
    return std::strtoll(id.c_str(), nullptr, 10);
  }

  std::vector<history_point> series(std::string_view metric, const history_filter& filter) override {
    const result rows = execute(
        "SELECT r.id, r.commit_id, r.branch, r.machine, r.time, m.value, m.samples "
        "FROM measurements m JOIN runs r ON r.id = m.run_id WHERE m.metric = $1 "
        "AND ($2 = '' OR r.branch = $2) AND ($3 = '' OR r.machine = $3) ORDER BY r.time, r.id",
        {std::string(metric), filter.branch, filter.machine});
    std::vector<history_point> points;
    points.reserve(static_cast<std::size_t>(rows.rows()));
    for (int row = 0; row < rows.rows(); ++row) {
      points.push_back({std::strtoll(rows.text(row, 0).c_str(), nullptr, 10), rows.text(row, 1),
                        rows.text(row, 2), rows.text(row, 3), rows.text(row, 4),
                        std::strtod(rows.text(row, 5).c_str(), nullptr),
                        static_cast<std::size_t>(std::strtoull(rows.text(row, 6).c_str(), nullptr, 10))});
    }
    if (points.empty()) {
      std::vector<std::string> known;
      for (history_metric& entry : metrics(filter)) {
        known.push_back(std::move(entry.name));
      }
      throw unknown_metric(where_, metric, filter, known);
    }
    return points;
  }

  std::vector<history_metric> metrics(const history_filter& filter) override {
    const result rows = execute(
        "SELECT m.metric, m.unit, m.direction FROM measurements m JOIN runs r ON r.id = m.run_id "
        "WHERE ($1 = '' OR r.branch = $1) AND ($2 = '' OR r.machine = $2) "
        "ORDER BY m.metric, r.time, r.id",
        {filter.branch, filter.machine});
    metric_list_builder list;
    for (int row = 0; row < rows.rows(); ++row) {
      list.add(rows.text(row, 0), rows.text(row, 1), rows.text(row, 2));
    }
    return list.finish();
  }

  int schema_version() override { return read_version(); }

 private:
  class transaction {
   public:
    explicit transaction(postgresql_history& store) : store_(store) { store_.execute("BEGIN", {}); }
    ~transaction() {
      if (!committed_) {
        PQclear(PQexec(store_.connection_, "ROLLBACK"));
      }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
      store_.execute("COMMIT", {});
      committed_ = true;
    }

   private:
    postgresql_history& store_;
    bool committed_ = false;
  };

  /// The URL without its password, for messages.
  static std::string redacted(const std::string& url) {
    const auto scheme_end = url.find("://");
    const auto at = url.find('@');
    if (scheme_end == std::string::npos || at == std::string::npos) {
      return url;
    }
    const auto colon = url.find(':', scheme_end + 3);
    if (colon == std::string::npos || colon > at) {
      return url;
    }
    return url.substr(0, colon) + ":***" + url.substr(at);
  }

  static std::string trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    return text;
  }

  result execute(const char* sql, const std::vector<std::string>& parameters) {
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const std::string& parameter : parameters) {
      values.push_back(parameter.c_str());
    }
    result answer(PQexecParams(connection_, sql, static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(answer.handle());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw resource_error(fmt::format("{}: PostgreSQL: {}", where_,
                                       trim(PQerrorMessage(connection_))));
    }
    return answer;
  }

  /// Several statements in one string (migrations), without parameters.
  void execute_script(const char* sql) {
    const result answer(PQexec(connection_, sql));
    if (PQresultStatus(answer.handle()) != PGRES_COMMAND_OK) {
      throw resource_error(fmt::format("{}: PostgreSQL migration failed: {}", where_,
                                       trim(PQerrorMessage(connection_))));
    }
  }

  int read_version() {
    // pg_tables, not to_regclass(): a query of the catalog takes a fresh snapshot per statement,
    // so it sees a schema another process committed while this one waited for the lock.
    const result exists = execute(
        "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'metron_schema'",
        {});
    if (exists.text(0, 0) == "0") {
      return 0;
    }
    const result version = execute("SELECT version FROM metron_schema", {});
    return version.rows() == 0 ? 0 : std::atoi(version.text(0, 0).c_str());
  }

  void refuse_newer(int version) const {
    if (version > history_schema_version) {
      throw input_error(fmt::format(
          "{}: history schema version {} is newer than this metron's {}; upgrade metron", where_,
          version, history_schema_version));
    }
  }

  void open(history_open mode) {
    const int seen = read_version();
    refuse_newer(seen);
    if (seen == history_schema_version) {
      return;
    }
    if (seen == 0 && mode == history_open::existing) {
      throw input_error(fmt::format(
          "{}: the database holds no metron history; 'metron history add' creates it", where_));
    }
    transaction upgrade(*this);
    // Serialise migrations between processes, then read again: another may have migrated.
    execute(migration_lock, {});
    const int version = read_version();
    refuse_newer(version);
    if (version == 0) {
      // Checked under the lock: before it, another process's fresh schema would look foreign.
      const result foreign = execute(
          "SELECT string_agg(table_name, ', ' ORDER BY table_name) FROM information_schema.tables "
          "WHERE table_schema = current_schema() AND table_name IN ('runs', 'measurements')",
          {});
      if (!foreign.is_null(0, 0)) {
        throw input_error(fmt::format(
            "{}: the database has tables {} but no metron history schema; it was not changed",
            where_, foreign.text(0, 0)));
      }
    }
    for (int step = version; step < history_schema_version; ++step) {
      execute_script(postgresql_migrations.at(static_cast<std::size_t>(step)));
    }
    execute("UPDATE metron_schema SET version = $1", {std::to_string(history_schema_version)});
    upgrade.commit();
  }

  std::string where_;
  PGconn* connection_;
};

}  // namespace

std::unique_ptr<history_store> open_postgresql_history(const std::string& url, history_open mode) {
  return std::make_unique<postgresql_history>(url, mode);
}

}  // namespace metron::analysis::detail
