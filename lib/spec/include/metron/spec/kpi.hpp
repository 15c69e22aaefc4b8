// KPI evaluation: a benchmark specification's KPIs computed over a dataset, each pass or breach.
#pragma once

#include <metron/readers/dataset.hpp>
#include <metron/spec/spec.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The outcome of one KPI.
enum class kpi_status {
  pass,          ///< the value is on the better side of the threshold, or equal to it
  breach,        ///< the value is on the worse side of the threshold
  unchecked,     ///< the KPI has no threshold: the value is only reported
  insufficient,  ///< fewer samples than the KPI's min_samples (or than its statistic needs)
};

/// "pass", "breach", "unchecked" or "insufficient".
[[nodiscard]] std::string_view to_string(kpi_status status) noexcept;

/// One KPI's value over a dataset. A KPI over a regex metric gives one result per metric the
/// regex matched.
struct kpi_result {
  std::string name;    ///< the KPI's name; "name[metric]" for each match of a regex metric
  std::string source;  ///< what it was computed from: a metric's name, "a → b by key", "a / b"
  kpi_kind kind = kpi_kind::metric;    ///< as the spec defines it
  statistic stat = statistic::median;  ///< the statistic `value` is
  std::string unit;  ///< the unit of `value` and `threshold`; empty for plain numbers
  better direction = better::lower;  ///< as kpi_spec::direction describes; may be unknown
  /// The statistic, in `unit`: shown even when insufficient, NaN when it cannot be computed.
  double value = 0.0;
  std::optional<double> threshold;            ///< in `unit`; nothing when the spec gives none
  kpi_status status = kpi_status::unchecked;  ///< the verdict
  std::size_t samples = 0;      ///< values the statistic summarised (events for a rate)
  std::size_t min_samples = 1;  ///< as the spec asks
  /// What else a reader should know: why it is insufficient, spans that never ended, … Empty
  /// when there is nothing to say.
  std::string note;
  /// The sample the statistic summarised, in `unit`: a metric's values, the intervals, the spans.
  /// For rates and ratios, which are one number per run, the single value. A comparison against a
  /// baseline tests these.
  std::vector<double> values;
  spec_location where;  ///< the KPI in the spec
};

/// Every KPI of a spec over one dataset.
struct kpi_report {
  std::string suite;                ///< the spec's suite
  std::string spec_file;            ///< the spec's path, as given
  std::vector<kpi_result> results;  ///< in the spec's order, regex matches in name order

  /// Whether no result is a breach.
  [[nodiscard]] bool passed() const noexcept;
  /// The number of results with `status`.
  [[nodiscard]] std::size_t count(kpi_status status) const noexcept;
};

/// The exit status `metron kpi` ends with for `report`: 1 for a breach; else 3 for an insufficient
/// KPI with `fail_on_insufficient`; else 0. Pure; any thread.
[[nodiscard]] int gate_exit_status(const kpi_report& report, bool fail_on_insufficient) noexcept;

/// Evaluates every KPI of `spec` over `data`. Any thread; costs a sort of each sample.
///
/// Metric KPIs take the metric's values; `interval` the times between successive events of the
/// name (all nodes merged in time order); `span` the time from the first event A to each event B
/// carrying the same value of the key field (`key: value` uses a capture event's value); `rate`
/// events per second between the first and the last, (n − 1) / (t_last − t_first); `ratio` the
/// statistic of one metric divided by the same statistic of the other. Values are converted into
/// the KPI's unit. A metric `rate` statistic is records per second of the run's duration
/// (metadata.extra "duration_ns"). Each result's direction is as kpi_spec::direction describes.
/// @throws input_error "file:line: key: …" for a metric or event the dataset lacks (listing the
///   closest names present), a regex matching nothing, a unit that does not apply to the
///   metric's, events of one span or interval on different clocks, a rate without a duration, or
///   a threshold on a KPI of unknown direction; and for a spec without KPIs.
[[nodiscard]] kpi_report evaluate_kpis(const benchmark_spec& spec, const dataset& data);

}  // namespace metron::analysis
