// Exact summaries of samples: moments, type-7 quantiles, MAD, Tukey outliers, intervals of the
// median (order statistics) and the mean (bootstrap).
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
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

namespace acc = boost::accumulators;

using detail::nan;

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

/// xoshiro256** (Blackman and Vigna), seeded by splitmix64: a few cycles a draw, against tens for
/// a Mersenne twister, and the same stream on every standard library for a given seed.
class resampling_generator {
 public:
  explicit resampling_generator(std::uint64_t seed) {
    for (std::uint64_t& word : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t mixed = seed;
      mixed = (mixed ^ (mixed >> 30U)) * 0xbf58476d1ce4e5b9ULL;
      mixed = (mixed ^ (mixed >> 27U)) * 0x94d049bb133111ebULL;
      word = mixed ^ (mixed >> 31U);
    }
  }

  /// 64 random bits.
  std::uint64_t next() {
    const std::uint64_t result = rotate(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17U;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotate(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotate(std::uint64_t x, unsigned k) { return (x << k) | (x >> (64U - k)); }

  std::array<std::uint64_t, 4> state_{};
};

/// A uniform index below `bound` < 2^32 from 32 random bits, by Lemire's multiply-shift (bias
/// below bound / 2^32).
std::size_t index_below(std::uint64_t bits32, std::size_t bound) {
  return static_cast<std::size_t>((bits32 * bound) >> 32U);
}

/// Fills `indices` with one resample's indices, uniform below `n`: 32-bit indices by
/// multiply-shift, two a 64-bit draw, while the sample has fewer than 2^32 values.
void draw_indices(resampling_generator& generator, std::size_t n, std::span<std::size_t> indices) {
  const bool small = n <= std::size_t{0xffffffffU};
  std::size_t i = 0;
  for (; small && i + 1 < indices.size(); i += 2) {
    const std::uint64_t bits = generator.next();
    indices[i] = index_below(bits >> 32U, n);
    indices[i + 1] = index_below(bits & 0xffffffffU, n);
  }
  for (; i < indices.size(); ++i) {
    const std::uint64_t bits = generator.next();
    indices[i] = small ? index_below(bits >> 32U, n) : static_cast<std::size_t>(bits % n);
  }
}

/// The mean of `sample`'s values at `indices`, added into two partial sums so that the additions
/// do not wait on each other.
double mean_at(std::span<const double> sample, std::span<const std::size_t> indices) {
  double even = 0;
  double odd = 0;
  std::size_t i = 0;
  for (; i + 1 < indices.size(); i += 2) {
    even += sample[indices[i]];
    odd += sample[indices[i + 1]];
  }
  if (i < indices.size()) {
    even += sample[indices[i]];
  }
  return (even + odd) / static_cast<double>(indices.size());
}

/// The eight sums Σ_i values[i] · weights[8 i + k], k = 0 … 7, each added in order of i, into
/// `sums[0 … 8)`. Eight running sums stay in registers while the weights stream past, where one
/// sum at a time would load and store each as often as there are values.
void eight_weighted_sums(const double* values, std::size_t count, const double* weights,
                                double* sums) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (std::size_t i = 0; i < count; ++i, weights += 8) {
    const double value = values[i];
    s0 += value * weights[0];
    s1 += value * weights[1];
    s2 += value * weights[2];
    s3 += value * weights[3];
    s4 += value * weights[4];
    s5 += value * weights[5];
    s6 += value * weights[6];
    s7 += value * weights[7];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
  sums[4] = s4;
  sums[5] = s5;
  sums[6] = s6;
  sums[7] = s7;
}

/// How often each of a sample's `n` values is drawn into each of `resamples` resamples of `size`
/// values, drawn one resample after the other from a generator seeded with `seed`. Every sample
/// of one size gets the same draws from one seed, so a run of many samples of that size (a
/// benchmark file's metrics) draws them once: the table of the last such call is kept per thread
/// while it holds at most max_shared counts. With it a sample's resample means are weighted sums
/// that vector instructions add eight resamples at a time, rather than a gather of one value per
/// draw.
class resample_counts {
 public:
  static constexpr std::size_t max_shared = std::size_t{1} << 19U;

  static const resample_counts& shared(std::uint64_t seed, std::size_t n, std::size_t size,
                                       std::size_t resamples) {
    thread_local resample_counts last;
    if (last.seed_ != seed || last.n_ != n || last.size_ != size || last.resamples_ != resamples) {
      last = resample_counts(seed, n, size, resamples);
    }
    return last;
  }

  /// The mean of each resample of `sorted` (the sample these counts were drawn for), in `means`.
  void means_of(std::span<const double> sorted, std::vector<double>& means) const {
    std::array<double, 8> sums{};
    for (std::size_t block = 0; block * 8 < resamples_; ++block) {
      eight_weighted_sums(sorted.data(), n_, table_.data() + block * 8 * n_, sums.data());
      for (std::size_t k = 0; k < 8 && block * 8 + k < resamples_; ++k) {
        means[block * 8 + k] = sums[k] / static_cast<double>(size_);
      }
    }
  }

 private:
  resample_counts() = default;
  /// The count of value i in resample r is at [(r / 8) · 8 n + 8 i + r % 8]: the counts of eight
  /// resamples side by side, value after value; the last block is padded with zero counts.
  resample_counts(std::uint64_t seed, std::size_t n, std::size_t size, std::size_t resamples)
      : seed_(seed), n_(n), size_(size), resamples_(resamples),
        table_((resamples + 7) / 8 * 8 * n, 0.0) {
    resampling_generator generator(seed);
    std::vector<std::size_t> indices(size);
    for (std::size_t r = 0; r < resamples; ++r) {
      draw_indices(generator, n, indices);
      for (const std::size_t index : indices) {
        table_[r / 8 * 8 * n + 8 * index + r % 8] += 1;
      }
    }
  }

  std::uint64_t seed_ = 0;
  std::size_t n_ = 0;
  std::size_t size_ = 0;
  std::size_t resamples_ = 0;
  std::vector<double> table_;
};

/// The type-7 quantiles `low_p` <= `high_p` of `values` by selection (O(n)), reordering them: the
/// high one first, then the low one among the values not above it.
std::pair<double, double> quantiles_selected(std::vector<double>& values, double low_p,
                                             double high_p) {
  const double last = static_cast<double>(values.size() - 1);
  const auto at = [&](std::size_t index) {
    return values.begin() + static_cast<std::ptrdiff_t>(index);
  };
  const double high_position = high_p * last;
  const auto high_below = static_cast<std::size_t>(high_position);
  std::nth_element(values.begin(), at(high_below), values.end());
  double high = *at(high_below);
  if (high_below + 1 < values.size()) {
    const double next = *std::min_element(at(high_below + 1), values.end());
    high += (high_position - static_cast<double>(high_below)) * (next - high);
  }
  const double low_position = low_p * last;
  const auto low_below = static_cast<std::size_t>(low_position);
  std::nth_element(values.begin(), at(low_below), at(high_below + 1));
  double low = *at(low_below);
  if (low_below + 1 < values.size()) {
    // Everything past the high quantile's place is at least as large as what lies before it.
    const double next = low_below < high_below
                            ? *std::min_element(at(low_below + 1), at(high_below + 1))
                            : *std::min_element(at(low_below + 1), values.end());
    low += (low_position - static_cast<double>(low_below)) * (next - low);
  }
  return {low, high};
}

/// The z with P(Z > z) = `tail` for a standard normal Z, by bisection on erfc.
double normal_upper_quantile(double tail) {
  double low = 0;
  double high = 40;
  for (int step = 0; step < 100; ++step) {
    const double middle = (low + high) / 2;
    (0.5 * std::erfc(middle / std::sqrt(2.0)) > tail ? low : high) = middle;
  }
  return (low + high) / 2;
}

/// The distribution-free interval of the median from order statistics: [x(k), x(n+1-k)] with
/// the largest k whose coverage 1 - 2 P(B <= k - 1), B ~ Binomial(n, 1/2), reaches the level.
/// Exact for any continuous distribution, and no resampling. When no k does (n <= 5 at 95 %),
/// the interval is [min, max] and its level says the coverage it has. Above 10 000 values the
/// binomial's normal approximation chooses k.
interval median_interval(std::span<const double> sorted, double confidence) {
  const std::size_t n = sorted.size();
  const double count = static_cast<double>(n);
  const double tail = (1 - confidence) / 2;
  std::size_t k = 1;
  double below = std::pow(0.5, count);  // P(B <= k - 1)
  if (n > 10000) {
    const double lower = std::floor((count - normal_upper_quantile(tail) * std::sqrt(count)) / 2);
    k = static_cast<std::size_t>(std::max(1.0, lower));
    below = tail;
  } else {
    double log_term = -count * std::log(2.0);  // log P(B = k - 1)
    while (k < (n + 1) / 2) {
      log_term += std::log((count - static_cast<double>(k - 1)) / static_cast<double>(k));
      const double next = below + std::exp(log_term);  // P(B <= k)
      if (next > tail) {
        break;
      }
      below = next;
      ++k;
    }
  }
  const double coverage = 1 - 2 * below;
  return {sorted[k - 1], sorted[n - k], coverage >= confidence ? confidence : coverage};
}

/// Percentile bootstrap of the mean. Resamples have min(n, max_values) values; when that is fewer
/// than n (the m-out-of-n bootstrap), the interval's distances from the sample's own estimate
/// shrink by sqrt(m / n), since the mean varies as 1 / sqrt(size).
interval mean_interval(std::span<const double> sorted, double mean,
                       const summary_options& options) {
  const std::size_t n = sorted.size();
  const std::size_t size =
      options.bootstrap_max_values == 0 ? n : std::min(n, options.bootstrap_max_values);
  std::vector<double> means(options.bootstrap_resamples);
  if (n * means.size() <= resample_counts::max_shared) {
    resample_counts::shared(options.seed, n, size, means.size()).means_of(sorted, means);
  } else {
    resampling_generator generator(options.seed);
    std::vector<std::size_t> indices(size);
    for (double& resampled : means) {
      draw_indices(generator, n, indices);
      resampled = mean_at(sorted, indices);
    }
  }
  const double tail = (1 - options.confidence) / 2;
  const double shrink = std::sqrt(static_cast<double>(size) / static_cast<double>(n));
  const auto [low, high] = quantiles_selected(means, tail, 1 - tail);
  return {mean - (mean - low) * shrink, mean + (high - mean) * shrink, options.confidence};
}

/// The intervals of the median (order statistics) and the mean (bootstrap); NaN below 2 values
/// or with no resamples asked for.
void intervals(std::span<const double> sorted, double mean, const summary_options& options,
               summary& result) {
  result.median_ci = {nan, nan, options.confidence};
  result.mean_ci = {nan, nan, options.confidence};
  if (sorted.size() < 2 || options.bootstrap_resamples == 0) {
    return;
  }
  result.median_ci = median_interval(sorted, options.confidence);
  result.mean_ci = mean_interval(sorted, mean, options);
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

  intervals(sorted, result.mean, options, result);
  result.modes = find_modes(sorted);
  result.bimodal = result.modes.size() >= 2;
  return result;
}

}  // namespace metron::analysis
