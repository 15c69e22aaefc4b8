// Modes of a sample from a binned Gaussian kernel density estimate.
#include <metron/error.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

/// A sample sorted by value, with frequency weights (all 1 for a plain sample).
class weighted_sample {
 public:
  weighted_sample(std::span<const double> values, std::span<const double> weights)
      : plain_(weights.empty()) {
    points_.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double weight = plain_ ? 1.0 : weights[i];
      if (!std::isfinite(values[i]) || !std::isfinite(weight) || weight < 0) {
        throw input_error(
            fmt::format("point {} of the sample ({} with weight {}) is not a finite "
                        "value with a finite, non-negative weight",
                        i, values[i], weight));
      }
      if (weight > 0) {
        points_.emplace_back(values[i], weight);
      }
    }
    std::sort(points_.begin(), points_.end());
    cumulative_.reserve(points_.size());
    double running = 0;
    for (const auto& [value, weight] : points_) {
      running += weight;
      cumulative_.push_back(running);
    }
  }

  [[nodiscard]] bool empty() const noexcept { return points_.empty(); }
  [[nodiscard]] double total() const noexcept {
    return cumulative_.empty() ? 0 : cumulative_.back();
  }
  [[nodiscard]] const std::vector<std::pair<double, double>>& points() const noexcept {
    return points_;
  }

  /// Type 7 for a plain sample; for a weighted one the smallest value whose cumulative weight
  /// reaches p of the total.
  [[nodiscard]] double quantile(double p) const {
    if (plain_) {
      const double position = p * static_cast<double>(points_.size() - 1);
      const auto below = static_cast<std::size_t>(position);
      if (below + 1 >= points_.size()) {
        return points_.back().first;
      }
      const double fraction = position - static_cast<double>(below);
      return points_[below].first + fraction * (points_[below + 1].first - points_[below].first);
    }
    const auto found = std::lower_bound(cumulative_.begin(), cumulative_.end(), p * total());
    const auto index = static_cast<std::size_t>(std::min<std::ptrdiff_t>(
        found - cumulative_.begin(), static_cast<std::ptrdiff_t>(points_.size()) - 1));
    return points_[index].first;
  }

  /// The standard deviation with divisor (total weight − 1); 0 below a total weight of 2.
  [[nodiscard]] double stddev() const {
    const double weight = total();
    if (weight < 2) {
      return 0;
    }
    double mean = 0;
    for (const auto& [value, w] : points_) {
      mean += w * value;
    }
    mean /= weight;
    double squares = 0;
    for (const auto& [value, w] : points_) {
      squares += w * (value - mean) * (value - mean);
    }
    return std::sqrt(squares / (weight - 1));
  }

 private:
  bool plain_;
  std::vector<std::pair<double, double>> points_;
  std::vector<double> cumulative_;
};

void check_options(const mode_options& options) {
  if (options.grid_points < 3 || !(options.min_relative_height >= 0) ||
      !(options.min_relative_height <= 1) || !(options.max_valley_ratio > 0) ||
      !(options.max_valley_ratio <= 1)) {
    throw input_error(fmt::format(
        "mode options out of range: grid_points {} (at least 3), min_relative_height {} (0 … 1), "
        "max_valley_ratio {} (above 0, at most 1)",
        options.grid_points, options.min_relative_height, options.max_valley_ratio));
  }
}

/// Adds `count` times `weights[0 … length)` to `spread[0 … length)`. In blocks of four, which
/// the compiler turns into vector instructions at -O2 as it does not a plain loop: with a few
/// values and a wide kernel this is most of the time find_modes() takes.
void spread_bin(double* spread, const double* weights, std::size_t length, double count) {
  std::size_t j = 0;
  for (; j + 4 <= length; j += 4) {
    const double first = spread[j] + count * weights[j];
    const double second = spread[j + 1] + count * weights[j + 1];
    const double third = spread[j + 2] + count * weights[j + 2];
    const double fourth = spread[j + 3] + count * weights[j + 3];
    spread[j] = first;
    spread[j + 1] = second;
    spread[j + 2] = third;
    spread[j + 3] = fourth;
  }
  for (; j < length; ++j) {
    spread[j] += count * weights[j];
  }
}

/// The kernel density on the grid, up to a constant factor.
std::vector<double> binned_density(const weighted_sample& sample, double low, double step,
                                   double bandwidth, std::size_t points) {
  std::vector<double> counts(points, 0.0);
  const double high = low + step * static_cast<double>(points - 1);
  for (const auto& [value, weight] : sample.points()) {
    if (value < low || value > high) {
      continue;
    }
    const double position = (value - low) / step;
    const auto below = std::min(static_cast<std::size_t>(position), points - 2);
    const double fraction = position - static_cast<double>(below);
    counts[below] += weight * (1 - fraction);
    counts[below + 1] += weight * fraction;
  }
  // The kernel is negligible beyond 6 bandwidths: below e^-18, 1.5e-8 of its peak.
  const auto reach = std::min(points - 1, static_cast<std::size_t>(6 * bandwidth / step) + 1);
  // The kernel at offsets -reach … reach, so that spreading a bin is one contiguous loop.
  std::vector<double> kernel(2 * reach + 1);
  for (std::size_t d = 0; d <= reach; ++d) {
    const double z = static_cast<double>(d) * step / bandwidth;
    kernel[reach + d] = kernel[reach - d] = std::exp(-0.5 * z * z);
  }
  std::vector<double> density(points, 0.0);
  for (std::size_t k = 0; k < points; ++k) {
    const double count = counts[k];
    if (count == 0) {
      continue;
    }
    const std::size_t first = k >= reach ? k - reach : 0;
    const std::size_t last = std::min(points - 1, k + reach);
    spread_bin(density.data() + first, kernel.data() + (first + reach - k), last - first + 1,
               count);
  }
  return density;
}

/// Grid indices of the peaks that pass the height and valley tests, highest first.
std::vector<std::size_t> significant_peaks(const std::vector<double>& density,
                                           const mode_options& options) {
  const std::size_t points = density.size();
  std::vector<std::size_t> peaks;
  for (std::size_t j = 0; j < points; ++j) {
    const bool above_left = j == 0 || density[j] > density[j - 1];
    const bool not_below_right = j + 1 == points || density[j] >= density[j + 1];
    if (above_left && not_below_right && density[j] > 0) {
      peaks.push_back(j);
    }
  }
  std::stable_sort(peaks.begin(), peaks.end(),
                   [&](std::size_t a, std::size_t b) { return density[a] > density[b]; });
  std::vector<std::size_t> accepted;
  for (const std::size_t peak : peaks) {
    if (accepted.empty()) {
      accepted.push_back(peak);
      continue;
    }
    if (density[peak] < options.min_relative_height * density[accepted.front()]) {
      break;
    }
    const std::size_t nearest =
        *std::min_element(accepted.begin(), accepted.end(), [&](std::size_t a, std::size_t b) {
          return std::llabs(static_cast<long long>(a) - static_cast<long long>(peak)) <
                 std::llabs(static_cast<long long>(b) - static_cast<long long>(peak));
        });
    const auto [from, to] = std::minmax(peak, nearest);
    const double valley = *std::min_element(density.begin() + static_cast<std::ptrdiff_t>(from),
                                            density.begin() + static_cast<std::ptrdiff_t>(to) + 1);
    if (valley <= options.max_valley_ratio * density[peak]) {
      accepted.push_back(peak);
    }
  }
  return accepted;
}

}  // namespace

std::vector<double> find_modes(std::span<const double> values, std::span<const double> weights,
                               const mode_options& options) {
  check_options(options);
  if (!weights.empty() && weights.size() != values.size()) {
    throw input_error(fmt::format("{} weights given for {} values; give one per value or none",
                                  weights.size(), values.size()));
  }
  const weighted_sample sample(values, weights);
  if (sample.empty()) {
    return {};
  }
  const double iqr = sample.quantile(0.75) - sample.quantile(0.25);
  const double stddev = sample.stddev();
  const double spread = iqr > 0 ? std::min(stddev, iqr / 1.349) : stddev;
  if (!(spread > 0)) {
    return {sample.quantile(0.5)};
  }
  const double bandwidth = 0.9 * spread * std::pow(sample.total(), -0.2);
  const double low = sample.quantile(0.005) - 3 * bandwidth;
  const double high = sample.quantile(0.995) + 3 * bandwidth;
  // Eight points a bandwidth resolve every peak the kernel can make; more only cost time.
  constexpr double points_per_bandwidth = 8;
  const double needed = std::ceil((high - low) / bandwidth * points_per_bandwidth) + 1;
  const std::size_t points =
      needed < static_cast<double>(options.grid_points)
          ? std::max<std::size_t>(3, static_cast<std::size_t>(needed))
          : options.grid_points;
  const double step = (high - low) / static_cast<double>(points - 1);
  const std::vector<double> density = binned_density(sample, low, step, bandwidth, points);
  std::vector<double> modes;
  for (const std::size_t peak : significant_peaks(density, options)) {
    modes.push_back(low + step * static_cast<double>(peak));
  }
  return modes;
}

}  // namespace metron::analysis
