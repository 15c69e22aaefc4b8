// Paired comparisons: the Wilcoxon signed-rank test, its shift interval, and paired log-ratio verdicts.
#pragma once

#include <metron/statistics/significance.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The Wilcoxon signed-rank test of whether the differences `d` are centred on 0.
///
/// Zero differences are dropped (SciPy's zero_method "wilcox"); the rest are ranked by absolute
/// value (ties take mid-ranks). The statistic is, as in SciPy, min(R⁺, R⁻) for the two-sided test
/// and R⁺ otherwise. The p-value is exact when there are at most 50 differences, no zeros and no
/// tied absolute values; otherwise it comes from the normal approximation with the tie-corrected
/// variance and no continuity correction (SciPy's defaults). `greater` means d lies above 0.
/// Cost O(n log n), plus O(n³) once for the exact distribution.
/// @throws input_error when `d` is empty, every difference is 0, or a value is NaN or infinite.
[[nodiscard]] test_result wilcoxon_signed_rank(std::span<const double> d,
                                               alternative hypothesis = alternative::two_sided);

/// The Hodges–Lehmann estimate of the centre of `d` (the median of the Walsh averages
/// (d_i + d_j) / 2, i ≤ j) with the confidence interval that inverts the signed-rank test:
/// between the (k+1)-th smallest and (k+1)-th largest Walsh average, k the largest count with
/// P(R⁺ ≤ k) ≤ (1 − level) / 2 — from the exact distribution up to 50 values, else the normal
/// approximation. Zeros are kept. When n is too small for any k at this level the interval is
/// the whole range of Walsh averages and its `level` the confidence actually reached.
/// Cost O(n² log n) time, O(n²) memory.
/// @throws input_error when `d` is empty, holds a NaN or infinity, or `level` is outside (0, 1).
[[nodiscard]] shift_estimate signed_rank_interval(std::span<const double> d, double level = 0.95);

/// The verdict on a candidate against a baseline.
enum class paired_verdict : std::uint8_t {
  improved,      ///< significant, and the interval lies wholly beyond the tolerance, for the better
  unchanged,     ///< the interval lies wholly within ±tolerance
  regressed,     ///< significant, and the interval lies wholly beyond the tolerance, for the worse
  inconclusive,  ///< neither: too few rounds or too much noise to tell at this tolerance
};

/// "improved", "unchanged", "regressed" or "inconclusive".
[[nodiscard]] std::string_view to_string(paired_verdict verdict) noexcept;

/// How compare_paired() judges.
struct paired_options {
  double tolerance = 0.05;  ///< relative change that matters (0.05 = 5 %)
  double alpha = 0.05;      ///< significance level of the signed-rank test
  bool lower_is_better = true;  ///< durations: true; throughputs: false
};

/// The outcome of a paired comparison.
struct paired_comparison {
  std::vector<double> log_ratios;  ///< log(candidate_i / baseline_i), per pair
  test_result test;                ///< the signed-rank test of the log-ratios
  /// The candidate-to-baseline ratio: exp of the Hodges–Lehmann centre of the log-ratios, and
  /// the exponentiated interval at level 1 − alpha. 1.10 means 10 % larger.
  shift_estimate ratio;
  paired_verdict verdict = paired_verdict::inconclusive;  ///< what the test and the ratio say together
};

/// Compares pairs (baseline_i, candidate_i) measured together, by their log-ratios.
/// Any thread; cost that of signed_rank_interval().
/// @throws input_error when the spans differ in length, are empty, or hold a value that is not
///         finite and positive, or when tolerance is negative or alpha outside (0, 1).
[[nodiscard]] paired_comparison compare_paired(std::span<const double> baseline,
                                               std::span<const double> candidate,
                                               const paired_options& options = {});

}  // namespace metron::analysis
