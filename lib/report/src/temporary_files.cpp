// The registry of temporary output files and the signal handler that removes them.
#include "temporary_files.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include <limits.h>
#include <unistd.h>

namespace metron::report::detail {

namespace {

constexpr int cleaned_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/// A place for one path: the handler reads only places marked ready, so it never sees a path
/// half written.
struct place {
  enum : int { free_place = 0, claimed = 1, ready = 2 };
  std::atomic<int> state{free_place};
  std::array<char, PATH_MAX> path{};
};
static_assert(std::atomic<int>::is_always_lock_free,
              "a signal handler may only use lock-free atomics");

std::array<place, 16> places;

extern "C" void remove_temporaries(int signal_number) {
  for (place& entry : places) {
    // Acquire pairs with the release in remember_temporary(): the path is complete.
    if (entry.state.load(std::memory_order_acquire) == place::ready) {
      unlink(entry.path.data());
    }
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void install_handlers() noexcept {
  for (const int signal_number : cleaned_signals) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) != 0 || (current.sa_flags & SA_SIGINFO) != 0 ||
        current.sa_handler != SIG_DFL) {
      continue;  // ignored, or the program's own: left alone
    }
    struct sigaction handler {};
    handler.sa_handler = remove_temporaries;
    sigemptyset(&handler.sa_mask);
    for (const int other : cleaned_signals) {
      sigaddset(&handler.sa_mask, other);  // one removal at a time
    }
    handler.sa_flags = SA_RESTART;
    sigaction(signal_number, &handler, nullptr);
  }
}

}  // namespace

int remember_temporary(const std::string& path) noexcept {
  static std::once_flag installed;
  try {
    std::call_once(installed, install_handlers);
    std::error_code error;
    const std::string absolute = std::filesystem::absolute(path, error).string();
    if (error || absolute.size() >= PATH_MAX) {
      return -1;
    }
    for (std::size_t i = 0; i < places.size(); ++i) {
      int expected = place::free_place;
      // Relaxed: the claim only keeps other threads out; the release below publishes the path.
      if (places[i].state.compare_exchange_strong(expected, place::claimed,
                                                  std::memory_order_relaxed)) {
        std::memcpy(places[i].path.data(), absolute.c_str(), absolute.size() + 1);
        // Release pairs with the acquire in remove_temporaries().
        places[i].state.store(place::ready, std::memory_order_release);
        return static_cast<int>(i);
      }
    }
  } catch (...) {
    // Out of memory making the path absolute: the file is then only removed on normal failure.
  }
  return -1;
}

void forget_temporary(int registration) noexcept {
  if (registration >= 0 && static_cast<std::size_t>(registration) < places.size()) {
    // Release: the place may be claimed again at once; nothing is read from it after this.
    places[static_cast<std::size_t>(registration)].state.store(place::free_place,
                                                               std::memory_order_release);
  }
}

}  // namespace metron::report::detail
