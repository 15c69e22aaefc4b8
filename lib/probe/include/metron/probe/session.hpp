// Starting and stopping a capture session, and the sink interface the collector feeds.
#pragma once

#include <metron/capture/observation.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace metron {

/// What a full ring does with the next record.
enum class overflow_policy : std::uint8_t {
  drop,   ///< count the record as dropped and go on (production default)
  block,  ///< wait for the collector to make room: lossless (the default for captures)
};

/// What sinks learn when a session starts.
struct session_info {
  std::string
      metadata_json;   ///< host, CPU, clock, start time, command line, git commit, observables
  double tick_hz = 0;  ///< calibrated clock frequency used to convert ticks
  std::string clock;   ///< "tsc" or "monotonic"
};

/// Totals when a session stops.
struct session_summary {
  std::int64_t duration_ns = 0;        ///< from start to stop
  std::uint64_t records = 0;           ///< records delivered to sinks
  std::uint64_t dropped = 0;           ///< records lost to full rings (always 0 with block)
  double tick_hz_start = 0;            ///< frequency calibrated at start
  double tick_hz_stop = 0;             ///< frequency re-measured over the whole session
  std::vector<thread_totals> threads;  ///< per thread that produced or dropped records
  std::string capture_path;            ///< the capture file, if one was written
  std::uint64_t capture_bytes = 0;     ///< its size
  bool capture_size_limited = false;   ///< the capture reached its size bound and stopped early
  std::vector<std::string> problems;   ///< sinks that failed and were disabled, clock drift ...
};

/// Receives the collector's output. Every callback runs on the collector thread, one at a time,
/// in this order: on_start, then any mix of on_sites / on_thread / on_records / on_resources,
/// then on_stop. A sink that throws is reported in session_summary::problems and disabled.
class sink {
 public:
  virtual ~sink() = default;
  /// The session started.
  virtual void on_start(const session_info& info) = 0;
  /// Sites registered since the last call; always before the first record that names them.
  virtual void on_sites(std::span<const site_info> sites) = 0;
  /// A thread met for the first time; always before its first records.
  virtual void on_thread(const thread_info& thread) = 0;
  /// A batch of one thread's records, converted to ns, in that thread's order.
  virtual void on_records(const thread_info& thread, std::span<const record> records) = 0;
  /// A periodic sample of process resources.
  virtual void on_resources(const resource_sample& sample) = 0;
  /// The session stopped: everything accepted has been delivered.
  virtual void on_stop(const session_summary& summary) = 0;
};

/// How to run a session.
struct session_options {
  /// Write a capture file here; empty for none.
  std::string capture_path;
  /// The capture's size bound in bytes, 0 for none: past it the capture file gets a size-limit
  /// chunk and the footer, and nothing more (see capture_writer).
  std::uint64_t capture_max_bytes = 0;
  /// What a full ring does; block is lossless.
  overflow_policy policy = overflow_policy::block;
  /// Bytes of each thread's ring, rounded up to a power of two (32-byte records).
  std::size_t ring_bytes = std::size_t{1} << 20;
  /// Period of the process resource samples; zero turns them off.
  std::chrono::milliseconds resource_interval{100};
  /// Pin the collector thread to this CPU (as numbered by the kernel); -1 lets it float. Keeping
  /// it off the CPUs of the threads it drains spares them its wake-ups.
  int collector_cpu = -1;
  /// Further sinks fed by the collector (live aggregation, structured logs ...).
  std::vector<std::shared_ptr<sink>> sinks;
};

/// Starts a session: calibrates the clock (at most 10 ms, on the collector thread), opens the
/// capture file, starts the collector and switches the probes on.
///
/// A session still active when the program exits normally is stopped then (its problems are
/// printed on stderr). Call from any thread.
/// @throws error if a session is already active; resource_error if the capture file cannot be
///         created (nothing is started then).
void start_session(const session_options& options);

/// Stops the active session: switches the probes off, drains every ring, writes the capture
/// footer and closes the file. Returns the session's totals; an empty summary if none was active.
session_summary stop_session();

/// Whether a session is active.
[[nodiscard]] bool session_active() noexcept;

/// Live totals of the active session, for progress displays: records delivered and dropped.
struct collector_stats {
  std::uint64_t records = 0;  ///< delivered to sinks so far
  std::uint64_t dropped = 0;  ///< lost to full rings so far
  std::uint64_t threads = 0;  ///< threads met so far
};

/// Totals of the active (or last) session so far. Any thread.
[[nodiscard]] collector_stats current_stats() noexcept;

/// Starts a session from the environment, as an instrumented program does at load time:
/// `METRON_CAPTURE=path` writes a capture there; `METRON_POLICY=drop|block`,
/// `METRON_RING_BYTES=n`, `METRON_RESOURCE_INTERVAL_MS=n` and `METRON_COLLECTOR_CPU=n` tune it. The
/// session stops at normal exit. Returns false (after one warning on stderr) when the capture
/// cannot be started; the program then runs on unobserved. A METRON_CAPTURE without "%p" (which
/// stands for the process id) is removed from the environment, so that child processes do not
/// overwrite the capture.
///
/// METRON_CAPTURE_MAX_BYTES, when set and not 0, bounds the capture's size (session_options).
///
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT, where the program leaves them at their default action,
/// first finish the capture (drain, footer) and then end the program as they would have;
/// stop_session() puts the default back.
bool start_session_from_environment() noexcept;

}  // namespace metron
