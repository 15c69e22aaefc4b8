// Forwarding termination and user signals to the program being recorded.
#pragma once

#include <csignal>
#include <cstddef>
#include <iterator>

#include <sys/types.h>

namespace metron::detail {

/// The signals passed on to the recorded program.
inline constexpr int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

/// Forwards forwarded_signals to the recorded program while it runs. Between construction and
/// forward_to() the signals are held back, so one arriving while the program starts is not lost.
/// One at a time, on the thread that waits for the program; the destructor restores the
/// previous handlers and signal mask.
class signal_forwarder {
 public:
  signal_forwarder();
  ~signal_forwarder();
  signal_forwarder(const signal_forwarder&) = delete;
  signal_forwarder& operator=(const signal_forwarder&) = delete;

  /// Starts forwarding to `child` and lets held-back signals through.
  void forward_to(pid_t child);

 private:
  sigset_t saved_mask_{};
  struct sigaction saved_actions_[std::size(forwarded_signals)]{};
};

}  // namespace metron::detail
