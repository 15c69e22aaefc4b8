// Assembles a report from its inputs: KPIs or metrics, the comparison, history, resources, fits.
#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>
#include <metron/report/report.hpp>
#include <metron/spec/spec.hpp>
#include <metron/statistics/statistics.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace metron::report {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

/// Keeps only the resource time line of a capture.
class resource_collector final : public capture_visitor {
 public:
  void on_resources(std::span<const resource_sample> samples) override {
    resources.insert(resources.end(), samples.begin(), samples.end());
  }
  std::vector<resource_sample> resources;
};

double median_of(std::vector<double> values) {
  std::erase_if(values, [](double value) { return std::isnan(value); });
  if (values.empty()) {
    return not_a_number;
  }
  std::sort(values.begin(), values.end());
  return analysis::quantile_sorted(values, 0.5);
}

std::map<std::string, analysis::comparison, std::less<>> by_name(
    std::vector<analysis::comparison>& rows) {
  std::map<std::string, analysis::comparison, std::less<>> found;
  for (analysis::comparison& row : rows) {
    std::string name = row.name;
    found.emplace(std::move(name), std::move(row));
  }
  return found;
}

std::optional<analysis::comparison> take(
    std::map<std::string, analysis::comparison, std::less<>>& rows, const std::string& name) {
  const auto found = rows.find(name);
  if (found == rows.end()) {
    return std::nullopt;
  }
  return std::move(found->second);
}

void add_kpi_rows(report_document& document, const analysis::benchmark_spec& spec,
                  const analysis::run_input& candidate, const analysis::run_input* baseline,
                  const analysis::compare_options& options) {
  const analysis::kpi_report evaluated = analysis::evaluate_kpis(spec, candidate.data);
  std::map<std::string, std::vector<double>, std::less<>> baseline_values;
  std::map<std::string, analysis::comparison, std::less<>> changes;
  if (baseline != nullptr) {
    for (analysis::kpi_result& result : analysis::evaluate_kpis(spec, baseline->data).results) {
      baseline_values.emplace(result.name, std::move(result.values));
    }
    analysis::comparison_report compared =
        analysis::compare_kpis(spec, std::span(baseline, 1), std::span(&candidate, 1), options);
    changes = by_name(compared.rows);
    document.issues = std::move(compared.issues);
    document.added = std::move(compared.added);
    document.removed = std::move(compared.removed);
  }
  for (const analysis::kpi_result& result : evaluated.results) {
    report_row row;
    row.name = result.name;
    row.source = result.source;
    row.statistic = std::string(analysis::to_string(result.stat));
    row.unit = result.unit;
    row.direction = result.direction;
    row.value = result.value;
    row.threshold = result.threshold;
    row.kpi = result.status;
    row.change = take(changes, result.name);
    row.candidate = result.values;
    if (const auto found = baseline_values.find(result.name); found != baseline_values.end()) {
      row.baseline = found->second;
    }
    row.note = result.note;
    document.rows.push_back(std::move(row));
  }
}

void add_metric_rows(report_document& document, const analysis::run_input& candidate,
                     const analysis::run_input* baseline,
                     const analysis::compare_options& options) {
  std::map<std::string, analysis::comparison, std::less<>> changes;
  if (baseline != nullptr) {
    analysis::comparison_report compared =
        analysis::compare_runs(std::span(baseline, 1), std::span(&candidate, 1), options);
    changes = by_name(compared.rows);
    document.issues = std::move(compared.issues);
    document.added = std::move(compared.added);
    document.removed = std::move(compared.removed);
  }
  for (const analysis::metric& metric : candidate.data.metrics) {
    report_row row;
    row.name = metric.name;
    row.unit = metric.unit;
    row.direction = metric.direction;
    row.value = median_of(metric.values);
    row.change = take(changes, metric.name);
    row.candidate = metric.values;
    if (baseline != nullptr) {
      if (const analysis::metric* old = baseline->data.find_metric(metric.name)) {
        row.baseline = old->values;
      }
    }
    if (metric.values.empty()) {
      row.note = "no samples";
    }
    document.rows.push_back(std::move(row));
  }
}

/// The history of each row: under the row's name, else under the metric it is computed from.
void add_history(report_document& document, const report_request& request) {
  const std::unique_ptr<analysis::history_store> store =
      analysis::open_history(request.history, analysis::history_open::existing);
  std::map<std::string, std::string, std::less<>> units;
  for (const analysis::history_metric& metric : store->metrics(request.history_filter)) {
    units.emplace(metric.name, metric.unit);
  }
  for (const report_row& row : document.rows) {
    const std::array<const std::string*, 2> names = {&row.name, &row.source};
    for (const std::string* name : names) {
      const auto found = units.find(*name);
      if (found == units.end()) {
        continue;
      }
      history_trend trend;
      trend.metric = *name;
      trend.unit = found->second;
      trend.points = store->series(*name, request.history_filter);
      std::vector<double> values;
      std::vector<std::string> commits;
      for (const analysis::history_point& point : trend.points) {
        values.push_back(point.value);
        commits.push_back(point.commit);
      }
      // Fewer points than two segments cannot hold a change.
      if (values.size() >= 2 * request.change_points.min_segment) {
        trend.changes = analysis::detect_change_points(values, commits, request.change_points);
      }
      document.history.push_back(std::move(trend));
      break;
    }
  }
}

}  // namespace

std::string_view to_string(row_state state) noexcept {
  switch (state) {
    case row_state::breach_and_regression: return "breach + regression";
    case row_state::breach: return "breach";
    case row_state::regression: return "regression";
    case row_state::insufficient: return "insufficient";
    case row_state::inconclusive: return "inconclusive";
    case row_state::changed: return "changed";
    case row_state::pass: return "pass";
    case row_state::improved: return "improved";
    case row_state::reported: break;
  }
  return "reported";
}

bool is_failure(row_state state) noexcept {
  return state == row_state::breach_and_regression || state == row_state::breach ||
         state == row_state::regression;
}

row_state state_of(const std::optional<analysis::kpi_status>& kpi,
                   const std::optional<analysis::comparison>& change) noexcept {
  const bool breach = kpi == analysis::kpi_status::breach;
  const bool regression = change && change->result == analysis::verdict::regressed;
  if (breach && regression) {
    return row_state::breach_and_regression;
  }
  if (breach) {
    return row_state::breach;
  }
  if (regression) {
    return row_state::regression;
  }
  if (kpi == analysis::kpi_status::insufficient) {
    return row_state::insufficient;
  }
  if (change && change->result == analysis::verdict::inconclusive) {
    return row_state::inconclusive;
  }
  if (change && change->result == analysis::verdict::improved) {
    return row_state::improved;
  }
  if (change && change->result == analysis::verdict::changed) {
    return row_state::changed;
  }
  if (kpi == analysis::kpi_status::pass ||
      (change && change->result == analysis::verdict::unchanged)) {
    return row_state::pass;
  }
  return row_state::reported;
}

bool report_document::passed() const noexcept {
  return std::none_of(rows.begin(), rows.end(),
                      [](const report_row& row) { return is_failure(row.state); });
}

std::size_t report_document::count(row_state state) const noexcept {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [state](const report_row& row) { return row.state == state; }));
}

report_document build_report(const report_request& request) {
  report_document document;
  document.title = "metron report";
  document.candidate_file = request.candidate;
  document.baseline_file = request.baseline;
  document.history_store = request.history;
  document.spec_file = request.spec;
  // The spec first: a bad spec is reported before any input is read.
  std::optional<analysis::benchmark_spec> spec;
  if (!request.spec.empty()) {
    spec = analysis::load_spec(request.spec);
    document.title = spec->suite;
  }
  const analysis::run_input candidate = analysis::read_run(request.candidate);
  std::optional<analysis::run_input> baseline;
  if (!request.baseline.empty()) {
    baseline = analysis::read_run(request.baseline);
    document.baseline_metadata = baseline->data.metadata;
  }
  document.candidate_metadata = candidate.data.metadata;
  const analysis::run_input* baseline_run = baseline ? &*baseline : nullptr;
  if (spec) {
    add_kpi_rows(document, *spec, candidate, baseline_run, request.compare);
  } else {
    add_metric_rows(document, candidate, baseline_run, request.compare);
  }
  for (report_row& row : document.rows) {
    row.state = state_of(row.kpi, row.change);
  }
  std::stable_sort(document.rows.begin(), document.rows.end(),
                   [](const report_row& a, const report_row& b) { return a.state < b.state; });
  if (!request.history.empty()) {
    add_history(document, request);
  }
  if (candidate.per_call) {
    resource_collector collector;
    (void)read_capture(request.candidate, collector);
    document.resources = std::move(collector.resources);
  }
  try {
    document.complexity = analysis::fit_families(candidate.data);
  } catch (const input_error&) {
    // A family with a size below 1 (BM_f/0) has no complexity curve; the rest of the report
    // stands without the fits.
    document.complexity.clear();
  }
  return document;
}

}  // namespace metron::report
