// A Google Benchmark program for the comparator's end-to-end checks: fixed work, optionally slowed.
//
// METRON_WORKLOAD_SLOWDOWN=1.3 makes every benchmark do 30 % more of the same work, the injected
// slowdown `metron compare` must flag; unset, two runs do identical work and must not be flagged.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

double slowdown() {
  const char* text = std::getenv("METRON_WORKLOAD_SLOWDOWN");
  return text == nullptr ? 1.0 : std::strtod(text, nullptr);
}

// A dependent chain of multiply-adds: its time is proportional to the step count on any machine.
void chain(benchmark::State& state) {
  const auto steps = static_cast<std::uint64_t>(static_cast<double>(state.range(0)) * slowdown());
  for (auto _ : state) {
    std::uint64_t value = 1;
    for (std::uint64_t i = 0; i < steps; ++i) {
      value = value * 6364136223846793005ULL + 1442695040888963407ULL;
      benchmark::DoNotOptimize(value);
    }
  }
}

}  // namespace

BENCHMARK(chain)->Arg(20000)->Arg(50000);

BENCHMARK_MAIN();
