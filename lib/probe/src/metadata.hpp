// The metadata block of a capture: host, CPU, clock, start time, command line, git commit.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace metron::detail {

/// What a session knows about itself when its clock is calibrated.
struct run_facts {
  std::string clock;                         ///< "tsc" or "monotonic"
  double tick_hz = 0;                        ///< calibrated frequency
  std::chrono::system_clock::time_point start;  ///< wall-clock time of the session start
  std::string policy;                        ///< "block" or "drop"
  std::size_t ring_bytes = 0;                ///< per-thread ring size
  std::int64_t resource_interval_ms = 0;     ///< resource sampling period, 0 when off
};

/// The metadata JSON object for a session with these facts.
[[nodiscard]] std::string build_metadata_json(const run_facts& facts);

/// The commit of the git checkout around the working directory (METRON_GIT_COMMIT wins),
/// or empty. Reads .git files directly: no process is started.
[[nodiscard]] std::string find_git_commit();

}  // namespace metron::detail
