// Exact summaries of samples: moments, type-7 quantiles, MAD, Tukey outliers, bootstrap intervals.
#include "moments.hpp"

#include <metron/error.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/format.h>
#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/count.hpp>
#include <boost/accumulators/statistics/max.hpp>
#include <boost/accumulators/statistics/mean.hpp>
#include <boost/accumulators/statistics/min.hpp>
#include <boost/accumulators/statistics/stats.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace metron::analysis {

namespace {

namespace acc = boost::accumulators;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

void check_options(const summary_options& options) {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw input_error(
        fmt::format("confidence level {} is outside (0, 1); use e.g. 0.95", options.confidence));
  }
}

void check_finite(std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw input_error(
          fmt::format("value {} of the sample is {}; a sample must be finite", i, values[i]));
    }
  }
}

summary empty_summary() {
  summary result;
  for (double* field :
       {&result.mean, &result.stddev, &result.min, &result.max, &result.median, &result.mad,
        &result.p90, &result.p99, &result.p999, &result.cv, &result.bimodality_coefficient}) {
    *field = nan;
  }
  result.median_ci = {nan, nan, 0};
  result.mean_ci = {nan, nan, 0};
  return result;
}

/// A uniform index below `bound` from the top 53 bits of one draw. Unlike
/// std::uniform_int_distribution the mapping is the same on every standard library, so a seed
/// gives the same intervals everywhere.
std::size_t draw_index(std::mt19937_64& engine, std::size_t bound) {
  constexpr double to_unit = 0x1.0p-53;
  const double unit = static_cast<double>(engine() >> 11U) * to_unit;
  return std::min(bound - 1, static_cast<std::size_t>(unit * static_cast<double>(bound)));
}

double median_in_place(std::vector<double>& values) {
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) {
    return upper;
  }
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return lower + (upper - lower) / 2;
}

/// Percentile bootstrap of the median and the mean. Resamples have min(n, max_values) values;
/// when that is fewer than n (the m-out-of-n bootstrap), the interval's distances from the
/// sample's own estimate shrink by sqrt(m / n), since both statistics vary as 1 / sqrt(size).
void bootstrap(std::span<const double> sorted, double median, double mean,
               const summary_options& options, summary& result) {
  result.median_ci = {nan, nan, options.confidence};
  result.mean_ci = {nan, nan, options.confidence};
  const std::size_t n = sorted.size();
  if (n < 2 || options.bootstrap_resamples == 0) {
    return;
  }
  const std::size_t size =
      options.bootstrap_max_values == 0 ? n : std::min(n, options.bootstrap_max_values);
  std::mt19937_64 engine(options.seed);
  std::vector<double> resample(size);
  std::vector<double> medians(options.bootstrap_resamples);
  std::vector<double> means(options.bootstrap_resamples);
  for (std::size_t b = 0; b < options.bootstrap_resamples; ++b) {
    double sum = 0;
    for (double& value : resample) {
      value = sorted[draw_index(engine, n)];
      sum += value;
    }
    means[b] = sum / static_cast<double>(size);
    medians[b] = median_in_place(resample);
  }
  std::sort(medians.begin(), medians.end());
  std::sort(means.begin(), means.end());
  const double tail = (1 - options.confidence) / 2;
  const double shrink = std::sqrt(static_cast<double>(size) / static_cast<double>(n));
  const auto bounds = [&](const std::vector<double>& estimates, double centre) {
    const double low = quantile_sorted(estimates, tail);
    const double high = quantile_sorted(estimates, 1 - tail);
    return interval{centre - (centre - low) * shrink, centre + (high - centre) * shrink,
                    options.confidence};
  };
  result.median_ci = bounds(medians, median);
  result.mean_ci = bounds(means, mean);
}

}  // namespace

double quantile_sorted(std::span<const double> sorted, double p) {
  if (!(p >= 0 && p <= 1)) {
    throw input_error(fmt::format("quantile {} is outside [0, 1]", p));
  }
  if (sorted.empty()) {
    return nan;
  }
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  if (below + 1 >= sorted.size()) {
    return sorted.back();
  }
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

summary summarize(std::span<const double> values, const summary_options& options) {
  check_options(options);
  check_finite(values);
  if (values.empty()) {
    summary result = empty_summary();
    result.median_ci.level = options.confidence;
    result.mean_ci.level = options.confidence;
    return result;
  }

  acc::accumulator_set<double,
                       acc::stats<acc::tag::count, acc::tag::mean, acc::tag::min, acc::tag::max>>
      moments;
  for (const double value : values) {
    moments(value);
  }
  summary result;
  const std::size_t n = values.size();
  const double count = static_cast<double>(n);
  result.n = n;
  result.mean = acc::mean(moments);
  result.min = acc::min(moments);
  result.max = acc::max(moments);
  // Variance, skewness and kurtosis from a second pass about the mean: a one-pass update loses
  // digits for timings whose spread is small against their mean.
  detail::central_sums sums{count, 0, 0, 0};
  for (const double value : values) {
    const double d = value - result.mean;
    const double d2 = d * d;
    sums.m2 += d2;
    sums.m3 += d2 * d;
    sums.m4 += d2 * d2;
  }
  result.stddev = n < 2 ? nan : std::sqrt(sums.m2 / (count - 1));
  result.cv = (n < 2 || result.mean == 0) ? nan : result.stddev / result.mean;
  result.bimodality_coefficient = detail::bimodality_coefficient(sums);

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  result.median = quantile_sorted(sorted, 0.5);
  result.p90 = quantile_sorted(sorted, 0.9);
  result.p99 = quantile_sorted(sorted, 0.99);
  result.p999 = quantile_sorted(sorted, 0.999);

  std::vector<double> deviations(n);
  std::transform(sorted.begin(), sorted.end(), deviations.begin(),
                 [&](double value) { return std::abs(value - result.median); });
  std::sort(deviations.begin(), deviations.end());
  result.mad = quantile_sorted(deviations, 0.5);

  const double q1 = quantile_sorted(sorted, 0.25);
  const double q3 = quantile_sorted(sorted, 0.75);
  const double iqr = q3 - q1;
  for (const double value : sorted) {
    const double beyond = std::max(q1 - value, value - q3);
    if (beyond > 3 * iqr) {
      ++result.severe_outliers;
    } else if (beyond > 1.5 * iqr) {
      ++result.mild_outliers;
    }
  }

  bootstrap(sorted, result.median, result.mean, options, result);
  result.modes = find_modes(sorted);
  result.bimodal = result.modes.size() >= 2;
  return result;
}

}  // namespace metron::analysis
