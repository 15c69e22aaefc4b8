// Shape statistics from central moments, shared by the exact and the streaming summaries.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace metron::analysis::detail {

/// What a statistic is when the sample cannot give it.
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// Central moment sums of a sample: Σ(x-mean)^k for k = 2, 3, 4.
struct central_sums {
  double count = 0;
  double m2 = 0;
  double m3 = 0;
  double m4 = 0;
};

/// Sarle's bimodality coefficient from the bias-corrected skewness and excess kurtosis (as scipy's
/// skew and kurtosis with bias=False); NaN below 4 values or without spread.
inline double bimodality_coefficient(const central_sums& sums) {
  const double n = sums.count;
  if (n < 4 || !(sums.m2 > 0)) {
    return nan;
  }
  const double variance = sums.m2 / n;
  const double g1 = (sums.m3 / n) / std::pow(variance, 1.5);
  const double g2 = (sums.m4 / n) / (variance * variance) - 3.0;
  const double skewness = g1 * std::sqrt(n * (n - 1)) / (n - 2);
  const double kurtosis = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3));
  return (skewness * skewness + 1) / (kurtosis + 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3)));
}

}  // namespace metron::analysis::detail
