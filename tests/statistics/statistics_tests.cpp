// Exact summaries against scipy's numbers (fixtures/statistics.json), and their edge cases.
#include "support/analysis_fixtures.hpp"

#include <metron/error.hpp>
#include <metron/statistics/statistics.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {

using metron::analysis::summarize;
using metron::analysis::summary;
using metron::analysis::summary_options;
using metron::test::close;

/// Moments and quantiles are computed in double precision both sides: 1e-9 relative leaves room
/// for summation order only.
constexpr double exact_tolerance = 1e-9;
/// Skewness and kurtosis pass through more operations.
constexpr double shape_tolerance = 1e-6;
/// Bootstrap bounds: ours (10 000 resamples, our generator) against scipy's (20 000 resamples);
/// the Monte Carlo error of a 2.5 % quantile is about 2 % of the interval's width.
constexpr double bootstrap_width_tolerance = 0.1;

summary_options fixture_options() {
  summary_options options;
  options.bootstrap_resamples = 10000;
  return options;
}

void check_interval(const metron::analysis::interval& actual, const nlohmann::json& expected) {
  const double low = expected[0].get<double>();
  const double high = expected[1].get<double>();
  const double allowed = bootstrap_width_tolerance * (high - low);
  CHECK(actual.level == 0.95);
  CHECK(std::abs(actual.low - low) <= allowed);
  CHECK(std::abs(actual.high - high) <= allowed);
}

}  // namespace

TEST_CASE("summaries match scipy on every fixture sample", "[analysis]") {
  const nlohmann::json fixture = metron::test::load_fixture("statistics.json");
  for (const nlohmann::json& sample : fixture["samples"]) {
    const std::string name = sample["name"].get<std::string>();
    const std::vector<double> values = sample["values"].get<std::vector<double>>();
    const nlohmann::json& expected = sample["expected"];
    INFO("sample " << name);
    const summary result = summarize(values, fixture_options());

    CHECK(result.n == expected["n"].get<std::size_t>());
    CHECK_FALSE(result.approximate);
    for (const auto& [field, actual] :
         {std::pair{"mean", result.mean}, std::pair{"min", result.min},
          std::pair{"max", result.max}, std::pair{"median", result.median},
          std::pair{"mad", result.mad}, std::pair{"p90", result.p90}, std::pair{"p99", result.p99},
          std::pair{"p999", result.p999}}) {
      INFO(field);
      CHECK(close(actual, expected[field].get<double>(), exact_tolerance));
    }
    if (expected.contains("stddev")) {
      CHECK(std::abs(result.stddev - expected["stddev"].get<double>()) <=
            exact_tolerance * std::max(1.0, expected["stddev"].get<double>()));
      CHECK(std::abs(result.cv - expected["cv"].get<double>()) <= exact_tolerance);
    }
    CHECK(result.mild_outliers == expected["mild_outliers"].get<std::size_t>());
    CHECK(result.severe_outliers == expected["severe_outliers"].get<std::size_t>());
    if (expected.contains("bimodality_coefficient")) {
      CHECK(close(result.bimodality_coefficient, expected["bimodality_coefficient"].get<double>(),
                  shape_tolerance));
    } else {
      CHECK(std::isnan(result.bimodality_coefficient));
    }
    if (expected.contains("median_ci")) {
      check_interval(result.median_ci, expected["median_ci"]);
      check_interval(result.mean_ci, expected["mean_ci"]);
    }
    std::vector<double> modes = expected["modes"].get<std::vector<double>>();
    REQUIRE(result.modes.size() == modes.size());
    CHECK(result.bimodal == (modes.size() >= 2));
    // Ours is a binned estimate on the same grid as scipy's exact one: a peak may move by a step.
    // Peaks of equal height may come in either order, so compare them by position.
    std::vector<double> found = result.modes;
    std::sort(found.begin(), found.end());
    std::sort(modes.begin(), modes.end());
    const double step = expected.value("grid_step", 0.0);
    for (std::size_t i = 0; i < modes.size(); ++i) {
      CHECK(std::abs(found[i] - modes[i]) <= 1.5 * step + 1e-9 * std::abs(modes[i]));
    }
  }
}

TEST_CASE("the bimodal fixture is flagged and heavy-tailed timings are not", "[analysis]") {
  const nlohmann::json fixture = metron::test::load_fixture("statistics.json");
  for (const nlohmann::json& sample : fixture["samples"]) {
    const std::string name = sample["name"].get<std::string>();
    if (name != "bimodal" && name != "lognormal_timings") {
      continue;
    }
    const summary result = summarize(sample["values"].get<std::vector<double>>());
    INFO(name);
    CHECK(result.bimodal == (name == "bimodal"));
    if (name == "bimodal") {
      REQUIRE(result.modes.size() == 2);
      // The generating mixture: 60 % around 100, 40 % around 160; the larger component first.
      CHECK(std::abs(result.modes[0] - 100) < 5);
      CHECK(std::abs(result.modes[1] - 160) < 5);
    }
  }
}

TEST_CASE("bootstrap intervals are reproducible from their seed", "[analysis]") {
  const std::vector<double> values = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4};
  summary_options options;
  const summary first = summarize(values, options);
  const summary second = summarize(values, options);
  CHECK(first.median_ci.low == second.median_ci.low);
  CHECK(first.median_ci.high == second.median_ci.high);
  CHECK(first.mean_ci.low == second.mean_ci.low);
  CHECK(first.mean_ci.high == second.mean_ci.high);
  options.seed += 1;
  const summary reseeded = summarize(values, options);
  CHECK((reseeded.mean_ci.low != first.mean_ci.low || reseeded.mean_ci.high != first.mean_ci.high));
  CHECK((first.mean_ci.low < first.mean && first.mean < first.mean_ci.high));
}

TEST_CASE("large samples bootstrap from bounded resamples and keep the interval's scale",
          "[analysis]") {
  const nlohmann::json fixture = metron::test::load_fixture("statistics.json");
  for (const nlohmann::json& sample : fixture["samples"]) {
    if (sample["name"] != "lognormal_timings") {
      continue;
    }
    summary_options options = fixture_options();
    options.bootstrap_max_values = 500;
    const summary result = summarize(sample["values"].get<std::vector<double>>(), options);
    const auto expected = sample["expected"]["mean_ci"].get<std::vector<double>>();
    const double width = expected[1] - expected[0];
    // Resamples of 500 of 2000 values, rescaled by sqrt(500 / 2000): a rougher interval, still
    // of the right width and place.
    CHECK(std::abs(result.mean_ci.low - expected[0]) <= 0.3 * width);
    CHECK(std::abs(result.mean_ci.high - expected[1]) <= 0.3 * width);
  }
}

TEST_CASE("an empty sample gives NaN fields and no modes", "[analysis]") {
  const summary result = summarize({});
  CHECK(result.n == 0);
  for (const double field :
       {result.mean, result.stddev, result.min, result.max, result.median, result.mad, result.p90,
        result.p99, result.p999, result.cv, result.median_ci.low, result.mean_ci.high}) {
    CHECK(std::isnan(field));
  }
  CHECK(result.modes.empty());
  CHECK_FALSE(result.bimodal);
  CHECK(result.mild_outliers + result.severe_outliers == 0);
}

TEST_CASE("a one-value sample has its value everywhere and no spread", "[analysis]") {
  const std::vector<double> values = {42.5};
  const summary result = summarize(values);
  CHECK(result.n == 1);
  for (const double field :
       {result.mean, result.min, result.max, result.median, result.p90, result.p999}) {
    CHECK(field == 42.5);
  }
  CHECK(result.mad == 0);
  CHECK(std::isnan(result.stddev));
  CHECK(std::isnan(result.cv));
  CHECK(std::isnan(result.median_ci.low));
  CHECK(std::isnan(result.mean_ci.high));
  REQUIRE(result.modes.size() == 1);
  CHECK(result.modes[0] == 42.5);
}

TEST_CASE("non-finite values and bad options are refused with their place", "[analysis]") {
  const std::vector<double> with_nan = {1, 2, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_WITH(summarize(with_nan), Catch::Contains("value 2"));
  const std::vector<double> with_infinity = {std::numeric_limits<double>::infinity(), 1};
  CHECK_THROWS_AS(summarize(with_infinity), metron::input_error);
  summary_options options;
  options.confidence = 1.5;
  const std::vector<double> fine = {1, 2, 3};
  CHECK_THROWS_WITH(summarize(fine, options), Catch::Contains("confidence level 1.5"));
  CHECK_THROWS_AS(metron::analysis::quantile_sorted(fine, -0.1), metron::input_error);
  CHECK(std::isnan(metron::analysis::quantile_sorted({}, 0.5)));
  metron::analysis::mode_options modes;
  modes.grid_points = 2;
  CHECK_THROWS_AS(metron::analysis::find_modes(fine, {}, modes), metron::input_error);
  const std::vector<double> two_weights = {1, 1};
  CHECK_THROWS_WITH(metron::analysis::find_modes(fine, two_weights), Catch::Contains("2 weights"));
}

TEST_CASE("weighted modes agree with the modes of the expanded sample", "[analysis]") {
  const std::vector<double> values = {10, 11, 12, 30, 31};
  const std::vector<double> weights = {40, 80, 40, 30, 30};
  std::vector<double> expanded;
  for (std::size_t i = 0; i < values.size(); ++i) {
    expanded.insert(expanded.end(), static_cast<std::size_t>(weights[i]), values[i]);
  }
  const std::vector<double> weighted = metron::analysis::find_modes(values, weights);
  REQUIRE(weighted.size() == 2);
  CHECK(std::abs(weighted[0] - 11) < 1);
  CHECK(std::abs(weighted[1] - 30.5) < 1);
  const std::vector<double> plain = metron::analysis::find_modes(expanded);
  REQUIRE(plain.size() == 2);
  CHECK(std::abs(plain[0] - weighted[0]) < 1);
}
