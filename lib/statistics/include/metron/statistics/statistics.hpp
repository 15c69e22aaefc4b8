// Descriptive statistics: exact summaries of whole samples and a bounded-memory streaming summary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace metron::analysis {

/// A confidence interval. Both bounds are NaN when it cannot be computed (fewer than 2 values,
/// or a streaming summary).
struct interval {
  double low = 0;    ///< lower bound
  double high = 0;   ///< upper bound
  double level = 0;  ///< confidence level, e.g. 0.95
};

/// How summarize() works.
struct summary_options {
  double confidence = 0.95;                ///< level of the intervals, in (0, 1)
  /// Resamples of the mean's bootstrap interval (1000 suffice for a percentile interval: Efron
  /// and Tibshirani, *An Introduction to the Bootstrap*, 1993, §19.3); 0 skips both intervals.
  std::size_t bootstrap_resamples = 1000;
  std::uint64_t seed = 0x6d6574726f6eULL;  ///< seed of the resampling: same seed, same intervals
  /// Resamples hold at most this many values, which bounds the cost. For a larger sample n the
  /// resamples of m values are drawn from the whole sample (the m-out-of-n bootstrap) and the
  /// interval's distances from the sample's own estimate are scaled by sqrt(m / n), as the mean
  /// varies as 1 / sqrt(size). 0 means resamples as large as the sample.
  std::size_t bootstrap_max_values = 10000;
};

/// The summary of a sample. Fields that need more values than the sample has are NaN:
/// every field is NaN (and counts 0) for an empty sample; with one value, mean, min, max, median,
/// the quantiles and mode are that value while stddev, cv and the intervals are NaN and MAD is 0.
struct summary {
  std::size_t n = 0;  ///< number of values
  double mean = 0;    ///< arithmetic mean
  double stddev = 0;  ///< sample standard deviation (divisor n - 1)
  double min = 0;     ///< smallest value
  double max = 0;     ///< largest value
  double median = 0;  ///< 50th percentile
  double mad = 0;     ///< median absolute deviation from the median, unscaled
  double p90 = 0;     ///< 90th percentile
  double p99 = 0;     ///< 99th percentile
  double p999 = 0;    ///< 99.9th percentile
  double cv = 0;      ///< coefficient of variation, stddev / mean (a fraction; NaN if mean is 0)
  std::size_t mild_outliers = 0;    ///< Tukey: beyond 1.5 IQR from the quartiles but within 3 IQR
  std::size_t severe_outliers = 0;  ///< Tukey: beyond 3 IQR from the quartiles
  /// Distribution-free interval of the median from order statistics (exact coverage for any
  /// continuous distribution; its level is below the one asked for only when the sample is too
  /// small to reach it, e.g. 93.75 % with 5 values at 95 %).
  interval median_ci;
  interval mean_ci;  ///< percentile bootstrap interval of the mean
  /// Sarle's bimodality coefficient (g² + 1) / (k + 3(n-1)² / ((n-2)(n-3))) with the
  /// bias-corrected skewness g and excess kurtosis k; NaN below 4 values. Reported for
  /// information: heavy right tails raise it too, so `bimodal` does not rest on it.
  double bimodality_coefficient = 0;
  /// Whether the sample has two or more modes (see find_modes()).
  bool bimodal = false;
  /// The modes found, highest density first; one for a unimodal sample, none for an empty one.
  std::vector<double> modes;
  /// True when the quantiles, MAD, outlier counts and modes come from a histogram
  /// (streaming_summary) rather than the exact sample.
  bool approximate = false;
};

/// Summarises `values`. Quantiles are exact, by linear interpolation between order statistics
/// (Hyndman and Fan's type 7, the default of R and numpy). Cost: a sorted copy, O(n log n), plus
/// bootstrap_resamples × min(n, bootstrap_max_values) draws of a xoshiro256** generator for the
/// mean's interval. Any thread.
/// @throws input_error for a non-finite value (naming its index) or bad options.
[[nodiscard]] summary summarize(std::span<const double> values,
                                const summary_options& options = {});

/// The type-7 quantile `p` (in [0, 1]) of `sorted`, which must be sorted ascending; NaN when
/// empty. @throws input_error when p is outside [0, 1].
[[nodiscard]] double quantile_sorted(std::span<const double> sorted, double p);

/// How modes are looked for.
struct mode_options {
  /// The density is evaluated at evenly spaced points, eight per bandwidth, and at most this
  /// many: a small sample's wide kernel needs far fewer than a large sample's narrow one.
  std::size_t grid_points = 512;
  /// A peak counts as a mode when its density is at least this fraction of the highest peak …
  double min_relative_height = 0.1;
  /// … and the lowest density between it and a higher mode is at most this fraction of its own.
  double max_valley_ratio = 0.8;
};

/// Finds the modes of a sample from a Gaussian kernel density estimate.
///
/// Bandwidth by Silverman's rule, h = 0.9 · min(s, IQR / 1.349) · n^(-1/5) (s the sample standard
/// deviation; s alone when the IQR is 0). The values are binned linearly onto the grid, which
/// spans the 0.5th to 99.5th percentile widened by 3 h on either side (so that a few far outliers
/// do not squeeze the bulk into a few grid points), and the density is the binned counts
/// convolved with the kernel. Local maxima that pass the height and valley tests of `options` are
/// the modes, highest first; a mode is located to within h/16 or the grid's spacing. Cost
/// O(n + grid_points²). `weights` (empty, or one per value) lets a histogram stand in for a
/// sample.
/// @returns the modes; empty for an empty sample, the single value when all values are equal.
[[nodiscard]] std::vector<double> find_modes(std::span<const double> values,
                                             std::span<const double> weights = {},
                                             const mode_options& options = {});

/// How a streaming summary buckets values.
struct streaming_options {
  /// Number of mantissa bits each power-of-two range is divided by: 7 gives 128 buckets per
  /// octave and a relative error of at most 2^-(bits+1) = 0.39 % for quantiles. 1 … 10.
  unsigned mantissa_bits = 7;
};

/// A summary of a stream of values in bounded memory.
///
/// Moments (n, mean, stddev, cv, bimodality coefficient) are exact up to rounding, kept by
/// Boost.Accumulators as power sums of the values less the first value seen (which keeps the
/// digits of a small spread about a large mean); min and max are exact. Quantiles, MAD, outlier
/// counts and modes come from a log-bucketed histogram: each quantile is within a relative
/// 2^-(mantissa_bits+1) of the sample's order statistic of rank ⌈p·n⌉ (0.39 % by default), and the
/// result says `approximate`. Intervals are NaN. Memory: one 8-byte count per bucket between the
/// smallest and largest magnitude seen, at most 2 × 2048 × 2^mantissa_bits buckets (about 2 MiB for
/// 7 bits with values spanning every double exponent; 40 KiB for durations from 1 ns to 1 s). One
/// thread at a time per object.
class streaming_summary {
 public:
  /// @throws input_error when mantissa_bits is outside 1 … 10.
  explicit streaming_summary(const streaming_options& options = {});
  ~streaming_summary();
  /// Takes over `other`'s state; `other` may then only be destroyed or assigned to.
  streaming_summary(streaming_summary&& other) noexcept;
  /// Takes over `other`'s state; `other` may then only be destroyed or assigned to.
  streaming_summary& operator=(streaming_summary&& other) noexcept;
  streaming_summary(const streaming_summary&) = delete;
  streaming_summary& operator=(const streaming_summary&) = delete;

  /// Adds one value; a NaN or infinity is not added but counted in rejected(). A few ns; it
  /// allocates only when a value falls outside the bucket range seen so far.
  void add(double value);
  /// Adds every value of `values`, as add() does for each.
  void add(std::span<const double> values);
  /// Adds what `other` has seen, as if its values had been added here. Both must have the same
  /// mantissa_bits (@throws input_error otherwise).
  void merge(const streaming_summary& other);
  /// Values added (rejected ones not included).
  [[nodiscard]] std::uint64_t count() const noexcept;
  /// NaNs and infinities passed to add().
  [[nodiscard]] std::uint64_t rejected() const noexcept;
  /// The summary so far, `approximate` set; same conventions for empty and one-value samples as
  /// summarize(). Cost proportional to the number of buckets.
  [[nodiscard]] summary result(const mode_options& modes = {}) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace metron::analysis
