// The significance tests against SciPy's answers (fixtures/significance.json) and hand-worked
// cases.
#include <metron/error.hpp>
#include <metron/statistics/significance.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace {

using metron::analysis::alternative;

nlohmann::json load_fixture() {
  std::ifstream in(std::string(METRON_TEST_FIXTURES) + "/significance.json");
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

alternative alternative_named(const std::string& name) {
  if (name == "less") {
    return alternative::less;
  }
  if (name == "greater") {
    return alternative::greater;
  }
  return alternative::two_sided;
}

}  // namespace

TEST_CASE("U test and Welch's t agree with SciPy", "[analysis][significance]") {
  const nlohmann::json fixture = load_fixture();
  for (const auto& entry : fixture.at("cases")) {
    const auto a = entry.at("a").get<std::vector<double>>();
    const auto b = entry.at("b").get<std::vector<double>>();
    for (const auto& [name, expected] : entry.at("mann_whitney").items()) {
      INFO(entry.at("name").get<std::string>() << ", U test, " << name);
      const auto result = metron::analysis::mann_whitney_u(a, b, alternative_named(name));
      CHECK(result.statistic == Approx(expected.at("statistic").get<double>()).epsilon(1e-12));
      CHECK(result.p_value ==
            Approx(expected.at("p_value").get<double>()).epsilon(1e-9).margin(1e-12));
    }
    for (const auto& [name, expected] : entry.at("welch").items()) {
      INFO(entry.at("name").get<std::string>() << ", Welch, " << name);
      const auto result = metron::analysis::welch_t(a, b, alternative_named(name));
      CHECK(result.statistic == Approx(expected.at("statistic").get<double>()).epsilon(1e-10));
      CHECK(result.p_value ==
            Approx(expected.at("p_value").get<double>()).epsilon(1e-8).margin(1e-12));
    }
    INFO(entry.at("name").get<std::string>() << ", Hodges-Lehmann");
    CHECK(metron::analysis::hodges_lehmann(a, b).estimate ==
          Approx(entry.at("hodges_lehmann").get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("the exact U distribution is used only without ties and for small samples",
          "[analysis][significance]") {
  const std::vector<double> small{1, 2, 3, 4};
  const std::vector<double> large{5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
  CHECK(metron::analysis::mann_whitney_u(small, large).exact);
  const std::vector<double> tied{1, 2, 2, 4};
  CHECK_FALSE(metron::analysis::mann_whitney_u(tied, large).exact);
  // Complete separation of 4 against 10: one arrangement in C(14, 4) = 1001 on each side.
  CHECK(metron::analysis::mann_whitney_u(small, large).p_value == Approx(2.0 / 1001.0));
}

TEST_CASE("identical samples are not significant", "[analysis][significance]") {
  const std::vector<double> same(12, 5.0);
  CHECK(metron::analysis::mann_whitney_u(same, same).p_value == 1.0);
  CHECK(metron::analysis::welch_t(same, same).p_value == 1.0);
  const std::vector<double> higher(12, 6.0);
  CHECK(metron::analysis::welch_t(higher, same).p_value == 0.0);
  CHECK(metron::analysis::welch_t(higher, same, alternative::less).p_value == 1.0);
}

TEST_CASE("Benjamini-Hochberg adjustment agrees with SciPy", "[analysis][significance]") {
  const nlohmann::json fixture = load_fixture().at("benjamini_hochberg");
  const auto p = fixture.at("p").get<std::vector<double>>();
  const auto expected = fixture.at("adjusted").get<std::vector<double>>();
  const auto adjusted = metron::analysis::benjamini_hochberg(p);
  REQUIRE(adjusted.size() == expected.size());
  for (std::size_t i = 0; i < adjusted.size(); ++i) {
    INFO("p-value " << i);
    CHECK(adjusted[i] == Approx(expected[i]).epsilon(1e-12));
  }
  CHECK(metron::analysis::benjamini_hochberg(std::vector<double>{}).empty());
}

TEST_CASE("Hodges-Lehmann interval, worked by hand", "[analysis][significance]") {
  // Differences b - a of {1..5} and {6..10}: 1 … 9, 25 of them, median 5. The 95 % interval
  // takes k = floor(25/2 - 1.96 · sqrt(5 · 5 · 11 / 12)) = 3: the 3rd smallest (2) and the
  // 3rd largest (8).
  const std::vector<double> a{1, 2, 3, 4, 5};
  const std::vector<double> b{6, 7, 8, 9, 10};
  const auto shift = metron::analysis::hodges_lehmann(a, b, 0.95);
  CHECK(shift.estimate == 5.0);
  CHECK(shift.low == 2.0);
  CHECK(shift.high == 8.0);
  CHECK(shift.level == 0.95);
}

TEST_CASE("Hodges-Lehmann interval: exact order statistics for small samples, none too small",
          "[analysis][significance]") {
  // Four against four: P(U = 0) = 1 / C(8, 4) = 0.014 ≤ 0.025 < P(U ≤ 1) = 0.029, so k = 1: the
  // smallest and the largest difference.
  const std::vector<double> a{1, 2, 3, 4};
  const std::vector<double> b{11, 12, 13, 14};
  const auto four = metron::analysis::hodges_lehmann(a, b, 0.95);
  CHECK(four.low == 7.0);
  CHECK(four.high == 13.0);
  // At 99 % no pair reaches the level (1 / 70 > 0.005): the shift is not bounded.
  const auto strict = metron::analysis::hodges_lehmann(a, b, 0.99);
  CHECK(std::isinf(strict.low));
  CHECK(strict.low < 0);
  CHECK(std::isinf(strict.high));
  CHECK(strict.estimate == 10.0);
}

TEST_CASE("Hodges-Lehmann ratio: the median ratio, with an interval of ratios above 0",
          "[analysis][significance]") {
  const std::vector<double> a{1, 2, 4, 8, 16};
  const std::vector<double> doubled{2, 4, 8, 16, 32};
  const auto twice = metron::analysis::hodges_lehmann_ratio(a, doubled, 0.95);
  CHECK(twice.estimate == Approx(2.0));
  // Log ratios are log 2 · (1 + j − i), from −3 once, −2 twice … to 5 once: the 3rd smallest
  // and the 3rd largest are 2^-2 and 2^4.
  CHECK(twice.low == Approx(0.25));
  CHECK(twice.high == Approx(16.0));
  // An additive shift over the median would reach below −100 % here; a ratio stays above 0.
  const std::vector<double> spread{100, 120, 400, 90, 800};
  const std::vector<double> faster{20, 30, 25, 40, 35};
  const auto ratio = metron::analysis::hodges_lehmann_ratio(spread, faster, 0.95);
  CHECK(ratio.low > 0);
  CHECK(ratio.low < ratio.estimate);
  CHECK(ratio.estimate < ratio.high);
  CHECK(metron::analysis::hodges_lehmann(spread, faster, 0.95).low / 120.0 < -1.0);
  const std::vector<double> with_zero{0, 1, 2};
  CHECK_THROWS_AS(metron::analysis::hodges_lehmann_ratio(with_zero, a), metron::input_error);
}

TEST_CASE("significance tests refuse bad samples", "[analysis][significance]") {
  const std::vector<double> empty;
  const std::vector<double> one{1.0};
  const std::vector<double> some{1.0, 2.0, 3.0};
  const std::vector<double> with_nan{1.0, std::nan(""), 3.0};
  CHECK_THROWS_WITH(metron::analysis::mann_whitney_u(empty, some),
                    "Mann-Whitney U test: sample a has 0 value(s); it needs at least 1");
  CHECK_THROWS_WITH(metron::analysis::welch_t(some, one),
                    "Welch's t test: sample b has 1 value(s); it needs at least 2");
  CHECK_THROWS_WITH(metron::analysis::mann_whitney_u(some, with_nan),
                    "Mann-Whitney U test: sample b value 1 is nan");
  CHECK_THROWS_AS(metron::analysis::hodges_lehmann(some, some, 1.5), metron::input_error);
  CHECK_THROWS_AS(metron::analysis::benjamini_hochberg(std::vector<double>{0.5, 1.5}),
                  metron::input_error);
}

TEST_CASE("Welch's test and interval from moments agree with SciPy's ttest_ind_from_stats",
          "[analysis][significance]") {
  using metron::analysis::sample_moments;
  // scipy.stats.ttest_ind_from_stats(101, 3, 8, 100, 2, 12, equal_var=False), and the interval
  // of the difference from stats.t.ppf(0.975, df) at its Welch-Satterthwaite df.
  const sample_moments baseline{12, 100.0, 2.0};
  const sample_moments candidate{8, 101.0, 3.0};
  const auto test = metron::analysis::welch_t(candidate, baseline);
  CHECK(test.statistic == Approx(0.828078671210825).epsilon(1e-12));
  CHECK(test.p_value == Approx(0.4250106748673327).epsilon(1e-10));
  CHECK(test.degrees_of_freedom == Approx(11.14030943663635).epsilon(1e-12));
  const auto interval = metron::analysis::welch_interval(baseline, candidate, 0.95);
  CHECK(interval.estimate == Approx(1.0));
  CHECK(interval.low == Approx(-1.6538635044550118).epsilon(1e-10));
  CHECK(interval.high == Approx(3.653863504455012).epsilon(1e-10));

  // The same numbers as samples and as their moments give the same test.
  const std::vector<double> a{4.0, 5.5, 6.0, 4.5, 5.0};
  const std::vector<double> b{6.5, 7.0, 5.5, 8.0};
  const sample_moments a_moments{5, 5.0, std::sqrt(0.625)};
  const sample_moments b_moments{4, 6.75, std::sqrt(3.25 / 3.0)};
  CHECK(metron::analysis::welch_t(a_moments, b_moments).p_value ==
        Approx(metron::analysis::welch_t(a, b).p_value).epsilon(1e-12));

  CHECK_THROWS_AS(metron::analysis::welch_t(sample_moments{1, 5.0, 0.0}, b_moments),
                  metron::input_error);
  CHECK_THROWS_AS(metron::analysis::welch_interval(a_moments, b_moments, 1.0), metron::input_error);
}
