// The renderings of per-metric summaries (`metron stats`): a terminal table, or JSON.
#pragma once

#include <metron/spec/stats_report.hpp>

#include <ostream>

namespace metron::report {

/// Writes one line per input (its format, records, whether it was streamed, the damage it was
/// read up to), then an aligned table with one row per metric: n, mean, median, p90, p99, p99.9,
/// standard deviation, coefficient of variation, Tukey outliers (mild/severe) and the modes of a
/// bimodal metric, values in the metric's unit and "-" where a statistic does not exist;
/// quantiles from a histogram are marked '~', and a legend ends the table. Widths count code
/// points, so "µs" lines up. Any thread; linear in the metrics.
void write_stats_table(std::ostream& out, const analysis::stats_report& report);

/// Writes the report as one JSON document (specs/stats.schema.json), ending in a newline: what a
/// later comparison needs too (each metric's replicates). Statistics are given to 12 significant
/// digits; those that do not exist for the sample (NaN) are null. Any thread.
void write_stats_json(std::ostream& out, const analysis::stats_report& report);

}  // namespace metron::report
