// Per-series statistics with Boost.Accumulators: moments, extremes, extended P² quantiles, EWMA.
#include <metron/monitor/aggregation.hpp>

#include "string_map.hpp"

#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/count.hpp>
#include <boost/accumulators/statistics/extended_p_square.hpp>
#include <boost/accumulators/statistics/max.hpp>
#include <boost/accumulators/statistics/mean.hpp>
#include <boost/accumulators/statistics/min.hpp>
#include <boost/accumulators/statistics/stats.hpp>
#include <boost/accumulators/statistics/sum.hpp>
#include <boost/accumulators/statistics/variance.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

namespace metron {
namespace {

namespace acc = boost::accumulators;

using moments = acc::accumulator_set<
    double, acc::stats<acc::tag::count, acc::tag::sum, acc::tag::min, acc::tag::max, acc::tag::mean,
                       acc::tag::variance, acc::tag::extended_p_square>>;

constexpr std::array<double, 3> quantile_levels{0.5, 0.9, 0.99};
constexpr std::size_t exact_prefix = 32;
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// The quantile at `level` of sorted `values`, interpolating between neighbours (R's type 7).
double interpolated_quantile(const std::vector<double>& sorted, double level) {
  const double position = level * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(below);
  return sorted[below] + weight * (sorted[above] - sorted[below]);
}

// One sequence's statistics. While it is short it also keeps its values, because P² markers
// say nothing meaningful before they have settled.
class sequence {
 public:
  explicit sequence(double alpha)
      : alpha_(alpha), moments_(acc::tag::extended_p_square::probabilities = quantile_levels) {}

  void add(double value) noexcept {
    moments_(value);
    if (count_ < exact_prefix) first_[count_] = value;
    ewma_ = count_ == 0 ? value : alpha_ * value + (1 - alpha_) * ewma_;
    last_ = value;
    ++count_;
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }

  [[nodiscard]] double get(statistic which) const {
    if (which == statistic::count) return static_cast<double>(count_);
    if (count_ == 0) return not_a_number;
    switch (which) {
      case statistic::count: break;
      case statistic::sum: return acc::sum(moments_);
      case statistic::min: return acc::min(moments_);
      case statistic::max: return acc::max(moments_);
      case statistic::mean: return acc::mean(moments_);
      case statistic::stddev: return std::sqrt(std::max(0.0, acc::variance(moments_)));
      case statistic::last: return last_;
      case statistic::ewma: return ewma_;
      case statistic::p50: return quantile(0);
      case statistic::p90: return quantile(1);
      case statistic::p99: return quantile(2);
    }
    return not_a_number;
  }

  [[nodiscard]] statistics all() const {
    statistics out;
    out.count = count_;
    out.sum = get(statistic::sum);
    out.min = get(statistic::min);
    out.max = get(statistic::max);
    out.mean = get(statistic::mean);
    out.stddev = get(statistic::stddev);
    out.last = get(statistic::last);
    out.ewma = get(statistic::ewma);
    if (count_ == 0) {
      out.p50 = out.p90 = out.p99 = not_a_number;
    } else if (count_ <= exact_prefix) {
      const auto sorted = sorted_prefix();
      out.p50 = interpolated_quantile(sorted, quantile_levels[0]);
      out.p90 = interpolated_quantile(sorted, quantile_levels[1]);
      out.p99 = interpolated_quantile(sorted, quantile_levels[2]);
    } else {
      const auto estimates = acc::extended_p_square(moments_);
      out.p50 = estimates[0];
      out.p90 = estimates[1];
      out.p99 = estimates[2];
    }
    return out;
  }

 private:
  [[nodiscard]] std::vector<double> sorted_prefix() const {
    std::vector<double> sorted(first_.begin(),
                               first_.begin() + static_cast<std::ptrdiff_t>(count_));
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }

  [[nodiscard]] double quantile(std::size_t index) const {
    if (count_ <= exact_prefix) return interpolated_quantile(sorted_prefix(), quantile_levels[index]);
    return acc::extended_p_square(moments_)[static_cast<std::ptrdiff_t>(index)];
  }

  double alpha_;
  moments moments_;
  std::array<double, exact_prefix> first_{};
  std::uint64_t count_ = 0;
  double last_ = 0;
  double ewma_ = 0;
};

struct series_state {
  std::string name;
  metric_kind kind;
  metric_unit unit;
  sequence values;
  std::optional<sequence> differences;
  std::optional<sequence> intervals;
  double previous_value = 0;
  std::int64_t previous_time = 0;

  series_state(std::string_view series_name, metric_kind series_kind, metric_unit series_unit,
               const aggregation_rule& rule)
      : name(series_name), kind(series_kind), unit(series_unit), values(rule.ewma_alpha) {
    if (rule.differences) differences.emplace(rule.ewma_alpha);
    if (rule.inter_arrival) intervals.emplace(rule.ewma_alpha);
  }
};

}  // namespace

struct aggregator::state {
  // Series live in a deque-like vector of pointers so that handles and references stay valid.
  std::vector<std::unique_ptr<series_state>> series;
  detail::string_map<series_id> by_name;
};

std::string_view to_string(statistic which) noexcept {
  switch (which) {
    case statistic::count: return "count";
    case statistic::sum: return "sum";
    case statistic::min: return "min";
    case statistic::max: return "max";
    case statistic::mean: return "mean";
    case statistic::stddev: return "stddev";
    case statistic::last: return "last";
    case statistic::p50: return "p50";
    case statistic::p90: return "p90";
    case statistic::p99: return "p99";
    case statistic::ewma: return "ewma";
  }
  return "unknown";
}

std::optional<statistic> parse_statistic(std::string_view name) noexcept {
  for (const auto which : all_statistics) {
    if (to_string(which) == name) return which;
  }
  return std::nullopt;
}

double statistics::get(statistic which) const noexcept {
  switch (which) {
    case statistic::count: return static_cast<double>(count);
    case statistic::sum: return sum;
    case statistic::min: return min;
    case statistic::max: return max;
    case statistic::mean: return mean;
    case statistic::stddev: return stddev;
    case statistic::last: return last;
    case statistic::p50: return p50;
    case statistic::p90: return p90;
    case statistic::p99: return p99;
    case statistic::ewma: return ewma;
  }
  return not_a_number;
}

aggregator::aggregator() : state_(std::make_unique<state>()) {}
aggregator::aggregator(aggregator&&) noexcept = default;
aggregator& aggregator::operator=(aggregator&&) noexcept = default;
aggregator::~aggregator() = default;

aggregator::series_id aggregator::series(std::string_view name, metric_kind kind, metric_unit unit,
                                         const aggregation_rule& rule) {
  const auto found = state_->by_name.find(name);
  if (found != state_->by_name.end()) return found->second;
  const auto id = static_cast<series_id>(state_->series.size());
  state_->series.push_back(std::make_unique<series_state>(name, kind, unit, rule));
  state_->by_name.emplace(std::string(name), id);
  return id;
}

std::optional<aggregator::series_id> aggregator::find(std::string_view name) const {
  const auto found = state_->by_name.find(name);
  if (found == state_->by_name.end()) return std::nullopt;
  return found->second;
}

void aggregator::observe(series_id id, double value, std::int64_t time_ns) noexcept {
  series_state& target = *state_->series[id];
  const bool first = target.values.count() == 0;
  if (!first) {
    if (target.differences) target.differences->add(value - target.previous_value);
    if (target.intervals) {
      target.intervals->add(static_cast<double>(time_ns - target.previous_time));
    }
  }
  target.values.add(value);
  target.previous_value = value;
  target.previous_time = time_ns;
}

double aggregator::value(series_id id, series_family family, statistic which) const {
  if (id >= state_->series.size()) return not_a_number;
  const series_state& source = *state_->series[id];
  switch (family) {
    case series_family::values: return source.values.get(which);
    case series_family::differences:
      return source.differences ? source.differences->get(which) : not_a_number;
    case series_family::intervals:
      return source.intervals ? source.intervals->get(which) : not_a_number;
  }
  return not_a_number;
}

std::size_t aggregator::size() const noexcept { return state_->series.size(); }

metrics_snapshot aggregator::snapshot() const {
  metrics_snapshot out;
  out.time_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  out.metrics.reserve(state_->series.size());
  for (const auto& source : state_->series) {
    metric_snapshot metric;
    metric.name = source->name;
    metric.kind = source->kind;
    metric.unit = source->unit;
    metric.values = source->values.all();
    if (source->differences) metric.differences = source->differences->all();
    if (source->intervals) metric.intervals = source->intervals->all();
    out.metrics.push_back(std::move(metric));
  }
  std::sort(out.metrics.begin(), out.metrics.end(),
            [](const metric_snapshot& a, const metric_snapshot& b) { return a.name < b.name; });
  return out;
}

}  // namespace metron
