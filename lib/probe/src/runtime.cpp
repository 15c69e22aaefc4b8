// Per-thread buffers of the probes, the slow paths of a push, fork handling and start-up from
// the environment.
#include "runtime.hpp"

#include "registry.hpp"

#include <metron/probe/session.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iterator>
#include <thread>

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

namespace metron::detail {

namespace {

/// Set once the thread's exit guard has run: later probes of the thread record nothing.
constinit thread_local bool thread_exiting = false;

/// Hands the thread's buffer to the collector when the thread ends.
struct thread_exit_guard {
  thread_exit_guard() = default;
  thread_exit_guard(const thread_exit_guard&) = delete;
  thread_exit_guard& operator=(const thread_exit_guard&) = delete;
  ~thread_exit_guard() {
    thread_exiting = true;
    auto* state = static_cast<thread_state*>(current_buffer);
    current_buffer = nullptr;
    if (state == nullptr) {
      return;
    }
    runtime& rt = the_runtime();
    const std::lock_guard lock(rt.mutex);
    // Relaxed: the collector reads this flag under the same mutex.
    if (rt.collector_running.load(std::memory_order_relaxed)) {
      // Release pairs with the collector's acquire load: all pushes land before the flag.
      state->exited.store(true, std::memory_order_release);
    } else {
      std::erase(rt.threads, state);
      free_thread_state(state);
    }
  }
};

// The locks are taken in the order the rest of the code nests them: session, registry, runtime.
void prepare_fork() noexcept {
  session_mutex().lock();
  the_runtime().collector_work.lock();
  registry().mutex().lock();
  the_runtime().mutex.lock();
}

void parent_after_fork() noexcept {
  the_runtime().mutex.unlock();
  registry().mutex().unlock();
  the_runtime().collector_work.unlock();
  session_mutex().unlock();
}

void child_after_fork() noexcept {
  runtime& rt = the_runtime();
  // The collector did not survive the fork: probes stop, and only this thread's buffer remains
  // (emptied, since its records belong to the parent's session).
  probe_state_word.store(state_inactive, std::memory_order_relaxed);
  rt.collector_running.store(false, std::memory_order_relaxed);
  auto* mine = static_cast<thread_state*>(current_buffer);
  for (thread_state* state : rt.threads) {
    if (state != mine) {
      free_thread_state(state);
    }
  }
  rt.threads.clear();
  if (mine != nullptr) {
    mine->ring.clear();
    rt.threads.push_back(mine);
  }
  // The parent's wake-up may be in any state here; it is left behind, not destroyed.
  rt.wake = new wakeup;  // NOLINT(bugprone-unhandled-exception-at-new): no way to report in a child
  rt.mutex.unlock();
  registry().mutex().unlock();
  rt.collector_work.unlock();
  reset_session_after_fork();
  session_mutex().unlock();
}

std::int64_t current_tid() noexcept { return static_cast<std::int64_t>(gettid()); }

std::string current_thread_name() {
  char name[32] = {};
  if (pthread_getname_np(pthread_self(), name, sizeof(name)) != 0) {
    return {};
  }
  return name;
}

/// The signals whose default action ends the program and which a capture should survive.
constexpr int termination_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/// The signal caught by on_termination_signal(); lock-free, so the handler may set it.
constinit std::atomic<int> caught_termination{0};
static_assert(std::atomic<int>::is_always_lock_free);

/// Whether on_termination_signal() is installed for termination_signals[i].
constinit bool handler_installed[std::size(termination_signals)] = {};

extern "C" void on_termination_signal(int signal) {
  // Relaxed: a lone flag that the collector polls; only async-signal-safe calls below.
  if (the_runtime().collector_running.load(std::memory_order_relaxed)) {
    caught_termination.store(signal, std::memory_order_relaxed);
    return;
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

void install_termination_handlers() noexcept {
  for (std::size_t i = 0; i < std::size(termination_signals); ++i) {
    struct sigaction current {};
    if (sigaction(termination_signals[i], nullptr, &current) != 0 ||
        (current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL) {
      continue;
    }
    struct sigaction handler {};
    handler.sa_handler = on_termination_signal;
    sigemptyset(&handler.sa_mask);
    handler.sa_flags = SA_RESTART;
    handler_installed[i] = sigaction(termination_signals[i], &handler, nullptr) == 0;
  }
}

void restore_termination_handlers() noexcept {
  for (std::size_t i = 0; i < std::size(termination_signals); ++i) {
    struct sigaction current {};
    // A handler the program installed after ours stays.
    if (handler_installed[i] && sigaction(termination_signals[i], nullptr, &current) == 0 &&
        (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == on_termination_signal) {
      std::signal(termination_signals[i], SIG_DFL);
    }
    handler_installed[i] = false;
  }
}

int pending_termination_signal() noexcept {
  // Relaxed: see on_termination_signal().
  return caught_termination.load(std::memory_order_relaxed);
}

void end_with_signal(int signal) noexcept {
  std::signal(signal, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal);
}

runtime& the_runtime() noexcept {
  static runtime* const instance = [] {
    // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new): made once; nowhere to report a failure
    auto* created = new runtime;
    pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);
    return created;
  }();
  return *instance;
}

void free_thread_state(thread_state* state) noexcept { delete state; }

thread_buffer* acquire_thread_buffer() noexcept {
  if (thread_exiting || current_state() == state_inactive) {
    return nullptr;
  }
  runtime& rt = the_runtime();
  try {
    // Relaxed: the capacity is a setting, published with the session start's state change.
    const std::uint64_t capacity = rt.ring_capacity.load(std::memory_order_relaxed);
    auto* state = new thread_state(std::make_unique_for_overwrite<raw_record[]>(capacity), capacity,
                                   current_tid(), current_thread_name());
    {
      const std::lock_guard lock(rt.mutex);
      rt.threads.push_back(state);
    }
    thread_local thread_exit_guard guard;
    current_buffer = state;
    return state;
  } catch (...) {
    // Out of memory: the record is lost, and counted.
    rt.lost.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
}

void wake_collector() noexcept { the_runtime().wake->signal.notify_one(); }

void push_group(const raw_record* records, std::size_t count) noexcept {
  thread_buffer* buffer = current_buffer;
  if (buffer == nullptr) {
    buffer = acquire_thread_buffer();
    if (buffer == nullptr) {
      return;
    }
  }
  if (!buffer->ring.try_push_n(records, count)) {
    push_slow(*buffer, records, count);
  }
}

void push_slow(thread_buffer& buffer, const raw_record* records, std::size_t count) noexcept {
  runtime& rt = the_runtime();
  wake_collector();
  // Relaxed: the policy is a setting; a push racing with a session change may use either.
  if (rt.blocking.load(std::memory_order_relaxed)) {
    for (unsigned attempt = 0; current_state() != state_inactive; ++attempt) {
      if (buffer.ring.try_push_n(records, count)) {
        return;
      }
      if (attempt < 64) {
        continue;
      }
      if (attempt % 256 == 0) {
        wake_collector();
      }
      sched_yield();
    }
  }
  // Relaxed: only this thread writes the counter; the collector reads it after draining.
  buffer.dropped.store(buffer.dropped.load(std::memory_order_relaxed) + count,
                       std::memory_order_relaxed);
}

}  // namespace metron::detail

namespace {

/// Starts a capture when METRON_CAPTURE is set, as the program loads.
[[maybe_unused]] const bool started_from_environment = metron::start_session_from_environment();

}  // namespace
