// The Wilcoxon signed-rank test, its Hodges–Lehmann interval, and verdicts on paired log-ratios.
#include <metron/compare/paired.hpp>
#include <metron/error.hpp>

#include <fmt/core.h>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string_view>
#include <vector>

namespace metron::analysis {

namespace {

/// Up to this many differences the signed-rank statistic's exact distribution is used (SciPy's
/// rule).
constexpr std::size_t exact_signed_rank_max = 50;

void require_finite(std::span<const double> d, std::string_view what) {
  if (d.empty()) {
    throw input_error(fmt::format("{}: no differences", what));
  }
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (!std::isfinite(d[i])) {
      throw input_error(fmt::format("{}: difference {} is {}", what, i, d[i]));
    }
  }
}

/// P(R⁺ = s) for s = 0 … n(n+1)/2 under the null: the number of subsets of {1 … n} summing to s,
/// over 2ⁿ. Counts stay exact in doubles up to n = 50 (2⁵⁰ < 2⁵³).
std::vector<double> signed_rank_distribution(std::size_t n) {
  const std::size_t top = n * (n + 1) / 2;
  std::vector<double> counts(top + 1, 0.0);
  counts[0] = 1.0;
  std::size_t reach = 0;
  for (std::size_t rank = 1; rank <= n; ++rank) {
    reach += rank;
    for (std::size_t s = reach; s >= rank; --s) {
      counts[s] += counts[s - rank];
    }
  }
  const double total = std::ldexp(1.0, static_cast<int>(n));
  for (double& count : counts) {
    count /= total;
  }
  return counts;
}

double standard_normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

test_result wilcoxon_signed_rank(std::span<const double> d, alternative hypothesis) {
  constexpr std::string_view test = "Wilcoxon signed-rank test";
  require_finite(d, test);
  std::vector<double> nonzero;
  for (const double value : d) {
    if (value != 0) {
      nonzero.push_back(value);
    }
  }
  if (nonzero.empty()) {
    throw input_error(fmt::format("{}: every difference is 0; there is nothing to rank", test));
  }
  const bool had_zeros = nonzero.size() != d.size();
  const std::size_t n = nonzero.size();

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(nonzero[a]) < std::abs(nonzero[b]);
  });
  double r_plus = 0;
  double r_minus = 0;
  double tie_term = 0;  // Σ (t³ − t) over groups of t tied absolute values
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && std::abs(nonzero[order[end]]) == std::abs(nonzero[order[start]])) {
      ++end;
    }
    const double mid_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t i = start; i < end; ++i) {
      (nonzero[order[i]] > 0 ? r_plus : r_minus) += mid_rank;
    }
    const auto tied = static_cast<double>(end - start);
    tie_term += tied * tied * tied - tied;
    start = end;
  }

  test_result result;
  result.statistic = hypothesis == alternative::two_sided ? std::min(r_plus, r_minus) : r_plus;
  result.degrees_of_freedom = std::numeric_limits<double>::quiet_NaN();
  const auto count = static_cast<double>(n);
  if (d.size() <= exact_signed_rank_max && !had_zeros && tie_term == 0) {
    result.exact = true;
    const std::vector<double> pmf = signed_rank_distribution(n);
    const auto observed = static_cast<std::size_t>(r_plus);
    const double at_most =
        std::accumulate(pmf.begin(), pmf.begin() + static_cast<std::ptrdiff_t>(observed) + 1, 0.0);
    const double at_least =
        std::accumulate(pmf.begin() + static_cast<std::ptrdiff_t>(observed), pmf.end(), 0.0);
    if (hypothesis == alternative::greater) {
      result.p_value = at_least;
    } else if (hypothesis == alternative::less) {
      result.p_value = at_most;
    } else {
      result.p_value = observed == (pmf.size() - 1) / 2 ? 1.0 : 2.0 * std::min(at_most, at_least);
    }
    result.p_value = std::clamp(result.p_value, 0.0, 1.0);
    return result;
  }
  const double mean = count * (count + 1.0) / 4.0;
  const double variance = (count * (count + 1.0) * (2.0 * count + 1.0) - tie_term / 2.0) / 24.0;
  const double z = (result.statistic - mean) / std::sqrt(variance);
  if (hypothesis == alternative::two_sided) {
    result.p_value = 2.0 * standard_normal_cdf(-std::abs(z));
  } else if (hypothesis == alternative::greater) {
    result.p_value = standard_normal_cdf(-z);
  } else {
    result.p_value = standard_normal_cdf(z);
  }
  result.p_value = std::clamp(result.p_value, 0.0, 1.0);
  return result;
}

shift_estimate signed_rank_interval(std::span<const double> d, double level) {
  constexpr std::string_view what = "signed-rank interval";
  require_finite(d, what);
  if (!(level > 0 && level < 1)) {
    throw input_error(fmt::format("{}: confidence level {} is outside (0, 1)", what, level));
  }
  const std::size_t n = d.size();
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      walsh.push_back((d[i] + d[j]) / 2.0);
    }
  }
  std::sort(walsh.begin(), walsh.end());
  const std::size_t pairs = walsh.size();

  shift_estimate result;
  result.estimate =
      pairs % 2 == 1 ? walsh[pairs / 2] : (walsh[pairs / 2 - 1] + walsh[pairs / 2]) / 2.0;
  const double tail = (1.0 - level) / 2.0;
  // k: how many Walsh averages to cut from each end; −1 when not even the whole range reaches
  // the level.
  std::ptrdiff_t cut = -1;
  double lower_tail_at_cut = 0;
  if (n <= exact_signed_rank_max) {
    const std::vector<double> pmf = signed_rank_distribution(n);
    double cumulative = 0;
    for (std::size_t k = 0; k < pmf.size() && cumulative + pmf[k] <= tail; ++k) {
      cumulative += pmf[k];
      cut = static_cast<std::ptrdiff_t>(k);
      lower_tail_at_cut = cumulative;
    }
  } else {
    const auto count = static_cast<double>(n);
    const double mean = count * (count + 1.0) / 4.0;
    const double sd = std::sqrt(count * (count + 1.0) * (2.0 * count + 1.0) / 24.0);
    // P(R⁺ ≤ k) ≈ Φ((k + ½ − mean) / sd), with the continuity correction.
    cut = static_cast<std::ptrdiff_t>(std::floor(mean + standard_normal_quantile(tail) * sd - 0.5));
    lower_tail_at_cut = tail;
  }
  if (cut < 0) {
    result.low = walsh.front();
    result.high = walsh.back();
    // Only when every difference has the same sign does the whole range miss the centre.
    result.level = 1.0 - 2.0 * std::ldexp(1.0, -static_cast<int>(n));
    return result;
  }
  const auto k = static_cast<std::size_t>(cut);
  // R⁺(μ) counts the Walsh averages above μ; the test keeps μ while k < R⁺(μ) < N − k.
  result.low = walsh[k];
  result.high = walsh[pairs - k - 1];
  result.level = 1.0 - 2.0 * lower_tail_at_cut;
  return result;
}

std::string_view to_string(paired_verdict verdict) noexcept {
  switch (verdict) {
    case paired_verdict::improved: return "improved";
    case paired_verdict::unchanged: return "unchanged";
    case paired_verdict::regressed: return "regressed";
    case paired_verdict::inconclusive: break;
  }
  return "inconclusive";
}

paired_comparison compare_paired(std::span<const double> baseline,
                                 std::span<const double> candidate, const paired_options& options) {
  if (baseline.size() != candidate.size()) {
    throw input_error(fmt::format("paired comparison: {} baseline values but {} candidate values",
                                  baseline.size(), candidate.size()));
  }
  if (baseline.empty()) {
    throw input_error("paired comparison: no pairs");
  }
  if (!(options.tolerance >= 0) || !(options.alpha > 0 && options.alpha < 1)) {
    throw input_error(
        fmt::format("paired comparison: tolerance {} must be ≥ 0 and alpha {} in (0, 1)",
                    options.tolerance, options.alpha));
  }
  paired_comparison result;
  for (std::size_t i = 0; i < baseline.size(); ++i) {
    if (!(std::isfinite(baseline[i]) && baseline[i] > 0 && std::isfinite(candidate[i]) &&
          candidate[i] > 0)) {
      throw input_error(
          fmt::format("paired comparison: pair {} is ({}, {}); ratios need finite positive values",
                      i, baseline[i], candidate[i]));
    }
    result.log_ratios.push_back(std::log(candidate[i] / baseline[i]));
  }
  const bool all_equal = std::all_of(result.log_ratios.begin(), result.log_ratios.end(),
                                     [](double r) { return r == 0; });
  if (all_equal) {
    result.test.p_value = 1.0;
    result.test.degrees_of_freedom = std::numeric_limits<double>::quiet_NaN();
  } else {
    result.test = wilcoxon_signed_rank(result.log_ratios);
  }
  const shift_estimate log_shift = signed_rank_interval(result.log_ratios, 1.0 - options.alpha);
  result.ratio = {std::exp(log_shift.estimate), std::exp(log_shift.low), std::exp(log_shift.high),
                  log_shift.level};

  // Worse means larger for durations, smaller for throughputs; judged on log scale so that
  // ±tolerance is symmetric in the ratio's direction of harm.
  const double worse_bound = std::log1p(options.tolerance);
  const double better_bound = -std::log1p(options.tolerance);
  const double sign = options.lower_is_better ? 1.0 : -1.0;
  const double low = sign > 0 ? log_shift.low : -log_shift.high;
  const double high = sign > 0 ? log_shift.high : -log_shift.low;
  const bool significant = result.test.p_value <= options.alpha;
  if (significant && low > worse_bound) {
    result.verdict = paired_verdict::regressed;
  } else if (significant && high < better_bound) {
    result.verdict = paired_verdict::improved;
  } else if (low >= better_bound && high <= worse_bound) {
    result.verdict = paired_verdict::unchanged;
  } else {
    result.verdict = paired_verdict::inconclusive;
  }
  return result;
}

}  // namespace metron::analysis
