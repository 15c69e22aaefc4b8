// Numbers, units, verdict explanations and escaping shared by the report's renderings.
#pragma once

#include <metron/report/report.hpp>
#include <metron/statistics/statistics.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace metron::report::detail {

/// A number with six significant digits, integers without a fraction; "∞", "−∞"; "–" for NaN.
[[nodiscard]] std::string format_number(double value);

/// A value with its unit: durations in ns scaled to the largest unit that keeps them ≥ 1
/// ("12.3 µs"), others as format_number() followed by the unit.
[[nodiscard]] std::string format_amount(double value, std::string_view unit);

/// A signed percentage of a fraction, "+12.50 %"; "–" for NaN.
[[nodiscard]] std::string format_percent(double fraction);

/// An interval of a relative change in percent, "[+1.00, +9.00] %"; "–" when unknown.
[[nodiscard]] std::string format_interval(const analysis::interval& range);

/// "≤ 5 ns" or "≥ 2000000 /s": the threshold and its direction; "–" without one.
[[nodiscard]] std::string threshold_text(const report_row& row);

/// One sentence saying why the row is in its state: the breach, the regression, the doubt.
[[nodiscard]] std::string explanation(const report_row& row);

/// The first 12 characters of a commit.
[[nodiscard]] std::string short_commit(std::string_view commit);

/// Text with &, <, >, " and ' replaced by entities, and control characters other than tab and
/// line feed by U+FFFD: safe inside XML text and attribute values.
[[nodiscard]] std::string xml_escaped(std::string_view text);

/// A summary of the finite values of a sample: quartiles, whiskers and counts.
struct box_summary {
  std::size_t n = 0;           ///< finite values
  std::size_t non_finite = 0;  ///< infinite or NaN values left out
  double min = 0;
  double q1 = 0;
  double median = 0;
  double q3 = 0;
  double max = 0;
  double low_whisker = 0;   ///< smallest value within 1.5 IQR below q1
  double high_whisker = 0;  ///< largest value within 1.5 IQR above q3
};

/// The box summary of `values`; n is 0 (and the rest NaN) when no value is finite. O(n log n).
[[nodiscard]] box_summary box_of(std::span<const double> values);

}  // namespace metron::report::detail
