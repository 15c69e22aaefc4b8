// Renderings of the history (`metron history`): a run added, a metric's series, change points.
#pragma once

#include <metron/history/history.hpp>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace metron::report {

/// The line saying that a run was added to `store`, as in `results.sqlite: added run 4 (commit
/// 1a2b3c) with 12 metric(s)`.
void write_run_added(std::ostream& out, const std::string& store, std::int64_t run,
                     const std::string& commit, std::size_t metrics);

/// A metric's series as an aligned table for a terminal: a title line with the number of runs,
/// then one row per run (time, commit shortened to 12 characters, branch, machine, the value in
/// the metric's unit, samples). Any thread; linear in the points.
void write_series_table(std::ostream& out, const analysis::history_series& series);

/// A metric's series as one JSON object: `metric`, `unit` and `points` (run, commit, branch,
/// machine, time, value, samples), indented by two spaces and ended by '\n'.
void write_series_json(std::ostream& out, const analysis::history_series& series);

/// Change points as an aligned table for a terminal: one row per change (metric, commit, time,
/// the means before and after in the metric's unit, the relative change, the p-value, `weak`),
/// then a line counting the changes and the metrics searched.
void write_changes_table(std::ostream& out, const analysis::history_changes& changes);

/// Change points as one JSON object: `metrics` (how many were searched) and `changes` (metric,
/// unit, index, commit, time, mean_before, mean_after, magnitude (null when NaN),
/// p_value, weak), indented by two spaces and ended by '\n'.
void write_changes_json(std::ostream& out, const analysis::history_changes& changes);

}  // namespace metron::report
