// What `metron stats` computes over a set of inputs: one summary per metric, exact or streaming.
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/readers/readers.hpp>
#include <metron/statistics/statistics.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// How compute_stats() keeps the values of a metric.
enum class stats_mode : std::uint8_t {
  /// Streaming for a capture or log larger than stats_options::streaming_threshold_bytes, exact
  /// for smaller ones (Google Benchmark JSON is always exact: one value per repetition).
  automatic,
  /// Every value in memory (8 bytes each, twice while sorting): exact quantiles, bootstrap
  /// intervals.
  exact,
  /// Bounded memory whatever the input size (streaming_summary): quantiles within 0.39 %,
  /// flagged `approximate`, no intervals.
  streaming,
};

/// "automatic", "exact" or "streaming".
[[nodiscard]] std::string_view to_string(stats_mode mode) noexcept;

/// How far compute_stats() has got, reported after each chunk of a capture and each input.
struct stats_progress {
  std::string_view input;         ///< the file being read
  std::uint64_t records = 0;      ///< records read so far, all inputs together
  std::uint64_t bytes = 0;        ///< bytes read so far, all inputs together (logs count whole)
  std::uint64_t total_bytes = 0;  ///< the size of all inputs
};

/// How compute_stats() works.
struct stats_options {
  stats_mode mode = stats_mode::automatic;  ///< exact, streaming, or chosen by input size
  /// In automatic mode, captures and logs of more bytes than this are summarised in streaming
  /// mode. 64 MiB of capture holds 10 to 20 million records: about 300 MiB in exact mode.
  std::uint64_t streaming_threshold_bytes = std::uint64_t{64} << 20;
  summary_options summary;      ///< for exact summaries
  streaming_options streaming;  ///< for streaming summaries
  log_read_options log;         ///< how logs are read
  /// A metric name met in two inputs is an error (reject) or one sample over both (pool).
  duplicate_policy duplicates = duplicate_policy::reject;
  /// Accept a truncated capture's complete chunks (input_stats::problem says where it stopped)
  /// instead of failing on it.
  bool allow_truncated = false;
  /// Called on the calling thread as reading progresses; may be empty. Must not throw.
  std::function<void(const stats_progress&)> on_progress;
};

/// One input as compute_stats() read it.
struct input_stats {
  std::string path;                             ///< as given
  input_format format = input_format::capture;  ///< what detect_format() found
  std::uint64_t records = 0;                    ///< values and events read from it
  bool streamed = false;  ///< whether its metrics were summarised in streaming mode
  std::string problem;    ///< where a truncated capture stopped (allow_truncated), else empty
};

/// The summary of one metric.
struct metric_stats {
  std::string name;      ///< unique name (see metron::analysis::metric)
  std::string entry;     ///< the probe site, benchmark run or log namespace it belongs to
  std::string quantity;  ///< what is measured ("duration", "value", "real_time", a field …)
  std::string unit;      ///< "ns", or empty for a plain number
  better direction = better::lower;  ///< which way it improves
  std::vector<std::string> sources;  ///< the inputs its values came from
  summary stats;                     ///< `stats.approximate` says whether it was streamed
  /// The values themselves when each is one run's (Google Benchmark repetitions), so that a later
  /// comparison of two summaries tests the runs and not their medians alone; empty when the
  /// values are per call or per record (captures, logs), whose replicate is the whole input.
  std::vector<double> replicates;
};

/// Everything `metron stats` reports.
struct stats_report {
  std::vector<input_stats> inputs;    ///< in the order given
  std::vector<metric_stats> metrics;  ///< in order of first appearance
  run_metadata metadata;              ///< merged over the inputs, first input first
};

/// Reads every input (captures, Google Benchmark JSON and JSON-lines logs, mixed; the format is
/// told by content) and summarises every metric.
///
/// Metrics are named as metron::analysis::metric describes for captures and Google Benchmark.
/// A log gives, per namespace, one metric per numeric payload field, named
/// "<namespace>:<field>" (nested fields dotted, the log key fields left out), quantity the field,
/// no unit. Events (event sites, log records) are counted in input_stats::records only.
///
/// Cost: one pass over each input; exact mode holds every value, streaming mode a bounded
/// histogram per metric. Any thread; `on_progress` is called on it.
/// @throws input_error naming the file and place for a missing, foreign, truncated (unless
///         allow_truncated) or corrupt input, a NaN or infinite value, a metric name in two
///         inputs (policy reject) or with units that disagree, or when no input holds any metric;
///         resource_error when a file cannot be read.
[[nodiscard]] stats_report compute_stats(std::span<const std::string> paths,
                                         const stats_options& options = {});

}  // namespace metron::analysis
