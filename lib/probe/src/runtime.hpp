// Process-wide probe state: the threads' buffers, the overflow policy, and the collector's wake-up.
#pragma once

#include <metron/probe/detail/probe.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace metron::detail {

/// A thread's buffer with what the collector needs to know about the thread.
struct thread_state : thread_buffer {
  thread_state(std::unique_ptr<raw_record[]> records, std::uint64_t capacity, std::int64_t tid,
               std::string thread_name) noexcept
      : thread_buffer(records.get(), capacity),
        storage(std::move(records)),
        os_tid(tid),
        name(std::move(thread_name)) {}

  std::unique_ptr<raw_record[]> storage;  ///< the ring's records
  std::int64_t os_tid;                    ///< kernel thread id
  std::string name;                       ///< thread name at creation
  std::atomic<bool> exited{false};        ///< set by the thread's exit; collector frees it after
};

/// How producers wake the collector early.
struct wakeup {
  std::mutex mutex;                ///< pairs with `signal`
  std::condition_variable signal;  ///< notified when a ring fills up or the session stops
};

/// The state shared by probes, the collector and session control.
struct runtime {
  std::mutex mutex;  ///< guards `threads` and the session pointer
  /// Held by the collector whenever it is not waiting, and by fork() around the copy: a fork
  /// child never inherits a lock the collector took inside its work (the allocator's, a stdio
  /// stream's, a sink's).
  std::mutex collector_work;
  std::vector<thread_state*> threads;                                ///< every live buffer, owned
  std::atomic<std::uint64_t> ring_capacity{std::uint64_t{1} << 15};  ///< records per new ring
  std::atomic<bool> blocking{true};            ///< policy of the active session
  std::atomic<std::uint64_t> lost{0};          ///< records lost without a buffer to count them in
  std::atomic<bool> collector_running{false};  ///< whether a collector owns the buffers now
  /// Replaced (and the old one leaked) in a fork child, where the parent's collector may have
  /// left it in any state.
  wakeup* wake = new wakeup;
};

/// The process-wide runtime. Never destroyed, so probes during static destruction stay safe.
runtime& the_runtime() noexcept;

/// Pushes `count` records into the calling thread's ring together (an observed bracket's group).
void push_group(const raw_record* records, std::size_t count) noexcept;

/// Wakes the collector early, e.g. because a ring is full.
void wake_collector() noexcept;

/// Makes SIGINT, SIGTERM, SIGHUP and SIGQUIT, where the program left them at their default, finish
/// the capture before they end the program. Undone by restore_termination_handlers().
void install_termination_handlers() noexcept;
/// Puts back the dispositions install_termination_handlers() replaced.
void restore_termination_handlers() noexcept;
/// The termination signal caught while a collector runs, or 0.
[[nodiscard]] int pending_termination_signal() noexcept;
/// Restores the default action of `signal` and raises it: the program ends as it would have.
[[noreturn]] void end_with_signal(int signal) noexcept;

/// The mutex serialising session start and stop (held across fork).
std::mutex& session_mutex() noexcept;

/// Forgets the parent's session in a fork child (the collector thread did not survive).
void reset_session_after_fork() noexcept;

/// Frees a thread's buffer. Caller holds the runtime mutex and has removed it from `threads`.
void free_thread_state(thread_state* state) noexcept;

}  // namespace metron::detail
