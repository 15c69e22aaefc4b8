// The monitor's costs: aggregation of probe records on the collector's side, the same with monitor
// evaluation after every batch, and a /metrics scrape over HTTP with 10 000 series.
#include <metron/monitor/monitor.hpp>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include <random>
#include <string>
#include <vector>

namespace {

constexpr std::uint32_t sites = 64;
constexpr std::size_t batch = 4096;  // what the collector hands a sink at a time, at most

std::vector<metron::site_info> bracket_sites() {
  std::vector<metron::site_info> made;
  for (std::uint32_t id = 1; id <= sites; ++id) {
    metron::site_info site;
    site.id = id;
    site.kind = metron::site_kind::bracket;
    site.name = "bench.site" + std::to_string(id);
    made.push_back(site);
  }
  return made;
}

// A batch of bracket records with log-normal durations spread over the sites.
std::vector<metron::record> bracket_batch() {
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> duration(8, 1);
  std::vector<metron::record> made;
  std::int64_t now = 0;
  for (std::size_t i = 0; i < batch; ++i) {
    metron::record seen;
    seen.site = static_cast<std::uint32_t>(i % sites) + 1;
    seen.begin_ns = now;
    seen.end_ns = now + static_cast<std::int64_t>(duration(random));
    now = seen.end_ns;
    made.push_back(seen);
  }
  return made;
}

metron::monitor_config with_monitors(int count) {
  metron::monitor_config config;
  for (int i = 0; i < count; ++i) {
    metron::monitor_rule rule;
    // Appended, not "literal" + …: GCC 12 at -O3 warns falsely (-Wrestrict) inside operator+.
    const auto site = [](int index) {
      return std::string("bench.site").append(std::to_string(index));
    };
    rule.name = std::string("m").append(std::to_string(i));
    rule.condition = std::string("(")
                         .append(site(i + 1))
                         .append(".p99 > 2ms) or (")
                         .append(site(i + 2))
                         .append(".mean >= 10ms and ")
                         .append(site(i + 3))
                         .append(".count > 100)");
    rule.where = "bench";
    config.monitors.push_back(rule);
  }
  return config;
}

void run_aggregation(benchmark::State& state, int monitors, bool evaluate) {
  metron::monitoring hub(with_monitors(monitors));
  const auto sink = hub.probe_sink();
  const auto known = bracket_sites();
  sink->on_sites(known);
  const metron::thread_info thread{0, 1, "bench"};
  const auto records = bracket_batch();
  for (auto _ : state) {
    sink->on_records(thread, records);
    if (evaluate) hub.evaluate_now();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
  state.counters["observations_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(batch),
                         benchmark::Counter::kIsRate);
}

// Aggregation alone: the probe sink's path, one lock per batch of 4096 bracket records.
void aggregate(benchmark::State& state) { run_aggregation(state, 0, false); }
BENCHMARK(aggregate)->Unit(benchmark::kMicrosecond);

// The same with ten monitors evaluated after every batch: far more often than the worker's
// once per evaluation interval, so an upper bound of what evaluation takes from aggregation.
void aggregate_with_monitors(benchmark::State& state) { run_aggregation(state, 10, true); }
BENCHMARK(aggregate_with_monitors)->Unit(benchmark::kMicrosecond);

// Fills `hub` with 10 000 summary series of 40 observations each (each exported as a summary and
// six gauges: 110 000 sample lines).
void fill_10000_series(metron::monitoring& hub) {
  for (int series = 0; series < 10000; ++series) {
    const auto name =
        "bench.component" + std::to_string(series / 100) + ".op" + std::to_string(series % 100);
    for (int i = 0; i < 40; ++i) {
      hub.observe(name, 1000.0 + i, metron::metric_kind::summary, metron::metric_unit::nanoseconds);
    }
  }
}

// The server's share of a scrape: the snapshot and its rendering, on one thread.
void render_10000_series(benchmark::State& state) {
  metron::monitoring hub(metron::monitor_config{});
  fill_10000_series(hub);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto text = hub.prometheus_text();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(render_10000_series)->Unit(benchmark::kMillisecond);

// A whole scrape of /metrics over HTTP, client included, from a hub holding 10 000 series.
void scrape_10000_series(benchmark::State& state) {
  metron::monitor_config config;
  config.http = metron::http_exporter_config{};
  config.http->port = 0;
  metron::monitoring hub(config);
  fill_10000_series(hub);
  hub.start();
  httplib::Client client("127.0.0.1", *hub.http_port());
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto response = client.Get("/metrics");
    if (!response || response->status != 200) {
      state.SkipWithError("the scrape failed");
      break;
    }
    bytes = response->body.size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  hub.stop();
}
BENCHMARK(scrape_10000_series)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
