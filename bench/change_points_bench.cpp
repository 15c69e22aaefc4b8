// Change-point detection over 100 metrics of 10 000 points each, the history's whole series.
#include <metron/history/change_points.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

constexpr std::size_t metric_count = 100;
constexpr std::size_t points_per_metric = 10000;

/// Series of 2 % noise with a shift of 3 to 15 % every 500 to 3000 points, as a long-lived
/// benchmark's history looks; seeded, so every run detects in the same data.
std::vector<std::vector<double>> make_histories() {
  std::mt19937_64 generator(2026);
  std::normal_distribution<double> noise(0.0, 0.02);
  std::uniform_int_distribution<std::size_t> run_length(500, 3000);
  std::uniform_real_distribution<double> shift(0.03, 0.15);
  std::bernoulli_distribution upwards(0.5);
  std::vector<std::vector<double>> histories(metric_count);
  for (auto& series : histories) {
    double level = 1000.0;
    std::size_t next_shift = run_length(generator);
    for (std::size_t i = 0; i < points_per_metric; ++i) {
      if (i == next_shift) {
        level *= upwards(generator) ? 1.0 + shift(generator) : 1.0 - shift(generator);
        next_shift += run_length(generator);
      }
      series.push_back(level * (1.0 + noise(generator)));
    }
  }
  return histories;
}

void detect_over_all_metrics(benchmark::State& state) {
  const auto histories = make_histories();
  std::size_t found = 0;
  for (auto _ : state) {
    found = 0;
    for (const auto& series : histories) {
      found += metron::analysis::detect_change_points(series).size();
    }
    benchmark::DoNotOptimize(found);
  }
  state.counters["metrics"] = static_cast<double>(metric_count);
  state.counters["points_per_metric"] = static_cast<double>(points_per_metric);
  state.counters["change_points"] = static_cast<double>(found);
}

}  // namespace

BENCHMARK(detect_over_all_metrics)->Unit(benchmark::kSecond)->Iterations(1);

BENCHMARK_MAIN();
