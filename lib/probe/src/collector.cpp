// The collector thread: drains the rings, converts ticks, feeds sinks, samples resources.
#include "collector.hpp"

#include "metadata.hpp"
#include "observables.hpp"
#include "registry.hpp"
#include "resources.hpp"

#include <metron/error.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <system_error>

#include <pthread.h>

namespace metron::detail {

namespace {

/// Records taken from one ring per pass: bounds the batch and keeps other threads' turn near.
constexpr std::size_t batch_records = 4096;

/// The idle wait doubles from the shortest to the longest while the rings stay empty.
constexpr auto shortest_idle = std::chrono::microseconds(50);
constexpr auto longest_idle = std::chrono::microseconds(1000);

/// Between sweeps a ring is drained only once it holds this fraction of its capacity: reading
/// far behind the producer keeps the collector off the cache lines the producer is writing.
constexpr std::size_t lazy_fraction = 8;

/// Every ring, however empty, is drained at least this often.
constexpr auto sweep_period = std::chrono::milliseconds(5);

/// How long the clock calibration watches both clocks.
constexpr auto calibration_window = std::chrono::milliseconds(10);

/// A relative change of the tick rate beyond this between start and stop is reported.
constexpr double tolerated_clock_drift = 1e-3;

}  // namespace

collector::collector(collector_config config, std::vector<std::shared_ptr<sink>> sinks)
    : config_(config), sinks_(std::move(sinks)) {
  raw_batch_.resize(batch_records);
  batch_.reserve(batch_records + observable_id_end);
  site_kinds_.push_back(site_kind::bracket);
  site_deltas_.push_back(0);
}

collector::~collector() {
  if (thread_.joinable()) {
    stop();
  }
}

void collector::start() {
  // The thread's start-up allocates; a fork must not copy it half-way, so the session starts
  // only once the thread holds the work lock that fork() waits for.
  std::latch working(1);
  try {
    thread_ = std::thread([this, &working] { run(working); });
    working.wait();
  } catch (const std::system_error& failure) {
    throw resource_error(std::string("cannot start the metron collector thread: ") +
                         failure.what());
  }
}

session_summary collector::stop() {
  // Release pairs with the acquire loads in run(): the probes were switched off before this.
  stop_requested_.store(true, std::memory_order_release);
  the_runtime().wake->signal.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  return summary_;
}

collector_stats collector::stats() const noexcept {
  // Relaxed: a progress figure, not a synchronisation point.
  return collector_stats{delivered_.load(std::memory_order_relaxed),
                         dropped_.load(std::memory_order_relaxed),
                         threads_met_.load(std::memory_order_relaxed)};
}

template <class Call>
void collector::for_each_sink(const char* what, Call&& call) {
  for (std::shared_ptr<sink>& target : sinks_) {
    if (!target) {
      continue;
    }
    try {
      call(*target);
    } catch (const std::exception& failure) {
      std::string problem = std::string("a sink failed in ") + what + " and was disabled: " +
                            failure.what();
      std::fprintf(stderr, "metron: %s\n", problem.c_str());
      problems_.push_back(std::move(problem));
      target.reset();
    }
  }
}

void collector::calibrate(std::unique_lock<std::mutex>& work) {
  if (config_.state != state_active_tsc) {
    tick_hz_ = 1e9;
  } else {
    // Watch both clocks for a short window; the application runs meanwhile, its records wait in
    // the rings. A stop during the window cuts it short.
    runtime& rt = the_runtime();
    work.unlock();
    std::unique_lock lock(rt.wake->mutex);
    rt.wake->signal.wait_for(lock, calibration_window, [this] {
      // Acquire pairs with the release store in stop().
      return stop_requested_.load(std::memory_order_acquire);
    });
    lock.unlock();
    work.lock();
    tick_hz_ = ticks_per_second(config_.start, take_anchor(config_.state));
  }
  converter_ = tick_converter(config_.start.ticks, tick_hz_);
}

void collector::run(std::latch& working) {
  runtime& rt = the_runtime();
  std::unique_lock work(rt.collector_work);
  working.count_down();
  pthread_setname_np(pthread_self(), "metron-collect");
  if (config_.cpu >= 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(static_cast<unsigned>(config_.cpu), &cpus);
    if (pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus) != 0) {
      problems_.push_back("cannot pin the collector to CPU " + std::to_string(config_.cpu) +
                          "; it runs unpinned");
    }
  }
  calibrate(work);

  run_facts facts;
  facts.clock = config_.state == state_active_tsc ? "tsc" : "monotonic";
  facts.tick_hz = tick_hz_;
  facts.start = config_.wall_start;
  facts.policy = config_.policy == overflow_policy::block ? "block" : "drop";
  facts.ring_bytes = config_.ring_bytes;
  facts.resource_interval_ms = config_.resource_interval.count();
  session_info info;
  try {
    info.metadata_json = build_metadata_json(facts);
  } catch (const std::exception& failure) {
    problems_.push_back(std::string("metadata incomplete: ") + failure.what());
    info.metadata_json = "{}";
  }
  info.tick_hz = tick_hz_;
  info.clock = facts.clock;
  for_each_sink("start", [&](sink& target) { target.on_start(info); });

  const bool sampling = config_.resource_interval.count() > 0;
  if (sampling) {
    sample_resources_now();
    next_resource_sample_ = std::chrono::steady_clock::now() + config_.resource_interval;
  }

  auto idle = std::chrono::duration_cast<std::chrono::microseconds>(shortest_idle);
  int termination = 0;
  // Acquire pairs with the release store in stop().
  while (!stop_requested_.load(std::memory_order_acquire)) {
    termination = pending_termination_signal();
    if (termination != 0) {
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    const bool sweep = now >= next_sweep_;
    if (sweep) {
      next_sweep_ = now + sweep_period;
    }
    const bool busy = drain_all(sweep);
    if (sampling && std::chrono::steady_clock::now() >= next_resource_sample_) {
      sample_resources_now();
      next_resource_sample_ += config_.resource_interval;
    }
    if (busy) {
      idle = shortest_idle;
      continue;
    }
    work.unlock();
    {
      std::unique_lock lock(rt.wake->mutex);
      rt.wake->signal.wait_for(lock, idle);
    }
    work.lock();
    idle = std::min<std::chrono::microseconds>(idle * 2, longest_idle);
  }
  if (termination != 0) {
    // The program is being ended by a signal it does not handle: finish the capture, then let
    // the signal do what it would have done.
    // Relaxed: the final drain waits out probes that read the old state.
    probe_state_word.store(state_inactive, std::memory_order_relaxed);
    for (const std::string& problem : finish().problems) {
      std::fprintf(stderr, "metron: %s\n", problem.c_str());
    }
    end_with_signal(termination);
  }
  summary_ = finish();
}

bool collector::drain_all(bool sweep) {
  runtime& rt = the_runtime();
  std::vector<thread_state*> buffers;
  {
    const std::lock_guard lock(rt.mutex);
    buffers = rt.threads;
  }
  bool any = false;
  std::uint64_t dropped = rt.lost.load(std::memory_order_relaxed);
  for (thread_state* state : buffers) {
    // Acquire pairs with the release store in the thread's exit guard: every record it pushed
    // is visible once the flag is.
    const bool exited = state->exited.load(std::memory_order_acquire);
    auto [position, met] = entries_.try_emplace(state);
    thread_entry& entry = position->second;
    if (met) {
      entry.info.os_tid = state->os_tid;
      entry.info.name = state->name;
    }
    const bool due = sweep || exited ||
                     state->ring.size_approx() * lazy_fraction >= state->ring.capacity();
    while (due && drain(*state, entry, exited)) {
      any = true;
      if (!exited) {
        break;
      }
    }
    // Relaxed: the producer's own counter; a figure that may trail by a few records.
    const std::uint64_t thread_dropped = state->dropped.load(std::memory_order_relaxed);
    dropped += thread_dropped;
    if (exited) {
      if (thread_dropped != 0) {
        announce(entry);
      }
      if (entry.announced) {
        retired_.push_back(thread_totals{entry.info.index, entry.records, thread_dropped});
      }
      entries_.erase(position);
      const std::lock_guard lock(rt.mutex);
      std::erase(rt.threads, state);
      free_thread_state(state);
    }
  }
  for (const thread_totals& totals : retired_) {
    dropped += totals.dropped;
  }
  // Relaxed: a progress figure.
  dropped_.store(dropped, std::memory_order_relaxed);
  return any;
}

bool collector::drain(thread_state& state, thread_entry& entry, bool final) {
  const std::size_t count = state.ring.pop(raw_batch_.data(), raw_batch_.size());
  if (count == 0) {
    if (final && !entry.carry.empty()) {
      deliver(entry, nullptr, 0, true);
    }
    return false;
  }
  deliver(entry, raw_batch_.data(), count, false);
  return true;
}

void collector::refresh_sites() {
  std::vector<site_info> added = registry().since(site_kinds_.size() - 1);
  if (added.empty()) {
    return;
  }
  for (const site_info& info : added) {
    site_kinds_.push_back(info.kind);
    site_deltas_.push_back(info.kind == site_kind::bracket
                               ? static_cast<std::uint32_t>(
                                     std::popcount(recorded_observables(info.observables)))
                               : 0U);
  }
  for_each_sink("sites", [&](sink& target) { target.on_sites(added); });
}

void collector::deliver(thread_entry& entry, const raw_record* raw, std::size_t count,
                        bool final) {
  if (!entry.carry.empty()) {
    entry.carry.insert(entry.carry.end(), raw, raw + count);
    raw_carry_.swap(entry.carry);
    entry.carry.clear();
    raw = raw_carry_.data();
    count = raw_carry_.size();
  }
  // An observed bracket's group (the bracket record and its deltas) goes to the sinks whole:
  // when a pass cut one short, the cut group waits for the next pass.
  std::size_t usable = count;
  if (!final && count != 0) {
    std::size_t group_start = count;
    while (group_start > 0 && raw[group_start - 1].tag != 0) {
      --group_start;
    }
    if (group_start > 0) {
      --group_start;
      const std::uint32_t site = raw[group_start].site;
      if (site >= site_kinds_.size()) {
        refresh_sites();
      }
      const std::size_t expected = site < site_deltas_.size() ? site_deltas_[site] : 0;
      if (count - group_start - 1 < expected) {
        usable = group_start;
      }
    }
  }

  batch_.clear();
  std::uint64_t lost = 0;
  for (std::size_t i = 0; i < usable; ++i) {
    const raw_record& in = raw[i];
    if (in.site >= site_kinds_.size()) {
      refresh_sites();
    }
    if (in.site == 0 || in.site >= site_kinds_.size()) {
      ++lost;
      continue;
    }
    record out;
    out.site = in.site;
    out.tag = static_cast<std::uint8_t>(in.tag);
    out.begin_ns = converter_.to_ns(in.begin);
    out.end_ns = converter_.to_ns(in.end);
    if (in.tag != 0 || site_kinds_[in.site] == site_kind::counter) {
      out.value = static_cast<double>(static_cast<std::int64_t>(in.value));
    } else if (site_kinds_[in.site] == site_kind::gauge) {
      out.value = std::bit_cast<double>(in.value);
    }
    batch_.push_back(out);
  }
  if (usable < count) {
    entry.carry.assign(raw + usable, raw + count);
  }
  if (lost != 0) {
    the_runtime().lost.fetch_add(lost, std::memory_order_relaxed);
  }
  if (!batch_.empty()) {
    announce(entry);
    entry.records += batch_.size();
    // Relaxed: a progress figure.
    delivered_.fetch_add(batch_.size(), std::memory_order_relaxed);
    for_each_sink("records", [&](sink& target) { target.on_records(entry.info, batch_); });
  }
}

void collector::announce(thread_entry& entry) {
  if (entry.announced) {
    return;
  }
  entry.announced = true;
  // Relaxed: only this thread writes the count; readers want a figure.
  entry.info.index = static_cast<std::uint32_t>(threads_met_.load(std::memory_order_relaxed));
  threads_met_.store(entry.info.index + 1U, std::memory_order_relaxed);
  for_each_sink("thread", [&](sink& target) { target.on_thread(entry.info); });
}

void collector::sample_resources_now() {
  const resource_sample sample =
      sample_resources(converter_.to_ns(read_ticks(config_.state)));
  for_each_sink("resources", [&](sink& target) { target.on_resources(sample); });
}

session_summary collector::finish() {
  // The probes are off. Records pushed just before that may still be landing: drain until the
  // rings stay empty across a short pause.
  while (drain_all(true)) {
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  while (drain_all(true)) {
  }
  for (auto& [state, entry] : entries_) {
    while (drain(*state, entry, true)) {
    }
  }
  if (config_.resource_interval.count() > 0) {
    sample_resources_now();
  }

  const clock_anchor end = take_anchor(config_.state);
  session_summary summary;
  summary.duration_ns = converter_.to_ns(end.ticks);
  summary.tick_hz_start = tick_hz_;
  summary.tick_hz_stop =
      config_.state == state_active_tsc ? ticks_per_second(config_.start, end) : tick_hz_;
  if (std::abs(summary.tick_hz_stop / summary.tick_hz_start - 1) > tolerated_clock_drift) {
    char text[160];
    std::snprintf(text, sizeof(text),
                  "the clock ran at %.6g Hz over the session but %.6g Hz at its start; "
                  "durations may be off by %.2g%%",
                  summary.tick_hz_stop, summary.tick_hz_start,
                  100 * std::abs(summary.tick_hz_stop / summary.tick_hz_start - 1));
    problems_.emplace_back(text);
  }

  runtime& rt = the_runtime();
  summary.threads = retired_;
  for (auto& [state, entry] : entries_) {
    // Relaxed: the probes are off; the count no longer moves.
    const std::uint64_t thread_dropped = state->dropped.load(std::memory_order_relaxed);
    if (thread_dropped != 0) {
      announce(entry);
    }
    if (entry.announced) {
      summary.threads.push_back(thread_totals{entry.info.index, entry.records, thread_dropped});
    }
  }
  std::sort(summary.threads.begin(), summary.threads.end(),
            [](const thread_totals& a, const thread_totals& b) { return a.index < b.index; });
  for (const thread_totals& totals : summary.threads) {
    summary.records += totals.records;
    summary.dropped += totals.dropped;
  }
  const std::uint64_t unattributed = rt.lost.exchange(0, std::memory_order_relaxed);
  summary.dropped += unattributed;
  if (unattributed != 0) {
    problems_.push_back(std::to_string(unattributed) +
                        " records were lost without a ring to count them in (out of memory)");
  }
  dropped_.store(summary.dropped, std::memory_order_relaxed);

  for_each_sink("stop", [&](sink& target) { target.on_stop(summary); });
  summary.problems = problems_;

  const std::lock_guard lock(rt.mutex);
  // Relaxed: thread exit guards read it under the same mutex.
  rt.collector_running.store(false, std::memory_order_relaxed);
  std::erase_if(rt.threads, [](thread_state* state) {
    // Acquire pairs with the release store in the thread's exit guard.
    if (state->exited.load(std::memory_order_acquire)) {
      free_thread_state(state);
      return true;
    }
    return false;
  });
  entries_.clear();
  return summary;
}

}  // namespace metron::detail
