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

/// The p-value of `test` for the alternative that the candidate, divided by 1 + margin, lies
/// `hypothesis` of the baseline: margin 0 tests no change, ± the tolerance the one-sided tests of
/// equivalence mode.
double test_p(test_kind test, std::span<const double> baseline, std::span<const double> candidate,
              double margin, alternative hypothesis, const std::vector<double>& bootstrap) {
  if (test == test_kind::bootstrap) {
    return bootstrap_tail(bootstrap, margin, hypothesis);
  }
  std::vector<double> scaled(candidate.begin(), candidate.end());
  if (margin != 0) {
    for (double& value : scaled) {
      value /= 1.0 + margin;
    }
  }
  // The tests take (a, b) and "greater" means a above b: the candidate goes first.
  if (test == test_kind::welch) {
    return welch_t(scaled, baseline, hypothesis).p_value;
  }
  return mann_whitney_u(scaled, baseline, hypothesis).p_value;
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
  return smallest_rank_p(row.baseline.n, row.candidate.n) >= row.alpha;
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
/// terms — a ratio's interval, asymmetric and above −100 %. Both means positive, both n ≥ 2.
interval ratio_of_means(const sample_moments& before, const sample_moments& after, double level) {
  const double share_before =
      std::pow(before.stddev / before.mean, 2) / static_cast<double>(before.n);
  const double share_after = std::pow(after.stddev / after.mean, 2) / static_cast<double>(after.n);
  const double log_ratio = std::log(after.mean / before.mean);
  const double error = std::sqrt(share_before + share_after);
  double half_width = 0;
  if (error > 0) {
    const double freedom = std::pow(share_before + share_after, 2) /
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
  const double error = cv *
                       std::sqrt(1.0 / static_cast<double>(row.baseline.n) +
                                 1.0 / static_cast<double>(row.candidate.n)) /
                       std::sqrt(efficiency);
  // Student's t at m + n − 2 degrees of freedom: the variation is estimated, not known.
  const boost::math::students_t student(
      static_cast<double>(row.baseline.n + row.candidate.n - 2));
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

std::size_t repetitions_to_flag(double alpha, std::size_t family) {
  if (!(alpha > 0 && alpha < 1) || family == 0) {
    throw input_error(
        fmt::format("repetitions to flag: alpha {} over {} rows is out of range", alpha, family));
  }
  const double threshold = alpha / static_cast<double>(family);
  std::size_t needed = 2;
  while (!(smallest_u_p(needed, needed) < threshold)) {
    ++needed;
  }
  return needed;
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
  assess_design(row, options);
  const double level = row.change_interval.level;

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
      }
    } else {
      const std::vector<double> before = thinned(baseline, hodges_lehmann_max_values);
      const std::vector<double> after = thinned(candidate, hodges_lehmann_max_values);
      if (all_positive(before) && all_positive(after)) {
        // Times change by factors: the estimate and interval of the ratio, less one, never fall
        // below −100 %.
        const shift_estimate ratio = hodges_lehmann_ratio(before, after, level);
        row.estimate = ratio.estimate - 1.0;
        // Samples too small to bound the ratio at this level leave the interval unknown.
        if (std::isfinite(std::log(ratio.low)) && std::isfinite(ratio.high)) {
          row.change_interval.low = ratio.low - 1.0;
          row.change_interval.high = ratio.high - 1.0;
        }
      } else {
        const shift_estimate shift = hodges_lehmann(before, after, level);
        row.change_interval.low = shift.low / std::abs(base);
        row.change_interval.high = shift.high / std::abs(base);
        row.estimate = shift.estimate / std::abs(base);
      }
    }
    if (options.test != test_kind::bootstrap || !changes.empty()) {
      row.p_value = test_p(options.test, baseline, candidate, 0, alternative::two_sided, changes);
      if (options.equivalence) {
        const double below_upper =
            test_p(options.test, baseline, candidate, row.tolerance, alternative::less, changes);
        const double above_lower = test_p(options.test, baseline, candidate, -row.tolerance,
                                          alternative::greater, changes);
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
  assess_design(row, options);
  const sample_moments& before = baseline.moments;
  const sample_moments& after = candidate.moments;
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
    row.change_interval = ratio_of_means(before, after, row.change_interval.level);
  } else {
    const shift_estimate shift = welch_interval(before, after, row.change_interval.level);
    row.change_interval.low = shift.low / std::abs(before.mean);
    row.change_interval.high = shift.high / std::abs(before.mean);
  }
  row.p_value = welch_t(after, before).p_value;
  if (options.equivalence) {
    const double below_upper =
        welch_t(scaled(after, row.tolerance), before, alternative::less).p_value;
    const double above_lower =
        welch_t(scaled(after, -row.tolerance), before, alternative::greater).p_value;
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
