// The comparison of one metric's two samples: change, interval, test, verdict and power analysis.
#include <metron/compare/compare.hpp>
#include <metron/error.hpp>
#include <metron/statistics/significance.hpp>

#include <fmt/core.h>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <string_view>
#include <vector>

namespace metron::analysis {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// Above this many values a side is thinned for the Hodges–Lehmann interval, whose cost is the
/// product of the sizes: 2000 × 2000 differences take 32 MB and a fraction of a second.
constexpr std::size_t hodges_lehmann_max_values = 2000;

double median_of(std::vector<double>& values) {
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) {
    return upper;
  }
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2.0;
}

/// `count` evenly spaced order statistics of `values` (all of them when there are fewer).
std::vector<double> thinned(std::span<const double> values, std::size_t count) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  if (sorted.size() <= count) {
    return sorted;
  }
  std::vector<double> kept;
  kept.reserve(count);
  const double step = static_cast<double>(sorted.size() - 1) / static_cast<double>(count - 1);
  for (std::size_t i = 0; i < count; ++i) {
    kept.push_back(sorted[static_cast<std::size_t>(std::lround(step * static_cast<double>(i)))]);
  }
  return kept;
}

/// The bootstrap distribution of the relative change of medians, resampling each side with
/// replacement; seeded, so the same inputs give the same distribution.
std::vector<double> bootstrap_changes(std::span<const double> baseline,
                                      std::span<const double> candidate,
                                      const compare_options& options) {
  std::mt19937_64 generator(options.seed);
  std::uniform_int_distribution<std::size_t> pick_baseline(0, baseline.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_candidate(0, candidate.size() - 1);
  std::vector<double> resample_baseline(baseline.size());
  std::vector<double> resample_candidate(candidate.size());
  std::vector<double> changes;
  changes.reserve(options.bootstrap_resamples);
  for (std::size_t r = 0; r < options.bootstrap_resamples; ++r) {
    for (double& value : resample_baseline) {
      value = baseline[pick_baseline(generator)];
    }
    for (double& value : resample_candidate) {
      value = candidate[pick_candidate(generator)];
    }
    const double base = median_of(resample_baseline);
    if (base != 0) {
      changes.push_back(median_of(resample_candidate) / base - 1.0);
    }
  }
  std::sort(changes.begin(), changes.end());
  return changes;
}

/// The fraction of `sorted` at or beyond `threshold` on the side `hypothesis` names (greater:
/// values ≤ threshold count against "change > threshold"), as a bootstrap p-value with the
/// customary +1 in numerator and denominator.
double bootstrap_tail(const std::vector<double>& sorted, double threshold, alternative hypothesis) {
  const auto total = static_cast<double>(sorted.size());
  const auto at_or_below = static_cast<double>(
      std::upper_bound(sorted.begin(), sorted.end(), threshold) - sorted.begin());
  const auto at_or_above =
      static_cast<double>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), threshold));
  const double below = (at_or_below + 1.0) / (total + 1.0);
  const double above = (at_or_above + 1.0) / (total + 1.0);
  switch (hypothesis) {
    case alternative::greater: return std::min(1.0, below);
    case alternative::less: return std::min(1.0, above);
    case alternative::two_sided: break;
  }
  return std::min(1.0, 2.0 * std::min(below, above));
}

/// How much more the estimates of a row vary than they would with independent values, from the
/// sides' sizes and effective sizes (comparison::effective_baseline, effective_candidate).
struct widening {
  /// The variance of the U statistic over its variance for independent values: the Hoeffding
  /// decomposition of U/mn makes it a mean of each side's ranks, whose variances inflate by the
  /// sides' mean_variance_inflation(). It widens the U test and the Hodges–Lehmann interval,
  /// which inverts it.
  double rank = 1;
  /// The variance of an estimate over the one its samples' spread suggests: the inflation above,
  /// and the sample variance's shortfall under positive dependence, E[s²] = σ²·(n − K)/(n − 1)
  /// with K the inflation. It widens the bootstrap and the detectable change.
  double spread = 1;
  double baseline_sd = 1;   ///< the factor on the baseline's standard deviation for Welch's test
  double candidate_sd = 1;  ///< the factor on the candidate's standard deviation
  /// The sides' effective sizes, whose freedom Welch's test has; NaN when independent.
  double baseline_effective = std::numeric_limits<double>::quiet_NaN();
  double candidate_effective = std::numeric_limits<double>::quiet_NaN();
};

widening widening_of(const comparison& row) {
  widening result;
  const auto m = static_cast<double>(row.baseline.n);
  const auto n = static_cast<double>(row.candidate.n);
  if (!(m >= 2 && n >= 2) || (row.effective_baseline >= m && row.effective_candidate >= n)) {
    return result;
  }
  const double inflation_m = m / row.effective_baseline;
  const double inflation_n = n / row.effective_candidate;
  const double shortfall_m = (m - inflation_m) / (m - 1.0);
  const double shortfall_n = (n - inflation_n) / (n - 1.0);
  result.rank = (inflation_m / m + inflation_n / n) / (1.0 / m + 1.0 / n);
  result.spread = (inflation_m / m + inflation_n / n) / (shortfall_m / m + shortfall_n / n);
  result.baseline_sd = std::sqrt(inflation_m / shortfall_m);
  result.candidate_sd = std::sqrt(inflation_n / shortfall_n);
  result.baseline_effective = row.effective_baseline;
  result.candidate_effective = row.effective_candidate;
  return result;
}

/// The Welch–Satterthwaite freedom of two variances of means, `share_a` and `share_b`, estimated
/// from `size_a` and `size_b` values (effective sizes for dependent ones), at least 1.
double welch_freedom(double share_a, double share_b, double size_a, double size_b) {
  constexpr double least = 1e-9;
  const double freedom =
      std::pow(share_a + share_b, 2) / (share_a * share_a / std::max(size_a - 1.0, least) +
                                        share_b * share_b / std::max(size_b - 1.0, least));
  return std::max(1.0, freedom);
}

/// Welch's t test of `a` against `b` (their standard deviations those of dependent values'
/// means, already inflated) at the freedom of their effective sizes; welch_t() itself when both
/// are NaN (independent values).
double welch_p(const sample_moments& a, const sample_moments& b, double effective_a,
               double effective_b, alternative hypothesis) {
  if (std::isnan(effective_a) && std::isnan(effective_b)) {
    return welch_t(a, b, hypothesis).p_value;
  }
  const double share_a = a.stddev * a.stddev / static_cast<double>(a.n);
  const double share_b = b.stddev * b.stddev / static_cast<double>(b.n);
  const double error = std::sqrt(share_a + share_b);
  const double difference = a.mean - b.mean;
  if (!(error > 0)) {
    return difference == 0 ? 1.0 : 0.0;
  }
  const boost::math::students_t student(welch_freedom(share_a, share_b, effective_a, effective_b));
  const double t = difference / error;
  switch (hypothesis) {
    case alternative::greater: return boost::math::cdf(boost::math::complement(student, t));
    case alternative::less: return boost::math::cdf(student, t);
    case alternative::two_sided: break;
  }
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(student, std::abs(t))));
}

/// `p` of a test whose statistic is asymptotically normal, as it would be with the statistic's
/// variance `inflation` times larger: the normal quantile of p divided by √inflation.
double widened_p(double p, double inflation, bool two_sided) {
  if (!(inflation > 1) || std::isnan(p)) {
    return p;
  }
  const double tail = two_sided ? p / 2.0 : p;
  if (tail <= 0 || tail >= 1) {
    return p;
  }
  const boost::math::normal standard;
  const double z = boost::math::quantile(boost::math::complement(standard, tail));
  const double widened =
      boost::math::cdf(boost::math::complement(standard, z / std::sqrt(inflation)));
  return std::min(1.0, two_sided ? 2.0 * widened : widened);
}

/// The level at which an interval for independent values is as wide as one at `level` for a
/// statistic whose variance is `inflation` times larger; just below 1 when that is beyond reach,
/// which leaves small samples' bounds infinite.
double widened_level(double level, double inflation) {
  if (!(inflation > 1)) {
    return level;
  }
  const boost::math::normal standard;
  const double z = boost::math::quantile(boost::math::complement(standard, (1.0 - level) / 2.0));
  const double outside =
      2.0 * boost::math::cdf(boost::math::complement(standard, z * std::sqrt(inflation)));
  constexpr double highest = 1.0 - 1e-12;
  return std::min(highest, 1.0 - outside);
}

/// `sample`'s moments with its standard deviation multiplied by `factor`.
sample_moments inflated(sample_moments sample, double factor) {
  sample.stddev *= factor;
  return sample;
}

/// The p-value of `test` for the alternative that the candidate, divided by 1 + margin, lies
/// `hypothesis` of the baseline: margin 0 tests no change, ± the tolerance the one-sided tests of
/// equivalence mode.
/// The p-value is widened by `wider` for dependent values (the rank test's and the bootstrap's by
/// their statistics' inflation, Welch's by each side's standard deviation).
double test_p(test_kind test, std::span<const double> baseline, std::span<const double> candidate,
              double margin, alternative hypothesis, const std::vector<double>& bootstrap,
              const widening& wider) {
  const bool two_sided = hypothesis == alternative::two_sided;
  if (test == test_kind::bootstrap) {
    return widened_p(bootstrap_tail(bootstrap, margin, hypothesis), wider.spread, two_sided);
  }
  std::vector<double> scaled(candidate.begin(), candidate.end());
  if (margin != 0) {
    for (double& value : scaled) {
      value /= 1.0 + margin;
    }
  }
  // The tests take (a, b) and "greater" means a above b: the candidate goes first.
  if (test == test_kind::welch) {
    if (wider.baseline_sd == 1 && wider.candidate_sd == 1) {
      return welch_t(scaled, baseline, hypothesis).p_value;
    }
    return welch_p(inflated(moments_of(scaled), wider.candidate_sd),
                   inflated(moments_of(baseline), wider.baseline_sd), wider.candidate_effective,
                   wider.baseline_effective, hypothesis);
  }
  return widened_p(mann_whitney_u(scaled, baseline, hypothesis).p_value, wider.rank, two_sided);
}

/// The smallest two-sided p-value a rank test can give for samples of these sizes: 2 / C(m+n, m).
double smallest_rank_p(std::size_t m, std::size_t n) {
  double arrangements = 1;
  for (std::size_t i = 1; i <= std::min(m, n); ++i) {
    arrangements =
        arrangements * static_cast<double>(m + n - std::min(m, n) + i) / static_cast<double>(i);
  }
  return std::min(1.0, 2.0 / arrangements);
}

/// The smallest two-sided p-value mann_whitney_u() gives samples of m and n values, those of two
/// samples wholly apart: exact when a sample has at most 8 values, as the test is, else from the
/// normal approximation with its continuity correction.
double smallest_u_p(std::size_t m, std::size_t n) {
  constexpr std::size_t exact_u_max_size = 8;
  if (std::min(m, n) <= exact_u_max_size) {
    return smallest_rank_p(m, n);
  }
  const auto a = static_cast<double>(m);
  const auto b = static_cast<double>(n);
  const double z = (a * b / 2.0 - 0.5) / std::sqrt(a * b * (a + b + 1.0) / 12.0);
  return std::min(1.0, std::erfc(z / std::sqrt(2.0)));
}

/// The smallest p-value the row's test can give at its sample sizes (comparison::smallest_p), and
/// whether that is too large for a lone regression among `family` rows to survive the adjustment.
void assess_design(comparison& row, const compare_options& options) {
  if (row.baseline.n < 2 || row.candidate.n < 2) {
    // One value a side is a design that cannot be tested; no value at all is missing data.
    row.smallest_p = not_a_number;
    row.blind = row.baseline.n > 0 && row.candidate.n > 0;
    return;
  }
  switch (row.test) {
    case test_kind::welch: row.smallest_p = 0; break;
    case test_kind::bootstrap:
      row.smallest_p =
          std::min(1.0, 2.0 / (static_cast<double>(options.bootstrap_resamples) + 1.0));
      break;
    case test_kind::mann_whitney:
      row.smallest_p = smallest_u_p(row.baseline.n, row.candidate.n);
      break;
  }
  // Dependent values reach no further than their effective number would.
  const widening wider = widening_of(row);
  row.smallest_p =
      widened_p(row.smallest_p, row.test == test_kind::bootstrap ? wider.spread : wider.rank, true);
  // A lone regression must reach alpha / family under Benjamini-Hochberg; in equivalence mode each
  // bound of the Bonferroni interval is a one-sided test at alpha / family, half the two-sided p.
  const double reach = (options.equivalence ? 2.0 : 1.0) * row.alpha /
                       static_cast<double>(std::max<std::size_t>(options.family, 1));
  row.blind = !(row.smallest_p < reach);
}

/// Whether no outcome of the row's test could be significant at its alpha: too few values.
bool too_small(const comparison& row) {
  if (row.baseline.n < 2 || row.candidate.n < 2) {
    return true;
  }
  if (row.test == test_kind::welch) {
    return false;
  }
  return smallest_rank_p(row.baseline.n, row.candidate.n) >= row.alpha ||
         !(row.smallest_p < row.alpha);
}

/// A relative change turned so that positive means worse; as it is for an unknown direction,
/// which the verdict treats alike on both sides.
double worsening(double change, better direction) {
  return direction == better::higher ? -change : change;
}

/// The verdict of a change beyond the tolerance that is `worse` (else better), as `direction`
/// lets it be judged.
verdict beyond_tolerance(bool worse, better direction) {
  if (direction == better::unknown) {
    return verdict::changed;
  }
  return worse ? verdict::regressed : verdict::improved;
}

void check_options(const compare_options& options) {
  if (!(options.tolerance >= 0) || !std::isfinite(options.tolerance)) {
    throw input_error(
        fmt::format("tolerance {} is not a non-negative fraction", options.tolerance));
  }
  if (options.absolute_tolerance &&
      (!(*options.absolute_tolerance >= 0) || !std::isfinite(*options.absolute_tolerance))) {
    throw input_error(fmt::format("absolute tolerance {} is not a non-negative amount",
                                  *options.absolute_tolerance));
  }
  if (!(options.alpha > 0 && options.alpha < 0.5)) {
    throw input_error(fmt::format("alpha {} is outside (0, 0.5)", options.alpha));
  }
  if (options.family == 0) {
    throw input_error("a family of 0 rows; a row is judged among at least itself");
  }
  if (!(options.power > 0 && options.power < 1)) {
    throw input_error(fmt::format("power {} is outside (0, 1)", options.power));
  }
  if (options.bootstrap_resamples < 100) {
    throw input_error(fmt::format("{} bootstrap resamples; at least 100 are needed",
                                  options.bootstrap_resamples));
  }
}

/// What the comparison reports of a side's sample: summarize()'s fields without its bootstrap
/// intervals and modes (NaN and empty), which would cost more than the whole comparison.
summary describe(std::span<const double> values) {
  summary result;
  result.n = values.size();
  result.median_ci = {not_a_number, not_a_number, 0};
  result.mean_ci = result.median_ci;
  result.bimodality_coefficient = not_a_number;
  if (values.empty()) {
    result.mean = result.stddev = result.min = result.max = result.median = result.mad =
        result.p90 = result.p99 = result.p999 = result.cv = not_a_number;
    return result;
  }
  for (const double value : values) {
    if (!std::isfinite(value)) {
      throw input_error(fmt::format("a sample holds {}; compare finite values only", value));
    }
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const auto count = static_cast<double>(sorted.size());
  double sum = 0;
  for (const double value : sorted) {
    sum += value;
  }
  result.mean = sum / count;
  double squares = 0;
  for (const double value : sorted) {
    squares += (value - result.mean) * (value - result.mean);
  }
  result.stddev = sorted.size() < 2 ? not_a_number : std::sqrt(squares / (count - 1));
  result.cv = result.mean == 0 ? not_a_number : result.stddev / result.mean;
  result.min = sorted.front();
  result.max = sorted.back();
  result.median = quantile_sorted(sorted, 0.5);
  result.p90 = quantile_sorted(sorted, 0.9);
  result.p99 = quantile_sorted(sorted, 0.99);
  result.p999 = quantile_sorted(sorted, 0.999);
  const double q1 = quantile_sorted(sorted, 0.25);
  const double q3 = quantile_sorted(sorted, 0.75);
  std::vector<double> deviations;
  deviations.reserve(sorted.size());
  for (const double value : sorted) {
    deviations.push_back(std::abs(value - result.median));
    const double beyond = std::max(q1 - value, value - q3);
    if (beyond > 3 * (q3 - q1)) {
      ++result.severe_outliers;
    } else if (beyond > 1.5 * (q3 - q1)) {
      ++result.mild_outliers;
    }
  }
  std::sort(deviations.begin(), deviations.end());
  result.mad = quantile_sorted(deviations, 0.5);
  return result;
}

bool all_positive(std::span<const double> values) {
  return std::all_of(values.begin(), values.end(), [](double value) { return value > 0; });
}

/// The ratio of the means of `after` and `before`, less one, with its interval at `level`: the
/// delta method's standard error of the log of the ratio, √(cv²_before/n_before +
/// cv²_after/n_after), with Student's t at the Welch–Satterthwaite degrees of freedom of those
/// terms — a ratio's interval, asymmetric and above −100 %. Both means positive, both n ≥ 2. The
/// freedom is that of the effective sizes when `wider` has them (dependent values).
interval ratio_of_means(const sample_moments& before, const sample_moments& after, double level,
                        const widening& wider) {
  const double share_before =
      std::pow(before.stddev / before.mean, 2) / static_cast<double>(before.n);
  const double share_after = std::pow(after.stddev / after.mean, 2) / static_cast<double>(after.n);
  const double log_ratio = std::log(after.mean / before.mean);
  const double error = std::sqrt(share_before + share_after);
  double half_width = 0;
  if (error > 0) {
    const bool dependent = !std::isnan(wider.baseline_effective);
    const double freedom =
        dependent ? welch_freedom(share_before, share_after, wider.baseline_effective,
                                  wider.candidate_effective)
                  : std::pow(share_before + share_after, 2) /
                        (share_before * share_before / static_cast<double>(before.n - 1) +
                         share_after * share_after / static_cast<double>(after.n - 1));
    half_width = boost::math::quantile(boost::math::students_t(freedom), 0.5 + level / 2.0) * error;
  }
  return {std::exp(log_ratio - half_width) - 1.0, std::exp(log_ratio + half_width) - 1.0, level};
}

/// The pooled coefficient of variation of two summaries, for the power analysis.
double pooled_cv(const summary& baseline, const summary& candidate) {
  const double cv_baseline = baseline.stddev / baseline.mean;
  const double cv_candidate = candidate.stddev / candidate.mean;
  return std::sqrt((cv_baseline * cv_baseline + cv_candidate * cv_candidate) / 2.0);
}

/// The effective number of independent values of a side of `n` values with `dependence`: n over
/// the variance inflation of their mean, runs being independent AR(1) stretches.
/// @throws input_error when the runs do not add up to n.
double effective_size(const serial_dependence& dependence, std::size_t n) {
  if (dependence.rho == 0 || n == 0) {
    return static_cast<double>(n);
  }
  if (!(dependence.rho > 0 && dependence.rho < 1)) {
    throw input_error(
        fmt::format("a lag-1 autocorrelation of {} is outside [0, 1)", dependence.rho));
  }
  std::size_t counted = 0;
  double spread = 0;  // 1ᵀΣ1: the variance of the sum of the values, over σ²
  for (const std::size_t run : dependence.runs) {
    counted += run;
    spread += static_cast<double>(run) * mean_variance_inflation(dependence.rho, run);
  }
  if (dependence.runs.empty()) {
    counted = n;
    spread = static_cast<double>(n) * mean_variance_inflation(dependence.rho, n);
  }
  if (counted != n) {
    throw input_error(
        fmt::format("the runs of a side hold {} values, but the side has {}", counted, n));
  }
  const auto count = static_cast<double>(n);
  return count * count / spread;
}

/// Widens the bootstrap interval of `row` around its estimate by `factor`: on the log scale when
/// the ratio is positive throughout, else additively.
void widen_around_estimate(comparison& row, double factor) {
  if (factor == 1) {
    return;
  }
  interval& range = row.change_interval;
  const double estimate = row.estimate;
  if (range.low > -1 && estimate > -1) {
    const double centre = std::log1p(estimate);
    range.low = std::expm1(centre + (std::log1p(range.low) - centre) * factor);
    range.high = std::expm1(centre + (std::log1p(range.high) - centre) * factor);
  } else {
    range.low = estimate + (range.low - estimate) * factor;
    range.high = estimate + (range.high - estimate) * factor;
  }
}

/// A row of `direction` with the options' settings and every estimate still NaN.
comparison new_row(better direction, const compare_options& options) {
  comparison row;
  row.direction = direction;
  row.test = options.test;
  row.alpha = options.alpha;
  row.equivalence = options.equivalence;
  row.method = options.interval.value_or(options.test == test_kind::bootstrap
                                             ? interval_method::bootstrap
                                             : interval_method::hodges_lehmann);
  // Equivalence mode decides regressed and improved from the interval alone, so it carries the
  // multiple-comparison control itself: Bonferroni over the row's family, each bound a one-sided
  // test at alpha / family.
  const double level = options.equivalence
                           ? 1.0 - 2.0 * options.alpha /
                                       static_cast<double>(std::max<std::size_t>(options.family, 1))
                           : 1.0 - options.alpha;
  row.change_interval = {not_a_number, not_a_number, level};
  row.change = not_a_number;
  row.estimate = not_a_number;
  row.p_value = not_a_number;
  row.p_adjusted = not_a_number;
  row.equivalence_p = not_a_number;
  row.detectable = not_a_number;
  row.tolerance = options.tolerance;
  return row;
}

/// Judges `row` on its p_value, and says what it could detect and, for an inconclusive one, what
/// would decide it.
void decide(comparison& row, const compare_options& options) {
  row.power = options.power;
  row.detectable = detectable_change(row, options.family, options.power);
  row.p_adjusted = row.p_value;
  row.result = judge(row);
  if (row.result != verdict::inconclusive) {
    return;
  }
  const double cv = pooled_cv(row.baseline, row.candidate);
  if (row.tolerance > 0 && std::isfinite(cv) && std::isfinite(row.estimate)) {
    // What is left to decide is whether the change lies beyond the tolerance: the difference
    // to resolve is the estimate's distance from it (the tolerance itself for no change),
    // floored at a tenth of the tolerance so a change sitting on it asks for a finite number.
    const double distance =
        std::max(std::abs(std::abs(row.estimate) - row.tolerance), row.tolerance / 10.0);
    row.repetitions_needed = repetitions_needed(cv, distance, row.alpha, options.power);
    row.reason = doubt::too_noisy;
    row.variation = cv;
    row.power = options.power;
  } else if (row.tolerance > 0) {
    // No variance to go by: the fewest values with which the test can reach alpha at all.
    row.repetitions_needed = repetitions_needed(0, row.tolerance, row.alpha, options.power);
    row.reason = doubt::no_variation;
  }
}

/// What the comparison reports of a side known by its moments: n, mean, standard deviation,
/// coefficient of variation and median; every other statistic NaN.
summary describe(const reported_sample& sample) {
  summary result = describe(std::span<const double>{});
  result.n = sample.moments.n;
  result.mean = sample.moments.mean;
  result.stddev = sample.moments.n >= 2 ? sample.moments.stddev : not_a_number;
  result.cv = result.mean == 0 ? not_a_number : result.stddev / result.mean;
  result.median = sample.median;
  return result;
}

/// `sample` divided by 1 + margin: the candidate of the one-sided tests of equivalence mode.
sample_moments scaled(const sample_moments& sample, double margin) {
  return {sample.n, sample.mean / (1.0 + margin), sample.stddev / (1.0 + margin)};
}

/// Benjamini–Hochberg over the rows of `rows` that are `informative` (or gate), each judged again
/// on its adjusted p.
void adjust_family(std::span<comparison> rows, bool informative) {
  std::vector<double> raw;
  std::vector<comparison*> tested;
  for (comparison& row : rows) {
    if (row.informative == informative && !std::isnan(row.p_value)) {
      raw.push_back(row.p_value);
      tested.push_back(&row);
    }
  }
  const std::vector<double> adjusted = benjamini_hochberg(raw);
  for (std::size_t i = 0; i < tested.size(); ++i) {
    tested[i]->p_adjusted = adjusted[i];
    const verdict before = tested[i]->result;
    tested[i]->result = judge(*tested[i]);
    if (before != verdict::inconclusive && tested[i]->result == verdict::inconclusive &&
        tested[i]->note.empty() && tested[i]->reason == doubt::none) {
      tested[i]->reason = doubt::lost_in_adjustment;
      tested[i]->adjusted_rows = tested.size();
    }
  }
}

}  // namespace

std::string_view to_string(verdict result) noexcept {
  switch (result) {
    case verdict::improved: return "improved";
    case verdict::unchanged: return "unchanged";
    case verdict::regressed: return "regressed";
    case verdict::changed: return "changed";
    case verdict::inconclusive: break;
  }
  return "inconclusive";
}

std::string_view to_string(interval_method method) noexcept {
  switch (method) {
    case interval_method::bootstrap: return "bootstrap";
    case interval_method::welch: return "welch";
    case interval_method::hodges_lehmann: break;
  }
  return "hodges-lehmann";
}

double detectable_change(const comparison& row, std::size_t family, double power) {
  if (family == 0 || !(power > 0 && power < 1)) {
    throw input_error(fmt::format(
        "detectable change: a family of {} rows and power {} are not in range", family, power));
  }
  if (row.blind) {
    return std::numeric_limits<double>::infinity();
  }
  const double cv = pooled_cv(row.baseline, row.candidate);
  if (row.baseline.n < 2 || row.candidate.n < 2 || !std::isfinite(cv)) {
    return not_a_number;
  }
  // The rank test's asymptotic efficiency against the t test on normal data is 3/π: its
  // estimate varies as the mean's would with that share of the values.
  const double efficiency = row.test == test_kind::mann_whitney ? 3.0 / std::acos(-1.0) : 1.0;
  // Dependent values vary more, and show less of it, than independent ones: the error widens by
  // the spread's inflation, and the freedom is that of the effective sizes.
  const double error = cv *
                       std::sqrt(1.0 / static_cast<double>(row.baseline.n) +
                                 1.0 / static_cast<double>(row.candidate.n)) *
                       std::sqrt(widening_of(row).spread / efficiency);
  // Student's t at m + n − 2 degrees of freedom: the variation is estimated, not known.
  const boost::math::students_t student(std::max(
      1.0, std::min(row.effective_baseline, static_cast<double>(row.baseline.n)) +
               std::min(row.effective_candidate, static_cast<double>(row.candidate.n)) - 2.0));
  const double reach = row.alpha / static_cast<double>(family);
  const double z_power = boost::math::quantile(student, power);
  const double margin = std::log1p(row.tolerance);
  double shift = 0;
  if (row.equivalence) {
    shift = margin + (boost::math::quantile(student, 1.0 - reach) + z_power) * error;
  } else {
    const double z_test = boost::math::quantile(student, 1.0 - reach / 2.0);
    shift = std::max((z_test + z_power) * error, margin + z_power * error);
  }
  return std::expm1(shift);
}

std::size_t repetitions_to_flag(double alpha, std::size_t family, double rho) {
  if (!(alpha > 0 && alpha < 1) || family == 0 || !(rho >= 0 && rho < 1)) {
    throw input_error(fmt::format(
        "repetitions to flag: alpha {} over {} rows at a lag-1 autocorrelation of {} is out of "
        "range",
        alpha, family, rho));
  }
  const double threshold = alpha / static_cast<double>(family);
  std::size_t needed = 2;
  // The inflation of one run's mean approaches (1 + ρ)/(1 − ρ) while the smallest p falls
  // exponentially, so the search ends.
  while (!(widened_p(smallest_u_p(needed, needed), mean_variance_inflation(rho, needed), true) <
           threshold)) {
    ++needed;
  }
  return needed;
}

double mean_variance_inflation(double rho, std::size_t n) {
  if (!(rho > -1 && rho < 1) || n == 0) {
    throw input_error(fmt::format(
        "variance inflation: a lag-1 autocorrelation of {} over {} values is out of range", rho,
        n));
  }
  const auto count = static_cast<double>(n);
  double sum = 0;
  double power = 1;
  for (std::size_t lag = 1; lag < n; ++lag) {
    power *= rho;
    sum += (1.0 - static_cast<double>(lag) / count) * power;
  }
  return 1.0 + 2.0 * sum;
}

namespace {

/// The expectations, for n demeaned values of a stationary AR(1) process of unit variance and
/// lag-1 autocorrelation rho, of the sum of their lag-1 products over that of their squares.
/// The covariance of demeaned values is Σᵢⱼ − rᵢ/n − rⱼ/n + S/n², with rᵢ the row sums of Σ
/// (ρ^|i−j|) and S their total.
double expected_lag_one(double rho, std::size_t n) {
  const auto count = static_cast<double>(n);
  std::vector<double> rows(n);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    rows[i] = rho == 0 ? 1.0
                       : (1.0 - std::pow(rho, static_cast<double>(i + 1))) / (1.0 - rho) +
                             (1.0 - std::pow(rho, static_cast<double>(n - i))) / (1.0 - rho) - 1.0;
    total += rows[i];
  }
  double lag_one = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    lag_one += rho - (rows[i] + rows[i + 1]) / count + total / (count * count);
  }
  return lag_one / (count - total / count);
}

/// The variance, for n demeaned independent normal values of unit variance, of their lag-1 sum
/// plus their lag-0 sum over n — whose mean is 0 for any exchangeable values, as the lag-1 sum's
/// is −(n − 1)/n times the variance. Both are quadratic forms of the values, x'Qx with
/// Q = N + C/n (N the lag-1 form, halves beside the diagonal, between centring projections C),
/// whose variance is 2·tr(Q²) = 2·(tr(N²) − (n − 1)/n²).
double null_lag_one_variance(std::size_t n) {
  const auto count = static_cast<double>(n);
  const auto lag_form = [](std::size_t i, std::size_t j) {
    return (i + 1 == j || j + 1 == i) ? 0.5 : 0.0;
  };
  const auto row_sum = [n](std::size_t i) { return (i == 0 || i + 1 == n) ? 0.5 : 1.0; };
  const double total = count - 1.0;
  double squares = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double entry =
          lag_form(i, j) - (row_sum(i) + row_sum(j)) / count + total / (count * count);
      squares += entry * entry;
    }
  }
  return 2.0 * (squares - (count - 1.0) / (count * count));
}

}  // namespace

dependence_estimate estimate_dependence(std::span<const std::vector<double>> series) {
  dependence_estimate result;
  // Per length: the pooled lag-0 sums, which weigh each length's expectations below.
  std::map<std::size_t, double> squares_of_length;
  std::map<std::size_t, double> null_variance_of_length;
  double products = 0;
  double squares = 0;
  double centred = 0;        // Σ (lag-1 sum + lag-0 sum / n): mean 0 at independence
  double null_variance = 0;  // its variance there, from each series' own variance
  for (const std::vector<double>& values : series) {
    const std::size_t n = values.size();
    if (n < 3) {
      continue;
    }
    double mean = 0;
    for (const double value : values) {
      mean += value;
    }
    mean /= static_cast<double>(n);
    double lag_zero = 0;
    double lag_one = 0;
    for (std::size_t i = 0; i < n; ++i) {
      lag_zero += (values[i] - mean) * (values[i] - mean);
      if (i + 1 < n) {
        lag_one += (values[i] - mean) * (values[i + 1] - mean);
      }
    }
    if (!(lag_zero > 0) || !std::isfinite(lag_zero)) {
      continue;
    }
    const auto count = static_cast<double>(n);
    products += lag_one;
    squares += lag_zero;
    squares_of_length[n] += lag_zero;
    centred += lag_one + lag_zero / count;
    // σ⁴ estimated without bias at independence: E[(lag-0 sum)²] = σ⁴·(n − 1)·(n + 1).
    auto [known, fresh] = null_variance_of_length.try_emplace(n, 0.0);
    if (fresh) {
      known->second = null_lag_one_variance(n);
    }
    null_variance += known->second * lag_zero * lag_zero / ((count - 1.0) * (count + 1.0));
    ++result.series;
    result.values += n;
  }
  if (result.series == 0) {
    return result;
  }
  result.raw = products / squares;
  result.z = centred / std::sqrt(null_variance);
  constexpr double one_percent = 2.3263478740408408;  // the normal's 99 % quantile
  result.found = result.z > one_percent;
  // The ratio of the pooled sums estimates the ratio of their expectations, each length's
  // weighed by its share of the variance (its lag-0 sum at independence, (n − 1)·σ²).
  const auto expected = [&](double rho) {
    double lag_one = 0;
    double lag_zero = 0;
    for (const auto& [n, sum] : squares_of_length) {
      const auto count = static_cast<double>(n);
      const double variance = sum / (count - 1.0);
      const double inflation = mean_variance_inflation(rho, n);
      lag_one += variance * expected_lag_one(rho, n) * (count - inflation);
      lag_zero += variance * (count - inflation);
    }
    return lag_one / lag_zero;
  };
  constexpr double highest = 0.95;
  if (result.raw <= expected(0)) {
    result.rho = 0;
  } else if (result.raw >= expected(highest)) {
    result.rho = highest;
  } else {
    double low = 0;
    double high = highest;
    for (int step = 0; step < 60; ++step) {
      const double middle = (low + high) / 2.0;
      (expected(middle) < result.raw ? low : high) = middle;
    }
    result.rho = (low + high) / 2.0;
  }
  return result;
}

std::size_t repetitions_needed(double cv, double tolerance, double alpha, double power) {
  if (!(cv >= 0) || !std::isfinite(cv) || !(tolerance > 0) || !(alpha > 0 && alpha < 1) ||
      !(power > 0 && power < 1)) {
    throw input_error(fmt::format(
        "power analysis: cv {}, tolerance {}, alpha {} and power {} are not all in range", cv,
        tolerance, alpha, power));
  }
  const boost::math::normal standard;
  const double z_alpha = boost::math::quantile(standard, 1.0 - alpha / 2.0);
  const double z_power = boost::math::quantile(standard, power);
  const double ratio = cv / tolerance;
  const double normal_size = 2.0 * (z_alpha + z_power) * (z_alpha + z_power) * ratio * ratio;
  std::size_t needed = 2;
  while (smallest_rank_p(needed, needed) >= alpha) {
    ++needed;
  }
  if (normal_size > static_cast<double>(needed)) {
    needed = static_cast<std::size_t>(std::ceil(normal_size));
  }
  return needed;
}

verdict judge(const comparison& row) {
  if (too_small(row) || std::isnan(row.estimate) || std::isnan(row.p_adjusted)) {
    return verdict::inconclusive;
  }
  const double estimate = worsening(row.estimate, row.direction);
  if (row.equivalence) {
    // The interval is at 1 − 2·alpha / family: each bound is a one-sided test at alpha / family,
    // so a change beyond the tolerance keeps the family-wise rate at alpha. The estimate must lie
    // on the same side, so that no interval calls a change in the direction it did not go.
    const double low = worsening(row.change_interval.low, row.direction);
    const double high = worsening(row.change_interval.high, row.direction);
    const double best = std::min(low, high);
    const double worst = std::max(low, high);
    if (best > row.tolerance && estimate > row.tolerance) {
      return beyond_tolerance(true, row.direction);
    }
    if (worst < -row.tolerance && estimate < -row.tolerance) {
      return beyond_tolerance(false, row.direction);
    }
    // "Unchanged" claims equivalence: the gate passes only when every gating row shows it, an
    // intersection-union test, whose level is alpha without adjustment (Berger 1982).
    return row.equivalence_p < row.alpha ? verdict::unchanged : verdict::inconclusive;
  }
  const bool significant = row.p_adjusted < row.alpha;
  if (significant && std::abs(estimate) > row.tolerance) {
    return beyond_tolerance(estimate > 0, row.direction);
  }
  if (row.change_interval.low >= -row.tolerance && row.change_interval.high <= row.tolerance) {
    return verdict::unchanged;
  }
  return verdict::inconclusive;
}

comparison compare(std::span<const double> baseline, std::span<const double> candidate,
                   better direction, const compare_options& options) {
  check_options(options);
  comparison row = new_row(direction, options);
  row.baseline = describe(baseline);
  row.candidate = describe(candidate);
  row.effective_baseline = effective_size(options.baseline_dependence, baseline.size());
  row.effective_candidate = effective_size(options.candidate_dependence, candidate.size());
  assess_design(row, options);
  const double level = row.change_interval.level;
  const widening wider = widening_of(row);

  const double base = row.baseline.median;
  if (baseline.empty() || candidate.empty()) {
    row.note = baseline.empty() ? "the baseline has no values" : "the candidate has no values";
    row.result = verdict::inconclusive;
    return row;
  }
  if (base == 0) {
    row.note = "the baseline median is 0: a relative change is undefined";
    row.result = verdict::inconclusive;
    return row;
  }
  if (options.absolute_tolerance) {
    row.tolerance = *options.absolute_tolerance / std::abs(base);
  }
  row.change = row.candidate.median / base - 1.0;

  if (baseline.size() >= 2 && candidate.size() >= 2) {
    const bool need_bootstrap =
        row.method == interval_method::bootstrap || options.test == test_kind::bootstrap;
    const std::vector<double> changes =
        need_bootstrap ? bootstrap_changes(baseline, candidate, options) : std::vector<double>{};
    if (row.method == interval_method::bootstrap) {
      if (!changes.empty()) {
        row.change_interval.low = quantile_sorted(changes, (1.0 - level) / 2.0);
        row.change_interval.high = quantile_sorted(changes, 1.0 - (1.0 - level) / 2.0);
        row.estimate = row.change;
        widen_around_estimate(row, std::sqrt(wider.spread));
      }
    } else {
      // The interval inverts the U test: for dependent values, that of the widened test.
      const double inverted = widened_level(level, wider.rank);
      const std::vector<double> before = thinned(baseline, hodges_lehmann_max_values);
      const std::vector<double> after = thinned(candidate, hodges_lehmann_max_values);
      if (all_positive(before) && all_positive(after)) {
        // Times change by factors: the estimate and interval of the ratio, less one, never fall
        // below −100 %.
        const shift_estimate ratio = hodges_lehmann_ratio(before, after, inverted);
        row.estimate = ratio.estimate - 1.0;
        // Samples too small to bound the ratio at this level leave the interval unknown.
        if (std::isfinite(std::log(ratio.low)) && std::isfinite(ratio.high)) {
          row.change_interval.low = ratio.low - 1.0;
          row.change_interval.high = ratio.high - 1.0;
        }
      } else {
        const shift_estimate shift = hodges_lehmann(before, after, inverted);
        row.change_interval.low = shift.low / std::abs(base);
        row.change_interval.high = shift.high / std::abs(base);
        row.estimate = shift.estimate / std::abs(base);
      }
    }
    if (options.test != test_kind::bootstrap || !changes.empty()) {
      row.p_value =
          test_p(options.test, baseline, candidate, 0, alternative::two_sided, changes, wider);
      if (options.equivalence) {
        const double below_upper = test_p(options.test, baseline, candidate, row.tolerance,
                                          alternative::less, changes, wider);
        const double above_lower = test_p(options.test, baseline, candidate, -row.tolerance,
                                          alternative::greater, changes, wider);
        row.equivalence_p = std::max(below_upper, above_lower);
      }
    }
  }
  decide(row, options);
  return row;
}

comparison compare_reported(const reported_sample& baseline, const reported_sample& candidate,
                            better direction, const compare_options& options) {
  check_options(options);
  comparison row = new_row(direction, options);
  row.from_aggregates = true;
  row.test = test_kind::welch;
  row.method = interval_method::welch;
  row.baseline = describe(baseline);
  row.candidate = describe(candidate);
  row.effective_baseline = effective_size(options.baseline_dependence, baseline.moments.n);
  row.effective_candidate = effective_size(options.candidate_dependence, candidate.moments.n);
  assess_design(row, options);
  // Dependent repetitions: each side's standard deviation of its mean as their dependence makes
  // it, and the freedom of their effective sizes, through every interval and test below.
  const widening wider = widening_of(row);
  const sample_moments before = inflated(baseline.moments, wider.baseline_sd);
  const sample_moments after = inflated(candidate.moments, wider.candidate_sd);
  const bool testable = before.n >= 2 && after.n >= 2 && std::isfinite(before.stddev) &&
                        std::isfinite(after.stddev) && before.stddev >= 0 && after.stddev >= 0 &&
                        std::isfinite(before.mean) && std::isfinite(after.mean);
  if (before.mean == 0 || !std::isfinite(before.mean)) {
    row.note = "the baseline mean is 0: a relative change is undefined";
    row.result = verdict::inconclusive;
    return row;
  }
  if (options.absolute_tolerance) {
    row.tolerance = *options.absolute_tolerance / std::abs(before.mean);
  }
  row.change = after.mean / before.mean - 1.0;
  row.estimate = row.change;
  if (!testable) {
    row.note =
        "the aggregates give no standard deviation of two or more repetitions on both sides: "
        "rerun with --benchmark_repetitions of at least 2";
    row.result = verdict::inconclusive;
    return row;
  }
  if (before.mean > 0 && after.mean > 0) {
    row.change_interval = ratio_of_means(before, after, row.change_interval.level, wider);
  } else {
    const shift_estimate shift = welch_interval(before, after, row.change_interval.level);
    row.change_interval.low = shift.low / std::abs(before.mean);
    row.change_interval.high = shift.high / std::abs(before.mean);
  }
  const double effective_before = wider.baseline_effective;
  const double effective_after = wider.candidate_effective;
  row.p_value = welch_p(after, before, effective_after, effective_before, alternative::two_sided);
  if (options.equivalence) {
    const double below_upper = welch_p(scaled(after, row.tolerance), before, effective_after,
                                       effective_before, alternative::less);
    const double above_lower = welch_p(scaled(after, -row.tolerance), before, effective_after,
                                       effective_before, alternative::greater);
    row.equivalence_p = std::max(below_upper, above_lower);
  }
  decide(row, options);
  return row;
}

void control_false_discoveries(std::span<comparison> rows) {
  for (const bool informative : {false, true}) {
    adjust_family(rows, informative);
  }
}

}  // namespace metron::analysis
