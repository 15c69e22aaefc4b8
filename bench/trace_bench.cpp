// The trace point API's own costs: a null tracer against no tracing at all, a tracer call against
// a direct call doing the same work, a chain of combinators, and copying a tracer.
#include <metron/trace/trace.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace {

// The work every consumer here does: one relaxed increment, which nothing else reads.
std::atomic<std::uint64_t> consumed{0};

[[gnu::noinline]] void consume(std::uint64_t value) {
  // Relaxed: a tally only the benchmark's end reads, after the threads are done.
  consumed.fetch_add(value, std::memory_order_relaxed);
}

std::string expensive_text(std::uint64_t value) {
  return std::string(64, 'x') + std::to_string(value);
}

/// The floor: nothing traced.
void bm_no_tracing(benchmark::State& state) {
  std::uint64_t value = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(++value);
  }
}
BENCHMARK(bm_no_tracing);

/// A lazily given, expensive value through the null tracer: never evaluated.
void bm_null_tracer_lazy(benchmark::State& state) {
  const auto tr = metron::null_tracer<std::string>();
  benchmark::DoNotOptimize(&tr);
  std::uint64_t value = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(++value);
    metron::trace_with(tr, [value] { return expensive_text(value); });
  }
}
BENCHMARK(bm_null_tracer_lazy);

/// The work a tracer's consumer does, called directly.
void bm_direct_call(benchmark::State& state) {
  std::uint64_t value = 0;
  for (auto _ : state) consume(++value);
}
BENCHMARK(bm_direct_call);

/// The same work behind a tracer: the cost of the indirection.
void bm_tracer_call(benchmark::State& state) {
  const auto tr = metron::make_tracer<std::uint64_t>([](std::uint64_t v) { consume(v); });
  benchmark::DoNotOptimize(&tr);
  std::uint64_t value = 0;
  for (auto _ : state) tr(++value);
}
BENCHMARK(bm_tracer_call);

/// The same work behind contramap, filter (which lets everything through) and fanout of one.
void bm_combinator_chain(benchmark::State& state) {
  const auto sink = metron::make_tracer<std::uint64_t>([](std::uint64_t v) { consume(v); });
  const auto tr = metron::contramap([](const std::uint64_t& v) { return v + 1; },
                                    metron::filter([](std::uint64_t v) { return v != 0; },
                                                   metron::fanout(sink)));
  benchmark::DoNotOptimize(&tr);
  std::uint64_t value = 0;
  for (auto _ : state) tr(++value);
}
BENCHMARK(bm_combinator_chain);

/// Counting from one thread and from two: the shared atomic counter.
void bm_counting(benchmark::State& state) {
  static const auto tr = metron::counting<std::uint64_t>(
      metron::make_tracer<std::uint64_t>([](std::uint64_t v) { consume(v); }));
  std::uint64_t value = 0;
  for (auto _ : state) tr(++value);
}
BENCHMARK(bm_counting)->Threads(1)->Threads(2);

/// Copying a tracer: one shared-pointer copy.
void bm_copy_tracer(benchmark::State& state) {
  const auto tr = metron::make_tracer<std::uint64_t>([](std::uint64_t v) { consume(v); });
  for (auto _ : state) {
    metron::tracer<std::uint64_t> copy = tr;
    benchmark::DoNotOptimize(&copy);
  }
}
BENCHMARK(bm_copy_tracer);

}  // namespace

BENCHMARK_MAIN();
