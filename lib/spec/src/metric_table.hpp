// The metrics `metron stats` accumulates while it reads: by name, each exact or streaming.
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/spec/stats_report.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace metron::analysis::detail {

/// One metric being accumulated: its description, and either all its values or a streaming
/// summary of them.
struct metric_accumulator {
  metric description;                          ///< every field but `values`
  std::vector<double> values;                  ///< exact mode
  std::optional<streaming_summary> streaming;  ///< streaming mode
  std::vector<std::string> sources;            ///< inputs that contributed, each once
  /// Whether every value is one run's (a Google Benchmark repetition), not one call's or record's.
  bool per_run = false;
};

/// Metrics by name across all inputs, with the duplicate policy applied as they are opened.
class metric_table {
 public:
  explicit metric_table(const stats_options& options) : options_(options) {}

  /// The slot for `description.name` as input `source` (streamed or not) sees it: a new metric,
  /// or an existing one of the same input, or (policy pool) of another input. `per_run` says
  /// that each value of this input is one run's; the metric keeps its values as replicates only
  /// when every input's are.
  /// @throws input_error for a name already opened by another input under policy reject, or one
  ///         whose unit or direction differs.
  std::size_t open(const metric& description, const std::string& source, bool streamed,
                   bool per_run = false);

  /// Adds one finite value to the metric in `slot`.
  void add(std::size_t slot, double value) {
    metric_accumulator& target = metrics_[slot];
    if (target.streaming) {
      target.streaming->add(value);
    } else {
      target.values.push_back(value);
    }
  }

  /// The summaries, in order of first appearance; empties the table.
  std::vector<metric_stats> finish();

  /// Number of metrics opened.
  [[nodiscard]] std::size_t size() const noexcept { return metrics_.size(); }

 private:
  const stats_options& options_;
  std::vector<metric_accumulator> metrics_;
  std::unordered_map<std::string, std::size_t> by_name_;
};

/// What read_capture_metrics() found besides the values.
struct capture_read {
  metron::read_status status;  ///< how far reading got
  std::uint64_t records = 0;   ///< records read, events and observable deltas included
  std::string metadata_json;   ///< the capture's metadata object
};

/// Reads the capture at `path` into `table`, each metric streamed or not as `streamed` says.
/// `on_progress(records, bytes)` is called after each chunk.
/// @throws input_error for a non-finite value (file, site and byte offset) or as read_capture().
capture_read read_capture_metrics(
    const std::string& path, metric_table& table, bool streamed,
    const std::function<void(std::uint64_t records, std::uint64_t bytes)>& on_progress);

}  // namespace metron::analysis::detail
