// The cost of rendering a report of 1000 metrics (issue target: HTML in ≤ 2 s and ≤ 5 MB).
#include <metron/report/report.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <sstream>
#include <string>

namespace {

constexpr std::size_t metrics = 1000;
constexpr std::size_t samples_per_side = 2000;
constexpr std::size_t history_runs = 100;

/// A report as build_report() would give it for 1000 KPIs with a baseline and a history: every
/// row with its samples, a comparison and a series with one change point.
metron::report::report_document synthetic_report() {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> noise(0.0, 0.1);
  metron::report::report_document document;
  document.title = "synthetic";
  document.spec_file = "synthetic.yaml";
  document.candidate_file = "candidate.json";
  document.baseline_file = "baseline.json";
  document.history_store = "history.sqlite";
  for (std::size_t i = 0; i < metrics; ++i) {
    metron::report::report_row row;
    row.name = "metric_" + std::to_string(i);
    row.unit = "ns";
    const double centre = 1000.0 * static_cast<double>(i % 17 + 1);
    const double slowdown = i % 10 == 0 ? 1.2 : 1.0;
    for (std::size_t s = 0; s < samples_per_side; ++s) {
      row.baseline.push_back(centre * noise(random));
      row.candidate.push_back(centre * slowdown * noise(random));
    }
    row.value = centre * slowdown;
    row.threshold = centre * 1.1;
    row.kpi =
        slowdown > 1 ? metron::analysis::kpi_status::breach : metron::analysis::kpi_status::pass;
    metron::analysis::comparison change;
    change.name = row.name;
    change.unit = "ns";
    change.baseline.median = centre;
    change.candidate.median = centre * slowdown;
    change.change = slowdown - 1;
    change.change_interval = {slowdown - 1.02, slowdown - 0.98, 0.95};
    change.tolerance = 0.05;
    change.p_adjusted = slowdown > 1 ? 1e-6 : 0.5;
    change.result =
        slowdown > 1 ? metron::analysis::verdict::regressed : metron::analysis::verdict::unchanged;
    row.change = change;
    row.state = metron::report::state_of(row.kpi, row.change);
    metron::report::history_trend trend;
    trend.metric = row.name;
    trend.unit = "ns";
    for (std::size_t run = 0; run < history_runs; ++run) {
      metron::analysis::history_point point;
      point.commit = "commit" + std::to_string(run);
      point.value = centre * (run >= 80 ? slowdown : 1.0) * noise(random);
      trend.points.push_back(point);
    }
    metron::analysis::change_point shift;
    shift.index = 80;
    shift.commit = "commit80";
    shift.magnitude = slowdown - 1;
    trend.changes.push_back(shift);
    document.history.push_back(std::move(trend));
    document.rows.push_back(std::move(row));
  }
  return document;
}

template <void (*Render)(std::ostream&, const metron::report::report_document&)>
void render(benchmark::State& state) {
  const metron::report::report_document document = synthetic_report();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    Render(out, document);
    bytes = out.str().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["metrics"] = static_cast<double>(metrics);
}

void write_html_defaults(std::ostream& out, const metron::report::report_document& document) {
  metron::report::write_html(out, document);
}

BENCHMARK_TEMPLATE(render, write_html_defaults)
    ->Name("report_html_1000_metrics")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(render, metron::report::write_markdown)
    ->Name("report_markdown_1000_metrics")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(render, metron::report::write_junit)
    ->Name("report_junit_1000_metrics")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
