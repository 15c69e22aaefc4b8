// The post-processor's data model: metric samples, events and run metadata, whatever their file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// Which way a metric improves.
enum class better : std::uint8_t {
  lower,    ///< durations, memory, drops: smaller is better
  higher,   ///< throughput, rates: larger is better
  unknown,  ///< nothing says: a comparison reports its change two-sided and never gates on it
};

/// "lower", "higher" or "unknown".
[[nodiscard]] std::string_view to_string(better direction) noexcept;

/// The direction spelt `name` ("lower", "higher" or "unknown"), or nothing.
[[nodiscard]] std::optional<better> parse_better(std::string_view name) noexcept;

/// Where a value came from: the file and the place in it, as error messages and reports name it.
struct origin {
  std::string file;   ///< the path as it was given to the reader
  std::string place;  ///< e.g. "site 3 (ledger.cpp:42)", "benchmarks[4]", "line 17"

  friend bool operator==(const origin&, const origin&) = default;
};

/// A sample of one metric: every value observed for one name, in the order they were read.
///
/// Names are unique within a dataset. How readers name metrics:
/// - captures: a bracket site's per-call durations are named after the site ("ledger.apply",
///   quantity "duration", unit "ns"); an observable the site selected adds
///   "<site>:<observable>" (e.g. "ledger.apply:cpu_time_ns"); a counter site's deltas and a gauge
///   site's values are named after the site (quantity "value");
/// - Google Benchmark: the run's name (e.g. "BM_sort/1024" or "BM_sort/1024/threads:2") is the
///   real time per iteration in ns (quantity "real_time"); "<name>:cpu_time" the CPU time per
///   iteration in ns; "<name>:<counter>" every user counter. One value per repetition.
///
/// Directions: times (durations, real and CPU time, a bracket's observables) are better lower.
/// A Google Benchmark counter's direction is known only for Google Benchmark's own rates
/// (bytes_per_second, items_per_second, better higher) and the few names that cannot mean
/// anything else (docs/compare.md lists them); every other counter, and a capture's counter and
/// gauge values, are of unknown direction until a spec declares it.
struct metric {
  std::string name;   ///< unique key, as described above
  std::string entry;  ///< the probe site or benchmark run the metric belongs to
  std::string
      quantity;  ///< what is measured: "duration", "value", "real_time", "cpu_time", a counter
  /// "ns", "bytes/s", "1/s", or empty for a plain number: only what the input states, never a
  /// guess from a name.
  std::string unit;
  better direction = better::unknown;  ///< which way the metric improves
  /// Where its values came from: the first place of each input that gave it (several after
  /// pooling); error messages name the first.
  std::vector<origin> origins;
  /// A parameterised Google Benchmark's family ("BM_sort" for "BM_sort/1024"), empty otherwise.
  std::string family;
  /// The complexity argument: the row's complexity_n, else the numeric last "/N" of its name.
  std::optional<double> n;
  std::vector<double> values;  ///< the sample; every value finite
};

/// Which clock an event time counts from.
enum class time_base : std::uint8_t {
  unix_epoch,  ///< ns since 1970-01-01T00:00:00Z (logs; captures whose metadata has a start time)
  capture_start,  ///< ns since the capture started (captures without a start time)
};

/// Something that happened at an instant: a log record, or an event site's record in a capture.
struct event {
  std::int64_t time_ns = 0;                ///< when, counted from `base`
  time_base base = time_base::unix_epoch;  ///< which clock `time_ns` counts from
  std::string name;      ///< the log namespace ("chain.block.adopted") or the event site's name
  std::string node;      ///< who: the log's host, or "<host>/<pid>" for a capture
  std::string key;       ///< the payload's key (see log_read_options::key_fields), else empty
  std::string severity;  ///< the log severity ("info" …), empty for capture events
  std::optional<double> value;  ///< a capture event's value; absent for log records
  /// Payload fields as text, nested objects flattened with dots ("block.height" → "17"); strings
  /// unquoted, numbers and booleans as JSON spells them, arrays as compact JSON.
  std::map<std::string, std::string, std::less<>> fields;
  origin where;  ///< file and line or site
};

/// What is known about the run or runs a dataset came from. Empty strings are unknown.
struct run_metadata {
  std::string host;                  ///< host name
  std::string cpu;                   ///< CPU model, e.g. "AMD EPYC 7B13" or "4 x 2450 MHz CPU"
  std::string commit;                ///< git commit of the measured code
  std::string build_type;            ///< e.g. "release", "debug", "RelWithDebInfo"
  std::string date;                  ///< ISO 8601 date and time of the run
  std::vector<std::string> sources;  ///< every file read, in order
  /// Further facts as text ("num_cpus" → "8", "library_version" → "v1.7.1", "tick_hz" …).
  std::map<std::string, std::string, std::less<>> extra;
};

/// A statistic Google Benchmark computed itself over repetitions (run_type "aggregate").
struct reported_aggregate {
  std::string metric;     ///< the metric it summarises, named as in metric::name
  std::string statistic;  ///< "mean", "median", "stddev", "cv" or a user-defined statistic
  double value = 0;       ///< in the metric's unit; for "cv" a fraction (0.05 = 5 %)
  std::string unit;       ///< the unit of `value`: the metric's, or empty for "cv"
  std::string quantity;   ///< what the metric measures, as metric::quantity ("real_time", …)
  better direction = better::lower;  ///< the metric's direction, as metric::direction
  std::size_t repetitions = 0;  ///< the repetitions it summarises; 0 when the row does not say
  origin where;                 ///< the file and the row
};

/// A complexity verdict Google Benchmark computed itself (the "_BigO" and "_RMS" rows).
struct reported_complexity {
  std::string family;  ///< the benchmark family, e.g. "BM_sort"
  std::string
      big_o;  ///< Google Benchmark's spelling: "(1)", "lgN", "N", "NlgN", "N^2", "N^3", "f(N)"
  double real_coefficient = 0;  ///< real time coefficient, in ns
  double cpu_coefficient = 0;   ///< CPU time coefficient, in ns
  double rms = 0;               ///< normalised RMS of the fit (the "_RMS" row), NaN if absent
  origin where;                 ///< the file and the "_BigO" row
};

/// A benchmark run that did not complete: a Google Benchmark row with error_occurred or skipped.
struct failed_run {
  std::string run;       ///< the run's name, as metric::entry spells it ("BM_sort/1024")
  bool skipped = false;  ///< skipped (Google Benchmark's SkipWithMessage) rather than an error
  std::string message;   ///< error_message or skip_message; empty when the file gives none
  origin where;          ///< the file and the row
};

/// Everything read from one or more inputs.
struct dataset {
  std::vector<metric> metrics;                    ///< samples, names unique
  std::vector<event> events;                      ///< events in file order (not sorted by time)
  std::vector<reported_aggregate> aggregates;     ///< Google Benchmark's own aggregates
  std::vector<reported_complexity> complexities;  ///< Google Benchmark's own BigO verdicts
  std::vector<failed_run> failures;               ///< runs that errored or were skipped
  run_metadata metadata;                          ///< facts about the run

  /// The metric named `name`, or nullptr. Linear in the number of metrics.
  [[nodiscard]] const metric* find_metric(std::string_view name) const noexcept;
};

/// What merge() does with a metric name present in both datasets.
enum class duplicate_policy : std::uint8_t {
  reject,  ///< throw input_error naming both origins
  pool,    ///< append the values (units and directions must agree, else input_error)
};

/// Moves everything of `source` into `target`: metrics, events, aggregates, complexities and
/// failures are appended; metadata fields empty in `target` are taken from `source`, sources are
/// appended and `extra` entries of `target` win.
/// @throws input_error for a metric name in both (policy reject) or one whose unit or direction
///         differs (policy pool); `target` is then unchanged.
void merge(dataset& target, dataset&& source, duplicate_policy policy = duplicate_policy::reject);

}  // namespace metron::analysis
