// Tracers shared by worker threads: each value stamped with the UTC time and its thread, and
// counted across all of them by a fold.
//
// The workers trace into memory; once they are done, the program prints what was traced in a
// fixed order, so that ctest can check each line's shape with trace_threads.expected (the
// timestamps and thread ids differ from run to run).
#include <metron/trace/trace.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int worker_count = 3;
constexpr int steps_per_worker = 2;

using stamped_text = metron::stamped<std::string>;

// Where the workers' stamped values go: a vector behind a mutex, shared by every tracer copy.
struct collected {
  std::mutex mutex;
  std::vector<stamped_text> values;
};

}  // namespace

int main() {
  const auto store = std::make_shared<collected>();
  const auto keep = metron::make_tracer<stamped_text>([store](const stamped_text& value) {
    const std::lock_guard<std::mutex> lock(store->mutex);
    store->values.push_back(value);
  });
  // folding runs its steps under a lock of its own, so the last total it traces is the total.
  const auto total = std::make_shared<std::atomic<std::uint64_t>>(0);
  const auto counted = metron::folding<std::string>(
      [](std::uint64_t count, const std::string& /*value*/) { return count + 1; },
      std::uint64_t{0},
      metron::make_tracer<std::uint64_t>([total](std::uint64_t count) { total->store(count); }));

  // One tracer, copied into every worker.
  const metron::tracer<std::string> traced =
      metron::fanout(metron::with_time_and_thread(keep), counted);
  std::vector<std::thread> workers;
  for (int worker = 0; worker < worker_count; ++worker) {
    workers.emplace_back([traced, worker] {
      for (int step = 0; step < steps_per_worker; ++step) {
        traced("worker " + std::to_string(worker) + " step " + std::to_string(step));
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  std::vector<stamped_text> values = store->values;
  std::sort(values.begin(), values.end(),
            [](const stamped_text& a, const stamped_text& b) { return a.value < b.value; });
  const auto print = metron::stdout_tracer<stamped_text>();
  std::set<std::uint64_t> threads;
  for (const stamped_text& value : values) {
    print(value);
    threads.insert(value.thread);
  }
  std::printf("values traced: %llu\n", static_cast<unsigned long long>(total->load()));
  std::printf("threads that traced: %zu\n", threads.size());
  return 0;
}
