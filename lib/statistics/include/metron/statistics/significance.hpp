// Two-sample significance tests, shift estimates and false-discovery-rate control for comparisons.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace metron::analysis {

/// The alternative hypothesis of a two-sample test about samples `a` and `b`.
enum class alternative : std::uint8_t {
  two_sided,  ///< a and b differ in location
  less,       ///< a lies below b
  greater,    ///< a lies above b
};

/// The outcome of a significance test.
struct test_result {
  double statistic = 0;  ///< the test statistic: U of the first sample, or Welch's t
  double p_value = 1;    ///< the probability of a statistic at least as extreme under the null
  /// Welch's t: the Welch–Satterthwaite degrees of freedom; U test: NaN.
  double degrees_of_freedom = 0;
  /// U test: whether the p-value comes from the exact null distribution (true) or the normal
  /// approximation with tie and continuity corrections; Welch's t: false.
  bool exact = false;
};

/// The Mann–Whitney U test (Wilcoxon rank-sum) of `a` against `b`.
///
/// The statistic is U of `a`: its rank sum in the pooled sample (ties take mid-ranks) less
/// n_a(n_a+1)/2. The p-value is exact when either sample has at most 8 values and there are no
/// ties; otherwise it comes from the normal approximation with the tie-corrected variance and a
/// continuity correction of 1/2. These are the rules SciPy's `mannwhitneyu` applies by default,
/// so p-values agree with it (and with Google Benchmark's compare.py, which calls it).
/// Cost O((n_a + n_b) log(n_a + n_b)), plus O(min(n_a, n_b)² · max(n_a, n_b)) when exact.
/// @throws input_error when either sample is empty or holds a NaN or infinity.
[[nodiscard]] test_result mann_whitney_u(std::span<const double> a, std::span<const double> b,
                                         alternative hypothesis = alternative::two_sided);

/// Welch's unequal-variances t test of `a` against `b`: t = (mean_a − mean_b) / √(s²_a/n_a +
/// s²_b/n_b), p from Student's t with the Welch–Satterthwaite degrees of freedom.
/// When both variances are 0 the p-value is 1 for equal means and 0 otherwise.
/// @throws input_error when either sample has fewer than 2 values or holds a NaN or infinity.
[[nodiscard]] test_result welch_t(std::span<const double> a, std::span<const double> b,
                                  alternative hypothesis = alternative::two_sided);

/// A sample known only by its size, mean and standard deviation: what Google Benchmark's
/// aggregate rows report of its repetitions.
struct sample_moments {
  std::size_t n = 0;  ///< the number of values
  double mean = 0;    ///< their mean
  double stddev = 0;  ///< their sample standard deviation (n − 1 in the denominator)
};

/// The moments of `sample`; the standard deviation is NaN below 2 values. Pure; O(n).
[[nodiscard]] sample_moments moments_of(std::span<const double> sample);

/// Welch's t test of `a` against `b` from their moments, as welch_t() of the samples gives it.
/// @throws input_error when either has fewer than 2 values, or a moment is NaN, infinite or (the
///         standard deviation) negative.
[[nodiscard]] test_result welch_t(const sample_moments& a, const sample_moments& b,
                                  alternative hypothesis = alternative::two_sided);

/// Benjamini–Hochberg adjusted p-values, in the order of `p_values`: the smallest false discovery
/// rate at which each hypothesis would be rejected. Adjusted values are monotone in the raw ones
/// and never exceed 1. @throws input_error for a value outside [0, 1] or NaN.
[[nodiscard]] std::vector<double> benjamini_hochberg(std::span<const double> p_values);

/// A location shift with its confidence interval.
struct shift_estimate {
  double estimate = 0;  ///< the point estimate
  double low = 0;       ///< lower bound of the interval
  double high = 0;      ///< upper bound of the interval
  double level = 0;     ///< the interval's confidence level
};

/// The difference of means mean_b − mean_a with its Welch interval at `level`: ± Student's t
/// quantile at the Welch–Satterthwaite degrees of freedom times the standard error (a point
/// interval when both deviations are 0).
/// @throws input_error as welch_t() does, or when `level` is outside (0, 1).
[[nodiscard]] shift_estimate welch_interval(const sample_moments& a, const sample_moments& b,
                                            double level = 0.95);

/// The Hodges–Lehmann estimate of the shift from `a` to `b`: the median of all differences
/// b_j − a_i, with the distribution-free interval between the order statistics of those
/// differences that invert the U test at `level` (Hodges and Lehmann 1963; Bauer 1972): from the
/// exact null distribution of U when a sample has at most 8 values, as mann_whitney_u() uses it,
/// else from its normal approximation. When no pair of order statistics reaches `level` (too few
/// values), the bounds are −∞ and +∞.
/// Cost O(n_a · n_b · log(n_a · n_b)) time and O(n_a · n_b) memory.
/// @throws input_error when either sample is empty, holds a NaN or infinity, or `level` is
///         outside (0, 1).
[[nodiscard]] shift_estimate hodges_lehmann(std::span<const double> a, std::span<const double> b,
                                            double level = 0.95);

/// The Hodges–Lehmann estimate of the ratio of `b` to `a`: hodges_lehmann() of the logarithms,
/// exponentiated — the median of all ratios b_j / a_i, with its interval. For times, whose changes
/// are multiplicative, the interval is a ratio: asymmetric, and never below 0.
/// Cost as hodges_lehmann().
/// @throws input_error as hodges_lehmann() does, or when a value is not positive.
[[nodiscard]] shift_estimate hodges_lehmann_ratio(std::span<const double> a,
                                                  std::span<const double> b, double level = 0.95);

}  // namespace metron::analysis
