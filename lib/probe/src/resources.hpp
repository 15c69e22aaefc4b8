// Process-wide resource samples (RSS, CPU, io bytes, threads) read from /proc and getrusage.
#pragma once

#include <metron/capture/observation.hpp>

namespace metron::detail {

/// Samples the process's resources now; `time_ns` is stored as given. Fields the system does not
/// expose are -1.
[[nodiscard]] resource_sample sample_resources(std::int64_t time_ns) noexcept;

}  // namespace metron::detail
