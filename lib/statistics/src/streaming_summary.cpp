// A bounded-memory summary of a stream: Boost.Accumulators moments and a log-bucketed histogram.
#include "moments.hpp"

#include <metron/error.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/format.h>
#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/count.hpp>
#include <boost/accumulators/statistics/moment.hpp>
#include <boost/accumulators/statistics/stats.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace metron::analysis {

namespace {

namespace acc = boost::accumulators;

using detail::nan;

/// Sums of powers of (x − origin), k = 0 … 4, with the extremes: what merging needs.
struct power_sums {
  std::array<double, 5> sums{};  ///< sums[0] is the count
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  /// The same sums about `origin + offset` instead of `origin`: Σ(y − offset)^k expanded
  /// binomially.
  [[nodiscard]] power_sums shifted(double offset) const {
    static constexpr std::array<std::array<double, 5>, 5> binomial{
        {{1, 0, 0, 0, 0}, {1, 1, 0, 0, 0}, {1, 2, 1, 0, 0}, {1, 3, 3, 1, 0}, {1, 4, 6, 4, 1}}};
    power_sums result = *this;
    const double d = -offset;
    for (std::size_t k = 0; k < 5; ++k) {
      double total = 0;
      for (std::size_t j = 0; j <= k; ++j) {
        total += binomial[k][j] * sums[j] * std::pow(d, static_cast<double>(k - j));
      }
      result.sums[k] = total;
    }
    return result;
  }

  void add(const power_sums& other) {
    for (std::size_t k = 0; k < 5; ++k) {
      sums[k] += other.sums[k];
    }
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
};

/// Counts of the magnitudes in one sign's buckets, over the range of keys seen so far.
class bucket_range {
 public:
  void increment(std::int64_t key, std::uint64_t by = 1) {
    if (counts_.empty()) {
      first_ = key;
      counts_.assign(1, 0);
    } else if (key < first_) {
      // Grow by at least a few octaves at a time so a slowly widening range reallocates rarely.
      const auto grow = static_cast<std::size_t>(std::max<std::int64_t>(first_ - key, 512));
      counts_.insert(counts_.begin(), grow, 0);
      first_ -= static_cast<std::int64_t>(grow);
    } else if (key >= first_ + static_cast<std::int64_t>(counts_.size())) {
      const auto needed = static_cast<std::size_t>(key - first_) + 1;
      counts_.resize(std::max(needed, counts_.size() + 512), 0);
    }
    counts_[static_cast<std::size_t>(key - first_)] += by;
  }

  /// Calls visit(key, count) for every non-empty bucket, ascending.
  template <typename Visit>
  void for_each(Visit visit) const {
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) {
        visit(first_ + static_cast<std::int64_t>(i), counts_[i]);
      }
    }
  }

 private:
  std::int64_t first_ = 0;
  std::vector<std::uint64_t> counts_;
};

/// A bucket of the merged histogram: its representative value and how many values it holds.
struct bucket {
  double value = 0;
  std::uint64_t count = 0;
};

/// The value at rank ⌈p·n⌉ (at least 1) of the histogram `buckets`, ascending.
double rank_value(const std::vector<bucket>& buckets, std::uint64_t n, double p) {
  const auto rank = std::clamp<std::uint64_t>(
      static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n))), 1, n);
  std::uint64_t seen = 0;
  for (const bucket& b : buckets) {
    seen += b.count;
    if (seen >= rank) {
      return b.value;
    }
  }
  return buckets.back().value;
}

}  // namespace

struct streaming_summary::impl {
  using accumulator =
      acc::accumulator_set<double,
                           acc::stats<acc::tag::count, acc::tag::moment<1>, acc::tag::moment<2>,
                                      acc::tag::moment<3>, acc::tag::moment<4>>>;

  unsigned shift = 45;  ///< 52 − mantissa_bits: bits of a double below a bucket's key
  bool started = false;
  /// Values enter the accumulators less this, the first value seen: raw power sums of values
  /// near the origin keep the digits the central moments need.
  double origin = 0;
  accumulator moments;
  /// The extremes of the values added here, kept unshifted so that they are exact.
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  power_sums merged;  ///< what merge() brought in, about `origin`
  bucket_range positive;
  bucket_range negative;
  std::uint64_t zeros = 0;
  std::uint64_t rejected = 0;

  [[nodiscard]] std::int64_t key(double magnitude) const noexcept {
    return static_cast<std::int64_t>(std::bit_cast<std::uint64_t>(magnitude) >> shift);
  }

  [[nodiscard]] double bucket_middle(std::int64_t bucket_key) const noexcept {
    const double low = std::bit_cast<double>(static_cast<std::uint64_t>(bucket_key) << shift);
    const double high = std::bit_cast<double>(static_cast<std::uint64_t>(bucket_key + 1) << shift);
    return low + (high - low) / 2;
  }

  void histogram_add(double value, std::uint64_t by = 1) {
    if (value > 0) {
      positive.increment(key(value), by);
    } else if (value < 0) {
      negative.increment(key(-value), by);
    } else {
      zeros += by;
    }
  }

  /// Everything seen, as power sums about `origin`.
  [[nodiscard]] power_sums totals() const {
    power_sums result = merged;
    const double n = static_cast<double>(acc::count(moments));
    if (n > 0) {
      power_sums own;
      own.sums = {n, acc::moment<1>(moments) * n, acc::moment<2>(moments) * n,
                  acc::moment<3>(moments) * n, acc::moment<4>(moments) * n};
      own.min = min;
      own.max = max;
      result.add(own);
    }
    return result;
  }

  /// Every non-empty bucket in ascending order of value, each valued at its middle, clamped to
  /// the extremes seen.
  [[nodiscard]] std::vector<bucket> buckets(double lowest, double highest) const {
    std::vector<bucket> result;
    std::vector<bucket> negatives;
    negative.for_each([&](std::int64_t k, std::uint64_t count) {
      negatives.push_back({std::clamp(-bucket_middle(k), lowest, highest), count});
    });
    result.assign(negatives.rbegin(), negatives.rend());
    if (zeros != 0) {
      result.push_back({0.0, zeros});
    }
    positive.for_each([&](std::int64_t k, std::uint64_t count) {
      result.push_back({std::clamp(bucket_middle(k), lowest, highest), count});
    });
    return result;
  }
};

streaming_summary::streaming_summary(const streaming_options& options)
    : impl_(std::make_unique<impl>()) {
  if (options.mantissa_bits < 1 || options.mantissa_bits > 10) {
    throw input_error(fmt::format("streaming summary: mantissa_bits {} is outside 1 … 10",
                                  options.mantissa_bits));
  }
  impl_->shift = 52 - options.mantissa_bits;
}

streaming_summary::~streaming_summary() = default;
streaming_summary::streaming_summary(streaming_summary&&) noexcept = default;
streaming_summary& streaming_summary::operator=(streaming_summary&&) noexcept = default;

void streaming_summary::add(double value) {
  impl& state = *impl_;
  if (!std::isfinite(value)) {
    ++state.rejected;
    return;
  }
  if (!state.started) {
    state.started = true;
    state.origin = value;
  }
  state.moments(value - state.origin);
  state.min = std::min(state.min, value);
  state.max = std::max(state.max, value);
  state.histogram_add(value);
}

void streaming_summary::add(std::span<const double> values) {
  for (const double value : values) {
    add(value);
  }
}

void streaming_summary::merge(const streaming_summary& other) {
  impl& mine = *impl_;
  const impl& theirs = *other.impl_;
  if (mine.shift != theirs.shift) {
    throw input_error(
        fmt::format("streaming summaries with {} and {} mantissa bits cannot be merged",
                    52 - mine.shift, 52 - theirs.shift));
  }
  const power_sums incoming = theirs.totals();
  if (incoming.sums[0] > 0) {
    if (!mine.started) {
      mine.started = true;
      mine.origin = theirs.origin;
    }
    mine.merged.add(incoming.shifted(mine.origin - theirs.origin));
  }
  theirs.positive.for_each(
      [&](std::int64_t k, std::uint64_t count) { mine.positive.increment(k, count); });
  theirs.negative.for_each(
      [&](std::int64_t k, std::uint64_t count) { mine.negative.increment(k, count); });
  mine.zeros += theirs.zeros;
  mine.rejected += theirs.rejected;
}

std::uint64_t streaming_summary::count() const noexcept {
  return static_cast<std::uint64_t>(acc::count(impl_->moments)) +
         static_cast<std::uint64_t>(impl_->merged.sums[0]);
}

std::uint64_t streaming_summary::rejected() const noexcept { return impl_->rejected; }

summary streaming_summary::result(const mode_options& modes) const {
  const impl& state = *impl_;
  summary result;
  result.approximate = true;
  result.median_ci = {nan, nan, 0};
  result.mean_ci = {nan, nan, 0};
  const power_sums totals = state.totals();
  const std::uint64_t n = count();
  result.n = n;
  if (n == 0) {
    for (double* field :
         {&result.mean, &result.stddev, &result.min, &result.max, &result.median, &result.mad,
          &result.p90, &result.p99, &result.p999, &result.cv, &result.bimodality_coefficient}) {
      *field = nan;
    }
    return result;
  }
  const double count_value = totals.sums[0];
  const double shifted_mean = totals.sums[1] / count_value;
  const power_sums central = totals.shifted(shifted_mean);
  result.mean = state.origin + shifted_mean;
  result.min = totals.min;
  result.max = totals.max;
  const double m2 = std::max(0.0, central.sums[2]);
  result.stddev = n < 2 ? nan : std::sqrt(m2 / (count_value - 1));
  result.cv = (n < 2 || result.mean == 0) ? nan : result.stddev / result.mean;
  result.bimodality_coefficient =
      detail::bimodality_coefficient({count_value, m2, central.sums[3], central.sums[4]});

  const std::vector<bucket> buckets = state.buckets(result.min, result.max);
  result.median = rank_value(buckets, n, 0.5);
  result.p90 = rank_value(buckets, n, 0.9);
  result.p99 = rank_value(buckets, n, 0.99);
  result.p999 = rank_value(buckets, n, 0.999);

  std::vector<bucket> deviations;
  deviations.reserve(buckets.size());
  for (const bucket& b : buckets) {
    deviations.push_back({std::abs(b.value - result.median), b.count});
  }
  std::sort(deviations.begin(), deviations.end(),
            [](const bucket& a, const bucket& b) { return a.value < b.value; });
  result.mad = rank_value(deviations, n, 0.5);

  const double q1 = rank_value(buckets, n, 0.25);
  const double q3 = rank_value(buckets, n, 0.75);
  const double iqr = q3 - q1;
  std::vector<double> values;
  std::vector<double> weights;
  values.reserve(buckets.size());
  weights.reserve(buckets.size());
  for (const bucket& b : buckets) {
    const double beyond = std::max(q1 - b.value, b.value - q3);
    if (beyond > 3 * iqr) {
      result.severe_outliers += b.count;
    } else if (beyond > 1.5 * iqr) {
      result.mild_outliers += b.count;
    }
    values.push_back(b.value);
    weights.push_back(static_cast<double>(b.count));
  }
  result.modes = find_modes(values, weights, modes);
  result.bimodal = result.modes.size() >= 2;
  return result;
}

}  // namespace metron::analysis
