// The time and thread stamps of traced values: the UTC clock, thread ids, timestamp text.
#include <metron/trace/trace.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

#include <pthread.h>
#include <unistd.h>

namespace metron {
namespace {

constexpr std::int64_t microseconds_per_second = 1'000'000;

// 0 until the thread first asks; gettid is a system call, so each thread asks once.
thread_local std::uint64_t cached_thread_id = 0;

// A forked child's only thread inherits its parent's cache but has an id of its own.
void forget_thread_id_in_child() noexcept { cached_thread_id = 0; }

bool register_fork_handler() noexcept {
  return pthread_atfork(nullptr, nullptr, &forget_thread_id_in_child) == 0;
}

}  // namespace

std::int64_t utc_now_us() noexcept {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
}

std::uint64_t current_thread_id() noexcept {
  static const bool fork_handler_registered = register_fork_handler();
  static_cast<void>(fork_handler_registered);
  if (cached_thread_id == 0) cached_thread_id = static_cast<std::uint64_t>(gettid());
  return cached_thread_id;
}

std::string format_utc_timestamp(std::int64_t timestamp_us) {
  // Floor division, so that instants before 1970 keep a fraction in [0, 1 s).
  std::int64_t seconds = timestamp_us / microseconds_per_second;
  std::int64_t fraction = timestamp_us % microseconds_per_second;
  if (fraction < 0) {
    fraction += microseconds_per_second;
    --seconds;
  }
  const auto whole_seconds = static_cast<std::time_t>(seconds);
  std::tm parts{};
  gmtime_r(&whole_seconds, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", parts.tm_year + 1900,
                     parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                     fraction);
}

}  // namespace metron
