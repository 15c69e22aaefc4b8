// The post-processor's own costs: a streaming summary's add() against a bare sum of the same
// values, an exact summary, and reading a capture's samples.
#include <metron/capture/capture.hpp>
#include <metron/readers/readers.hpp>
#include <metron/statistics/statistics.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace {

/// A million log-normal "durations", the same for every benchmark.
const std::vector<double>& timings() {
  static const std::vector<double> values = [] {
    std::mt19937_64 engine(1);
    std::lognormal_distribution<double> duration(std::log(800.0), 0.5);
    std::vector<double> drawn(1 << 20);
    for (double& value : drawn) {
      value = duration(engine);
    }
    return drawn;
  }();
  return values;
}

/// The floor: reading and adding the values, nothing else.
void bm_bare_sum(benchmark::State& state) {
  const std::vector<double>& values = timings();
  for (auto _ : state) {
    double sum = 0;
    for (const double value : values) {
      sum += value;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(bm_bare_sum)->Unit(benchmark::kMillisecond);

void bm_streaming_add(benchmark::State& state) {
  const std::vector<double>& values = timings();
  for (auto _ : state) {
    metron::analysis::streaming_summary summary;
    for (const double value : values) {
      summary.add(value);
    }
    benchmark::DoNotOptimize(summary.count());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(bm_streaming_add)->Unit(benchmark::kMillisecond);

void bm_streaming_result(benchmark::State& state) {
  metron::analysis::streaming_summary summary;
  summary.add(timings());
  for (auto _ : state) {
    benchmark::DoNotOptimize(summary.result());
  }
}
BENCHMARK(bm_streaming_result)->Unit(benchmark::kMillisecond);

void bm_summarize_exact(benchmark::State& state) {
  const std::span<const double> values(timings().data(), static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(metron::analysis::summarize(values));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(bm_summarize_exact)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

/// Reading a capture of 2^20 back-to-back brackets into per-metric batches, handed to a handler
/// that only counts them.
void bm_stream_capture(benchmark::State& state) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "metron-analysis-bench.mtr").string();
  constexpr std::int64_t calls = 1 << 20;
  {
    metron::capture_writer writer(path, R"({"host":"bench"})");
    const std::vector<metron::site_info> sites = {
        {1, metron::site_kind::bracket, 0, 1, "bench.op", "bench.cpp", "void op()"}};
    writer.write_sites(sites);
    writer.write_thread({0, 1, "main"});
    std::vector<metron::record> records;
    for (std::int64_t i = 0; i < calls; ++i) {
      records.push_back({1, 0, 100 * i, 100 * i + 40 + i % 7, 0});
    }
    writer.write_records(0, records);
    writer.finish({100 * calls, 1e9, 1e9, {{0, static_cast<std::uint64_t>(calls), 0}}});
  }
  struct counting final : metron::analysis::capture_sample_handler {
    std::uint64_t values = 0;
    void on_values(std::size_t, std::span<const double> batch) override { values += batch.size(); }
  };
  for (auto _ : state) {
    counting handler;
    metron::analysis::stream_capture(path, handler);
    benchmark::DoNotOptimize(handler.values);
  }
  state.SetItemsProcessed(state.iterations() * calls);
  std::filesystem::remove(path);
}
BENCHMARK(bm_stream_capture)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
