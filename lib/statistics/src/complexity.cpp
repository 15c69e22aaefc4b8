// Least-squares fits of growth curves to time against problem size, solved with Eigen.
#include <metron/error.hpp>
#include <metron/statistics/complexity.hpp>

#include <fmt/format.h>
#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>

namespace metron::analysis {

namespace {

constexpr std::array all_shapes{complexity_class::constant,  complexity_class::logarithmic,
                                complexity_class::linear,    complexity_class::linearithmic,
                                complexity_class::quadratic, complexity_class::cubic};

/// f(n) of each curve; logarithms in base 2 as Google Benchmark takes them, so that coefficients
/// compare with its own.
double growth(complexity_class shape, double n) {
  switch (shape) {
    case complexity_class::constant: return 1.0;
    case complexity_class::logarithmic: return std::log2(n);
    case complexity_class::linear: return n;
    case complexity_class::linearithmic: return n * std::log2(n);
    case complexity_class::quadratic: return n * n;
    case complexity_class::cubic: return n * n * n;
  }
  return 1.0;
}

void check_points(std::span<const double> n, std::span<const double> time,
                  const complexity_options& options) {
  if (n.size() != time.size()) {
    throw input_error(fmt::format("complexity fit: {} sizes but {} times", n.size(), time.size()));
  }
  const std::size_t needed = options.intercept ? 3 : 2;
  if (n.size() < needed) {
    throw input_error(
        fmt::format("complexity fit: {} points; at least {} are needed", n.size(), needed));
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!std::isfinite(n[i]) || n[i] < 1) {
      throw input_error(
          fmt::format("complexity fit: size {} at point {} is not a finite number "
                      "of at least 1",
                      n[i], i));
    }
    if (!std::isfinite(time[i])) {
      throw input_error(
          fmt::format("complexity fit: time {} at point {} is not finite", time[i], i));
    }
  }
}

complexity_fit fit_one(complexity_class shape, std::span<const double> n,
                       std::span<const double> time, const complexity_options& options) {
  const auto rows = static_cast<Eigen::Index>(n.size());
  // O(1) with an intercept would be two equal columns: the constant column alone is that model.
  const bool intercept = options.intercept && shape != complexity_class::constant;
  Eigen::MatrixXd design(rows, intercept ? 2 : 1);
  Eigen::VectorXd observed(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto point = static_cast<std::size_t>(i);
    design(i, 0) = growth(shape, n[point]);
    if (intercept) {
      design(i, 1) = 1.0;
    }
    observed(i) = time[point];
  }
  const Eigen::VectorXd solution = design.colPivHouseholderQr().solve(observed);
  const Eigen::VectorXd residuals = observed - design * solution;

  complexity_fit fit;
  fit.shape = shape;
  fit.coefficient = solution(0);
  fit.intercept = intercept ? solution(1) : 0.0;
  const double mean = observed.mean();
  const double residual_squares = residuals.squaredNorm();
  const double total_squares = (observed.array() - mean).square().sum();
  fit.rms = std::sqrt(residual_squares / static_cast<double>(rows));
  fit.normalized_rms = mean != 0 ? fit.rms / mean : std::numeric_limits<double>::quiet_NaN();
  fit.r_squared = total_squares > 0 ? 1 - residual_squares / total_squares
                                    : std::numeric_limits<double>::quiet_NaN();
  return fit;
}

}  // namespace

std::string_view to_string(complexity_class shape) noexcept {
  switch (shape) {
    case complexity_class::constant: return "O(1)";
    case complexity_class::logarithmic: return "O(log n)";
    case complexity_class::linear: return "O(n)";
    case complexity_class::linearithmic: return "O(n log n)";
    case complexity_class::quadratic: return "O(n^2)";
    case complexity_class::cubic: return "O(n^3)";
  }
  return "unknown";
}

std::string_view google_benchmark_name(complexity_class shape) noexcept {
  switch (shape) {
    case complexity_class::constant: return "(1)";
    case complexity_class::logarithmic: return "lgN";
    case complexity_class::linear: return "N";
    case complexity_class::linearithmic: return "NlgN";
    case complexity_class::quadratic: return "N^2";
    case complexity_class::cubic: return "N^3";
  }
  return "unknown";
}

const complexity_fit& complexity_result::best_fit() const {
  const auto found = std::find_if(fits.begin(), fits.end(),
                                  [&](const complexity_fit& fit) { return fit.shape == best; });
  if (found == fits.end()) {
    throw error(fmt::format("complexity result holds no fit of {}", to_string(best)));
  }
  return *found;
}

complexity_result fit_complexity(std::span<const double> n, std::span<const double> time,
                                 const complexity_options& options) {
  check_points(n, time, options);
  complexity_result result;
  for (const complexity_class shape : all_shapes) {
    result.fits.push_back(fit_one(shape, n, time, options));
  }
  // Strictly smaller RMS to move on: on a tie the simpler curve stays.
  const auto best = std::min_element(
      result.fits.begin(), result.fits.end(),
      [](const complexity_fit& a, const complexity_fit& b) { return a.rms < b.rms; });
  result.best = best->shape;
  return result;
}

}  // namespace metron::analysis
