// Reading `metron stats --json` output back as one run, for the comparator.
#pragma once

#include <metron/readers/dataset.hpp>

#include <string>

namespace metron::analysis::detail {

/// Whether the file at `path` opens like `metron stats --json` output. Reads 256 bytes.
[[nodiscard]] bool is_stats_json(const std::string& path);

/// Reads `metron stats --json` output (specs/stats.schema.json): each metric with its name, unit
/// and direction, and as its values the replicates the summary kept (Google Benchmark's
/// repetitions), else its median as the one value of this run; the metadata block.
/// @throws input_error naming the file and the metric for a missing or mistyped field.
[[nodiscard]] dataset read_stats_json(const std::string& path);

}  // namespace metron::analysis::detail
