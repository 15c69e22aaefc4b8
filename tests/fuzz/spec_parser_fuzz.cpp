// libFuzzer target: the spec parser on arbitrary text, and the KPIs of what it accepts evaluated
// over a small fixed dataset.
//
// Only input_error may escape; every message is one line naming the file and the line, and every
// spec accepted is consistent (each KPI names metrics the spec defines, each entry its line).
// Anything else aborts the target.
#include <metron/error.hpp>
#include <metron/spec/kpi.hpp>
#include <metron/spec/spec.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace analysis = metron::analysis;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "spec_parser_fuzz: %s\n", what);
    std::abort();
  }
}

void check_message(std::string_view message) {
  require(message.starts_with("fuzz.yaml:"), "message does not name the file");
  require(message.find('\n') == std::string_view::npos, "message of more than one line");
}

analysis::metric make_metric(const std::string& name, const std::string& unit,
                             std::vector<double> values) {
  analysis::metric m;
  m.name = name;
  m.entry = name.substr(0, name.find(':'));
  m.unit = unit;
  // As the readers judge: times better lower, Google Benchmark's rates higher, the rest unknown.
  m.direction = unit == "ns"    ? analysis::better::lower
                : unit == "1/s" ? analysis::better::higher
                                : analysis::better::unknown;
  m.values = std::move(values);
  return m;
}

analysis::event make_event(const std::string& name, std::int64_t time_ns,
                           const std::string& block) {
  analysis::event e;
  e.name = name;
  e.time_ns = time_ns;
  e.fields.emplace("block", block);
  e.value = 1.0;
  return e;
}

// The metrics and events the seed specs name, so that mutations reach the evaluation.
const analysis::dataset& fixed_dataset() {
  static const analysis::dataset data = [] {
    analysis::dataset d;
    d.metrics.push_back(make_metric("ledger.apply", "ns", {100, 200, 300, 600}));
    d.metrics.push_back(make_metric("ledger.apply:cpu_time_ns", "ns", {90, 180, 250, 590}));
    d.metrics.push_back(make_metric("BM_sort/8", "ns", {80, 82}));
    d.metrics.push_back(make_metric("BM_sort/64", "ns", {640, 650}));
    d.metrics.push_back(make_metric("BM_push:items_per_second", "1/s", {2e8, 3e8}));
    d.metrics.push_back(make_metric("zero", "", {0, 0}));
    d.events.push_back(make_event("block.forged", 0, "a"));
    d.events.push_back(make_event("block.adopted", 100, "a"));
    d.events.push_back(make_event("block.forged", 2000, "b"));
    d.events.push_back(make_event("block.adopted", 1500, "b"));
    d.events.push_back(make_event("block.forged", 2000, "c"));
    d.metadata.extra.emplace("duration_ns", "1000000");
    return d;
  }();
  return data;
}

void check_spec(const analysis::benchmark_spec& spec) {
  require(!spec.suite.empty(), "a spec without a suite");
  require(!spec.kpis.empty() || !spec.directions.empty(), "a spec without KPIs or directions");
  for (const analysis::direction_rule& rule : spec.directions) {
    require(rule.where.line >= 1, "a direction without its line");
    require(!rule.pattern.empty(), "a direction naming nothing");
  }
  for (const analysis::metric_selector& metric : spec.metrics) {
    require(metric.where.line >= 1, "a metric without its line");
    require(!metric.pattern.empty(), "a metric choosing nothing");
  }
  for (const analysis::kpi_spec& kpi : spec.kpis) {
    require(kpi.where.line >= 1, "a KPI without its line");
    require(kpi.min_samples >= 1, "a KPI asking for no samples");
    if (kpi.kind == analysis::kpi_kind::metric) {
      require(spec.find_metric(kpi.metric) != nullptr, "a KPI naming an undefined metric");
    }
    if (kpi.kind == analysis::kpi_kind::ratio) {
      require(spec.find_metric(kpi.numerator) != nullptr &&
                  spec.find_metric(kpi.denominator) != nullptr,
              "a ratio naming an undefined metric");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  analysis::benchmark_spec spec;
  try {
    spec = analysis::parse_spec(text, "fuzz.yaml");
  } catch (const metron::input_error& problem) {
    check_message(problem.what());
    return 0;
  }
  check_spec(spec);
  try {
    const analysis::kpi_report report = analysis::evaluate_kpis(spec, fixed_dataset());
    require(!report.results.empty(), "a report without results");
  } catch (const metron::input_error& problem) {
    check_message(problem.what());
  }
  return 0;
}
