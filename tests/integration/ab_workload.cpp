// A program for `metron ab` tests: a fixed amount of arithmetic, optionally slowed by a percentage.
#include <time.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

double seconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

// Usage: ab_workload MILLION_STEPS [SLOWDOWN_PERCENT [OUTPUT]]
// With OUTPUT, writes the loop's wall and CPU time there as Google Benchmark JSON
// (benchmark "workload"), as a benchmark program given --benchmark_out would.
int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ab_workload MILLION_STEPS [SLOWDOWN_PERCENT [OUTPUT]]\n");
    return 2;
  }
  const double millions = std::strtod(argv[1], nullptr);
  const double slowdown = argc > 2 ? std::strtod(argv[2], nullptr) : 0.0;
  const auto steps = static_cast<std::uint64_t>(millions * 1e6 * (1.0 + slowdown / 100.0));
  const double wall_start = seconds(CLOCK_MONOTONIC);
  const double cpu_start = seconds(CLOCK_PROCESS_CPUTIME_ID);
  // A dependent chain the compiler cannot fold: each step needs the last.
  std::uint64_t state = 88172645463325252ULL;
  for (std::uint64_t i = 0; i < steps; ++i) {
    state ^= state << 13U;
    state ^= state >> 7U;
    state ^= state << 17U;
  }
  const double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  const double wall = seconds(CLOCK_MONOTONIC) - wall_start;
  std::printf("%llu\n", static_cast<unsigned long long>(state));
  if (argc > 3) {
    FILE* out = std::fopen(argv[3], "w");
    if (out == nullptr) {
      std::perror(argv[3]);
      return 1;
    }
    std::fprintf(out,
                 "{\"context\": {\"host_name\": \"test\"}, \"benchmarks\": [{\"name\": \"workload\", "
                 "\"run_name\": \"workload\", \"run_type\": \"iteration\", \"repetitions\": 1, "
                 "\"repetition_index\": 0, \"threads\": 1, \"iterations\": 1, \"real_time\": %.1f, "
                 "\"cpu_time\": %.1f, \"time_unit\": \"ns\"}]}\n",
                 wall * 1e9, cpu * 1e9);
    std::fclose(out);
  }
  return 0;
}
