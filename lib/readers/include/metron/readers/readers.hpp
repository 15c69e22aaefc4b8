// Readers of the post-processor's inputs: captures, Google Benchmark JSON and JSON-lines logs.
#pragma once

#include <metron/capture/capture.hpp>
#include <metron/readers/dataset.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The kinds of file the post-processor reads.
enum class input_format : std::uint8_t {
  capture,           ///< a metron capture (.mtr)
  google_benchmark,  ///< Google Benchmark's JSON output (--benchmark_out_format=json)
  log_lines,         ///< metron's JSON-lines log (specs/log-record.schema.json)
};

/// "capture", "google-benchmark" or "log".
[[nodiscard]] std::string_view to_string(input_format format) noexcept;

/// Tells the format of `path` by its content, not its name: the capture magic; a JSON document
/// whose first key is "context" or "benchmarks"; else a first line that is a JSON object with a
/// "timestamp" and a "namespace". Reads at most the first 64 KiB.
/// @throws input_error when the file is missing, not a regular file (a FIFO is refused without
///         waiting on it), empty or none of these; resource_error when it cannot be read.
[[nodiscard]] input_format detect_format(const std::string& path);

/// How logs are read.
struct log_read_options {
  /// Payload fields that carry an event's key, tried in order; the first present (a string or an
  /// integer) becomes event::key. Nested fields are named with dots ("block.hash").
  std::vector<std::string> key_fields = {"key", "id", "hash"};
  /// When not empty, the node of every event of the file instead of the record's host (for
  /// several processes logging on one host).
  std::string node;
};

/// Reads the file at `path`, whatever its format (detect_format()).
///
/// Any thread; reads the whole file into memory (a capture's per-call durations take 8 bytes
/// each — use stream_capture() for bounded memory).
/// @throws input_error naming the file and the place (line, byte offset, key) for a missing
///         required field, a truncated or corrupt file, a NaN or infinity, or a duplicate name;
///         resource_error when the file cannot be read.
[[nodiscard]] dataset read_input(const std::string& path, const log_read_options& log_options = {});

/// Reads every file of `paths` with read_input() and merges them in order into one dataset.
/// @param paths  the files, read and merged in this order
/// @param policy what a metric name found in two files does: refused, or its values pooled
/// @throws input_error as read_input() and merge() do.
[[nodiscard]] dataset read_inputs(const std::vector<std::string>& paths, duplicate_policy policy);

/// Reads a capture: brackets become per-call durations in ns per site, observable deltas samples
/// "<site>:<observable>", counter deltas and gauge values samples named after their site, and
/// event sites events (time since the Unix epoch when the metadata has "start_unix_ns").
/// A truncated capture yields what its complete chunks hold; metadata.extra["capture_problem"]
/// then says where reading stopped. Records the probes dropped are counted in
/// metadata.extra["dropped_records"] when there were any. Sites of one name and kind share one
/// metric (its origins name the first of them).
/// @throws input_error as read_capture() does, for a non-finite value (naming the site), a record
///         of a site the table lacks, a bracket ending before it begins, and one name on sites of
///         different kinds.
[[nodiscard]] dataset read_capture_file(const std::string& path);

/// Reads Google Benchmark JSON (json_schema_version 1) from a file.
/// @throws input_error as read_input() does.
[[nodiscard]] dataset read_google_benchmark(const std::string& path);

/// Reads Google Benchmark JSON from `text`, as every version since 1.0 writes it; `file` only
/// names it in origins and messages.
///
/// Iteration rows give one value per repetition; aggregate rows (mean, median, stddev, cv and
/// user statistics) go to dataset::aggregates, "_BigO" and "_RMS" rows to dataset::complexities,
/// rows with error_occurred or skipped to dataset::failures with their message. An aggregate is
/// told by its aggregate_name, or in files before Google Benchmark 1.5 (no run_type) by a name
/// ending in "_mean", "_median", "_stddev", "_cv", "_BigO" or "_RMS"; every other row is one
/// repetition of its run (numbered by repetition_index, else by its order). Only name, real_time
/// and cpu_time are required, as compare.py requires them: a row with neither time is counted in
/// metadata.extra["rows_without_times"], not read; time_unit defaults to ns. Times are converted
/// to ns; the context block becomes metadata. Unknown fields are ignored. A counter Google
/// Benchmark wrote as NaN or Infinity (not JSON, but what it writes) gives no value and is counted
/// in metadata.extra["non_finite_counters"]; a non-finite time is refused.
/// simdjson parses the text; a syntax error is located by the strict JSON reader of the logs.
/// @throws input_error naming the line, and the row and benchmark where there is one, for text
///         that is not JSON or not this schema, a row missing a required field, an unknown time
///         unit, a negative time (of a row or an aggregate) or count, a number out of range, a
///         string over 64 KiB (refused before parsing), a duplicate key, or two rows of the same
///         run and repetition.
[[nodiscard]] dataset parse_google_benchmark(std::string_view text, const std::string& file);

/// Reads a JSON-lines log from a file into events (dataset::metrics stays empty).
/// @throws input_error as read_input() does.
[[nodiscard]] dataset read_log(const std::string& path, const log_read_options& options = {});

/// Reads a JSON-lines log from `text`; `file` only names it. Blank lines are skipped; a last line
/// without its newline is read like the others.
/// @throws input_error "file:line: …" for a line that is not a JSON object, misses timestamp,
///         host or namespace, has a timestamp that is not ISO 8601 UTC, or a payload that is not an
///         object.
[[nodiscard]] dataset parse_log(std::string_view text, const std::string& file,
                                const log_read_options& options = {});

/// Calls `on_event` for every record of a JSON-lines log, one line in memory at a time.
/// @returns the number of records read.
/// @throws input_error as parse_log() does (records before the bad line have been delivered).
std::uint64_t for_each_log_event(const std::string& path, const log_read_options& options,
                                 const std::function<void(event&&)>& on_event);

/// Receives a capture's samples as they are read, for summaries in bounded memory.
class capture_sample_handler {
 public:
  virtual ~capture_sample_handler() = default;
  /// The capture's metadata, once, first.
  virtual void on_metadata(const run_metadata& metadata);
  /// A metric seen for the first time, numbered from 0 in order of appearance. `description`
  /// has every field but `values` filled in.
  virtual void on_metric(std::size_t index, const metric& description);
  /// Values of metric `index`, in record order; a chunk's worth at a time.
  virtual void on_values(std::size_t index, std::span<const double> values);
  /// An event site's record.
  virtual void on_event(event&& happening);
  /// The footer (per-thread record and drop counts), last, when the capture was stopped normally.
  virtual void on_footer(const capture_footer& footer);
};

/// Streams a capture through `handler` in bounded memory: the same metrics, values and events as
/// read_capture_file(), delivered chunk by chunk. Any thread; one call at a time per handler.
/// @returns how far reading got (see read_capture()).
/// @throws input_error as read_capture_file() does.
metron::read_status stream_capture(const std::string& path, capture_sample_handler& handler);

}  // namespace metron::analysis
