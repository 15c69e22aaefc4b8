// Asymptotic complexity fits of time against problem size, for parameterised benchmarks.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis {

/// The growth curves fit_complexity() tries.
enum class complexity_class : std::uint8_t {
  constant,      ///< O(1)
  logarithmic,   ///< O(log n)
  linear,        ///< O(n)
  linearithmic,  ///< O(n log n)
  quadratic,     ///< O(n²)
  cubic,         ///< O(n³)
};

/// "O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)".
[[nodiscard]] std::string_view to_string(complexity_class shape) noexcept;
/// Google Benchmark's spelling: "(1)", "lgN", "N", "NlgN", "N^2", "N^3".
[[nodiscard]] std::string_view google_benchmark_name(complexity_class shape) noexcept;

/// How the curves are fitted.
struct complexity_options {
  /// false: time = c · f(n), the coefficient alone (Google Benchmark's model, whose verdicts this
  /// then reproduces); true: time = a + c · f(n), an intercept for fixed per-call overhead.
  bool intercept = false;
};

/// One curve fitted by least squares.
struct complexity_fit {
  complexity_class shape = complexity_class::constant;  ///< the curve
  double coefficient = 0;                               ///< c, in the time's unit per f(n)
  double intercept = 0;       ///< a; 0 without complexity_options::intercept
  double rms = 0;             ///< root mean square of the residuals, in the time's unit
  double normalized_rms = 0;  ///< rms / mean time (Google Benchmark's "RMS" row, as a fraction)
  double r_squared = 0;       ///< 1 − SS_res / SS_tot about the mean time; may be negative
};

/// Every curve's fit and the best one.
struct complexity_result {
  std::vector<complexity_fit> fits;  ///< one per complexity_class, in enum order
  /// The curve with the smallest RMS; on a tie the simpler (earlier) curve wins.
  complexity_class best = complexity_class::constant;

  /// The fit of `best`.
  [[nodiscard]] const complexity_fit& best_fit() const;
};

/// Fits every curve to times `time[i]` measured at sizes `n[i]` (log in base 2, as Google
/// Benchmark takes it, so that coefficients compare with its own). Eigen's column-pivoting QR
/// solves each least-squares problem. Any thread; cost O(n) per curve.
/// @throws input_error when the spans differ in length, fewer than 2 points (3 with intercept)
///         are given, or a size is below 1 or not finite, or a time is not finite.
[[nodiscard]] complexity_result fit_complexity(std::span<const double> n,
                                               std::span<const double> time,
                                               const complexity_options& options = {});

}  // namespace metron::analysis
