// Clock selection, calibration of TSC ticks against CLOCK_MONOTONIC_RAW, and tick-to-ns conversion.
#pragma once

#include <cstdint>

namespace metron::detail {

/// Whether the CPU has an invariant TSC (constant rate across P-, C- and T-states).
[[nodiscard]] bool has_invariant_tsc() noexcept;

/// A simultaneous reading of the tick clock and CLOCK_MONOTONIC_RAW.
struct clock_anchor {
  std::uint64_t ticks = 0;  ///< tick clock (TSC or CLOCK_MONOTONIC ns)
  std::int64_t raw_ns = 0;  ///< CLOCK_MONOTONIC_RAW in ns
};

/// Reads both clocks, keeping the tightest of a few tries so the pair is accurate to ~10 ns.
[[nodiscard]] clock_anchor take_anchor(std::uint32_t state) noexcept;

/// Ticks per second between two anchors; 1e9 when no time elapsed on the raw clock.
[[nodiscard]] double ticks_per_second(const clock_anchor& from, const clock_anchor& to) noexcept;

/// CLOCK_MONOTONIC_RAW in ns.
[[nodiscard]] std::int64_t raw_now_ns() noexcept;

/// Converts ticks to ns since an origin with one 128-bit multiply (fixed point, 32 fraction bits).
class tick_converter {
 public:
  tick_converter() = default;
  /// @param origin ticks at time zero; @param hz ticks per second
  tick_converter(std::uint64_t origin, double hz) noexcept;
  /// ns since the origin; negative for ticks before it.
  [[nodiscard]] std::int64_t to_ns(std::uint64_t ticks) const noexcept {
    const auto delta = static_cast<std::int64_t>(ticks - origin_);
    return static_cast<std::int64_t>((static_cast<wide>(delta) * scale_) >> 32);
  }

 private:
  __extension__ using wide = __int128;  // GCC and Clang: exact product of two 64-bit values

  std::uint64_t origin_ = 0;
  std::int64_t scale_ = std::int64_t{1} << 32;
};

}  // namespace metron::detail
