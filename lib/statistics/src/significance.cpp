// The U test, Welch's t test, the Hodges–Lehmann shift and Benjamini–Hochberg adjustment.
#include <metron/error.hpp>
#include <metron/statistics/significance.hpp>

#include <fmt/core.h>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

namespace metron::analysis {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// Samples smaller than this (either side) get the exact U distribution, as SciPy does.
constexpr std::size_t exact_u_max_size = 8;

void require_finite(std::span<const double> sample, std::string_view which, std::size_t minimum,
                    std::string_view test) {
  if (sample.size() < minimum) {
    throw input_error(fmt::format("{}: sample {} has {} value(s); it needs at least {}", test,
                                  which, sample.size(), minimum));
  }
  for (std::size_t i = 0; i < sample.size(); ++i) {
    if (!std::isfinite(sample[i])) {
      throw input_error(fmt::format("{}: sample {} value {} is {}", test, which, i, sample[i]));
    }
  }
}

/// The standard error of the difference of two means and its Welch–Satterthwaite degrees of
/// freedom (NaN when the standard error is 0).
struct welch_terms {
  double standard_error = 0;
  double degrees_of_freedom = 0;
};

welch_terms welch_terms_of(const sample_moments& a, const sample_moments& b,
                           std::string_view test) {
  for (const auto& [which, sample] : {std::pair{"a", &a}, std::pair{"b", &b}}) {
    if (sample->n < 2) {
      throw input_error(fmt::format("{}: sample {} has {} value(s); it needs at least 2", test,
                                    which, sample->n));
    }
    if (!std::isfinite(sample->mean) || !std::isfinite(sample->stddev) || sample->stddev < 0) {
      throw input_error(fmt::format("{}: sample {} has mean {} and standard deviation {}", test,
                                    which, sample->mean, sample->stddev));
    }
  }
  const double share_a = a.stddev * a.stddev / static_cast<double>(a.n);
  const double share_b = b.stddev * b.stddev / static_cast<double>(b.n);
  welch_terms terms;
  terms.standard_error = std::sqrt(share_a + share_b);
  terms.degrees_of_freedom = terms.standard_error == 0
                                 ? not_a_number
                                 : (share_a + share_b) * (share_a + share_b) /
                                       (share_a * share_a / static_cast<double>(a.n - 1) +
                                        share_b * share_b / static_cast<double>(b.n - 1));
  return terms;
}

/// Upper tail of the standard normal distribution, P(Z > z).
double normal_upper_tail(double z) noexcept { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

/// The rank sum of the first `first_size` values of `pooled` (ties take mid-ranks), and the
/// tie term Σ(t³ − t) over groups of t tied values.
struct rank_sums {
  double first = 0;
  double tie_term = 0;
};

rank_sums rank_first(std::span<const double> a, std::span<const double> b) {
  std::vector<std::pair<double, bool>> pooled;  // value, from a
  pooled.reserve(a.size() + b.size());
  for (const double value : a) {
    pooled.emplace_back(value, true);
  }
  for (const double value : b) {
    pooled.emplace_back(value, false);
  }
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& left, const auto& right) { return left.first < right.first; });
  rank_sums sums;
  std::size_t start = 0;
  while (start < pooled.size()) {
    std::size_t end = start + 1;
    while (end < pooled.size() && pooled[end].first == pooled[start].first) {
      ++end;
    }
    // Ranks start + 1 … end share their mean.
    const double mid_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
    for (std::size_t i = start; i < end; ++i) {
      if (pooled[i].second) {
        sums.first += mid_rank;
      }
    }
    const auto tied = static_cast<double>(end - start);
    sums.tie_term += tied * tied * tied - tied;
    start = end;
  }
  return sums;
}

/// The number of arrangements giving each U from 0 to m·n, for samples of m and n values
/// without ties: the coefficients of the Gaussian binomial [m+n choose m] in q. Built as
/// ∏_{i=1..m} (1 − q^(n+i)) / (1 − q^i), each step leaving [n+i choose i]; in doubles, since the
/// counts outgrow 64 bits long before the sizes this is used for do.
std::vector<double> u_distribution(std::size_t m, std::size_t n) {
  if (m > n) {
    std::swap(m, n);
  }
  std::vector<double> counts(m * n + 1, 0.0);
  counts[0] = 1.0;
  std::size_t degree = 0;
  for (std::size_t i = 1; i <= m; ++i) {
    const std::size_t grow = n + i;
    degree += n;
    // Multiply by (1 − q^grow), then divide by (1 − q^i): a running sum with stride i.
    for (std::size_t k = std::min(degree + i, counts.size() - 1); k >= grow; --k) {
      counts[k] -= counts[k - grow];
    }
    for (std::size_t k = i; k <= degree; ++k) {
      counts[k] += counts[k - i];
    }
    // The quotient ends at degree i·n; what the product left above it divides away to zero.
    for (std::size_t k = degree + 1; k < std::min(degree + i + 1, counts.size()); ++k) {
      counts[k] = 0;
    }
  }
  return counts;
}

/// P(U ≥ u) under the null, exactly.
double exact_upper_tail(const std::vector<double>& counts, double u) {
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const auto first = static_cast<std::size_t>(std::max(0.0, std::ceil(u)));
  double tail = 0;
  for (std::size_t k = first; k < counts.size(); ++k) {
    tail += counts[k];
  }
  return tail / total;
}

}  // namespace

test_result mann_whitney_u(std::span<const double> a, std::span<const double> b,
                           alternative hypothesis) {
  constexpr std::string_view test = "Mann-Whitney U test";
  require_finite(a, "a", 1, test);
  require_finite(b, "b", 1, test);
  const auto n_a = static_cast<double>(a.size());
  const auto n_b = static_cast<double>(b.size());
  const rank_sums sums = rank_first(a, b);
  const double u_a = sums.first - n_a * (n_a + 1.0) / 2.0;
  const double u_b = n_a * n_b - u_a;

  // The statistic whose upper tail is the p-value: a's U for "greater", b's for "less".
  double u_tail = u_a;
  if (hypothesis == alternative::two_sided) {
    u_tail = std::max(u_a, u_b);
  } else if (hypothesis == alternative::less) {
    u_tail = u_b;
  }
  const double sides = hypothesis == alternative::two_sided ? 2.0 : 1.0;

  test_result result;
  result.statistic = u_a;
  result.degrees_of_freedom = not_a_number;
  const bool small = a.size() <= exact_u_max_size || b.size() <= exact_u_max_size;
  if (small && sums.tie_term == 0) {
    result.exact = true;
    result.p_value =
        std::min(1.0, sides * exact_upper_tail(u_distribution(a.size(), b.size()), u_tail));
    return result;
  }
  const double n = n_a + n_b;
  const double variance = n_a * n_b / 12.0 * ((n + 1.0) - sums.tie_term / (n * (n - 1.0)));
  if (variance <= 0) {
    // Every value is the same: nothing distinguishes the samples.
    result.p_value = 1.0;
    return result;
  }
  const double z = (u_tail - n_a * n_b / 2.0 - 0.5) / std::sqrt(variance);
  result.p_value = std::clamp(sides * normal_upper_tail(z), 0.0, 1.0);
  return result;
}

sample_moments moments_of(std::span<const double> sample) {
  const auto n = static_cast<double>(sample.size());
  const double mean = std::accumulate(sample.begin(), sample.end(), 0.0) / n;
  double squares = 0;
  for (const double value : sample) {
    squares += (value - mean) * (value - mean);
  }
  return {sample.size(), mean, sample.size() >= 2 ? std::sqrt(squares / (n - 1.0)) : not_a_number};
}

test_result welch_t(std::span<const double> a, std::span<const double> b, alternative hypothesis) {
  constexpr std::string_view test = "Welch's t test";
  require_finite(a, "a", 2, test);
  require_finite(b, "b", 2, test);
  return welch_t(moments_of(a), moments_of(b), hypothesis);
}

test_result welch_t(const sample_moments& a, const sample_moments& b, alternative hypothesis) {
  const welch_terms terms = welch_terms_of(a, b, "Welch's t test");
  const double difference = a.mean - b.mean;
  test_result result;
  if (terms.standard_error == 0) {
    result.statistic = difference == 0  ? 0.0
                       : difference > 0 ? std::numeric_limits<double>::infinity()
                                        : -std::numeric_limits<double>::infinity();
    result.degrees_of_freedom = not_a_number;
    const bool supports = hypothesis == alternative::two_sided ? difference != 0
                          : hypothesis == alternative::greater ? difference > 0
                                                               : difference < 0;
    result.p_value = supports ? 0.0 : 1.0;
    return result;
  }
  result.statistic = difference / terms.standard_error;
  result.degrees_of_freedom = terms.degrees_of_freedom;
  const boost::math::students_t distribution(result.degrees_of_freedom);
  const double t = result.statistic;
  switch (hypothesis) {
    case alternative::two_sided:
      result.p_value = 2.0 * boost::math::cdf(boost::math::complement(distribution, std::abs(t)));
      break;
    case alternative::greater:
      result.p_value = boost::math::cdf(boost::math::complement(distribution, t));
      break;
    case alternative::less: result.p_value = boost::math::cdf(distribution, t); break;
  }
  result.p_value = std::clamp(result.p_value, 0.0, 1.0);
  return result;
}

shift_estimate welch_interval(const sample_moments& a, const sample_moments& b, double level) {
  if (!(level > 0 && level < 1)) {
    throw input_error(fmt::format("Welch interval: level {} is outside (0, 1)", level));
  }
  const welch_terms terms = welch_terms_of(a, b, "Welch interval");
  const double difference = b.mean - a.mean;
  double half_width = 0;
  if (terms.standard_error > 0) {
    const boost::math::students_t distribution(terms.degrees_of_freedom);
    half_width = boost::math::quantile(distribution, 0.5 + level / 2.0) * terms.standard_error;
  }
  return {difference, difference - half_width, difference + half_width, level};
}

std::vector<double> benjamini_hochberg(std::span<const double> p_values) {
  for (std::size_t i = 0; i < p_values.size(); ++i) {
    if (!(p_values[i] >= 0.0 && p_values[i] <= 1.0)) {
      throw input_error(
          fmt::format("Benjamini-Hochberg adjustment: p-value {} is {}; p-values lie in [0, 1]", i,
                      p_values[i]));
    }
  }
  const std::size_t count = p_values.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t left, std::size_t right) { return p_values[left] < p_values[right]; });
  std::vector<double> adjusted(count);
  // From the largest p down, each adjusted value is the smallest m/rank · p at or above it.
  double running = 1.0;
  for (std::size_t position = count; position-- > 0;) {
    const std::size_t index = order[position];
    const double scaled =
        p_values[index] * static_cast<double>(count) / static_cast<double>(position + 1);
    running = std::min(running, scaled);
    adjusted[index] = running;
  }
  return adjusted;
}

shift_estimate hodges_lehmann(std::span<const double> a, std::span<const double> b, double level) {
  constexpr std::string_view test = "Hodges-Lehmann shift";
  require_finite(a, "a", 1, test);
  require_finite(b, "b", 1, test);
  if (!(level > 0.0 && level < 1.0)) {
    throw input_error(
        fmt::format("{}: confidence level {} is outside (0, 1), e.g. 0.95", test, level));
  }
  std::vector<double> differences;
  differences.reserve(a.size() * b.size());
  for (const double from : a) {
    for (const double to : b) {
      differences.push_back(to - from);
    }
  }
  std::sort(differences.begin(), differences.end());
  const std::size_t count = differences.size();
  shift_estimate shift;
  shift.level = level;
  shift.estimate = count % 2 == 1 ? differences[count / 2]
                                  : (differences[count / 2 - 1] + differences[count / 2]) / 2.0;
  // The interval runs from the k-th smallest to the k-th largest difference (k counted from 1),
  // k − 1 being the largest U whose lower tail holds at most (1 − level) / 2 (Bauer 1972): from the
  // exact null distribution where the U test uses it, else from its normal approximation.
  const double tail = (1.0 - level) / 2.0;
  double k = 0;
  if (a.size() <= exact_u_max_size || b.size() <= exact_u_max_size) {
    const std::vector<double> counts = u_distribution(a.size(), b.size());
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    double below = 0;
    while (k < static_cast<double>(counts.size()) &&
           below + counts[static_cast<std::size_t>(k)] <= tail * total) {
      below += counts[static_cast<std::size_t>(k)];
      ++k;
    }
  } else {
    const auto n_a = static_cast<double>(a.size());
    const auto n_b = static_cast<double>(b.size());
    const double z = boost::math::quantile(boost::math::normal(), 1.0 - tail);
    const double spread = std::sqrt(n_a * n_b * (n_a + n_b + 1.0) / 12.0);
    k = std::floor(static_cast<double>(count) / 2.0 - z * spread);
  }
  if (k < 1) {
    // No pair of order statistics covers the shift with this confidence: the data cannot bound it.
    shift.low = -std::numeric_limits<double>::infinity();
    shift.high = std::numeric_limits<double>::infinity();
    return shift;
  }
  const auto rank =
      static_cast<std::size_t>(std::min(k, std::ceil(static_cast<double>(count) / 2.0)));
  shift.low = differences[rank - 1];
  shift.high = differences[count - rank];
  return shift;
}

shift_estimate hodges_lehmann_ratio(std::span<const double> a, std::span<const double> b,
                                    double level) {
  constexpr std::string_view test = "Hodges-Lehmann ratio";
  require_finite(a, "a", 1, test);
  require_finite(b, "b", 1, test);
  const auto logarithms = [&](std::span<const double> sample, std::string_view which) {
    std::vector<double> logs;
    logs.reserve(sample.size());
    for (const double value : sample) {
      if (!(value > 0)) {
        throw input_error(fmt::format("{}: sample {} holds {}; a ratio needs positive values", test,
                                      which, value));
      }
      logs.push_back(std::log(value));
    }
    return logs;
  };
  const shift_estimate shift = hodges_lehmann(logarithms(a, "a"), logarithms(b, "b"), level);
  return {std::exp(shift.estimate), std::exp(shift.low), std::exp(shift.high), level};
}

}  // namespace metron::analysis
