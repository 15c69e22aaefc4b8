// The box summary of a sample (quartiles, whiskers, counts), as the charts and JSON show it.
#include "box_summary.hpp"

#include <metron/statistics/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

namespace metron::report::detail {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

box_summary box_of(std::span<const double> values) {
  std::vector<double> sorted;
  sorted.reserve(values.size());
  for (const double value : values) {
    if (std::isfinite(value)) {
      sorted.push_back(value);
    }
  }
  box_summary box;
  box.n = sorted.size();
  box.non_finite = values.size() - sorted.size();
  if (sorted.empty()) {
    box.min = box.q1 = box.median = box.q3 = box.max = not_a_number;
    box.low_whisker = box.high_whisker = not_a_number;
    return box;
  }
  std::sort(sorted.begin(), sorted.end());
  box.min = sorted.front();
  box.max = sorted.back();
  box.q1 = analysis::quantile_sorted(sorted, 0.25);
  box.median = analysis::quantile_sorted(sorted, 0.5);
  box.q3 = analysis::quantile_sorted(sorted, 0.75);
  const double reach = 1.5 * (box.q3 - box.q1);
  box.low_whisker = *std::lower_bound(sorted.begin(), sorted.end(), box.q1 - reach);
  box.high_whisker = *std::prev(std::upper_bound(sorted.begin(), sorted.end(), box.q3 + reach));
  return box;
}

}  // namespace metron::report::detail
