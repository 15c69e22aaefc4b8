// KPI reports: a run's KPIs, its change against a baseline and its history, as HTML, Markdown,
// JUnit XML, CSV or JSON.
#pragma once

#include <metron/capture/observation.hpp>
#include <metron/compare/compare.hpp>
#include <metron/history/change_points.hpp>
#include <metron/history/history.hpp>
#include <metron/readers/dataset.hpp>
#include <metron/spec/family_complexity.hpp>
#include <metron/spec/kpi.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace metron::report {

/// How a row stands, worst first: rows of a report are ordered by it.
enum class row_state : std::uint8_t {
  breach_and_regression,  ///< beyond its threshold and significantly worse than the baseline
  breach,                 ///< the KPI is on the worse side of its threshold
  regression,             ///< significantly worse than the baseline, by more than the tolerance
  insufficient,           ///< too few samples for the KPI
  inconclusive,           ///< the comparison could not decide
  changed,                ///< of unknown direction, significantly different from the baseline
  pass,                   ///< within its threshold, or unchanged against the baseline
  improved,               ///< significantly better than the baseline
  reported,               ///< neither a threshold nor a baseline: the value is only shown
};

/// "breach + regression", "breach", "regression", "insufficient", "inconclusive", "changed",
/// "pass", "improved" or "reported".
[[nodiscard]] std::string_view to_string(row_state state) noexcept;

/// Whether a row in `state` fails the report (a breach or a regression).
[[nodiscard]] bool is_failure(row_state state) noexcept;

/// One KPI (with a spec) or one metric (without), with everything the renderings show of it.
struct report_row {
  std::string name;    ///< the KPI's or metric's name, as the input spells it (never escaped)
  std::string source;  ///< what it is computed from (a KPI's metric), else empty
  std::string statistic = "median";  ///< the statistic `value` is
  std::string unit;                  ///< unit of value, threshold and samples; empty: a number
  analysis::better direction = analysis::better::lower;  ///< which way is better
  /// The candidate's statistic; NaN when it cannot be computed (no samples), ±infinity allowed.
  double value = 0;
  std::optional<double> threshold;          ///< the spec's threshold, in `unit`
  std::optional<analysis::kpi_status> kpi;  ///< the KPI's verdict; nothing without a spec
  /// The comparison with the baseline's samples; nothing without a baseline or when the
  /// baseline lacks this row.
  std::optional<analysis::comparison> change;
  std::vector<double> candidate;          ///< every candidate sample, in `unit`
  std::vector<double> baseline;           ///< every baseline sample; empty without a baseline
  std::string note;                       ///< what else a reader should know; empty when nothing
  row_state state = row_state::reported;  ///< the verdict of the row, from kpi and change
};

/// The state a row's KPI verdict and comparison give it (see row_state).
[[nodiscard]] row_state state_of(const std::optional<analysis::kpi_status>& kpi,
                                 const std::optional<analysis::comparison>& change) noexcept;

/// A metric's series in the history store, with its change points.
struct history_trend {
  std::string metric;                           ///< the metric's name in the store
  std::string unit;                             ///< its unit
  std::vector<analysis::history_point> points;  ///< oldest run first
  std::vector<analysis::change_point> changes;  ///< strong and weak, by index
};

/// Everything a report shows. Built by build_report(), or by hand for tests and embedding.
struct report_document {
  std::string title;                          ///< the spec's suite, else "metron report"
  std::string spec_file;                      ///< the spec, as given; empty without one
  std::string candidate_file;                 ///< the candidate's file, as given
  std::string baseline_file;                  ///< the baseline's file; empty without one
  std::string history_store;                  ///< the history store; empty without one
  analysis::run_metadata candidate_metadata;  ///< what is known of the candidate's run
  analysis::run_metadata baseline_metadata;   ///< … and of the baseline's
  std::vector<report_row> rows;               ///< worst first (see row_state), then in input order
  std::vector<analysis::comparability_issue> issues;  ///< differences between the runs
  std::vector<std::string> added;                     ///< metrics only the candidate has
  std::vector<std::string> removed;                   ///< metrics only the baseline has
  std::vector<history_trend> history;                 ///< one per row the store holds
  std::vector<resource_sample> resources;  ///< the candidate capture's CPU and RSS samples
  std::vector<analysis::family_complexity> complexity;  ///< fits of parameterised benchmarks

  /// Whether no row is a breach or a regression.
  [[nodiscard]] bool passed() const noexcept;
  /// Whether a baseline was measured on a machine or build other than the candidate's (issues is
  /// not empty): its changes are then informational, and every rendering says so first.
  [[nodiscard]] bool not_comparable() const noexcept {
    return !baseline_file.empty() && !issues.empty();
  }
  /// The number of rows in `state`.
  [[nodiscard]] std::size_t count(row_state state) const noexcept;
};

/// What build_report() reads.
struct report_request {
  std::string candidate;  ///< a capture, Google Benchmark JSON or `metron stats --json` output
  std::string baseline;   ///< the same kinds; empty for none
  std::string spec;       ///< a benchmark specification (YAML); empty: every metric is a row
  std::string history;    ///< an SQLite file or postgresql:// URL; empty for none
  analysis::history_filter history_filter;       ///< which runs of the history are shown
  analysis::compare_options compare;             ///< defaults a spec's KPIs override
  analysis::change_point_options change_points;  ///< how the history's changes are found
};

/// Reads the inputs and assembles the report: KPIs (evaluate_kpis()) or metric medians, the
/// comparison with the baseline (compare_kpis() or compare_runs()), each row's series and change
/// points from the history, the candidate capture's resource samples, and complexity fits of
/// parameterised Google Benchmark families (left out when a family has a size below 1, which no
/// curve fits). Any thread; costs what those calls cost.
/// @throws input_error naming the file and place for anything unreadable, as those calls do;
///         resource_error when a file or the store cannot be read.
[[nodiscard]] report_document build_report(const report_request& request);

/// The formats a report renders to.
enum class report_format : std::uint8_t { html, markdown, junit, csv, json };

/// The format named "html", "md" (or "markdown"), "junit", "csv" or "json"; nothing otherwise.
[[nodiscard]] std::optional<report_format> parse_report_format(std::string_view name) noexcept;

/// The format a report written to `output` takes: `name` when given, else the output's extension
/// (".xml" is JUnit, ".html", ".md", ".csv" and ".json" their own), else HTML.
/// @throws input_error for a `name` parse_report_format() does not know.
[[nodiscard]] report_format report_format_for(std::string_view name, const std::string& output);

/// How much of the samples the charts of the HTML page draw; every number comes from all of them.
struct html_options {
  std::size_t histogram_bins = 30;        ///< bins of each distribution chart
  std::size_t max_trend_points = 400;     ///< history points drawn per series, at most
  std::size_t max_resource_points = 400;  ///< resource samples drawn, at most
  /// Rows (worst first) drawn in full: distribution, box plots, change and history. Rows after
  /// them show their distribution only, which keeps a report of 1000 metrics under 5 MB.
  std::size_t max_detailed_rows = 250;
};

/// One self-contained XHTML page: inline CSS and SVG, no script, no external reference. Every
/// text from the inputs is escaped. Any thread; linear in the samples.
void write_html(std::ostream& out, const report_document& document,
                const html_options& options = {});

/// GitHub-flavoured Markdown for a pull-request comment or a CI step summary: a verdict line, a
/// compact table, and the details folded in `<details>`. Inputs' text is escaped.
void write_markdown(std::ostream& out, const report_document& document);

/// JUnit XML (specs/junit.xsd): one test case per row; a breach or regression is a failure whose
/// message says why, an insufficient or inconclusive row is skipped.
void write_junit(std::ostream& out, const report_document& document);

/// Tidy CSV: a header, then one line per row and sample, `metric,unit,side,sample,value`, side
/// "baseline" or "candidate"; infinities as Inf and -Inf, as R reads them.
void write_csv(std::ostream& out, const report_document& document);

/// One JSON object: metadata, counts and each row with its verdicts and summaries; numbers that
/// are not finite are null.
void write_json(std::ostream& out, const report_document& document);

/// Renders `document` in `format` with default options.
void write_report(std::ostream& out, const report_document& document, report_format format);

}  // namespace metron::report
