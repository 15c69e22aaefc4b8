// Change points in a metric's history: E-divisive means with windows, weak points and permutation tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace metron::analysis {

/// How detect_change_points() works.
struct change_point_options {
  /// Length of the sliding windows the series is searched in (half a window apart), as Hunter
  /// does; 0 searches the whole series at once (plain E-divisive, O(n²) per permutation).
  std::size_t window = 50;
  /// A change point is reported as strong when its permutation p-value is at most this …
  double alpha = 0.001;
  /// … and as weak when it is at most this but above `alpha`. Candidates are first gathered at
  /// this level, then pruned against their final neighbours. Must be ≥ alpha.
  double weak_alpha = 0.05;
  /// Strong points must also change the mean by at least this fraction (0.02 = 2 %); smaller
  /// ones are reported as weak.
  double min_magnitude = 0.0;
  /// Permutations per test of a point against its final neighbours; p-values are multiples of
  /// 1/(permutations + 1), so this must reach 1/alpha − 1 for any point to be strong.
  std::size_t permutations = 999;
  /// Permutations per test while searching the windows for candidates at weak_alpha.
  std::size_t search_permutations = 99;
  /// The fewest points a segment on either side of a change point may have (≥ 2).
  std::size_t min_segment = 3;
  /// Seed of the permutations: the same series, options and seed give the same answer.
  std::uint64_t seed = 0x6368616e6765ULL;
};

/// A change in a series: the mean of the values from `index` on differs from the mean before.
struct change_point {
  std::size_t index = 0;   ///< the first value after the change
  std::string commit;      ///< the commit of that value, when the caller gave commits
  double mean_before = 0;  ///< mean of the segment ending just before `index`
  double mean_after = 0;   ///< mean of the segment starting at `index`
  /// Relative change of the means, (mean_after − mean_before) / |mean_before|; NaN when
  /// mean_before is 0.
  double magnitude = 0;
  /// Permutation p-value of the energy statistic between the two neighbouring segments: from
  /// `permutations` permutations for a point significant at alpha, else from
  /// `search_permutations`.
  double p_value = 1;
  /// The energy statistic Q̂ (Matteson and James, α = 1) between those segments.
  double statistic = 0;
  bool weak = false;  ///< significant at weak_alpha only, or smaller than min_magnitude
};

/// Finds change points in `values` by E-divisive means (Matteson and James 2014, with exponent
/// α = 1): in each window, the split maximising the energy statistic Q̂ is kept when a seeded
/// permutation test finds it significant at weak_alpha, and both sides are searched again.
/// Windows overlap by half and a window restarts after the last point it found (Hunter's
/// variant). The candidates are then pruned: the least significant point against its current
/// neighbours is dropped, and its neighbours retested, until every point left passes
/// weak_alpha. The p-values and magnitudes reported are against the final neighbours.
///
/// `commits`, when not empty, names the commit of each value (same length as `values`).
/// Any thread; cost about O(n · w · log w) for windows of w, the permutation tests stopping as
/// soon as their outcome is settled.
/// @returns the change points ordered by index.
/// @throws input_error for a non-finite value (naming its index), `commits` of the wrong
///         length, or bad options (alpha outside (0, 1), weak_alpha < alpha, min_segment < 2,
///         no permutations in either phase, a window shorter than 2 · min_segment).
[[nodiscard]] std::vector<change_point> detect_change_points(
    std::span<const double> values, std::span<const std::string> commits = {},
    const change_point_options& options = {});

/// The energy statistic Q̂ of splitting `values` before `split` (Matteson and James, α = 1):
/// (τ(n−τ)/n) · (2/(τ(n−τ)) Σ|x−y| − Σ_{i<k}|x_i−x_k| / C(τ,2) − Σ_{j<l}|y_j−y_l| / C(n−τ,2)).
/// O(n log n). @throws input_error when either side has fewer than 2 values.
[[nodiscard]] double energy_statistic(std::span<const double> values, std::size_t split);

}  // namespace metron::analysis
