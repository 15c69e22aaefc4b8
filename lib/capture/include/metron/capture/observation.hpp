// The data model shared by the collector, its sinks and the capture format: sites, threads,
// records.
#pragma once

#include <metron/capture/detail/kinds.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace metron {

/// The name of a site kind as JSON renderings spell it: "bracket", "event", "counter", "gauge".
[[nodiscard]] constexpr std::string_view to_string(site_kind kind) noexcept {
  switch (kind) {
    case site_kind::bracket: return "bracket";
    case site_kind::event: return "event";
    case site_kind::counter: return "counter";
    case site_kind::gauge: return "gauge";
  }
  return "unknown";
}

/// The name of an observable tag as JSON renderings spell it ("cpu_time_ns", "page_faults",
/// "context_switches", "instructions", "cycles"), or "unknown" for any other tag.
[[nodiscard]] constexpr std::string_view observable_name(std::uint8_t tag) noexcept {
  switch (static_cast<detail::observable_id>(tag)) {
    case detail::observable_id::cpu_time: return "cpu_time_ns";
    case detail::observable_id::page_faults: return "page_faults";
    case detail::observable_id::context_switches: return "context_switches";
    case detail::observable_id::instructions: return "instructions";
    case detail::observable_id::cycles: return "cycles";
  }
  return "unknown";
}

/// A probe site as the site table records it. Sites are numbered from 1 in registration order.
struct site_info {
  std::uint32_t id = 0;                 ///< the number records refer to
  site_kind kind = site_kind::bracket;  ///< what it measures
  std::uint32_t observables = 0;        ///< bit `1 << tag` for every observable the site selected
  std::uint32_t line = 0;               ///< source line of the macro
  std::string name;                     ///< dotted name, e.g. "ledger.apply_block"
  std::string file;                     ///< source file of the macro
  std::string function;                 ///< signature of the enclosing function
};

/// A thread that produced records. `index` numbers threads in the order the collector met them.
struct thread_info {
  std::uint32_t index = 0;  ///< capture-local thread number, from 0
  std::int64_t os_tid = 0;  ///< the kernel's thread id
  std::string name;         ///< the thread's name when its ring was created
};

/// One observation, in nanoseconds since the capture started.
///
/// A bracket has `begin_ns <= end_ns`; events, counters and gauges have `begin_ns == end_ns`.
/// A record with `tag != 0` is an observable delta belonging to the bracket record just before
/// it in the same thread (same site, same times); `value` holds the delta.
struct record {
  std::uint32_t site = 0;     ///< site id
  std::uint8_t tag = 0;       ///< 0 for the observation itself, else an observable id
  std::int64_t begin_ns = 0;  ///< entry (or the instant), ns since capture start
  std::int64_t end_ns = 0;    ///< exit, ns since capture start
  double value = 0;           ///< counter delta, gauge value or observable delta; 0 otherwise

  friend bool operator==(const record&, const record&) = default;
};

/// A sample of process-wide resources, taken by the collector periodically.
struct resource_sample {
  std::int64_t time_ns = 0;        ///< ns since capture start
  std::int64_t rss_bytes = 0;      ///< resident set size
  std::int64_t cpu_user_ns = 0;    ///< process user CPU time so far
  std::int64_t cpu_system_ns = 0;  ///< process system CPU time so far
  std::int64_t read_bytes = 0;     ///< bytes read so far (/proc/self/io rchar), -1 if unavailable
  std::int64_t write_bytes = 0;  ///< bytes written so far (/proc/self/io wchar), -1 if unavailable
  std::int64_t threads = 0;      ///< number of threads in the process

  friend bool operator==(const resource_sample&, const resource_sample&) = default;
};

/// Per-thread totals of a capture.
struct thread_totals {
  std::uint32_t index = 0;    ///< thread index as in thread_info
  std::uint64_t records = 0;  ///< records the collector took from the thread's ring
  std::uint64_t dropped = 0;  ///< records the thread could not push (ring full, drop policy)

  friend bool operator==(const thread_totals&, const thread_totals&) = default;
};

/// What a capture says when it stops normally; the capture file's footer.
struct capture_footer {
  std::int64_t end_ns = 0;             ///< capture duration, ns
  double tick_hz_start = 0;            ///< clock frequency calibrated at start (1e9 without TSC)
  double tick_hz_stop = 0;             ///< clock frequency re-measured over the whole run at stop
  std::vector<thread_totals> threads;  ///< one entry per thread that produced or dropped records

  friend bool operator==(const capture_footer&, const capture_footer&) = default;
};

/// How a recorded program ended, as its recorder appends it to the capture after the footer.
struct program_ending {
  bool signalled = false;  ///< whether a signal killed it; else it exited
  int code = 0;            ///< the exit status (0 to 255) when it exited, else the signal's number

  friend bool operator==(const program_ending&, const program_ending&) = default;
};

}  // namespace metron
