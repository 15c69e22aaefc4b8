// Tests of the Prometheus text exposition: types, names, units, quantile labels, and that every
// sample line has the shape the format requires.
#include <metron/monitor/monitor.hpp>

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

namespace {

metron::metric_snapshot metric(std::string name, metron::metric_kind kind, metron::metric_unit unit) {
  metron::metric_snapshot made;
  made.name = std::move(name);
  made.kind = kind;
  made.unit = unit;
  return made;
}

metron::metrics_snapshot sample_snapshot() {
  metron::aggregator aggregates;
  metron::aggregation_rule rule;
  rule.differences = true;
  rule.inter_arrival = true;
  const auto step = aggregates.series("work.step", metron::metric_kind::summary, metron::metric_unit::nanoseconds, rule);
  const auto items = aggregates.series("work.items", metron::metric_kind::counter, metron::metric_unit::none, {});
  const auto queue = aggregates.series("work.queue", metron::metric_kind::gauge, metron::metric_unit::none, {});
  const auto rss = aggregates.series("process.resident_memory", metron::metric_kind::gauge, metron::metric_unit::bytes, {});
  for (int i = 1; i <= 10; ++i) {
    aggregates.observe(step, i * 1000.0, i * 10);
    aggregates.observe(items, 2, i);
    aggregates.observe(queue, i, i);
  }
  aggregates.observe(rss, 4096, 1);
  return aggregates.snapshot();
}

}  // namespace

TEST_CASE("summaries, counters and gauges carry HELP and TYPE lines", "[monitor][prometheus]") {
  const auto text = metron::to_prometheus_text(sample_snapshot());
  CHECK(text.find("# HELP work_step_seconds metron work.step (seconds)\n# TYPE work_step_seconds summary\n") != std::string::npos);
  CHECK(text.find("work_step_seconds{quantile=\"0.5\"} 5.5e-06\n") != std::string::npos);
  CHECK(text.find("work_step_seconds_sum 5.5e-05\n") != std::string::npos);
  CHECK(text.find("work_step_seconds_count 10\n") != std::string::npos);
  CHECK(text.find("work_step_seconds_max") == std::string::npos);  // in the JSON document only
  CHECK(text.find("# TYPE work_step_delta_seconds summary\n") != std::string::npos);
  CHECK(text.find("work_step_interval_seconds_count 9\n") != std::string::npos);
  CHECK(text.find("# TYPE work_items_total counter\nwork_items_total 20\n") != std::string::npos);
  CHECK(text.find("# TYPE work_queue gauge\nwork_queue 10\n") != std::string::npos);
  CHECK(text.find("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 4096\n") != std::string::npos);
}

TEST_CASE("every line is a comment or a well-formed sample, and names are unique", "[monitor][prometheus]") {
  auto snapshot = sample_snapshot();
  snapshot.metrics.push_back(metric("9 lives/odd-name", metron::metric_kind::gauge, metron::metric_unit::none));
  snapshot.metrics.push_back(metric("9 lives.odd_name", metron::metric_kind::gauge, metron::metric_unit::none));
  const auto text = metron::to_prometheus_text(snapshot, "app_");
  const std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{quantile="0\.[0-9]+"\})? (NaN|[-+]?Inf|[-+]?[0-9.]+(e[-+]?[0-9]+)?)$)");
  const std::regex comment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::istringstream lines(text);
  std::string line;
  std::set<std::string> typed;
  while (std::getline(lines, line)) {
    INFO(line);
    CHECK((std::regex_match(line, sample) || std::regex_match(line, comment)));
    if (line.rfind("# TYPE ", 0) == 0) CHECK(typed.insert(line.substr(7, line.find(' ', 7) - 7)).second);
  }
  CHECK(text.find("app_work_items_total 20") != std::string::npos);
  CHECK(text.find("app_9_lives_odd_name 0\n") != std::string::npos);
}

TEST_CASE("names are sanitised to Prometheus' rules", "[monitor][prometheus]") {
  CHECK(metron::prometheus_name("ledger.apply-block") == "ledger_apply_block");
  CHECK(metron::prometheus_name("9lives") == "_9lives");
  CHECK(metron::prometheus_name("ns::type::f") == "ns__type__f");
  CHECK(metron::prometheus_name("") == "_");
  CHECK(metron::prometheus_name("#aggregation.x") == "_aggregation_x");
}
