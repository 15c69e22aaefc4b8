// Live aggregation of observed values into statistics, one series per observable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metron {

/// How a series is exported: a summary of observations, a counter of deltas, or a gauge's level.
enum class metric_kind : std::uint8_t {
  summary,  ///< bracket durations and numeric log fields: every statistic
  counter,  ///< probe counters: the running sum of the deltas
  gauge,    ///< probe gauges and process resources: the last value
};

/// The unit of a series' values, which exporters use to scale and name them.
enum class metric_unit : std::uint8_t {
  none,         ///< a plain number
  nanoseconds,  ///< a duration; Prometheus receives seconds, statsd milliseconds
  bytes,        ///< a size
};

/// One statistic of a series, as monitor expressions name it (`ledger.apply_block.p99`).
enum class statistic : std::uint8_t { count, sum, min, max, mean, stddev, last, p50, p90, p99, ewma };

/// Every statistic, in the order of the enum.
inline constexpr statistic all_statistics[] = {
    statistic::count,  statistic::sum,  statistic::min, statistic::max,
    statistic::mean,   statistic::stddev, statistic::last, statistic::p50,
    statistic::p90,    statistic::p99,  statistic::ewma};

/// The name a statistic goes by in expressions and JSON ("count", "p99", "ewma" …).
[[nodiscard]] std::string_view to_string(statistic which) noexcept;
/// The statistic called `name`, or nothing.
[[nodiscard]] std::optional<statistic> parse_statistic(std::string_view name) noexcept;

/// Which sequence of a series a statistic describes.
enum class series_family : std::uint8_t {
  values,       ///< the observed values themselves
  differences,  ///< differences between successive values (`name.delta.<statistic>`)
  intervals,    ///< nanoseconds between successive observations (`name.interval.<statistic>`)
};

/// How a namespace is aggregated; the YAML keys of docs/monitoring.md.
struct aggregation_rule {
  bool enabled = true;       ///< false leaves the namespace out
  double ewma_alpha = 0.1;   ///< weight of the newest value in the moving average, in (0, 1]
  bool differences = false;  ///< also aggregate the differences between successive values
  bool inter_arrival = false;  ///< also aggregate the time between successive observations
  /// For log records: the payload fields aggregated; none means every numeric field.
  std::optional<std::vector<std::string>> fields;

  friend bool operator==(const aggregation_rule&, const aggregation_rule&) = default;
};

/// The statistics of one sequence. Quantiles are exact up to 32 observations, then estimated
/// with the extended P² algorithm (docs/monitoring.md states its error); `stddev` is the
/// population standard deviation. Without observations every field but `count` is NaN.
struct statistics {
  std::uint64_t count = 0;  ///< observations seen
  double sum = 0;  ///< their sum
  double min = 0;  ///< the smallest
  double max = 0;  ///< the largest
  double mean = 0;  ///< their arithmetic mean
  double stddev = 0;  ///< population standard deviation
  double last = 0;  ///< the latest observation
  double p50 = 0;  ///< median (P² estimate beyond 32 observations)
  double p90 = 0;  ///< 90th percentile (likewise)
  double p99 = 0;  ///< 99th percentile (likewise)
  double ewma = 0;  ///< exponentially weighted moving average, by the rule's half-life

  /// The field named by `which`.
  [[nodiscard]] double get(statistic which) const noexcept;
};

/// A series as a snapshot shows it.
struct metric_snapshot {
  std::string name;  ///< dotted: "ledger.apply_block", "work.job.size"
  metric_kind kind = metric_kind::summary;  ///< how exporters present it
  metric_unit unit = metric_unit::none;  ///< the unit of its observations
  statistics values;  ///< over the observations themselves
  std::optional<statistics> differences;  ///< when the rule asks for them
  std::optional<statistics> intervals;    ///< when the rule asks for them
};

/// Every series at one moment, sorted by name.
struct metrics_snapshot {
  std::int64_t time_unix_ms = 0;  ///< when it was taken
  std::vector<metric_snapshot> metrics;  ///< every series, by name
};

/// Aggregates observations into per-series statistics (Boost.Accumulators inside).
///
/// Not thread-safe: one thread at a time (callers lock around batches). observe() costs a few
/// tens of nanoseconds and allocates nothing; series() allocates when it creates a series.
class aggregator {
 public:
  /// A series' handle: its index, stable for the aggregator's lifetime.
  using series_id = std::uint32_t;

  aggregator();
  aggregator(const aggregator&) = delete;
  aggregator& operator=(const aggregator&) = delete;
  /// Takes over the series of `other`, which may then only be assigned to or destroyed.
  aggregator(aggregator&& other) noexcept;
  /// Takes over the series of `other`, as the move constructor does.
  aggregator& operator=(aggregator&& other) noexcept;
  ~aggregator();

  /// The series `name`, created with `kind`, `unit` and `rule` when it is new (an existing
  /// series keeps its settings).
  series_id series(std::string_view name, metric_kind kind, metric_unit unit,
                   const aggregation_rule& rule);

  /// The series `name` if it exists.
  [[nodiscard]] std::optional<series_id> find(std::string_view name) const;

  /// Adds one observation made at `time_ns` (any monotonic nanosecond clock).
  void observe(series_id id, double value, std::int64_t time_ns) noexcept;

  /// One statistic of one family of `id`; NaN when that family has no observations or is not
  /// aggregated. Costs a few ns (quantiles: a sort of at most 32 values while the series is short).
  [[nodiscard]] double value(series_id id, series_family family, statistic which) const;

  /// Number of series.
  [[nodiscard]] std::size_t size() const noexcept;

  /// Every series' statistics now. Costs about a microsecond per series.
  [[nodiscard]] metrics_snapshot snapshot() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace metron
