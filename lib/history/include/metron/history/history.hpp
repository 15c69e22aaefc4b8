// The history of results: runs' metric values by commit, branch and machine, in SQLite or
// PostgreSQL.
#pragma once

#include <metron/history/change_points.hpp>
#include <metron/readers/dataset.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The schema version this build of metron writes. Older stores are migrated on open, in one
/// transaction; a newer one is refused.
inline constexpr int history_schema_version = 2;

/// One run: what was measured, where and when.
struct history_run {
  std::string commit;   ///< the commit measured; required
  std::string branch;   ///< its branch; may be empty
  std::string machine;  ///< the machine it ran on; may be empty
  std::string time;     ///< ISO 8601 UTC, "2026-11-28T00:00:00Z"; the store's clock when empty
};

/// One metric's value in a run: its sample reduced to one number (see history_values()).
struct history_value {
  std::string metric;                ///< the metric's name
  std::string unit;                  ///< its unit, e.g. "ns"
  better direction = better::lower;  ///< which way it improves
  double value = 0;                  ///< the run's value, finite
  std::size_t samples = 0;           ///< how many values of the run it summarises
};

/// A metric's value in one run, as a series lists it.
struct history_point {
  std::int64_t run = 0;     ///< the run's id in the store
  std::string commit;       ///< the run's commit
  std::string branch;       ///< its branch
  std::string machine;      ///< its machine
  std::string time;         ///< its time, ISO 8601 UTC
  double value = 0;         ///< the value
  std::size_t samples = 0;  ///< how many values it summarises
};

/// A metric the store holds.
struct history_metric {
  std::string name;                  ///< the metric's name
  std::string unit;                  ///< its unit in the latest run that has it
  better direction = better::lower;  ///< its direction in the latest run that has it
  std::size_t points = 0;            ///< how many runs have it (within the filter)
};

/// Which runs a query sees; empty fields match everything.
struct history_filter {
  std::string branch;   ///< only runs of this branch
  std::string machine;  ///< only runs on this machine
};

/// A store of runs and their metric values.
///
/// One object per thread; several processes may use one store at once: every add_run() is one
/// transaction, and waits (up to the store's busy timeout) for another writer instead of failing.
class history_store {
 public:
  virtual ~history_store() = default;
  history_store() = default;
  history_store(const history_store&) = delete;
  history_store& operator=(const history_store&) = delete;

  /// Adds a run and its values atomically: all or nothing.
  /// @returns the run's id.
  /// @throws input_error for an empty commit, no values, a non-finite value, a metric named twice,
  ///         or a time that is not ISO 8601 UTC; resource_error when the store cannot be written.
  virtual std::int64_t add_run(const history_run& run, std::span<const history_value> values) = 0;

  /// The metric's values, oldest run first (by time, then by id).
  /// @throws input_error when no run (within the filter) has the metric, naming the closest
  ///         names the store holds; resource_error when the store cannot be read.
  [[nodiscard]] virtual std::vector<history_point> series(std::string_view metric,
                                                          const history_filter& filter) = 0;

  /// Every metric with at least one value within the filter, by name.
  /// @throws resource_error when the store cannot be read.
  [[nodiscard]] virtual std::vector<history_metric> metrics(const history_filter& filter) = 0;

  /// The schema version of the store (history_schema_version once opened).
  [[nodiscard]] virtual int schema_version() = 0;
};

/// What open_history() may do when the store does not exist yet.
enum class history_open : std::uint8_t {
  existing,           ///< fail: the store must exist (queries)
  create_if_missing,  ///< create it with the current schema (adding runs)
};

/// Opens a store: a PostgreSQL database for a "postgresql://…" or "postgres://…" URL (libpq's
/// connection URI), else an SQLite file at that path. Migrates an older schema, in a transaction.
///
/// A file that is not an SQLite database, is corrupt, or holds tables that are not a metron
/// history is refused with input_error before anything is written to it.
/// @throws input_error for such a file, a missing store opened as existing, or a schema newer
///         than this build's; resource_error when the store cannot be reached or created.
[[nodiscard]] std::unique_ptr<history_store> open_history(const std::string& location,
                                                          history_open mode);

/// A dataset's metrics as history values: each metric's median, with its unit, direction and
/// sample size. Metrics without values are left out.
[[nodiscard]] std::vector<history_value> history_values(const dataset& data);

/// The store used when none is named: the value of $METRON_HISTORY_DB when it is set and not
/// empty, else "results.sqlite" in the working directory. Reads the environment; any thread.
[[nodiscard]] std::string default_history_location();

/// A metric's series as a store holds it, oldest run first.
struct history_series {
  std::string metric;  ///< the metric's name
  std::string unit;    ///< its unit in the latest run (within the filter) that has it
  std::vector<history_point> points;  ///< its values, oldest run first
};

/// Reads the series of `metric` within `filter`, with its unit.
/// @throws what history_store::series() and history_store::metrics() throw.
[[nodiscard]] history_series read_series(history_store& store, std::string_view metric,
                                         const history_filter& filter);

/// A change point found in a metric's series.
struct history_change {
  std::string metric;   ///< the metric's name
  std::string unit;     ///< its unit
  std::string time;     ///< the time of the run the change starts at, ISO 8601 UTC
  change_point change;  ///< where and how much the series changed
};

/// The change points of several series.
struct history_changes {
  std::size_t metrics = 0;              ///< how many metrics were searched
  std::vector<history_change> changes;  ///< metric by metric as searched, oldest change first
};

/// Searches the series of `metrics` (every metric within `filter` when empty) for change points
/// with detect_change_points(); weak points are kept only when `include_weak` is set. Costs one
/// query and one detection per metric.
/// @throws input_error for a metric the store does not hold (naming the closest names), and what
///         the store's queries throw.
[[nodiscard]] history_changes find_history_changes(history_store& store,
                                                   std::span<const std::string> metrics,
                                                   const history_filter& filter,
                                                   const change_point_options& options,
                                                   bool include_weak);

}  // namespace metron::analysis
