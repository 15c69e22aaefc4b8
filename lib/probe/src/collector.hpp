// The collector thread: drains every thread's ring, converts ticks to ns and feeds the sinks.
#pragma once

#include "clock.hpp"
#include "runtime.hpp"

#include <metron/probe/session.hpp>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace metron::detail {

/// Settings of one collector run, fixed at session start.
struct collector_config {
  std::uint32_t state = state_active_monotonic;  ///< which clock the probes read
  clock_anchor start;                            ///< clocks at session start
  std::chrono::system_clock::time_point wall_start;  ///< wall clock at session start
  overflow_policy policy = overflow_policy::block;   ///< the rings' policy
  std::size_t ring_bytes = 0;                        ///< ring size per thread
  std::chrono::milliseconds resource_interval{100};  ///< resource sampling period, 0 = off
  int cpu = -1;                                      ///< CPU to pin the collector to, or -1
};

/// One session's collector. start() launches its thread; stop() drains, finishes and joins.
class collector {
 public:
  collector(collector_config config, std::vector<std::shared_ptr<sink>> sinks);
  ~collector();
  collector(const collector&) = delete;
  collector& operator=(const collector&) = delete;

  /// Launches the collector thread. @throws resource_error when no thread can be started.
  void start();
  /// Drains everything, stops the sinks and joins the thread. Call after the probes are off.
  session_summary stop();
  /// Records delivered and dropped so far. Any thread.
  [[nodiscard]] collector_stats stats() const noexcept;

 private:
  struct thread_entry {
    thread_info info;                  // index, tid, name as sinks see them
    bool announced = false;            // whether sinks know the thread (it produced or dropped)
    std::uint64_t records = 0;         // records taken from the ring
    std::vector<raw_record> carry;     // an observed bracket's group cut by a batch boundary
  };

  void run(std::latch& working);
  void calibrate(std::unique_lock<std::mutex>& work);
  bool drain_all(bool sweep);
  bool drain(thread_state& state, thread_entry& entry, bool final);
  void deliver(thread_entry& entry, const raw_record* raw, std::size_t count, bool final);
  void refresh_sites();
  void announce(thread_entry& entry);
  void sample_resources_now();
  session_summary finish();
  template <class Call>
  void for_each_sink(const char* what, Call&& call);

  collector_config config_;
  std::vector<std::shared_ptr<sink>> sinks_;
  std::vector<std::string> problems_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> threads_met_{0};
  session_summary summary_;

  // Collector-thread state.
  tick_converter converter_;
  double tick_hz_ = 1e9;
  std::unordered_map<thread_state*, thread_entry> entries_;
  std::vector<thread_totals> retired_;  // totals of threads whose buffers were freed
  std::vector<site_kind> site_kinds_;    // by site id; index 0 unused
  std::vector<std::uint32_t> site_deltas_;  // observable deltas each site's bracket carries
  std::vector<raw_record> raw_batch_;
  std::vector<raw_record> raw_carry_;  // a carried group joined with the next pass's records
  std::vector<record> batch_;
  std::chrono::steady_clock::time_point next_resource_sample_;
  std::chrono::steady_clock::time_point next_sweep_;
};

}  // namespace metron::detail
