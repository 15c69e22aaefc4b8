// Tests of the aggregator: moments and extremes against known answers, quantile error of the
// extended P² estimator against exact quantiles, EWMA, differences and inter-arrival times.
#include <metron/monitor/aggregation.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

double exact_quantile(std::vector<double> values, double level) {
  std::sort(values.begin(), values.end());
  const double position = level * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace

TEST_CASE("a short series gives exact statistics", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  const auto id = aggregates.series("a", metron::metric_kind::summary, metron::metric_unit::none, {});
  std::int64_t time = 0;
  for (const double value : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) aggregates.observe(id, value, time += 10);
  const auto snapshot = aggregates.snapshot();
  REQUIRE(snapshot.metrics.size() == 1);
  const auto& values = snapshot.metrics[0].values;
  CHECK(values.count == 8);
  CHECK(values.sum == Approx(40));
  CHECK(values.min == 2);
  CHECK(values.max == 9);
  CHECK(values.mean == Approx(5));
  CHECK(values.stddev == Approx(2));  // the population standard deviation of this textbook set
  CHECK(values.last == 9);
  CHECK(values.p50 == Approx(4.5));   // R: quantile(x, 0.5, type = 7)
  CHECK(values.p90 == Approx(7.6));
  CHECK(values.p99 == Approx(8.86));
  CHECK(aggregates.value(id, metron::series_family::values, metron::statistic::p90) == Approx(7.6));
}

TEST_CASE("a series without observations has only a count", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  const auto id = aggregates.series("empty", metron::metric_kind::gauge, metron::metric_unit::none, {});
  CHECK(aggregates.value(id, metron::series_family::values, metron::statistic::count) == 0);
  CHECK(std::isnan(aggregates.value(id, metron::series_family::values, metron::statistic::mean)));
  CHECK(std::isnan(aggregates.value(id, metron::series_family::differences, metron::statistic::count)));
  CHECK(std::isnan(aggregates.value(99, metron::series_family::values, metron::statistic::count)));
}

TEST_CASE("the moving average weighs the newest value by alpha", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  metron::aggregation_rule rule;
  rule.ewma_alpha = 0.5;
  const auto id = aggregates.series("e", metron::metric_kind::summary, metron::metric_unit::none, rule);
  aggregates.observe(id, 1, 0);
  CHECK(aggregates.value(id, metron::series_family::values, metron::statistic::ewma) == 1);
  aggregates.observe(id, 2, 1);
  aggregates.observe(id, 3, 2);
  CHECK(aggregates.value(id, metron::series_family::values, metron::statistic::ewma) == Approx(2.25));
}

TEST_CASE("differences and inter-arrival times are aggregated when asked for", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  metron::aggregation_rule rule;
  rule.differences = true;
  rule.inter_arrival = true;
  const auto id = aggregates.series("d", metron::metric_kind::gauge, metron::metric_unit::none, rule);
  const std::pair<double, std::int64_t> seen[] = {{1, 100}, {4, 110}, {9, 130}, {16, 160}};
  for (const auto& [value, time] : seen) aggregates.observe(id, value, time);
  using metron::series_family;
  using metron::statistic;
  CHECK(aggregates.value(id, series_family::differences, statistic::count) == 3);
  CHECK(aggregates.value(id, series_family::differences, statistic::mean) == Approx(5));
  CHECK(aggregates.value(id, series_family::differences, statistic::max) == 7);
  CHECK(aggregates.value(id, series_family::intervals, statistic::count) == 3);
  CHECK(aggregates.value(id, series_family::intervals, statistic::mean) == Approx(20));
  CHECK(aggregates.value(id, series_family::intervals, statistic::min) == 10);
  const auto snapshot = aggregates.snapshot();
  REQUIRE(snapshot.metrics[0].differences);
  REQUIRE(snapshot.metrics[0].intervals);
  CHECK(snapshot.metrics[0].intervals->max == 30);
}

TEST_CASE("a series without the rule's extra families has none", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  const auto id = aggregates.series("plain", metron::metric_kind::summary, metron::metric_unit::none, {});
  aggregates.observe(id, 1, 0);
  aggregates.observe(id, 2, 1);
  const auto snapshot = aggregates.snapshot();
  CHECK_FALSE(snapshot.metrics[0].differences);
  CHECK_FALSE(snapshot.metrics[0].intervals);
}

TEST_CASE("extended P² quantiles stay within 2 % of the exact ones", "[monitor][aggregation]") {
  std::mt19937_64 random(20261127);
  std::uniform_real_distribution<double> uniform(0, 1000);
  std::exponential_distribution<double> exponential(1.0 / 250);
  std::lognormal_distribution<double> lognormal(10, 0.5);
  const auto check_distribution = [&](auto& distribution, const char* name) {
    metron::aggregator aggregates;
    const auto id = aggregates.series(name, metron::metric_kind::summary, metron::metric_unit::none, {});
    std::vector<double> values;
    for (int i = 0; i < 100000; ++i) {
      values.push_back(distribution(random));
      aggregates.observe(id, values.back(), i);
    }
    using metron::statistic;
    for (const auto& [which, level] : {std::pair{statistic::p50, 0.5}, std::pair{statistic::p90, 0.9},
                                       std::pair{statistic::p99, 0.99}}) {
      const double exact = exact_quantile(values, level);
      const double estimate = aggregates.value(id, metron::series_family::values, which);
      INFO(name << " " << metron::to_string(which) << ": exact " << exact << ", estimate " << estimate);
      CHECK(std::abs(estimate - exact) <= 0.02 * exact);
    }
  };
  check_distribution(uniform, "uniform");
  check_distribution(exponential, "exponential");
  check_distribution(lognormal, "lognormal");
}

TEST_CASE("series keep their handle and their settings", "[monitor][aggregation]") {
  metron::aggregator aggregates;
  const auto first = aggregates.series("b", metron::metric_kind::counter, metron::metric_unit::none, {});
  const auto second = aggregates.series("a", metron::metric_kind::gauge, metron::metric_unit::bytes, {});
  CHECK(aggregates.series("b", metron::metric_kind::gauge, metron::metric_unit::bytes, {}) == first);
  CHECK(aggregates.find("a") == second);
  CHECK_FALSE(aggregates.find("c"));
  CHECK(aggregates.size() == 2);
  const auto snapshot = aggregates.snapshot();
  CHECK(snapshot.metrics[0].name == "a");
  CHECK(snapshot.metrics[1].name == "b");
  CHECK(snapshot.metrics[1].kind == metron::metric_kind::counter);
}

TEST_CASE("statistic names round-trip", "[monitor][aggregation]") {
  for (const auto which : metron::all_statistics) {
    CHECK(metron::parse_statistic(metron::to_string(which)) == which);
  }
  CHECK_FALSE(metron::parse_statistic("p999"));
}
