// Starting and stopping sessions, from code or from the environment.
#include "capture_sink.hpp"
#include "clock.hpp"
#include "collector.hpp"
#include "runtime.hpp"

#include <metron/error.hpp>
#include <metron/probe/session.hpp>

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>

#include <unistd.h>

namespace metron {

namespace {

/// The one active session, if any. Never destroyed: a session may stop during static destruction.
struct session_control {
  std::mutex mutex;
  std::unique_ptr<detail::collector> active;
  std::shared_ptr<detail::capture_file_sink> capture;
  collector_stats last;
};

session_control& control() noexcept {
  // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new): made once; nowhere to report a failure
  static session_control* const instance = new session_control;
  return *instance;
}

/// The smallest ring holding `bytes` of records, at least 64 records.
std::uint64_t ring_capacity_for(std::size_t bytes) noexcept {
  const std::size_t records = std::max<std::size_t>(bytes / sizeof(detail::raw_record), 64);
  return std::bit_ceil(records);
}

std::uint32_t choose_clock() noexcept {
  if (const char* forced = std::getenv("METRON_CLOCK");
      forced != nullptr && std::string_view(forced) == "monotonic") {
    return detail::state_active_monotonic;
  }
  return detail::has_invariant_tsc() ? detail::state_active_tsc : detail::state_active_monotonic;
}

/// A positive integer from the environment variable `name`, or `fallback` when unset.
/// @throws input_error when it is set to anything else.
std::uint64_t positive_from_environment(const char* name, std::uint64_t fallback, bool zero_ok) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == 0) {
    return fallback;
  }
  const std::string_view value(text);
  std::uint64_t parsed = 0;
  const auto [end, failure] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (failure != std::errc{} || end != value.data() + value.size() || (parsed == 0 && !zero_ok)) {
    throw input_error(std::string(name) + "='" + text + "': expected a " +
                      (zero_ok ? "non-negative" : "positive") + " integer");
  }
  return parsed;
}

/// METRON_CAPTURE with every "%p" replaced by the process id.
std::string expand_capture_path(std::string_view pattern) {
  std::string path;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'p') {
      path += std::to_string(getpid());
      ++i;
    } else {
      path += pattern[i];
    }
  }
  return path;
}

void stop_at_exit() noexcept {
  try {
    const session_summary summary = stop_session();
    for (const std::string& problem : summary.problems) {
      std::fprintf(stderr, "metron: %s\n", problem.c_str());
    }
    if (summary.capture_size_limited) {
      std::fprintf(stderr,
                   "metron: the capture %s reached its size bound (METRON_CAPTURE_MAX_BYTES); "
                   "later records were not written\n",
                   summary.capture_path.c_str());
    }
    if (summary.dropped != 0) {
      std::fprintf(stderr,
                   "metron: %llu records were dropped (rings full); the capture %s is "
                   "incomplete\n",
                   static_cast<unsigned long long>(summary.dropped), summary.capture_path.c_str());
    }
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "metron: stopping the capture failed: %s\n", failure.what());
  }
}

}  // namespace

void start_session(const session_options& options) {
  session_control& ctl = control();
  const std::lock_guard lock(ctl.mutex);
  if (ctl.active) {
    throw error("a metron session is already active; stop it before starting another");
  }
  std::vector<std::shared_ptr<sink>> sinks;
  std::shared_ptr<detail::capture_file_sink> capture;
  if (!options.capture_path.empty()) {
    capture = std::make_shared<detail::capture_file_sink>(options.capture_path,
                                                          options.capture_max_bytes);
    sinks.push_back(capture);
  }
  sinks.insert(sinks.end(), options.sinks.begin(), options.sinks.end());

  detail::runtime& rt = detail::the_runtime();
  // Relaxed: settings read by probes on their slow paths; the state store below publishes them.
  rt.ring_capacity.store(ring_capacity_for(options.ring_bytes), std::memory_order_relaxed);
  rt.blocking.store(options.policy == overflow_policy::block, std::memory_order_relaxed);
  {
    // No collector runs: this thread is the rings' only consumer. What they hold is left from
    // after the last session stopped and belongs to none.
    const std::lock_guard runtime_lock(rt.mutex);
    for (detail::thread_state* state : rt.threads) {
      state->ring.clear();
      state->dropped.store(0, std::memory_order_relaxed);
    }
    rt.lost.store(0, std::memory_order_relaxed);
    rt.collector_running.store(true, std::memory_order_relaxed);
  }

  detail::collector_config config;
  config.state = choose_clock();
  config.wall_start = std::chrono::system_clock::now();
  config.start = detail::take_anchor(config.state);
  config.policy = options.policy;
  config.ring_bytes = ring_capacity_for(options.ring_bytes) * sizeof(detail::raw_record);
  config.resource_interval = options.resource_interval;
  config.cpu = options.collector_cpu;
  auto started = std::make_unique<detail::collector>(config, std::move(sinks));
  try {
    started->start();
  } catch (...) {
    const std::lock_guard runtime_lock(rt.mutex);
    rt.collector_running.store(false, std::memory_order_relaxed);
    throw;
  }
  ctl.active = std::move(started);
  ctl.capture = std::move(capture);
  // A session still running at exit is stopped then, so its capture gets its footer.
  static const bool stops_at_exit = std::atexit(stop_at_exit) == 0;
  static_cast<void>(stops_at_exit);
  // Release pairs with nothing the probes need (they load relaxed); it orders the settings
  // above before the switch for readers that do acquire, such as session_active().
  detail::probe_state_word.store(config.state, std::memory_order_release);
}

session_summary stop_session() {
  session_control& ctl = control();
  const std::lock_guard lock(ctl.mutex);
  if (!ctl.active) {
    return {};
  }
  // Relaxed: the collector's final drain waits out probes that read the old state.
  detail::probe_state_word.store(detail::state_inactive, std::memory_order_relaxed);
  detail::restore_termination_handlers();
  session_summary summary = ctl.active->stop();
  ctl.last = ctl.active->stats();
  ctl.active.reset();
  if (ctl.capture) {
    summary.capture_path = ctl.capture->path();
    summary.capture_bytes = ctl.capture->bytes();
    summary.capture_size_limited = ctl.capture->size_limited();
    ctl.capture.reset();
  }
  return summary;
}

bool session_active() noexcept {
  // Acquire pairs with the release store in start_session().
  return detail::probe_state_word.load(std::memory_order_acquire) != detail::state_inactive;
}

collector_stats current_stats() noexcept {
  session_control& ctl = control();
  const std::lock_guard lock(ctl.mutex);
  return ctl.active ? ctl.active->stats() : ctl.last;
}

bool start_session_from_environment() noexcept {
  const char* pattern = std::getenv("METRON_CAPTURE");
  if (pattern == nullptr || *pattern == 0) {
    return false;
  }
  try {
    session_options options;
    options.capture_path = expand_capture_path(pattern);
    if (const char* policy = std::getenv("METRON_POLICY"); policy != nullptr && *policy != 0) {
      const std::string_view name(policy);
      if (name == "drop") {
        options.policy = overflow_policy::drop;
      } else if (name != "block") {
        throw input_error(std::string("METRON_POLICY='") + policy + "': expected drop or block");
      }
    }
    options.ring_bytes = positive_from_environment("METRON_RING_BYTES", options.ring_bytes, false);
    options.capture_max_bytes = positive_from_environment("METRON_CAPTURE_MAX_BYTES", 0, true);
    if (std::getenv("METRON_COLLECTOR_CPU") != nullptr) {
      options.collector_cpu =
          static_cast<int>(positive_from_environment("METRON_COLLECTOR_CPU", 0, true) & 0xffff);
    }
    options.resource_interval = std::chrono::milliseconds(positive_from_environment(
        "METRON_RESOURCE_INTERVAL_MS",
        static_cast<std::uint64_t>(options.resource_interval.count()), true));
    // Children of this program would write the same file over this one; a pattern with %p
    // gives each its own.
    if (std::string_view(pattern).find("%p") == std::string_view::npos) {
      unsetenv("METRON_CAPTURE");
    }
    start_session(options);
    detail::install_termination_handlers();
    return true;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "metron: capture not started, the program runs unobserved: %s\n",
                 failure.what());
    return false;
  }
}

namespace detail {

std::mutex& session_mutex() noexcept { return control().mutex; }

void reset_session_after_fork() noexcept {
  // The collector thread and its file belong to the parent. Forget them without running their
  // destructors, which would join a thread that does not exist here.
  session_control& ctl = control();
  // The abandoned collector still holds the capture sink, so dropping this reference destroys
  // nothing.
  static_cast<void>(ctl.active.release());
  ctl.capture.reset();
  ctl.last = {};
}

}  // namespace detail

}  // namespace metron
