// Per-thread observables of observed brackets, and whether the kernel lets us read each of them.
#pragma once

#include <cstdint>
#include <string>

namespace metron::detail {

/// The observables of `mask` that brackets actually record (hardware counters drop out where the
/// kernel refuses them).
[[nodiscard]] std::uint32_t recorded_observables(std::uint32_t mask) noexcept;

/// A JSON object naming each observable and "available" or "unavailable: <reason>".
/// The first call probes perf_event_open once.
[[nodiscard]] std::string observables_availability_json();

}  // namespace metron::detail
