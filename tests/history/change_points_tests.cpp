// Change-point detection on synthetic series with planted shifts, and its energy statistic.
#include <metron/error.hpp>
#include <metron/history/change_points.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

using metron::analysis::change_point_options;
using metron::analysis::detect_change_points;

/// Normal noise of relative standard deviation `cv` around `levels[k]` for `lengths[k]` values.
std::vector<double> stepped_series(const std::vector<double>& levels,
                                   const std::vector<std::size_t>& lengths, double cv,
                                   std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::vector<double> series;
  for (std::size_t k = 0; k < levels.size(); ++k) {
    for (std::size_t i = 0; i < lengths[k]; ++i) {
      series.push_back(levels[k] * (1.0 + cv * noise(generator)));
    }
  }
  return series;
}

/// Q̂ straight from its definition, every pair visited.
double energy_by_definition(const std::vector<double>& x, std::size_t split) {
  const auto n = static_cast<double>(x.size());
  const auto t = static_cast<double>(split);
  const double m = n - t;
  double between = 0;
  double left = 0;
  double right = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    for (std::size_t j = i + 1; j < x.size(); ++j) {
      const double distance = std::abs(x[i] - x[j]);
      if (j < split) {
        left += distance;
      } else if (i >= split) {
        right += distance;
      } else {
        between += distance;
      }
    }
  }
  return t * m / n *
         (2.0 * between / (t * m) - left / (t * (t - 1) / 2) - right / (m * (m - 1) / 2));
}

}  // namespace

TEST_CASE("the energy statistic agrees with its definition", "[analysis][change_points]") {
  std::vector<double> values = stepped_series({10, 12}, {17, 23}, 0.1, 7);
  values[5] = values[9];  // ties must not change it
  for (const std::size_t split :
       {std::size_t{2}, std::size_t{3}, std::size_t{17}, std::size_t{25}, std::size_t{38}}) {
    INFO("split " << split);
    CHECK(metron::analysis::energy_statistic(values, split) ==
          Approx(energy_by_definition(values, split)).epsilon(1e-10));
  }
  CHECK_THROWS_AS(metron::analysis::energy_statistic(values, 1), metron::input_error);
  CHECK_THROWS_AS(metron::analysis::energy_statistic(values, 39), metron::input_error);
}

TEST_CASE("planted shifts are found at their index with their magnitude",
          "[analysis][change_points]") {
  const std::vector<double> levels{100, 110, 104.5, 104.5 * 1.2};
  const std::vector<std::size_t> lengths{120, 90, 150, 60};
  const std::vector<double> series = stepped_series(levels, lengths, 0.01, 42);
  std::vector<std::string> commits;
  for (std::size_t i = 0; i < series.size(); ++i) {
    commits.push_back("c" + std::to_string(i));
  }
  const auto points = detect_change_points(series, commits);
  REQUIRE(points.size() == 3);
  const std::size_t expected_index[] = {120, 210, 360};
  const double expected_magnitude[] = {0.10, -0.05, 0.20};
  for (std::size_t k = 0; k < 3; ++k) {
    INFO("change " << k);
    CHECK(points[k].index + 1 >= expected_index[k]);
    CHECK(points[k].index <= expected_index[k] + 1);
    CHECK(points[k].commit == commits[points[k].index]);
    CHECK(points[k].magnitude == Approx(expected_magnitude[k]).margin(0.005));
    CHECK(points[k].p_value <= 0.001);
    CHECK_FALSE(points[k].weak);
  }
}

TEST_CASE("series of noise rarely have a strong change point", "[analysis][change_points]") {
  // Each 2000-point series is searched in about 80 windows, so a false strong point now and then
  // is the multiple-testing cost of the windows; what is checked is that it stays rare.
  std::size_t with_strong_point = 0;
  std::size_t weak_points = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const std::vector<double> series = stepped_series({50}, {2000}, 0.03, seed);
    bool strong = false;
    for (const auto& point : detect_change_points(series)) {
      strong = strong || !point.weak;
      weak_points += point.weak ? 1 : 0;
    }
    with_strong_point += strong ? 1 : 0;
  }
  CHECK(with_strong_point <= 10);
  CHECK(weak_points > 0);  // the weak level does let noise through: the pruning is exercised
}

TEST_CASE("the whole-series search finds what the windows find", "[analysis][change_points]") {
  const std::vector<double> series = stepped_series({20, 25}, {40, 40}, 0.02, 9);
  change_point_options whole;
  whole.window = 0;
  const auto windowed = detect_change_points(series);
  const auto plain = detect_change_points(series, {}, whole);
  REQUIRE(windowed.size() == 1);
  REQUIRE(plain.size() == 1);
  CHECK(windowed[0].index == 40);
  CHECK(plain[0].index == 40);
  CHECK(plain[0].mean_before == Approx(20).epsilon(0.01));
  CHECK(plain[0].mean_after == Approx(25).epsilon(0.01));
}

TEST_CASE("a shift below min_magnitude is weak; the seed makes results repeatable",
          "[analysis][change_points]") {
  const std::vector<double> series = stepped_series({100, 103}, {200, 200}, 0.005, 5);
  change_point_options options;
  options.min_magnitude = 0.05;
  const auto points = detect_change_points(series, {}, options);
  REQUIRE(points.size() == 1);
  CHECK(points[0].magnitude == Approx(0.03).margin(0.003));
  CHECK(points[0].weak);
  const auto again = detect_change_points(series, {}, options);
  REQUIRE(again.size() == 1);
  CHECK(again[0].p_value == points[0].p_value);
  CHECK(again[0].statistic == points[0].statistic);
  options.min_magnitude = 0.01;
  CHECK_FALSE(detect_change_points(series, {}, options).at(0).weak);
}

TEST_CASE("short and constant series have no change points", "[analysis][change_points]") {
  CHECK(detect_change_points({}).empty());
  const std::vector<double> five{1, 2, 3, 4, 5};
  CHECK(detect_change_points(five).empty());
  const std::vector<double> flat(300, 7.0);
  CHECK(detect_change_points(flat).empty());
}

TEST_CASE("change-point input errors", "[analysis][change_points]") {
  std::vector<double> series(20, 1.0);
  series[13] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(detect_change_points(series), Catch::Contains("value 13"));
  const std::vector<double> good(20, 1.0);
  const std::vector<std::string> commits(3, "abc");
  CHECK_THROWS_WITH(detect_change_points(good, commits), Catch::Contains("3 commits for 20"));
  change_point_options options;
  options.weak_alpha = 0.0001;
  CHECK_THROWS_AS(detect_change_points(good, {}, options), metron::input_error);
  options = {};
  options.window = 4;
  CHECK_THROWS_AS(detect_change_points(good, {}, options), metron::input_error);
  options = {};
  options.min_segment = 1;
  CHECK_THROWS_AS(detect_change_points(good, {}, options), metron::input_error);
}
