// Renderings of a paired A/B run (`metron ab`): labelled lines, JSON and the progress line.
#pragma once

#include <metron/compare/ab.hpp>

#include <cstddef>
#include <ostream>
#include <string>

namespace metron::report {

/// Writes one labelled line each for the metric and its number of pairs, the baseline's and the
/// candidate's median of pairs in the metric's unit, the change with its interval and level, the
/// p-value of the signed-rank test (exact or normal approximation) and the verdict. Any thread.
void write_ab_text(std::ostream& out, const analysis::ab_result& result);

/// Writes one JSON object (two-space indentation, then '\n'): metric, unit, rounds, both sides'
/// values, the log-ratios, the ratio with its interval and level, the test's statistic and
/// p-value, the `judge` settings (tolerance, alpha) and the verdict. Any thread.
void write_ab_json(std::ostream& out, const analysis::ab_result& result,
                   const analysis::paired_options& judge);

/// The progress line after `done` of `total` runs, to be written to a terminal as it is: a
/// carriage return, "metron ab: run 3/10", and a newline once `done` reaches `total`.
[[nodiscard]] std::string ab_progress_text(std::size_t done, std::size_t total);

}  // namespace metron::report
