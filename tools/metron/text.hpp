// Human-readable renderings of durations, sizes and values for the tool's terminal output.
#pragma once

#include <cstdint>
#include <string>

namespace metron::tool {

/// A duration in the largest unit that keeps it at least 1: "850 ns", "12.34 µs", "2.50 s".
[[nodiscard]] std::string format_duration(double nanoseconds);

/// A byte count in binary units: "512 B", "251.3 KiB", "1.0 MiB".
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);

/// A counter or gauge value: integral values without a fraction, others with six significant
/// digits.
[[nodiscard]] std::string format_value(double value);

}  // namespace metron::tool
