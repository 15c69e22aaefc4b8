// The signed-rank test and interval against SciPy's answers (fixtures/signed_rank.json), and
// verdicts on paired log-ratios.
#include <metron/compare/ab.hpp>
#include <metron/compare/paired.hpp>
#include <metron/error.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using metron::analysis::alternative;
using metron::analysis::compare_paired;
using metron::analysis::paired_verdict;

alternative alternative_named(const std::string& name) {
  if (name == "less") {
    return alternative::less;
  }
  if (name == "greater") {
    return alternative::greater;
  }
  return alternative::two_sided;
}

/// Pairs with the candidate `factor` times the baseline, under `cv` multiplicative noise.
std::pair<std::vector<double>, std::vector<double>> pairs(std::size_t count, double factor,
                                                          double cv, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::normal_distribution<double> noise(0.0, cv);
  std::vector<double> baseline;
  std::vector<double> candidate;
  for (std::size_t i = 0; i < count; ++i) {
    const double drift = 1.0 + 0.01 * static_cast<double>(i);  // slow machine drift, shared
    baseline.push_back(100.0 * drift * std::exp(noise(generator)));
    candidate.push_back(100.0 * factor * drift * std::exp(noise(generator)));
  }
  return {baseline, candidate};
}

}  // namespace

TEST_CASE("the signed-rank test and its interval agree with SciPy", "[analysis][paired]") {
  std::ifstream in(std::string(METRON_TEST_FIXTURES) + "/signed_rank.json");
  REQUIRE(in.good());
  const nlohmann::json fixture = nlohmann::json::parse(in);
  REQUIRE(fixture.at("cases").size() >= 8);
  for (const auto& entry : fixture.at("cases")) {
    const auto d = entry.at("d").get<std::vector<double>>();
    const std::string name = entry.at("name").get<std::string>();
    for (const auto& [hypothesis, expected] : entry.at("wilcoxon").items()) {
      INFO(name << ", " << hypothesis);
      const auto result = metron::analysis::wilcoxon_signed_rank(d, alternative_named(hypothesis));
      CHECK(result.statistic == Approx(expected.at("statistic").get<double>()).epsilon(1e-12));
      CHECK(result.p_value ==
            Approx(expected.at("p_value").get<double>()).epsilon(1e-9).margin(1e-14));
    }
    for (const auto& [level, expected] : entry.at("interval").items()) {
      INFO(name << ", interval at " << level);
      const auto interval = metron::analysis::signed_rank_interval(d, std::stod(level));
      CHECK(interval.estimate == Approx(expected.at("estimate").get<double>()).epsilon(1e-12));
      CHECK(interval.low == Approx(expected.at("low").get<double>()).epsilon(1e-12));
      CHECK(interval.high == Approx(expected.at("high").get<double>()).epsilon(1e-12));
      if (d.size() == 3) {
        CHECK(interval.level == 0.75);  // 1 − 2 · 2⁻³: the whole range is as far as 3 values go
      } else {
        CHECK(interval.level >= std::stod(level) - 1e-12);
      }
    }
  }
}

TEST_CASE("a hand-worked signed-rank case", "[analysis][paired]") {
  // Ranks of |d|: 0.1 → 1, −0.2 → 2, 0.3 → 3, 0.4 → 4, so R⁺ = 1 + 3 + 4 = 8. Of the 16 subsets
  // of {1, 2, 3, 4}, those summing to at least 8 are {1,3,4}, {2,3,4} and {1,2,3,4}.
  const std::vector<double> d{0.1, -0.2, 0.3, 0.4};
  const auto result = metron::analysis::wilcoxon_signed_rank(d, alternative::greater);
  CHECK(result.statistic == 8.0);
  CHECK(result.exact);
  CHECK(result.p_value == Approx(3.0 / 16.0));
}

TEST_CASE("paired log-ratios give verdicts by significance and tolerance", "[analysis][paired]") {
  SECTION("identical values are unchanged") {
    const std::vector<double> same{5, 6, 7, 8, 9, 10};
    const auto result = compare_paired(same, same);
    CHECK(result.verdict == paired_verdict::unchanged);
    CHECK(result.test.p_value == 1.0);
    CHECK(result.ratio.estimate == 1.0);
  }
  SECTION("a 10 % slowdown under drift is a regression") {
    const auto [baseline, candidate] = pairs(12, 1.10, 0.01, 3);
    const auto result = compare_paired(baseline, candidate);
    CHECK(result.verdict == paired_verdict::regressed);
    CHECK(result.ratio.estimate == Approx(1.10).margin(0.01));
    CHECK(result.ratio.low > 1.05);
    CHECK(result.test.p_value < 0.01);
  }
  SECTION("a 10 % speed-up is an improvement, or a regression where higher is better") {
    const auto [baseline, candidate] = pairs(12, 1.0 / 1.10, 0.01, 4);
    CHECK(compare_paired(baseline, candidate).verdict == paired_verdict::improved);
    metron::analysis::paired_options throughput;
    throughput.lower_is_better = false;
    CHECK(compare_paired(baseline, candidate, throughput).verdict == paired_verdict::regressed);
  }
  SECTION("the same work under noise is unchanged") {
    const auto [baseline, candidate] = pairs(20, 1.0, 0.01, 5);
    const auto result = compare_paired(baseline, candidate);
    CHECK(result.verdict == paired_verdict::unchanged);
    CHECK(result.ratio.estimate == Approx(1.0).margin(0.01));
    CHECK(result.ratio.low > 0.95);
    CHECK(result.ratio.high < 1.05);
  }
  SECTION("three pairs cannot be significant at 5 %") {
    const auto [baseline, candidate] = pairs(3, 1.5, 0.01, 6);
    CHECK(compare_paired(baseline, candidate).verdict == paired_verdict::inconclusive);
  }
}

TEST_CASE("paired comparison input errors", "[analysis][paired]") {
  const std::vector<double> three{1, 2, 3};
  const std::vector<double> two{1, 2};
  CHECK_THROWS_WITH(compare_paired(three, two), Catch::Contains("3 baseline values but 2"));
  const std::vector<double> with_zero{1, 0, 3};
  CHECK_THROWS_WITH(compare_paired(three, with_zero), Catch::Contains("pair 1"));
  CHECK_THROWS_AS(compare_paired({}, {}), metron::input_error);
  const std::vector<double> zeros{0, 0, 0};
  CHECK_THROWS_WITH(metron::analysis::wilcoxon_signed_rank(zeros),
                    Catch::Contains("every difference is 0"));
  CHECK_THROWS_AS(metron::analysis::signed_rank_interval(three, 1.0), metron::input_error);
  CHECK_THROWS_AS(metron::analysis::wilcoxon_signed_rank(std::vector<double>{NAN}),
                  metron::input_error);
}

TEST_CASE("metron ab's exit status: 1 regressed, 3 inconclusive only when asked", "[paired][gate]") {
  metron::analysis::ab_result result;
  result.comparison.verdict = paired_verdict::regressed;
  CHECK(gate_exit_status(result, false) == 1);
  result.comparison.verdict = paired_verdict::inconclusive;
  CHECK(gate_exit_status(result, false) == 0);
  CHECK(gate_exit_status(result, true) == 3);
  result.comparison.verdict = paired_verdict::improved;
  CHECK(gate_exit_status(result, true) == 0);
}
