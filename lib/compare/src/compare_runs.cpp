// Comparisons of whole runs: samples per run, KPIs by spec, added and removed metrics,
// comparability.
#include <metron/readers/detail/stats_input.hpp>

#include <metron/compare/compare.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

/// How a side's runs turn into one sample per metric.
enum class replication : std::uint8_t {
  pooled,          ///< values are per run already: pool them over the side's files
  median_per_run,  ///< per-call values of several captures: each capture's median
  per_call,        ///< per-call values of one capture: compared as they are, indicative
};

bool side_is_per_call(std::span<const run_input> side, std::string_view which) {
  const bool first = side.front().per_call;
  for (const run_input& run : side) {
    if (run.per_call != first) {
      throw input_error(fmt::format(
          "{}: {} mixes captures ({}) with per-run results ({}); give one kind per side", which,
          run.file, first ? side.front().file : run.file, first ? run.file : side.front().file));
    }
  }
  return first;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return quantile_sorted(values, 0.5);
}

/// One metric's sample on one side, and the unit and file it was first seen with.
struct side_sample {
  std::vector<double> values;
  /// How many of `values`, in order, each file gave (pooled sides): the runs within which
  /// repetitions may depend on each other.
  std::vector<std::size_t> runs;
  /// What files with aggregate rows only (--benchmark_report_aggregates_only) report of it.
  std::vector<reported_sample> reported;
  std::string unit;
  std::string file;
  better direction = better::lower;
  std::string quantity;
};

/// Every metric of a side, keyed by name, with the names in order of first appearance.
struct side_samples {
  std::map<std::string, side_sample, std::less<>> by_name;
  std::vector<std::string> order;
};

void add_values(side_sample& sample, std::span<const double> values, replication mode) {
  if (mode == replication::median_per_run) {
    sample.values.push_back(median_of({values.begin(), values.end()}));
  } else {
    sample.values.insert(sample.values.end(), values.begin(), values.end());
    sample.runs.push_back(values.size());
  }
}

/// The sample of metric `name` of `side`, created with the unit, direction and quantity given
/// when it is new; a unit that differs from the one first seen is refused.
side_sample& sample_of(side_samples& side, const std::string& name, const std::string& unit,
                       better direction, const std::string& quantity, const std::string& file,
                       std::span<const direction_rule> directions) {
  auto [found, fresh] = side.by_name.try_emplace(name);
  side_sample& sample = found->second;
  if (fresh) {
    side.order.push_back(name);
    sample.unit = unit;
    sample.file = file;
    sample.direction = declared_direction(directions, name).value_or(direction);
    sample.quantity = quantity;
  } else if (sample.unit != unit) {
    throw input_error(fmt::format("{}: metric '{}' is in '{}' here but in '{}' in {}", file, name,
                                  unit, sample.unit, sample.file));
  }
  return sample;
}

/// The aggregate rows of `run` for metrics it has no repetitions of: mean, standard deviation,
/// median and repetition count per metric.
void add_reported(side_samples& samples, const run_input& run,
                  std::span<const direction_rule> directions) {
  std::set<std::string, std::less<>> measured;
  for (const metric& m : run.data.metrics) {
    if (!m.values.empty()) {
      measured.insert(m.name);
    }
  }
  std::map<std::string, reported_sample, std::less<>> by_metric;
  std::vector<const reported_aggregate*> means;
  for (const reported_aggregate& aggregate : run.data.aggregates) {
    if (measured.contains(aggregate.metric)) {
      continue;
    }
    reported_sample& sample = by_metric[aggregate.metric];
    if (aggregate.statistic == "mean") {
      sample.moments.mean = aggregate.value;
      sample.moments.n = aggregate.repetitions;
      means.push_back(&aggregate);
    } else if (aggregate.statistic == "stddev") {
      sample.moments.stddev = aggregate.value;
    } else if (aggregate.statistic == "median") {
      sample.median = aggregate.value;
    }
  }
  for (const reported_aggregate* mean : means) {
    side_sample& sample = sample_of(samples, mean->metric, mean->unit, mean->direction,
                                    mean->quantity, run.file, directions);
    sample.reported.push_back(by_metric.find(mean->metric)->second);
  }
}

side_samples collect(std::span<const run_input> side, replication mode,
                     std::span<const direction_rule> directions) {
  side_samples samples;
  for (const run_input& run : side) {
    for (const metric& m : run.data.metrics) {
      side_sample& sample =
          sample_of(samples, m.name, m.unit, m.direction, m.quantity, run.file, directions);
      if (!m.values.empty()) {
        add_values(sample, m.values, mode);
      }
    }
    add_reported(samples, run, directions);
  }
  if (samples.order.empty()) {
    throw input_error(fmt::format("{}: no metric to compare (no benchmark rows or probe samples)",
                                  side.front().file));
  }
  return samples;
}

/// A side's sample as moments: its reported aggregates and its values pooled into one count,
/// mean and standard deviation. The median is the one reported or measured when there is one
/// source, else unknown. A source of unknown repetitions makes the count unknown (0).
reported_sample pooled(const side_sample& sample) {
  std::vector<reported_sample> parts = sample.reported;
  if (!sample.values.empty()) {
    parts.push_back({moments_of(sample.values), median_of(sample.values)});
  }
  if (parts.size() == 1) {
    return parts.front();
  }
  reported_sample total;
  total.moments.stddev = 0;
  double weighted_sum = 0;
  for (const reported_sample& part : parts) {
    if (part.moments.n == 0) {
      total.moments.n = 0;
      return total;
    }
    total.moments.n += part.moments.n;
    weighted_sum += static_cast<double>(part.moments.n) * part.moments.mean;
  }
  const auto n = static_cast<double>(total.moments.n);
  total.moments.mean = weighted_sum / n;
  double squares = 0;
  for (const reported_sample& part : parts) {
    const double offset = part.moments.mean - total.moments.mean;
    const double within = part.moments.n >= 2 ? static_cast<double>(part.moments.n - 1) *
                                                    part.moments.stddev * part.moments.stddev
                                              : 0.0;
    squares += within + static_cast<double>(part.moments.n) * offset * offset;
  }
  total.moments.stddev = total.moments.n >= 2 ? std::sqrt(squares / (n - 1.0))
                                              : std::numeric_limits<double>::quiet_NaN();
  return total;
}

replication replication_of(bool per_call, std::size_t runs_here, std::size_t runs_there) {
  if (!per_call) {
    return replication::pooled;
  }
  return runs_here == 1 && runs_there == 1 ? replication::per_call : replication::median_per_run;
}

std::string kind_of(std::string_view quantity) {
  if (quantity == "duration" || quantity == "real_time" || quantity == "cpu_time") {
    return "time";
  }
  return "counter";
}

std::string names_list(const std::vector<std::string>& names) {
  constexpr std::size_t shown = 5;
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
    text += (i == 0 ? "" : ", ") + names[i];
  }
  if (names.size() > shown) {
    text += fmt::format(" and {} more", names.size() - shown);
  }
  return text.empty() ? "none" : text;
}

void check_sides(std::span<const run_input> baseline, std::span<const run_input> candidate) {
  if (baseline.empty() || candidate.empty()) {
    throw input_error(baseline.empty() ? "the baseline side has no input files"
                                       : "the candidate side has no input files");
  }
}

const std::string& fact(const run_metadata& metadata, std::string_view key) {
  static const std::string none;
  const auto found = metadata.extra.find(key);
  return found == metadata.extra.end() ? none : found->second;
}

/// Whether metric `name` belongs to benchmark run `run`: "BM_x" itself, or "BM_x:<quantity>".
bool belongs_to(std::string_view name, std::string_view run) {
  return name == run ||
         (name.size() > run.size() && name.starts_with(run) && name[run.size()] == ':');
}

/// The failed runs of both sides in `report.failures`; a metric of a benchmark that failed in the
/// candidate is then not "removed" but failed.
void record_failures(comparison_report& report, std::span<const run_input> baseline,
                     std::span<const run_input> candidate) {
  const auto measured_in_baseline = [&](const std::string& run) {
    return std::any_of(baseline.begin(), baseline.end(), [&](const run_input& input) {
      return std::any_of(input.data.metrics.begin(), input.data.metrics.end(),
                         [&](const metric& sample) { return belongs_to(sample.name, run); });
    });
  };
  for (const auto& [side, in_candidate] :
       {std::pair{baseline, false}, std::pair{candidate, true}}) {
    for (const run_input& input : side) {
      for (const failed_run& failure : input.data.failures) {
        report.failures.push_back({failure.run, in_candidate,
                                   in_candidate && measured_in_baseline(failure.run),
                                   failure.skipped, failure.message, input.file});
      }
    }
  }
  std::erase_if(report.removed, [&](const std::string& name) {
    return std::any_of(report.failures.begin(), report.failures.end(),
                       [&](const failed_benchmark& failure) {
                         return failure.in_candidate && belongs_to(name, failure.name);
                       });
  });
}

/// Build types as Google Benchmark ("release") and CMake ("Release", "RelWithDebInfo") spell them.
std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// A number read from a metadata fact, or NaN.
double number_of(const std::string& text) {
  double value = std::numeric_limits<double>::quiet_NaN();
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

/// Whether a metric of `quantity` is the time of a Google Benchmark run that `measure` does not
/// name: the benchmark's other time, which informs but does not gate.
bool is_other_time(std::string_view quantity, measure_kind measure) {
  return quantity == (measure == measure_kind::cpu_time ? "real_time" : "cpu_time");
}

/// Marks `row` informative or gating; an informative row does not gate, so it is never blind.
void mark_informative(comparison& row, bool informative) {
  row.informative = informative;
  row.blind = row.blind && !informative;
}

/// The repetitions per side with which every blind gating row of `rows` could be flagged, or 0
/// when none is blind; for rows of dependent repetitions, in one run of lag-1 autocorrelation
/// `rho`. Rows whose test can reach any p (Welch's) or whose limit is the bootstrap's
/// resamples ask for no more repetitions than the U test would.
std::size_t blind_repetitions(std::span<const comparison> rows, double rho) {
  std::size_t family = 0;
  for (const comparison& row : rows) {
    family += row.informative ? 0 : 1;
  }
  std::size_t needed = 0;
  for (const comparison& row : rows) {
    if (row.blind) {
      // Equivalence mode's bounds are one-sided tests: they reach half the two-sided p.
      const double alpha = row.equivalence ? 2.0 * row.alpha : row.alpha;
      // Repetitions added to one run of dependent ones are worth less than independent ones.
      const bool dependent = row.effective_baseline < static_cast<double>(row.baseline.n) ||
                             row.effective_candidate < static_cast<double>(row.candidate.n);
      needed = std::max(needed, repetitions_to_flag(alpha, std::max<std::size_t>(family, 1),
                                                    dependent ? rho : 0.0));
    }
  }
  return needed;
}

/// Adds to `series` the logarithms of `values` run by run, `runs` giving how many each run has,
/// for the runs whose values are all positive.
void add_log_series(std::vector<std::vector<double>>& series, const std::vector<double>& values,
                    const std::vector<std::size_t>& runs) {
  std::size_t start = 0;
  for (const std::size_t run : runs) {
    std::vector<double> logs;
    logs.reserve(run);
    for (std::size_t i = start; i < start + run && i < values.size(); ++i) {
      if (values[i] > 0) {
        logs.push_back(std::log(values[i]));
      }
    }
    if (logs.size() == run) {
      series.push_back(std::move(logs));
    }
    start += run;
  }
}

/// The lag-1 autocorrelation of a side's repetitions within its runs, from the metrics `used`
/// (the gating ones): the logarithms of each metric's positive values per file. Sides whose
/// values are one per run, or per-call values, are not estimated.
dependence_estimate side_dependence(const side_samples& side, replication mode,
                                    const std::set<std::string, std::less<>>& used) {
  if (mode != replication::pooled) {
    return {};
  }
  std::vector<std::vector<double>> series;
  for (const auto& [name, sample] : side.by_name) {
    if (used.contains(name)) {
      add_log_series(series, sample.values, sample.runs);
    }
  }
  return estimate_dependence(series);
}

/// The lag-1 autocorrelation compare() applies for `estimate`: its rho when found, else 0.
double applied_rho(const dependence_estimate& estimate) {
  return estimate.found ? estimate.rho : 0.0;
}

/// What compare() is told of a side's dependence: the estimate when it was found, with the runs.
serial_dependence applied(const dependence_estimate& estimate,
                          const std::vector<std::size_t>& runs) {
  if (!estimate.found || estimate.rho == 0) {
    return {};
  }
  return {estimate.rho, runs};
}

serial_dependence applied(const dependence_estimate& estimate, const side_sample& sample) {
  return sample.reported.empty() ? applied(estimate, sample.runs) : serial_dependence{};
}

}  // namespace

std::vector<comparability_issue> check_comparability(const run_metadata& reference,
                                                     const std::string& reference_file,
                                                     const run_metadata& other,
                                                     const std::string& other_file) {
  std::vector<comparability_issue> issues;
  const auto add = [&](std::string_view what, std::string_view field, const std::string& mine,
                       const std::string& theirs, bool differ) {
    if (!mine.empty() && !theirs.empty() && differ) {
      issues.push_back(
          {std::string(what), std::string(field), mine, theirs, reference_file, other_file});
    }
  };
  const auto exact = [&](std::string_view what, std::string_view field, const std::string& mine,
                         const std::string& theirs) {
    add(what, field, mine, theirs, mine != theirs);
  };
  exact("host name", "host", reference.host, other.host);
  // Google Benchmark gives no CPU model: its "cpu" is the count and frequency, compared below.
  if (fact(reference, "mhz_per_cpu").empty() && fact(other, "mhz_per_cpu").empty()) {
    exact("CPU model", "cpu", reference.cpu, other.cpu);
  }
  exact("CPU count", "num_cpus", fact(reference, "num_cpus"), fact(other, "num_cpus"));
  exact("caches", "caches", fact(reference, "caches"), fact(other, "caches"));
  add("build type", "build_type", reference.build_type, other.build_type,
      lowercase(reference.build_type) != lowercase(other.build_type));
  exact("library version", "library_version", fact(reference, "library_version"),
        fact(other, "library_version"));
  exact("compiler", "compiler", fact(reference, "compiler"), fact(other, "compiler"));
  exact("frequency scaling", "cpu_scaling_enabled", fact(reference, "cpu_scaling_enabled"),
        fact(other, "cpu_scaling_enabled"));
  exact("frequency governor", "scaling_governor", fact(reference, "scaling_governor"),
        fact(other, "scaling_governor"));
  const std::string& mhz = fact(reference, "mhz_per_cpu");
  const std::string& other_mhz = fact(other, "mhz_per_cpu");
  const double a = number_of(mhz);
  const double b = number_of(other_mhz);
  add("CPU frequency (MHz)", "mhz_per_cpu", mhz, other_mhz,
      std::isfinite(a) && std::isfinite(b) && std::abs(a - b) > 0.1 * std::max(a, b));
  return issues;
}

std::vector<comparability_issue> check_comparability(std::span<const run_input> baseline,
                                                     std::span<const run_input> candidate) {
  std::vector<comparability_issue> issues;
  if (baseline.empty()) {
    return issues;
  }
  const run_input& reference = baseline.front();
  for (const auto side : {baseline.subspan(1), candidate}) {
    for (const run_input& run : side) {
      auto found =
          check_comparability(reference.data.metadata, reference.file, run.data.metadata, run.file);
      issues.insert(issues.end(), std::make_move_iterator(found.begin()),
                    std::make_move_iterator(found.end()));
    }
  }
  return issues;
}

std::size_t comparison_report::broken() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(failures.begin(), failures.end(), [](const failed_benchmark& failure) {
        return failure.in_candidate && failure.ran_in_baseline;
      }));
}

std::size_t comparison_report::regressions() const noexcept {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(),
      [](const comparison& row) { return !row.informative && row.result == verdict::regressed; }));
}

std::size_t comparison_report::blind() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const comparison& row) {
        return row.blind && row.baseline.n >= 2 && row.candidate.n >= 2;
      }));
}

std::size_t comparison_report::count(verdict result) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [result](const comparison& row) { return row.result == result; }));
}

comparison_report compare_runs(std::span<const run_input> baseline,
                               std::span<const run_input> candidate,
                               const compare_options& options) {
  check_sides(baseline, candidate);
  const bool baseline_per_call = side_is_per_call(baseline, "baseline");
  const bool candidate_per_call = side_is_per_call(candidate, "candidate");
  const replication baseline_mode =
      replication_of(baseline_per_call, baseline.size(), candidate.size());
  const replication candidate_mode =
      replication_of(candidate_per_call, candidate.size(), baseline.size());
  const side_samples before = collect(baseline, baseline_mode, options.directions);
  const side_samples after = collect(candidate, candidate_mode, options.directions);
  const bool indicative =
      baseline_per_call && candidate_per_call && baseline.size() == 1 && candidate.size() == 1;

  comparison_report report;
  report.baseline_runs = baseline.size();
  report.candidate_runs = candidate.size();
  // Which rows gate is known before any is judged: each row's family is then known, and with it
  // whether the design can flag it at all.
  struct pairing {
    const std::string* name;
    const side_sample* old_sample;
    const side_sample* new_sample;
    better direction;
    bool gates;
  };
  std::vector<pairing> pairs;
  std::size_t gating = 0;
  for (const std::string& name : before.order) {
    const auto match = after.by_name.find(name);
    if (match == after.by_name.end()) {
      report.removed.push_back(name);
      continue;
    }
    const side_sample& old_sample = before.by_name.find(name)->second;
    const side_sample& new_sample = match->second;
    if (old_sample.unit != new_sample.unit) {
      throw input_error(fmt::format(
          "metric '{}' is in '{}' in the baseline ({}) but in '{}' in the candidate ({})", name,
          old_sample.unit, old_sample.file, new_sample.unit, new_sample.file));
    }
    // Sides that disagree (a summary written before a counter's direction was unknown, say)
    // leave the direction unknown rather than let one of them guess.
    const better direction =
        old_sample.direction == new_sample.direction ? old_sample.direction : better::unknown;
    const bool gates =
        direction != better::unknown && (!is_other_time(old_sample.quantity, options.measure) ||
                                         declared_direction(options.directions, name).has_value());
    gating += gates ? 1 : 0;
    pairs.push_back({&name, &old_sample, &new_sample, direction, gates});
  }
  // The dependence within each side's runs, from its gating metrics: one measure per benchmark,
  // so that a benchmark's two times do not count its drift twice.
  std::set<std::string, std::less<>> used;
  for (const pairing& pair : pairs) {
    if (pair.gates) {
      used.insert(*pair.name);
    }
  }
  report.baseline_dependence = side_dependence(before, baseline_mode, used);
  report.candidate_dependence = side_dependence(after, candidate_mode, used);
  for (const pairing& pair : pairs) {
    compare_options judged = options;
    judged.family = std::max<std::size_t>(1, pair.gates ? gating : pairs.size() - gating);
    judged.baseline_dependence = applied(report.baseline_dependence, *pair.old_sample);
    judged.candidate_dependence = applied(report.candidate_dependence, *pair.new_sample);
    comparison row =
        pair.old_sample->reported.empty() && pair.new_sample->reported.empty()
            ? compare(pair.old_sample->values, pair.new_sample->values, pair.direction, judged)
            : compare_reported(pooled(*pair.old_sample), pooled(*pair.new_sample), pair.direction,
                               judged);
    row.name = *pair.name;
    row.unit = pair.old_sample->unit;
    row.kind = kind_of(pair.old_sample->quantity);
    row.indicative = indicative;
    mark_informative(row, !pair.gates);
    report.rows.push_back(std::move(row));
  }
  report.gating_rows = gating;
  for (const std::string& name : after.order) {
    if (!before.by_name.contains(name)) {
      report.added.push_back(name);
    }
  }
  record_failures(report, baseline, candidate);
  if (report.rows.empty() && report.broken() == 0) {
    throw input_error(fmt::format(
        "the sides share no metric: the baseline ({}) has {}; the candidate ({}) has {}",
        baseline.front().file, names_list(report.removed), candidate.front().file,
        names_list(report.added)));
  }
  control_false_discoveries(report.rows);
  report.blind_repetitions = blind_repetitions(
      report.rows,
      std::max(applied_rho(report.baseline_dependence), applied_rho(report.candidate_dependence)));
  report.issues = check_comparability(baseline, candidate);
  return report;
}

namespace {

/// The comparator options for one KPI: the spec's settings over the defaults.
compare_options options_for(const kpi_spec& kpi, const compare_options& defaults) {
  compare_options options = defaults;
  if (kpi.tolerance) {
    if (kpi.tolerance->percent) {
      options.tolerance = kpi.tolerance->value / 100.0;
      options.absolute_tolerance.reset();
    } else {
      options.absolute_tolerance = kpi.tolerance->value;
    }
  }
  if (kpi.test) {
    options.test = *kpi.test;
  }
  if (kpi.alpha) {
    options.alpha = *kpi.alpha;
  }
  return options;
}

/// The KPI row Welch's t gives at the effective sizes, for a KPI whose correlated repetitions
/// leave the U test too few effective values to flag it: the exact U test has a floor on its
/// p-value, Welch's t has none, so a change far beyond the noise is still found.
comparison welch_at_effective_sizes(std::span<const double> baseline,
                                    std::span<const double> candidate, better direction,
                                    compare_options options) {
  options.test = test_kind::welch;
  comparison row = compare(baseline, candidate, direction, options);
  const std::string reason =
      "correlated repetitions leave the U test too few effective values; judged by Welch's t at "
      "the effective sizes";
  row.note = row.note.empty() ? reason : row.note + "; " + reason;
  return row;
}

/// One KPI result's sample on one side, with the KPI it came from.
struct kpi_sample {
  std::vector<double> values;
  std::vector<std::size_t> runs;  ///< how many of `values` each run gave, in order
  std::string unit;
  better direction = better::lower;
  const kpi_spec* spec = nullptr;
  std::string file;
};

struct kpi_samples {
  std::map<std::string, kpi_sample, std::less<>> by_name;
  std::vector<std::string> order;
};

const kpi_spec* find_kpi(const benchmark_spec& spec, std::string_view result_name) {
  const std::string_view base = result_name.substr(0, result_name.find('['));
  for (const kpi_spec& kpi : spec.kpis) {
    if (kpi.name == base) {
      return &kpi;
    }
  }
  return nullptr;
}

kpi_samples collect_kpis(const benchmark_spec& spec, std::span<const run_input> side,
                         replication mode, std::vector<kpi_result>* breaches) {
  kpi_samples samples;
  for (const run_input& run : side) {
    kpi_report evaluated = evaluate_kpis(spec, run.data);
    for (kpi_result& result : evaluated.results) {
      auto [found, fresh] = samples.by_name.try_emplace(result.name);
      kpi_sample& sample = found->second;
      if (fresh) {
        samples.order.push_back(result.name);
        sample.unit = result.unit;
        sample.direction = result.direction;
        sample.spec = find_kpi(spec, result.name);
        sample.file = run.file;
      } else if (sample.unit != result.unit) {
        throw input_error(fmt::format("{}: KPI '{}' is in '{}' here but in '{}' in {}", run.file,
                                      result.name, result.unit, sample.unit, sample.file));
      }
      // A per-run statistic of per-call values is the run's replicate; rates and ratios are one
      // value per run already.
      if (mode == replication::median_per_run && !std::isnan(result.value)) {
        sample.values.push_back(result.value);
        sample.runs.push_back(1);
      } else if (mode != replication::median_per_run) {
        sample.values.insert(sample.values.end(), result.values.begin(), result.values.end());
        sample.runs.push_back(result.values.size());
      }
      if (breaches != nullptr && result.status == kpi_status::breach) {
        result.note = result.note.empty() ? run.file : run.file + ": " + result.note;
        breaches->push_back(std::move(result));
      }
    }
  }
  return samples;
}

}  // namespace

comparison_report compare_kpis(const benchmark_spec& spec, std::span<const run_input> baseline,
                               std::span<const run_input> candidate,
                               const compare_options& defaults) {
  check_sides(baseline, candidate);
  // The spec's own directions first, then those given for the comparison.
  benchmark_spec declared = spec;
  declared.directions.insert(declared.directions.end(), defaults.directions.begin(),
                             defaults.directions.end());
  const bool baseline_per_call = side_is_per_call(baseline, "baseline");
  const bool candidate_per_call = side_is_per_call(candidate, "candidate");
  comparison_report report;
  report.spec_file = spec.file;
  report.baseline_runs = baseline.size();
  report.candidate_runs = candidate.size();
  const replication baseline_mode =
      replication_of(baseline_per_call, baseline.size(), candidate.size());
  const replication candidate_mode =
      replication_of(candidate_per_call, candidate.size(), baseline.size());
  const kpi_samples before = collect_kpis(declared, baseline, baseline_mode, nullptr);
  const kpi_samples after = collect_kpis(declared, candidate, candidate_mode, &report.breaches);
  const bool indicative =
      baseline_per_call && candidate_per_call && baseline.size() == 1 && candidate.size() == 1;
  std::size_t gating = 0;
  std::size_t informative = 0;
  // The gating KPIs' values within each run show its dependence, as the metrics' do in
  // compare_runs().
  std::vector<std::vector<double>> baseline_series;
  std::vector<std::vector<double>> candidate_series;
  for (const std::string& name : before.order) {
    if (const auto match = after.by_name.find(name); match != after.by_name.end()) {
      const kpi_sample& old_sample = before.by_name.find(name)->second;
      const bool gates =
          old_sample.direction != better::unknown && match->second.direction != better::unknown;
      gating += gates ? 1 : 0;
      informative += gates ? 0 : 1;
      if (gates) {
        add_log_series(baseline_series, old_sample.values, old_sample.runs);
        add_log_series(candidate_series, match->second.values, match->second.runs);
      }
    }
  }
  if (baseline_mode == replication::pooled) {
    report.baseline_dependence = estimate_dependence(baseline_series);
  }
  if (candidate_mode == replication::pooled) {
    report.candidate_dependence = estimate_dependence(candidate_series);
  }
  for (const std::string& name : before.order) {
    const auto match = after.by_name.find(name);
    if (match == after.by_name.end()) {
      report.removed.push_back(name);
      continue;
    }
    const kpi_sample& old_sample = before.by_name.find(name)->second;
    const kpi_sample& new_sample = match->second;
    if (old_sample.unit != new_sample.unit) {
      throw input_error(
          fmt::format("KPI '{}' is in '{}' in the baseline ({}) but in '{}' in the candidate ({})",
                      name, old_sample.unit, old_sample.file, new_sample.unit, new_sample.file));
    }
    compare_options options =
        old_sample.spec != nullptr ? options_for(*old_sample.spec, defaults) : defaults;
    const bool gates =
        old_sample.direction != better::unknown && new_sample.direction != better::unknown;
    options.family = std::max<std::size_t>(1, gates ? gating : informative);
    options.baseline_dependence = applied(report.baseline_dependence, old_sample.runs);
    options.candidate_dependence = applied(report.candidate_dependence, new_sample.runs);
    comparison row = compare(old_sample.values, new_sample.values, old_sample.direction, options);
    if (row.blind && options.test == test_kind::mann_whitney &&
        (options.baseline_dependence.rho > 0 || options.candidate_dependence.rho > 0)) {
      row = welch_at_effective_sizes(old_sample.values, new_sample.values, old_sample.direction,
                                     options);
    }
    row.name = name;
    row.unit = old_sample.unit;
    row.kind = "kpi";
    row.indicative = indicative;
    mark_informative(row, !gates);
    report.rows.push_back(std::move(row));
  }
  for (const std::string& name : after.order) {
    if (!before.by_name.contains(name)) {
      report.added.push_back(name);
    }
  }
  if (report.rows.empty()) {
    throw input_error(fmt::format("{}: no KPI was computed on both sides", spec.file));
  }
  report.gating_rows = gating;
  control_false_discoveries(report.rows);
  report.blind_repetitions = blind_repetitions(
      report.rows,
      std::max(applied_rho(report.baseline_dependence), applied_rho(report.candidate_dependence)));
  report.issues = check_comparability(baseline, candidate);
  return report;
}

run_input read_run(const std::string& path) {
  run_input run;
  run.file = path;
  if (detail::is_stats_json(path)) {
    run.data = detail::read_stats_json(path);
    return run;
  }
  const input_format format = detect_format(path);
  if (format == input_format::log_lines) {
    throw input_error(fmt::format(
        "{}: a JSON-lines log holds events, not samples to compare; compare captures, Google "
        "Benchmark JSON or 'metron stats --json' output",
        path));
  }
  run.data = read_input(path);
  run.per_call = format == input_format::capture;
  return run;
}

std::vector<run_input> read_runs(const std::vector<std::string>& paths) {
  std::vector<run_input> runs;
  runs.reserve(paths.size());
  for (const std::string& path : paths) {
    runs.push_back(read_run(path));
  }
  return runs;
}

int gate_exit_status(const comparison_report& report, const gate_rules& rules) {
  constexpr int pass = 0;
  constexpr int regression = 1;
  constexpr int not_comparable = 2;
  constexpr int inconclusive = 3;
  if (rules.strict && !report.issues.empty()) {
    return not_comparable;
  }
  if (report.regressions() > 0 || !report.breaches.empty() || report.broken() > 0 ||
      (rules.fail_on_removed && !report.removed.empty())) {
    return regression;
  }
  if (!rules.allow_blind && report.blind_repetitions > 0) {
    return inconclusive;
  }
  if (rules.fail_on_inconclusive &&
      std::any_of(report.rows.begin(), report.rows.end(), [](const comparison& row) {
        return !row.informative && row.result == verdict::inconclusive;
      })) {
    return inconclusive;
  }
  return pass;
}

}  // namespace metron::analysis
