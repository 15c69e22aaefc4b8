// The comparator: each metric's baseline and candidate samples tested, estimated and judged.
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/spec/kpi.hpp>
#include <metron/spec/spec.hpp>
#include <metron/statistics/significance.hpp>
#include <metron/statistics/statistics.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// What a comparison concludes about one metric.
enum class verdict : std::uint8_t {
  improved,      ///< significantly better, by more than the tolerance
  unchanged,     ///< any change is within the tolerance (the interval says so)
  regressed,     ///< significantly worse, by more than the tolerance
  inconclusive,  ///< too few or too noisy samples to tell a change of the tolerance's size
  /// Significantly different, by more than the tolerance, either way, for a metric whose
  /// direction is unknown: neither better nor worse, so it never fails the gate.
  changed,
};

/// "improved", "unchanged", "regressed", "inconclusive" or "changed".
[[nodiscard]] std::string_view to_string(verdict result) noexcept;

/// How the interval of the relative change is computed.
enum class interval_method : std::uint8_t {
  /// The Hodges–Lehmann estimate of the ratio (of the log-ratio, exponentiated) with its
  /// distribution-free interval; for samples with a value ≤ 0, of the shift over the baseline
  /// median.
  hodges_lehmann,
  bootstrap,  ///< a seeded percentile bootstrap of the ratio of medians
  /// The ratio of means with the delta method's Welch interval of its log (aggregates); for a
  /// mean ≤ 0, Welch's interval of the difference over the baseline mean.
  welch,
};

/// "hodges-lehmann", "bootstrap" or "welch".
[[nodiscard]] std::string_view to_string(interval_method method) noexcept;

/// Which of a Google Benchmark run's two times is its primary measure, the one that gates.
enum class measure_kind : std::uint8_t {
  real_time,  ///< the wall time per iteration (Google Benchmark's own default)
  cpu_time,   ///< the CPU time per iteration: steadier on a shared machine
};

/// How one side's values depend on their neighbours: Google Benchmark runs a benchmark's
/// repetitions back to back in one process, so the machine's drift correlates them.
struct serial_dependence {
  /// The lag-1 autocorrelation of consecutive values within a run, in [0, 1): the values follow
  /// an AR(1) process within each run and runs are independent. 0: independent values.
  double rho = 0;
  /// How many of the side's values, in order, came from each run (file); empty: one run holds
  /// them all. Values of different runs are independent of each other.
  std::vector<std::size_t> runs;
};

/// How compare() tests and judges. The defaults are those `metron compare` states in --help.
struct compare_options {
  /// The relative change that matters, as a fraction (0.05 = 5 %): smaller changes are noise.
  double tolerance = 0.05;
  /// When set, the tolerance in the metric's unit instead; divided by the baseline median.
  std::optional<double> absolute_tolerance;
  /// Significance level of the test, in (0, 0.5).
  double alpha = 0.05;
  /// The test whose p-value decides significance.
  test_kind test = test_kind::mann_whitney;
  /// The interval's method; nothing: bootstrap for the bootstrap test, Hodges–Lehmann otherwise.
  std::optional<interval_method> interval;
  /// Equivalence mode: the verdict rests on two one-sided tests against ± the tolerance, so that
  /// "unchanged" is a positive claim that no change exceeds it.
  bool equivalence = false;
  /// The power the repetitions needed are computed for, in (0, 1).
  double power = 0.8;
  /// Resamples of the bootstrap interval and test.
  std::size_t bootstrap_resamples = 2000;
  /// Seed of the bootstrap: same seed, same intervals.
  std::uint64_t seed = 0x636f6d70617265ULL;
  /// The time of a Google Benchmark run that gates: one primary measure per benchmark, so that
  /// the other time, reported as informative, does not dilute the adjustment.
  measure_kind measure = measure_kind::real_time;
  /// The number of rows this one is judged among (the gating or the informative rows of a
  /// report): a lone regression among them must reach p < alpha / family to survive
  /// Benjamini–Hochberg, and equivalence mode's intervals are at 1 − 2·alpha / family
  /// (Bonferroni). compare_runs() and compare_kpis() set it; 1 for a row compared alone.
  std::size_t family = 1;
  /// The dependence within the baseline's runs, which the tests, intervals and design check
  /// account for (compare_runs() and compare_kpis() set it from estimate_dependence());
  /// independent by default.
  serial_dependence baseline_dependence;
  serial_dependence candidate_dependence;  ///< the dependence within the candidate's runs
  /// Declared directions (a spec's `directions:`), which win over the inputs' own: compare_runs()
  /// judges each metric by the first rule that matches its name, compare_kpis() after the
  /// spec's own rules.
  std::vector<direction_rule> directions;
};

/// Why an inconclusive row could not be decided, when the reason is made of numbers (the
/// renderers of metron::report state it in words; comparison::note stays empty then).
enum class doubt : std::uint8_t {
  none,                ///< decided, or the reason is in comparison::note
  too_noisy,           ///< at this variation the interval still straddles the tolerance
  no_variation,        ///< too few values to estimate the noise at all
  lost_in_adjustment,  ///< significant alone, but not after adjusting for the other rows
};

/// The comparison of one metric.
struct comparison {
  std::string name;                  ///< the metric's or KPI's name
  std::string unit;                  ///< the unit of the summaries; empty for plain numbers
  better direction = better::lower;  ///< which way is better
  std::string kind;                  ///< "time", "counter" or "kpi": what the row measures
  /// The baseline's sample, as summarize() gives it but without bootstrap intervals (NaN),
  /// bimodality coefficient (NaN) and modes (empty).
  summary baseline;
  summary candidate;  ///< the candidate's sample, likewise
  /// Candidate median over baseline median, less one: +0.1 is 10 % larger. NaN when the baseline
  /// median is 0 or a side is empty.
  double change = 0;
  /// The interval method's own point estimate of the relative change, which the verdict weighs
  /// against the tolerance: the Hodges–Lehmann ratio less one (the shift over the baseline median
  /// for samples with a value ≤ 0), or (bootstrap) the change of medians. It can differ from
  /// `change` when the medians fall apart from the bulk.
  double estimate = 0;
  /// The relative change's interval at level 1 − alpha (1 − 2·alpha / family in equivalence
  /// mode: each bound a one-sided test, Bonferroni over the family). For positive samples it is a
  /// ratio's, less one: above −1 and asymmetric. NaN bounds when it cannot be computed or the
  /// samples are too small to bound the change at that level (infinite ones for the additive
  /// shift of samples with values ≤ 0).
  interval change_interval;
  interval_method method = interval_method::hodges_lehmann;  ///< how the interval was computed
  test_kind test = test_kind::mann_whitney;                  ///< the test that gave p_value
  double p_value = 1;  ///< the two-sided test of no change; NaN when it could not run
  /// p_value adjusted for the other rows of the same report (Benjamini–Hochberg); equal to p_value
  /// for a row compared alone.
  double p_adjusted = 1;
  /// Equivalence mode: the larger p of the two one-sided tests against ± the tolerance; NaN
  /// otherwise.
  double equivalence_p = 0;
  double tolerance = 0;                    ///< the relative tolerance applied, as a fraction
  double alpha = 0;                        ///< the significance level applied
  bool equivalence = false;                ///< whether the row was judged in equivalence mode
  verdict result = verdict::inconclusive;  ///< the verdict
  /// Per-call samples of one run against one run: calls within a run are not independent, so the
  /// test only indicates.
  bool indicative = false;
  /// When inconclusive: the repetitions per side that would decide, with the requested power,
  /// whether the change exceeds the tolerance — repetitions_needed() for the observed variation
  /// and the estimate's distance from the tolerance (at least a tenth of it). With one value on
  /// a side, the fewest the test needs at all.
  std::optional<std::size_t> repetitions_needed;
  doubt reason = doubt::none;  ///< why it is inconclusive, when that is a matter of numbers
  /// too_noisy: the pooled coefficient of variation repetitions_needed was computed for.
  double variation = 0;
  double power = 0;  ///< the power `detectable` and repetitions_needed were computed for
  std::size_t adjusted_rows = 0;  ///< lost_in_adjustment: the rows the p-values were adjusted over
  std::string note;  ///< why it is inconclusive in words, or what else a reader should know
  /// Reported but not gating: the time of a Google Benchmark run other than the primary measure
  /// (compare_options::measure), or a metric of unknown direction. Adjusted among the informative
  /// rows only, and never failing the gate.
  bool informative = false;
  /// The smallest p-value the row's test can give at these sample sizes, however large the
  /// change: 2 / C(m + n, m) for the U test, 2 / (resamples + 1) for the bootstrap, 0 for Welch's
  /// test; NaN with fewer than two values on a side.
  double smallest_p = 0;
  /// The design cannot flag this gating row whatever its change: fewer than two values on a
  /// side, or a smallest_p that does not reach alpha / family, which Benjamini–Hochberg asks of a
  /// lone regression among the family's rows.
  bool blind = false;
  /// The smallest slowdown (a relative change for the worse) that this design would call
  /// regressed with compare_options::power, from detectable_change(); +∞ for a blind row, NaN
  /// when the variation is unknown (fewer than two values a side).
  double detectable = std::numeric_limits<double>::quiet_NaN();
  /// The baseline's effective number of independent values: its n over the variance inflation
  /// of the mean of its runs' AR(1) values (compare_options::baseline_dependence); n when they
  /// are independent.
  double effective_baseline = 0;
  double effective_candidate = 0;  ///< the candidate's effective number of independent values
  /// Compared from Google Benchmark's aggregate rows (mean, standard deviation and repetitions)
  /// because a side's file holds no repetitions: Welch's t test on the means, whatever the
  /// options' test; `change` and the interval are of means, the summaries' medians as reported.
  bool from_aggregates = false;
};

/// Compares two samples of one metric: summaries, relative change of the medians with its
/// interval, the test's p-value, and the verdict.
///
/// The verdict (with `p` the row's p_adjusted, equal to p_value here): fewer than two values on a
/// side, a zero baseline median, or samples too small for any p below alpha give inconclusive.
/// Otherwise a change is regressed (improved) when p < alpha and the estimate is worse
/// (better) than the tolerance — significance and size, both required; unchanged when the whole
/// interval lies within ± the tolerance; inconclusive otherwise, with the repetitions needed.
/// In equivalence mode the interval is at 1 − 2·alpha / options.family, so each bound is a
/// one-sided test at alpha / family (Bonferroni): regressed (improved) when the whole interval
/// and the estimate are worse (better) than the tolerance, unchanged when both one-sided tests
/// against ± the tolerance reject (equivalence_p < alpha; the gate's claim that every row is
/// unchanged is an intersection-union test, at alpha without adjustment), inconclusive otherwise.
/// For a `direction` of better::unknown the test is the same, two-sided: a change beyond the
/// tolerance either way is `changed`, never regressed or improved.
/// With a side's values dependent (compare_options::baseline_dependence, candidate_dependence)
/// each side counts as its effective number of values: the U test's and the bootstrap's p-values
/// are those of their statistics' normal approximations with the variance inflated accordingly,
/// the Hodges–Lehmann interval inverts that widened test, the bootstrap interval widens around
/// its estimate, Welch's test takes each side's standard deviation of its mean as the dependence
/// makes it, and smallest_p, blind and detectable follow.
///
/// Any thread. Cost: O(n log n) for summaries and the U test, O(n_a · n_b log(n_a · n_b)) for the
/// Hodges–Lehmann interval, O(resamples · n) for the bootstrap.
/// @throws input_error for a NaN or infinity in a sample, or options out of range.
[[nodiscard]] comparison compare(std::span<const double> baseline,
                                 std::span<const double> candidate, better direction,
                                 const compare_options& options = {});

/// One side's sample of a metric as Google Benchmark's aggregate rows report it
/// (--benchmark_report_aggregates_only), or as the moments of the values a side does have.
struct reported_sample {
  sample_moments moments;  ///< repetitions, mean and standard deviation
  double median = std::numeric_limits<double>::quiet_NaN();  ///< the median; NaN when unknown
};

/// Compares two samples known by their moments, as compare() does samples: the relative change of
/// the means, its Welch interval over the baseline mean, Welch's t test (two one-sided Welch
/// tests in equivalence mode), and the verdict by judge(). The row is marked from_aggregates.
/// A side with fewer than 2 repetitions, or without a standard deviation, is inconclusive with a
/// note saying so. Pure; any thread.
/// @throws input_error for options out of range.
[[nodiscard]] comparison compare_reported(const reported_sample& baseline,
                                          const reported_sample& candidate, better direction,
                                          const compare_options& options = {});

/// Adjusts the p-values of `rows` (Benjamini–Hochberg; rows whose p_value is NaN are left out),
/// the gating rows together and the informative rows together, and judges each row again on its
/// adjusted p, with its own tolerance and alpha.
void control_false_discoveries(std::span<comparison> rows);

/// The verdict of `row` from its p_adjusted (or equivalence_p), change, interval, tolerance and
/// alpha, as compare() describes. Pure; any thread.
[[nodiscard]] verdict judge(const comparison& row);

/// The repetitions per side a two-sided test at `alpha` needs to detect a relative change of
/// `tolerance` with `power`, when the per-run values vary with coefficient of variation `cv`:
/// the normal approximation 2·(z₁₋α/₂ + z_power)²·cv²/tolerance², raised to the smallest size at
/// which the U test can reach p < alpha at all. @throws input_error for arguments out of range.
[[nodiscard]] std::size_t repetitions_needed(double cv, double tolerance, double alpha,
                                             double power);

/// The smallest change for the worse that a row of `row`'s design (its sides' sizes and
/// coefficients of variation, test, tolerance, alpha, mode) would call regressed with `power`, a
/// lone one among `family` rows: by the normal approximation of the estimate of the log-ratio,
/// whose standard error is cv·√(1/m + 1/n) (over √(3/π), the U test's efficiency, for the rank
/// test), the smallest δ with both significance at alpha / family and the estimate beyond the
/// tolerance at that power — max((t₁₋ₐ/₂ + t_power)·se, log(1 + t) + t_power·se), quantiles of
/// Student's t at m + n − 2 degrees of freedom; in equivalence mode the whole interval must clear
/// the tolerance, log(1 + t) + (t₁₋ₐ + t_power)·se, with a = alpha / family. Returned as a relative change, exp(δ) − 1; +∞ for a blind row, NaN
/// when a side has fewer than two values. Pure; any thread.
/// @throws input_error for a family of 0 or a power outside (0, 1).
[[nodiscard]] double detectable_change(const comparison& row, std::size_t family, double power);

/// The fewest repetitions per side with which the U test can flag a lone regression among
/// `family` rows at `alpha`: the smallest n with 2 / C(2n, n) < alpha / family; with
/// repetitions of one run whose lag-1 autocorrelation is `rho`, the smallest n whose smallest
/// p-value, widened as compare() widens it for that dependence, is below alpha / family.
/// @throws input_error for alpha outside (0, 1), a family of 0 or rho outside [0, 1).
[[nodiscard]] std::size_t repetitions_to_flag(double alpha, std::size_t family, double rho = 0);

/// The lag-1 autocorrelation of a side's repetitions in run order, pooled over its benchmarks.
struct dependence_estimate {
  /// The pooled lag-1 autocorrelation: the sum over the series of their demeaned values' lag-1
  /// products over the sum of their squares; NaN when no series had 3 values. Biased: −1/n for
  /// independent values of series of n.
  double raw = std::numeric_limits<double>::quiet_NaN();
  /// The estimate corrected for that bias: the ρ at which the ratio of the expectations of those
  /// sums under AR(1) equals `raw`, within [0, 0.95]; 0 when `raw` is at or below its value at
  /// independence.
  double rho = 0;
  /// The test statistic of independence: Σ (lag-1 sum + lag-0 sum / n), whose mean is 0 for
  /// exchangeable values, over its standard deviation for independent normal ones (each series'
  /// variance estimated from itself); NaN without a series.
  double z = std::numeric_limits<double>::quiet_NaN();
  /// `z` exceeds the one-sided 1 % point of the normal: the dependence is real and is accounted
  /// for. Below it `rho` is not applied, so that independent repetitions keep their power.
  bool found = false;
  std::size_t series = 0;  ///< the series (a benchmark's values in one run) estimated from
  std::size_t values = 0;  ///< the values in those series
};

/// Estimates the lag-1 autocorrelation shared by `series`, each a benchmark's values of one run
/// in the order they ran (their logarithms, for times), pooled: each series is demeaned, the
/// lag-1 products and the squares are summed over all of them, and their ratio is corrected for
/// its small-sample bias by inverting the ratio of those sums' expectations under a stationary
/// AR(1) process (method of moments; the pooled ratio converges to it as series are added).
/// Noisier series weigh more, as their sums are larger. Series of fewer than 3 values, or of no
/// spread, tell nothing and are skipped.
/// Pure; any thread. Cost O(total values) plus O(n) per distinct length per bisection step.
/// @param series the series, one per benchmark and run
[[nodiscard]] dependence_estimate estimate_dependence(std::span<const std::vector<double>> series);

/// The variance of the mean of `n` consecutive values of a stationary AR(1) process with lag-1
/// autocorrelation `rho`, over that of `n` independent values: 1 + 2·Σ_{k<n} (1 − k/n)·ρ^k
/// (Bayley and Hammersley 1946); n over it is the effective number of independent values.
/// @param rho the lag-1 autocorrelation, in (−1, 1)
/// @param n the number of values, at least 1
[[nodiscard]] double mean_variance_inflation(double rho, std::size_t n);

/// One input file of a comparison's side: a run, or Google Benchmark's repetitions of one.
struct run_input {
  std::string file;  ///< the path as given
  dataset data;      ///< what was read
  /// Whether the values are per-call samples of a single run (a capture) rather than one value
  /// per run or repetition (Google Benchmark, `metron stats --json`).
  bool per_call = false;
};

/// Reads one file of a side: a capture, Google Benchmark JSON, or `metron stats --json` output
/// (the repetitions a summary kept are the metric's values, else its median is one). Any thread.
/// @throws input_error naming the file and place for anything unreadable; resource_error when it
///         cannot be read.
[[nodiscard]] run_input read_run(const std::string& path);

/// read_run() of every file of a side, in order.
/// @throws input_error and resource_error as read_run() does.
[[nodiscard]] std::vector<run_input> read_runs(const std::vector<std::string>& paths);

/// A fact of the machine or build that differs between two runs and makes their numbers hard to
/// compare.
struct comparability_issue {
  std::string what;           ///< "host name", "CPU count", "CPU frequency (MHz)", "caches", …
  std::string field;          ///< the metadata field: "num_cpus", "mhz_per_cpu", "host", "cpu", …
  std::string baseline;       ///< the value in the first baseline file
  std::string candidate;      ///< the value in `candidate_file`
  std::string baseline_file;  ///< the first baseline file, which every other file is held to
  std::string candidate_file;  ///< the file that differs: a candidate's, or another baseline's
};

/// The facts that differ between `reference` (the first baseline file) and `other`: the machine's
/// fingerprint of what does not jitter between two runs on it — host name, CPU model (a
/// capture's), CPU count, cache sizes, build type, library version, compiler, frequency scaling
/// and governor — and the CPU frequency Google Benchmark reads, when it differs by more than
/// 10 % (readings of one machine jitter by a few). Facts unknown in either file are not compared.
[[nodiscard]] std::vector<comparability_issue> check_comparability(
    const run_metadata& reference, const std::string& reference_file, const run_metadata& other,
    const std::string& other_file);

/// check_comparability() of every file of both sides against the first baseline file.
[[nodiscard]] std::vector<comparability_issue> check_comparability(
    std::span<const run_input> baseline, std::span<const run_input> candidate);

/// A benchmark that did not complete on a side: Google Benchmark's errored or skipped runs.
struct failed_benchmark {
  std::string name;           ///< the benchmark run ("BM_fetch/16")
  bool in_candidate = false;  ///< failed in the candidate (else in the baseline)
  /// A candidate failure of a benchmark the baseline measured: the change broke it, and the
  /// gate fails (`metron compare` exits 1).
  bool ran_in_baseline = false;
  bool skipped = false;  ///< skipped (SkipWithMessage) rather than an error
  std::string message;   ///< its error or skip message
  std::string file;      ///< the file that reports it
};

/// A whole comparison: every metric (or KPI) of both sides.
struct comparison_report {
  std::vector<comparison> rows;    ///< metrics on both sides, in the baseline's order
  std::vector<std::string> added;  ///< metrics only the candidate has
  /// Metrics only the baseline has, other than those of a benchmark that failed in the candidate.
  std::vector<std::string> removed;
  std::vector<failed_benchmark> failures;   ///< benchmarks that errored or were skipped
  std::vector<comparability_issue> issues;  ///< differences between the sides' runs
  /// KPIs whose candidate value is on the worse side of the spec's threshold.
  std::vector<kpi_result> breaches;
  std::size_t baseline_runs = 0;   ///< files on the baseline side
  std::size_t candidate_runs = 0;  ///< files on the candidate side
  std::string spec_file;           ///< the spec compared by, or empty
  std::size_t gating_rows = 0;     ///< rows that gate: the family their p-values are adjusted in
  /// When some gating row is blind: the repetitions per side with which every one of them could
  /// be flagged (repetitions_to_flag() at its alpha and family, in one run at the side's
  /// dependence); 0 otherwise.
  std::size_t blind_repetitions = 0;
  /// The dependence of the baseline's repetitions within its runs, estimated from its gating
  /// metrics' values (Google Benchmark repetitions and `metron stats` values; never per-call
  /// values or one value per run).
  dependence_estimate baseline_dependence;
  dependence_estimate candidate_dependence;  ///< the dependence of the candidate's repetitions

  /// The number of rows with verdict `result`.
  [[nodiscard]] std::size_t count(verdict result) const noexcept;
  /// The gating rows that regressed: what fails the gate.
  [[nodiscard]] std::size_t regressions() const noexcept;
  /// The gating rows that are blind, with two or more values a side (rows of one value a side
  /// are blind too, and counted apart by the renderers).
  [[nodiscard]] std::size_t blind() const noexcept;
  /// The benchmarks that failed in the candidate after running in the baseline.
  [[nodiscard]] std::size_t broken() const noexcept;
};

/// Compares every metric of the baseline runs with the candidate's.
///
/// The run is the unit of replication: a metric's sample on a side is one value per run —
/// Google Benchmark repetitions and `metron stats` medians pooled over the side's files, and the
/// median of each capture's per-call values when a side has several captures. With one capture
/// on each side the per-call values are compared and the row is marked indicative. A metric is
/// judged in the direction `options.directions` declares, else the one both sides' inputs give
/// it; sides that disagree leave it unknown (compared two-sided).
/// One primary time per benchmark gates: a Google Benchmark run's `options.measure`, its other
/// time being informative (unless `options.directions` declares it), as is every metric of
/// unknown direction; counters and observables of known direction gate. Before
/// any row is judged each knows its family (the gating or the informative rows), so that it can
/// say whether the design could flag it at all (comparison::blind); the p-values are then
/// adjusted within each family (control_false_discoveries()). Each pooled side's lag-1
/// autocorrelation within its files is estimated from its gating metrics (estimate_dependence()
/// of the logarithms of each file's repetitions, in file order); when found, every row of that
/// side is judged with it (compare_options::baseline_dependence), each file an independent run.
/// Any thread; cost is compare()'s per metric.
/// @throws input_error when a side is empty, the sides share no metric, a metric's unit differs
///         between files or sides (naming both), or runs of one side mix captures with other
///         inputs.
[[nodiscard]] comparison_report compare_runs(std::span<const run_input> baseline,
                                             std::span<const run_input> candidate,
                                             const compare_options& options = {});

/// Compares every KPI of `spec` between the sides: each KPI's sample is its value per run (its
/// per-call values with one capture a side, marked indicative), and the spec's tolerance, test,
/// alpha and direction override `defaults`. Every KPI of known direction gates; one of unknown
/// direction is informative. Candidate runs whose KPI breaches its threshold are listed in
/// breaches. The lag-1 autocorrelation of the gating KPIs' values within each run is estimated
/// and allowed for as compare_runs() does for its metrics; a KPI that the U test could then not
/// flag (comparison::blind) is judged by Welch's t at the effective sizes, and its note says so.
/// @throws input_error as compare_runs() does, and as evaluate_kpis() does for each run.
[[nodiscard]] comparison_report compare_kpis(const benchmark_spec& spec,
                                             std::span<const run_input> baseline,
                                             std::span<const run_input> candidate,
                                             const compare_options& defaults = {});

/// What a CI gate fails on besides regressions, KPI breaches and broken benchmarks.
struct gate_rules {
  bool strict = false;                ///< sides that are not comparable are bad input
  bool fail_on_removed = false;       ///< a metric the candidate lost fails the gate
  bool fail_on_inconclusive = false;  ///< an inconclusive row fails the gate
  bool allow_blind = false;           ///< a design that cannot flag a gating row passes
};

/// The exit status `metron compare` ends with for `report`: 2 when `rules.strict` and the sides
/// are not comparable; else 1 for a regression of a gating row, a KPI breach, a benchmark the
/// candidate broke or (with `rules.fail_on_removed`) a removed metric; else 3 for a blind gating
/// row (one that could not be flagged whatever its change, of one value a side or too few
/// repetitions for the adjusted level) unless `rules.allow_blind`, or for an inconclusive row with
/// `rules.fail_on_inconclusive`; else 0. Pure; any thread.
[[nodiscard]] int gate_exit_status(const comparison_report& report, const gate_rules& rules);

}  // namespace metron::analysis
