// The streaming summary against exact answers: moments, quantiles within the stated error, merging.
#include "support/analysis_fixtures.hpp"

#include <metron/error.hpp>
#include <metron/statistics/statistics.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace {

using metron::analysis::streaming_summary;
using metron::analysis::summary;
using metron::test::close;

/// The order statistic of rank ⌈p·n⌉ (at least 1) of sorted values.
double order_statistic(const std::vector<double>& sorted, double p) {
  const auto rank = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()))), 1,
      sorted.size());
  return sorted[rank - 1];
}

/// The documented quantile error for `bits` mantissa bits.
double quantile_error(unsigned bits) { return std::ldexp(1.0, -static_cast<int>(bits) - 1); }

void check_against_exact(const std::vector<double>& values, unsigned bits) {
  metron::analysis::streaming_options options;
  options.mantissa_bits = bits;
  streaming_summary stream(options);
  stream.add(values);
  const summary result = stream.result();
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());

  CHECK(result.approximate);
  CHECK(result.n == values.size());
  CHECK(result.min == sorted.front());
  CHECK(result.max == sorted.back());
  metron::analysis::summary_options no_bootstrap;
  no_bootstrap.bootstrap_resamples = 0;
  const summary exact = metron::analysis::summarize(values, no_bootstrap);
  CHECK(std::abs(result.mean - exact.mean) <= 1e-12 * std::abs(exact.mean) + 1e-12);
  if (values.size() > 1) {
    CHECK(close(result.stddev, exact.stddev, 1e-6));
  }
  if (!std::isnan(exact.bimodality_coefficient)) {
    CHECK(close(result.bimodality_coefficient, exact.bimodality_coefficient, 1e-4));
  }
  const double allowed = quantile_error(bits);
  for (const auto& [p, actual] : {std::pair{0.5, result.median}, std::pair{0.9, result.p90},
                                  std::pair{0.99, result.p99}, std::pair{0.999, result.p999}}) {
    INFO("p = " << p);
    const double expected = order_statistic(sorted, p);
    CHECK(std::abs(actual - expected) <= allowed * std::abs(expected));
  }
  CHECK(std::isnan(result.median_ci.low));
  CHECK(std::isnan(result.mean_ci.high));
}

}  // namespace

TEST_CASE("streaming summaries of the fixture samples keep the stated error", "[analysis]") {
  const nlohmann::json fixture = metron::test::load_fixture("statistics.json");
  for (const nlohmann::json& sample : fixture["samples"]) {
    INFO("sample " << sample["name"].get<std::string>());
    check_against_exact(sample["values"].get<std::vector<double>>(), 7);
  }
}

TEST_CASE("a million log-normal timings: quantiles within the error for several resolutions",
          "[analysis]") {
  std::mt19937_64 engine(11);
  std::lognormal_distribution<double> timing(std::log(800.0), 0.6);
  std::vector<double> values(1'000'000);
  for (double& value : values) {
    value = timing(engine);
  }
  for (const unsigned bits : {4U, 7U, 10U}) {
    INFO("mantissa bits " << bits);
    check_against_exact(values, bits);
  }
}

TEST_CASE("streaming summaries handle zero and negative values (gauges)", "[analysis]") {
  const std::vector<double> values = {-5, -3.5, -3.5, 0, 0, 0, 2, 4, 4, 1000};
  check_against_exact(values, 7);
  streaming_summary stream;
  stream.add(values);
  const summary result = stream.result();
  CHECK(result.median == 0);
  CHECK(result.severe_outliers == 1);
}

TEST_CASE("merged streams summarise like one stream", "[analysis]") {
  std::mt19937_64 engine(3);
  std::normal_distribution<double> around(1000.0, 20.0);
  streaming_summary whole;
  streaming_summary first;
  streaming_summary second;
  for (int i = 0; i < 20000; ++i) {
    const double value = around(engine) + (i % 2 == 0 ? 0.0 : 100.0);
    whole.add(value);
    (i < 7000 ? first : second).add(value);
  }
  first.merge(second);
  const summary merged = first.result();
  const summary single = whole.result();
  CHECK(merged.n == single.n);
  CHECK(close(merged.mean, single.mean, 1e-14));
  CHECK(close(merged.stddev, single.stddev, 1e-6));
  CHECK(merged.median == single.median);
  CHECK(merged.p99 == single.p99);
  CHECK(merged.min == single.min);
  CHECK(merged.max == single.max);
  CHECK(merged.modes == single.modes);
  CHECK(single.bimodal);
}

TEST_CASE("merging into an empty summary takes the other's values", "[analysis]") {
  streaming_summary empty;
  streaming_summary full;
  full.add(std::vector<double>{1, 2, 3, 4});
  empty.merge(full);
  const summary result = empty.result();
  CHECK(result.n == 4);
  CHECK(result.mean == Approx(2.5));
  CHECK(result.stddev == Approx(std::sqrt(5.0 / 3.0)));
}

TEST_CASE("streaming edge cases: empty, one value, non-finite, bad options", "[analysis]") {
  streaming_summary stream;
  summary result = stream.result();
  CHECK(result.n == 0);
  CHECK(std::isnan(result.mean));
  CHECK(std::isnan(result.median));
  CHECK(result.modes.empty());
  CHECK(result.approximate);

  stream.add(std::numeric_limits<double>::quiet_NaN());
  stream.add(-std::numeric_limits<double>::infinity());
  stream.add(7.0);
  CHECK(stream.count() == 1);
  CHECK(stream.rejected() == 2);
  result = stream.result();
  CHECK(result.mean == 7.0);
  CHECK(result.median == 7.0);
  CHECK(result.min == 7.0);
  CHECK(std::isnan(result.stddev));
  CHECK(result.mad == 0);
  REQUIRE(result.modes.size() == 1);
  CHECK(result.modes[0] == 7.0);

  metron::analysis::streaming_options options;
  options.mantissa_bits = 0;
  CHECK_THROWS_AS(streaming_summary(options), metron::input_error);
  options.mantissa_bits = 5;
  streaming_summary coarse(options);
  CHECK_THROWS_WITH(stream.merge(coarse), Catch::Contains("mantissa bits"));
}
