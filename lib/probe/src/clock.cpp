// Clock selection and calibration for the probes.
#include "clock.hpp"

#include <metron/probe/detail/probe.hpp>

#include <ctime>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace metron::detail {

namespace {

std::int64_t read_ns(clockid_t clock) noexcept {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

}  // namespace

std::uint64_t monotonic_ns() noexcept {
  return static_cast<std::uint64_t>(read_ns(CLOCK_MONOTONIC));
}

std::int64_t raw_now_ns() noexcept { return read_ns(CLOCK_MONOTONIC_RAW); }

bool has_invariant_tsc() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  if (__get_cpuid(0x80000000U, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007U) {
    return false;
  }
  __get_cpuid(0x80000007U, &eax, &ebx, &ecx, &edx);
  return (edx & (1U << 8)) != 0;
#else
  return false;
#endif
}

clock_anchor take_anchor(std::uint32_t state) noexcept {
  // The pair is as accurate as the window between the two tick reads around the raw clock read;
  // keep the narrowest of a few tries, which filters out an interrupt landing in between.
  clock_anchor best{};
  std::uint64_t best_window = ~std::uint64_t{0};
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::uint64_t before = read_ticks(state);
    const std::int64_t raw = raw_now_ns();
    const std::uint64_t after = read_ticks(state);
    if (after - before < best_window) {
      best_window = after - before;
      best = clock_anchor{before + (after - before) / 2, raw};
    }
  }
  return best;
}

double ticks_per_second(const clock_anchor& from, const clock_anchor& to) noexcept {
  const std::int64_t elapsed_ns = to.raw_ns - from.raw_ns;
  if (elapsed_ns <= 0) {
    return 1e9;
  }
  return static_cast<double>(to.ticks - from.ticks) * 1e9 / static_cast<double>(elapsed_ns);
}

tick_converter::tick_converter(std::uint64_t origin, double hz) noexcept
    : origin_(origin), scale_(static_cast<std::int64_t>(1e9 / hz * 4294967296.0)) {}

}  // namespace metron::detail
