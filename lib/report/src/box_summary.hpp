// The box summary of a sample (quartiles, whiskers, counts), as the charts and JSON show it.
#pragma once

#include <cstddef>
#include <span>

namespace metron::report::detail {

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
