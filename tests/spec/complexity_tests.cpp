// Complexity fits against scipy's least squares and against Google Benchmark's own BigO verdicts.
#include "support/analysis_fixtures.hpp"

#include <metron/error.hpp>
#include <metron/readers/readers.hpp>
#include <metron/spec/family_complexity.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

namespace {

using metron::analysis::complexity_options;
using metron::analysis::complexity_result;
using metron::analysis::fit_complexity;
using metron::test::close;

void check_fits(const complexity_result& result, const nlohmann::json& expected) {
  CHECK(to_string(result.best) == expected["best"].get<std::string>());
  REQUIRE(result.fits.size() == expected["fits"].size());
  for (std::size_t i = 0; i < result.fits.size(); ++i) {
    const auto& fit = result.fits[i];
    const nlohmann::json& want = expected["fits"][i];
    INFO(want["shape"].get<std::string>());
    CHECK(to_string(fit.shape) == want["shape"].get<std::string>());
    CHECK(close(fit.coefficient, want["coefficient"].get<double>(), 1e-8));
    CHECK(std::abs(fit.intercept - want["intercept"].get<double>()) <=
          1e-8 * std::max(1.0, std::abs(want["intercept"].get<double>())));
    CHECK(close(fit.rms, want["rms"].get<double>(), 1e-7));
    CHECK(close(fit.normalized_rms, want["normalized_rms"].get<double>(), 1e-7));
    CHECK(std::abs(fit.r_squared - want["r_squared"].get<double>()) <= 1e-9);
  }
}

/// Every BigO verdict of `data` must be the best fit of our own, by CPU time, with Google
/// Benchmark's coefficients and normalised RMS.
void check_against_google_benchmark(const metron::analysis::dataset& data) {
  REQUIRE_FALSE(data.complexities.empty());
  const auto by_cpu = metron::analysis::fit_families(data, "cpu_time");
  const auto by_real = metron::analysis::fit_families(data, "real_time");
  for (const auto& verdict : data.complexities) {
    INFO("family " << verdict.family);
    const auto cpu = std::find_if(by_cpu.begin(), by_cpu.end(), [&](const auto& fitted) {
      return fitted.family == verdict.family;
    });
    REQUIRE(cpu != by_cpu.end());
    CHECK(metron::analysis::google_benchmark_name(cpu->result.best) == verdict.big_o);
    CHECK(close(cpu->result.best_fit().coefficient, verdict.cpu_coefficient, 1e-9));
    CHECK(close(cpu->result.best_fit().normalized_rms, verdict.rms, 1e-9));
    // Google Benchmark fits real time with the curve CPU time chose.
    const auto real = std::find_if(by_real.begin(), by_real.end(), [&](const auto& fitted) {
      return fitted.family == verdict.family;
    });
    REQUIRE(real != by_real.end());
    const auto shape = static_cast<std::size_t>(cpu->result.best);
    CHECK(close(real->result.fits[shape].coefficient, verdict.real_coefficient, 1e-9));
  }
}

}  // namespace

TEST_CASE("complexity fits match scipy's least squares", "[analysis]") {
  const nlohmann::json fixture = metron::test::load_fixture("complexity.json");
  for (const nlohmann::json& sample : fixture["cases"]) {
    INFO("case " << sample["name"].get<std::string>());
    const auto n = sample["n"].get<std::vector<double>>();
    const auto time = sample["time"].get<std::vector<double>>();
    check_fits(fit_complexity(n, time), sample["without_intercept"]);
    complexity_options options;
    options.intercept = true;
    check_fits(fit_complexity(n, time, options), sample["with_intercept"]);
  }
}

TEST_CASE("fits agree with the BigO verdicts of the committed Google Benchmark output",
          "[analysis]") {
  const auto data =
      metron::analysis::read_google_benchmark(metron::test::fixture_path("google_benchmark.json"));
  CHECK(data.complexities.size() == 5);
  check_against_google_benchmark(data);
}

TEST_CASE("fits agree with the BigO verdicts of a fresh Google Benchmark run", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string output = scratch.file("fresh.json");
  const std::string command = std::string(METRON_GOOGLE_BENCHMARK_FIXTURE) +
                              " --benchmark_min_time=0.002 --benchmark_out_format=json"
                              " --benchmark_out=" +
                              output + " > /dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  check_against_google_benchmark(metron::analysis::read_google_benchmark(output));
}

TEST_CASE("complexity fits refuse unusable points", "[analysis]") {
  const std::vector<double> n = {1, 2, 4};
  const std::vector<double> time = {1, 2, 4};
  CHECK(fit_complexity(n, time).best == metron::analysis::complexity_class::linear);
  const std::vector<double> short_time = {1, 2};
  CHECK_THROWS_WITH(fit_complexity(n, short_time), Catch::Contains("3 sizes but 2 times"));
  const std::vector<double> one = {8};
  CHECK_THROWS_WITH(fit_complexity(one, one), Catch::Contains("at least 2"));
  complexity_options with_intercept;
  with_intercept.intercept = true;
  const std::vector<double> two = {8, 16};
  CHECK_THROWS_WITH(fit_complexity(two, two, with_intercept), Catch::Contains("at least 3"));
  const std::vector<double> zero_size = {0, 2, 4};
  CHECK_THROWS_WITH(fit_complexity(zero_size, time), Catch::Contains("point 0"));
  const std::vector<double> bad_time = {1, std::numeric_limits<double>::infinity(), 4};
  CHECK_THROWS_AS(fit_complexity(n, bad_time), metron::input_error);
}
