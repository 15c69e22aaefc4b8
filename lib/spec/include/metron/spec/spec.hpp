// Benchmark specifications: a suite's metrics and KPIs, parsed and validated from YAML.
#pragma once

#include <metron/readers/dataset.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// Where something was written in a spec: the file as given and the 1-based line. Evaluation
/// errors that concern a spec entry (an unknown metric, say) start with it, as `file:line:`.
struct spec_location {
  std::string file;      ///< the spec's path, as given to load_spec() or parse_spec()
  std::size_t line = 0;  ///< 1-based
};

/// Which of a dataset's metrics a spec's metric entry chooses.
enum class metric_source {
  probe,      ///< a probe site of a capture or a namespace of a JSON-lines log
  benchmark,  ///< a Google Benchmark entry (its run name, such as `BM_sort/1024`)
};

/// One entry of a spec's `metrics:` mapping: a name the KPIs use, and what it chooses.
struct metric_selector {
  std::string name;                             ///< the key in `metrics:`
  metric_source source = metric_source::probe;  ///< `probe…` or `benchmark…`
  std::string pattern;  ///< the exact name, or an ECMAScript regex matching whole names
  bool regex = false;   ///< `probe_regex:` / `benchmark_regex:` rather than `probe:`
  /// Which of the entry's values. Benchmarks: `real_time` (the default), `cpu_time`, or a user
  /// counter's name. Probes: empty for the site's own values (a bracket's durations, a gauge's
  /// values), or an observable the site selected (`cpu_time_ns`).
  std::string field;
  /// The unit of the values where the inputs give none (a Google Benchmark counter is a plain
  /// number: `unit: s` says that `ns_per_op` counts seconds). As written; parse_unit() reads it.
  std::string unit;
  spec_location where;  ///< the entry's key in the spec
};

/// A statistic of a sample. `p50` and `median` are the same number.
enum class statistic {
  count,
  sum,
  mean,
  median,
  p50,
  p75,
  p90,
  p95,
  p96,  ///< the 96th centile: the tail a block-propagation KPI names
  p99,
  p99_9,
  min,
  max,
  stddev,
  mad,
  cv,
  rate,
  last,
};

/// The spelling of `s` in a spec: "p99.9", "stddev", …
[[nodiscard]] std::string_view to_string(statistic s) noexcept;
/// The statistic spelt `name`, or nothing.
[[nodiscard]] std::optional<statistic> parse_statistic(std::string_view name) noexcept;
/// Every statistic's spelling, comma-separated, in the order of the enumeration.
[[nodiscard]] std::string statistic_names();

/// The statistical test a comparison against a baseline runs for a KPI.
enum class test_kind {
  mann_whitney,  ///< "mann-whitney": Mann–Whitney U, rank based
  welch,         ///< "welch": Welch's t test
  bootstrap,     ///< "bootstrap": a bootstrap confidence interval of the relative change
};

/// "mann-whitney", "welch" or "bootstrap".
[[nodiscard]] std::string_view to_string(test_kind t) noexcept;

/// The test to_string() names `name`, or nothing.
[[nodiscard]] std::optional<test_kind> test_kind_named(std::string_view name) noexcept;

/// A relative tolerance as `metron compare --tolerance` takes it ("5%", "5 %" or "5"), as a
/// fraction (0.05); nothing for text that is not a percentage from 0 to 1000.
[[nodiscard]] std::optional<double> parse_percentage(std::string_view text);

/// What a unit measures; values convert only within one dimension.
enum class unit_dimension {
  time,   ///< ns, us (or µs), ms, s; the base is the nanosecond
  rate,   ///< /ns, /us, /ms, /s, /min; the base is "per second"
  other,  ///< any other name (bytes, items, …): no conversion, it must match the metric's unit
};

/// A unit a spec names, with its factor to the dimension's base.
struct unit_spec {
  std::string name;                                  ///< as written: "us", "/s", "bytes"
  unit_dimension dimension = unit_dimension::other;  ///< what it measures
  /// One of this unit in the base: 1000 for "us" (ns), 1000 for "/ms" (per second), 1 for other.
  double to_base = 1.0;
};

/// The unit spelt `name` ("ns", "us", "µs", "ms", "s", "/s", "/ms", …; anything else is an
/// `other` unit of that name). Never throws.
[[nodiscard]] unit_spec parse_unit(std::string_view name);

/// How much worse than the baseline a KPI may get before a comparison calls it a regression.
struct tolerance_spec {
  bool percent = true;  ///< relative (`5%`) or absolute (`2 us`, or a plain number)
  double value = 0.0;   ///< the percentage, or the amount in the KPI's unit
};

/// How a KPI gets its sample.
enum class kpi_kind {
  metric,    ///< `metric:` — a statistic of a spec metric's sample
  rate,      ///< `rate:` — events of a name per unit of time
  interval,  ///< `interval:` — times between successive events of a name
  span,      ///< `span:` — from event A to event B carrying the same key value
  ratio,     ///< `ratio:` — the statistic of one metric divided by the same of another
};

/// One entry of a spec's `kpis:` mapping, after the suite's `defaults:` are applied.
struct kpi_spec {
  std::string name;                  ///< the key in `kpis:`
  kpi_kind kind = kpi_kind::metric;  ///< how the KPI gets its sample
  std::string metric;                ///< metric: the spec metric's name
  std::string event;                 ///< rate, interval: the event name
  std::string from_event;            ///< span: the event that starts it
  std::string to_event;              ///< span: the event that ends it
  std::string key;          ///< span: the event field both carry (block hash, transaction id)
  std::string numerator;    ///< ratio: a spec metric's name
  std::string denominator;  ///< ratio: a spec metric's name
  /// The statistic reported; `rate` for rate KPIs, `median` when a spec names none.
  statistic stat = statistic::median;
  /// The unit of the value and of `threshold`; nothing keeps the inputs' own unit.
  std::optional<unit_spec> value_unit;
  /// `better:`. Nothing: the metric's direction as declared under `directions:`, else the
  /// inputs' own, else by the unit the spec's metric entry gives it (a duration lower, a rate
  /// higher); higher for rates, lower for intervals and spans; unknown otherwise.
  std::optional<better> direction;
  std::optional<double> threshold;  ///< absolute limit in `value_unit`; nothing: only reported
  std::optional<tolerance_spec> tolerance;  ///< for the comparator; nothing: its default
  std::optional<test_kind> test;            ///< for the comparator; nothing: its default
  std::optional<double> alpha;              ///< for the comparator; nothing: its default
  std::size_t min_samples = 1;  ///< fewer makes the KPI insufficient rather than pass or breach
  spec_location where;          ///< the KPI's key in the spec
};

/// One entry of a spec's `directions:` mapping: which way the metrics it names improve.
struct direction_rule {
  /// A glob over whole metric names as the readers spell them ("BM_search/*:docs_per_sec",
  /// "*:hit_rate"): `*` matches any run of characters, `?` one character, all else itself.
  std::string pattern;
  better direction = better::lower;  ///< lower or higher, as written
  spec_location where;               ///< the entry's key in the spec
};

/// The direction the first of `rules` whose pattern matches the whole of `metric_name`
/// declares, or nothing. Any thread; linear in the rules and the name's length.
[[nodiscard]] std::optional<better> declared_direction(std::span<const direction_rule> rules,
                                                       std::string_view metric_name) noexcept;

/// A parsed and validated benchmark specification.
struct benchmark_spec {
  std::string file;                      ///< the path it came from, as given
  std::string suite;                     ///< the suite's name
  std::string description;               ///< free text; empty when the spec gives none
  std::vector<metric_selector> metrics;  ///< in the order written
  std::vector<kpi_spec> kpis;  ///< in the order written; empty only when directions are given
  /// Declared directions, in the order written: they win over the inputs' own (see
  /// declared_direction()).
  std::vector<direction_rule> directions;

  /// The metric entry named `name`, or null. Costs a linear search.
  [[nodiscard]] const metric_selector* find_metric(std::string_view name) const noexcept;
};

/// Parses a spec from YAML text; `file` names it in error messages. Any thread may call it.
/// @throws input_error on anything that is not a valid spec: malformed YAML, an unknown or
///   missing key (a spec states KPIs, directions, or both), a wrong type or value, a KPI naming
///   a metric the spec does not define, a duplicate name. The one-line message reads `file:line:
///   key.path: what; what to do`.
[[nodiscard]] benchmark_spec parse_spec(std::string_view yaml_text, const std::string& file);

/// Reads and parses the spec at `path`.
/// @throws input_error as parse_spec does, or when the file cannot be read.
[[nodiscard]] benchmark_spec load_spec(const std::string& path);

}  // namespace metron::analysis
