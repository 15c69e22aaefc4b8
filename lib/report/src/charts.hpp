// Inline SVG charts of the HTML report: distributions, box plots, changes, trends, resources, fits.
#pragma once

#include <metron/report/report.hpp>

#include <cstddef>
#include <span>
#include <string>

namespace metron::report::detail {

/// A histogram of the candidate's finite samples with the baseline's overlaid on the same bins,
/// as counts normalised to each side's share; `bins` bins over both sides' range. O(n).
[[nodiscard]] std::string histogram_chart(const report_row& row, std::size_t bins);

/// Box plots of the baseline and the candidate side by side: quartiles, 1.5 IQR whiskers, and
/// the threshold as a line when the row has one.
[[nodiscard]] std::string box_chart(const report_row& row);

/// The relative change as a point with its interval, against the band of ± the tolerance.
[[nodiscard]] std::string change_chart(const analysis::comparison& change);

/// A metric's history: its values by run, at most `max_points` of them drawn (the extremes of
/// each stretch kept), change points as vertical lines labelled with their commits.
[[nodiscard]] std::string trend_chart(const history_trend& trend, std::size_t max_points);

/// The capture's CPU use (percent of one core) and resident set size over time, at most
/// `max_points` samples drawn.
[[nodiscard]] std::string resource_chart(std::span<const resource_sample> samples,
                                         std::size_t max_points);

/// A family's mean times by size on a log₂ axis, with the best fitting curve drawn through them.
[[nodiscard]] std::string complexity_chart(const analysis::family_complexity& family);

}  // namespace metron::report::detail
