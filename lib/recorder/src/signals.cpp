// Forwarding signals to the recorded program: the handler and its installation.
#include "signals.hpp"

#include <atomic>
#include <cerrno>

#include <pthread.h>

namespace metron::detail {

namespace {

// The child being recorded, for the signal handler; 0 when there is none.
std::atomic<pid_t> recorded_child{0};
static_assert(std::atomic<pid_t>::is_always_lock_free,
              "a signal handler may only use lock-free atomics");

void forward_signal(int signal_number, siginfo_t* info, void* /*context*/) {
  // A terminal's Ctrl-C reaches the whole foreground process group, the child included, and
  // comes from the kernel: passing it on would deliver it twice. Forward what was sent to
  // metron alone (kill, timeout, a CI runner).
  if (info->si_code == SI_KERNEL) {
    return;
  }
  const int saved_errno = errno;
  // Relaxed: pairs with the store in signal_forwarder::forward_to() on this same thread.
  if (const pid_t child = recorded_child.load(std::memory_order_relaxed); child > 0) {
    kill(child, signal_number);
  }
  errno = saved_errno;
}

}  // namespace

signal_forwarder::signal_forwarder() {
  sigset_t held;
  sigemptyset(&held);
  for (const int signal_number : forwarded_signals) {
    sigaddset(&held, signal_number);
  }
  pthread_sigmask(SIG_BLOCK, &held, &saved_mask_);
  struct sigaction action {};
  action.sa_sigaction = forward_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < std::size(forwarded_signals); ++i) {
    sigaction(forwarded_signals[i], &action, &saved_actions_[i]);
  }
}

signal_forwarder::~signal_forwarder() {
  // Relaxed: the handler runs on this thread; see forward_signal().
  recorded_child.store(0, std::memory_order_relaxed);
  for (std::size_t i = 0; i < std::size(forwarded_signals); ++i) {
    sigaction(forwarded_signals[i], &saved_actions_[i], nullptr);
  }
  pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
}

void signal_forwarder::forward_to(pid_t child) {
  // Relaxed: the handler runs on this thread; see forward_signal().
  recorded_child.store(child, std::memory_order_relaxed);
  pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
}

}  // namespace metron::detail
