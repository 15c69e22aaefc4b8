// A Google Benchmark program whose JSON output the reader and complexity tests use: complexity
// families of every class, repetitions with aggregates, user counters, threads, a failing run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace {

std::vector<std::int64_t> ascending(std::int64_t size) {
  std::vector<std::int64_t> values(static_cast<std::size_t>(size));
  std::iota(values.begin(), values.end(), 0);
  return values;
}

void bm_constant(benchmark::State& state) {
  const std::vector<std::int64_t> values = ascending(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(values[values.size() / 2]);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(bm_constant)->RangeMultiplier(4)->Range(16, 1 << 14)->Complexity();

void bm_logarithmic(benchmark::State& state) {
  const std::vector<std::int64_t> values = ascending(state.range(0));
  std::int64_t wanted = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::lower_bound(values.begin(), values.end(), wanted));
    wanted = (wanted + 7919) % state.range(0);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(bm_logarithmic)->RangeMultiplier(8)->Range(16, 1 << 20)->Complexity();

void bm_linear(benchmark::State& state) {
  const std::vector<std::int64_t> values = ascending(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::accumulate(values.begin(), values.end(), std::int64_t{0}));
  }
  state.SetComplexityN(state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(bm_linear)->RangeMultiplier(4)->Range(64, 1 << 16)->Complexity();

void bm_linearithmic(benchmark::State& state) {
  std::vector<std::int64_t> values = ascending(state.range(0));
  std::uint64_t mix = 88172645463325252ULL;
  for (auto _ : state) {
    for (std::int64_t& value : values) {
      mix ^= mix << 13U;
      mix ^= mix >> 7U;
      mix ^= mix << 17U;
      value = static_cast<std::int64_t>(mix % 1000003U);
    }
    std::sort(values.begin(), values.end());
    benchmark::DoNotOptimize(values.data());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(bm_linearithmic)->RangeMultiplier(4)->Range(64, 1 << 14)->Complexity();

void bm_quadratic(benchmark::State& state) {
  const std::vector<std::int64_t> values = ascending(state.range(0));
  for (auto _ : state) {
    std::int64_t pairs = 0;
    for (const std::int64_t a : values) {
      for (const std::int64_t b : values) {
        pairs += (a ^ b) & 1;
      }
    }
    benchmark::DoNotOptimize(pairs);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(bm_quadratic)->RangeMultiplier(2)->Range(32, 1024)->Complexity();

void bm_repeated(benchmark::State& state) {
  const std::vector<std::int64_t> values = ascending(256);
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::accumulate(values.begin(), values.end(), std::int64_t{0}));
  }
  state.counters["elements"] = 256;
  state.SetBytesProcessed(state.iterations() * 256 * 8);
}
BENCHMARK(bm_repeated)->Repetitions(3)->Unit(benchmark::kMicrosecond);

void bm_threads(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(state.thread_index());
  }
}
BENCHMARK(bm_threads)->Threads(2);

void bm_failing(benchmark::State& state) {
  for (auto _ : state) {
    state.SkipWithError("the fixture's failing run");
    break;
  }
}
BENCHMARK(bm_failing);

}  // namespace

BENCHMARK_MAIN();
