// Human-readable renderings of durations, sizes and values for the tool's terminal output.
#include "text.hpp"

#include <fmt/core.h>

#include <cmath>

namespace metron::tool {

namespace {

// Three or four significant digits, whatever the magnitude within a unit.
std::string with_precision(double value, const char* unit) {
  const double magnitude = std::fabs(value);
  const int decimals = magnitude < 10 ? 3 : magnitude < 100 ? 2 : 1;
  return fmt::format("{:.{}f} {}", value, decimals, unit);
}

}  // namespace

std::string format_duration(double nanoseconds) {
  const double magnitude = std::fabs(nanoseconds);
  if (magnitude < 1e3) {
    return fmt::format("{:.0f} ns", nanoseconds);
  }
  if (magnitude < 1e6) {
    return with_precision(nanoseconds / 1e3, "µs");
  }
  if (magnitude < 1e9) {
    return with_precision(nanoseconds / 1e6, "ms");
  }
  return with_precision(nanoseconds / 1e9, "s");
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  double scaled = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (scaled >= 1024 && unit + 1 < std::size(units)) {
    scaled /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", scaled, units[unit]);
}

std::string format_value(double value) {
  // Integers up to 2^53 are exact in a double; beyond that a fraction means nothing anyway.
  if (std::isfinite(value) && value == std::trunc(value) &&
      std::fabs(value) < 9.007199254740992e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{:.6g}", value);
}

}  // namespace metron::tool
