// The probe's costs: a bracket against the bare clock reads and store it makes, a bracket while
// off, a bracket around real work, and the collector's sustained rate into a capture file.
#include <metron/bracket.hpp>
#include <metron/probe/session.hpp>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace {

/// Operations per timed burst: a quarter of the default ring, so the burst never waits for the
/// collector and the figure is the hot path's own cost.
constexpr int burst = 8192;

// The operations are forced inline, as a bracket is inside the function it measures.

/// The reference: what a bracket must do at least, two TSC reads and one 32-byte store into a
/// thread-local array.
struct alignas(32) reference_record {
  std::uint64_t begin;
  std::uint64_t end;
  std::uint32_t site;
  std::uint32_t tag;
  std::uint64_t value;
};
constexpr std::size_t reference_slots = 1U << 15;
thread_local reference_record reference_ring[reference_slots];
thread_local std::size_t reference_head = 0;

[[gnu::always_inline]] inline std::uint64_t rdtsc() noexcept {
  std::uint32_t low = 0;
  std::uint32_t high = 0;
  __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
  return (static_cast<std::uint64_t>(high) << 32) | low;
}

[[gnu::always_inline]] inline void reference_operation() noexcept {
  const std::uint64_t begin = rdtsc();
  const std::uint64_t end = rdtsc();
  reference_ring[reference_head++ & (reference_slots - 1)] = reference_record{begin, end, 1, 0, 0};
  benchmark::ClobberMemory();
}

[[gnu::always_inline]] inline void bracket_operation() noexcept {
  METRON_BRACKET("bench.empty");
  benchmark::ClobberMemory();
}

/// About 50 ns of dependent arithmetic that the compiler cannot fold away.
inline std::uint64_t work(std::uint64_t seed) noexcept {
  std::uint64_t x = seed;
  for (int i = 0; i < 40; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    x ^= x >> 29;
  }
  return x;
}

std::uint64_t bare_work(std::uint64_t seed) noexcept { return work(seed); }

/// The floor for any timer around the work: two TSC reads and a 32-byte store, nothing else.
std::uint64_t reference_timed_work(std::uint64_t seed) noexcept {
  const std::uint64_t begin = rdtsc();
  const std::uint64_t result = work(seed);
  const std::uint64_t end = rdtsc();
  reference_ring[reference_head++ & (reference_slots - 1)] = reference_record{begin, end, 1, 0, 0};
  return result;
}

std::uint64_t bracketed_work(std::uint64_t seed) noexcept {
  METRON_BRACKET("bench.work");
  return work(seed);
}

/// Waits (untimed) until the collector has taken everything produced so far.
void wait_for_collector(std::uint64_t produced) {
  for (int attempt = 0; attempt < 10000 && metron::current_stats().records < produced; ++attempt) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

/// Runs `operation` in bursts timed by hand, with the collector draining between bursts; the
/// reference takes the same pauses so both see the same cache state.
template <class Operation>
void run_bursts(benchmark::State& state, bool capturing, Operation operation) {
  std::uint64_t produced = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < burst; ++i) {
      operation();
    }
    const auto stop = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    produced += burst;
    if (capturing) {
      wait_for_collector(produced);
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  state.SetItemsProcessed(state.iterations() * burst);
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * burst,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

/// The producer runs on CPU 0 and the collector on the last CPU, so that the scheduler never puts
/// the two on one CPU and the figures measure the hot path, not time-sharing.
const int collector_cpu = [] {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t producer;
  CPU_ZERO(&producer);
  CPU_SET(0, &producer);
  pthread_setaffinity_np(pthread_self(), sizeof(producer), &producer);
  return cpus > 1 ? static_cast<int>(cpus - 1) : -1;
}();

std::string capture_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("metron-bench-" + std::to_string(getpid()) + "-" + name + ".mtr"))
      .string();
}

/// A capture session for the length of one benchmark.
class capture_scope {
 public:
  explicit capture_scope(const char* name) : path_(capture_path(name)) {
    metron::session_options options;
    options.capture_path = path_;
    options.collector_cpu = collector_cpu;
    metron::start_session(options);
  }
  ~capture_scope() {
    metron::stop_session();
    std::filesystem::remove(path_);
  }
  capture_scope(const capture_scope&) = delete;
  capture_scope& operator=(const capture_scope&) = delete;

 private:
  std::string path_;
};

void reference_two_rdtsc_and_store(benchmark::State& state) {
  run_bursts(state, false, reference_operation);
}
BENCHMARK(reference_two_rdtsc_and_store)->UseManualTime();

void bracket_capture_active(benchmark::State& state) {
  const capture_scope capture("active");
  run_bursts(state, true, bracket_operation);
}
BENCHMARK(bracket_capture_active)->UseManualTime();

void bracket_inactive(benchmark::State& state) {
  for (auto _ : state) {
    bracket_operation();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bracket_inactive);

void work_bare(benchmark::State& state) {
  std::uint64_t seed = 1;
  run_bursts(state, false, [&] { seed = bare_work(seed); benchmark::DoNotOptimize(seed); });
}
BENCHMARK(work_bare)->UseManualTime();

void work_reference_timed(benchmark::State& state) {
  std::uint64_t seed = 1;
  run_bursts(state, false, [&] { seed = reference_timed_work(seed); benchmark::DoNotOptimize(seed); });
}
BENCHMARK(work_reference_timed)->UseManualTime();

void work_bracketed(benchmark::State& state) {
  const capture_scope capture("work");
  std::uint64_t seed = 1;
  run_bursts(state, true, [&] { seed = bracketed_work(seed); benchmark::DoNotOptimize(seed); });
}
BENCHMARK(work_bracketed)->UseManualTime();

/// One producer as fast as it can into a capture file, block policy: the figure is the rate
/// the collector sustains end to end, from the first record to the closed file.
void sustained_capture(benchmark::State& state) {
  const auto records = static_cast<std::uint64_t>(state.range(0));
  const std::string path = capture_path("sustained");
  metron::session_summary summary;
  for (auto _ : state) {
    metron::session_options options;
    options.capture_path = path;
    options.policy = metron::overflow_policy::block;
    options.collector_cpu = collector_cpu;
    metron::start_session(options);
    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < records; ++i) {
      bracket_operation();
    }
    summary = metron::stop_session();
    const auto stop = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
  }
  state.counters["records_per_s"] =
      benchmark::Counter(static_cast<double>(records) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["bytes_per_record"] =
      static_cast<double>(summary.capture_bytes) / static_cast<double>(summary.records);
  state.counters["dropped"] = static_cast<double>(summary.dropped);
  state.counters["captured"] = static_cast<double>(summary.records);
  std::filesystem::remove(path);
}
BENCHMARK(sustained_capture)->Arg(20'000'000)->Iterations(1)->Repetitions(3)->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
