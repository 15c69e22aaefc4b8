// Site kinds and observable ids, shared by the hot path and the capture format.
#pragma once

#include <cstdint>

namespace metron {

/// What a probe site measures.
enum class site_kind : std::uint8_t {
  bracket = 0,  ///< a scope: entry and exit time
  event = 1,    ///< a point in time
  counter = 2,  ///< a point in time carrying a delta to add to a running total
  gauge = 3,    ///< a point in time carrying the current value of a quantity
};

}  // namespace metron

namespace metron::detail {

/// Identifier of an observable measured at a bracket's entry and exit; it is also the record tag
/// of the delta in the capture and bit `1 << id` of a site's selector.
enum class observable_id : std::uint8_t {
  cpu_time = 1,          ///< thread CPU time, nanoseconds (CLOCK_THREAD_CPUTIME_ID)
  page_faults = 2,       ///< minor plus major page faults of the thread (getrusage)
  context_switches = 3,  ///< voluntary plus involuntary context switches of the thread
  instructions = 4,      ///< retired instructions (perf_event_open, where the kernel allows)
  cycles = 5,            ///< CPU cycles (perf_event_open, where the kernel allows)
};

/// One past the largest observable id.
inline constexpr std::uint8_t observable_id_end = 6;

}  // namespace metron::detail
