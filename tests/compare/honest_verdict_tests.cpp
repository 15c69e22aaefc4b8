// Seeded simulations of the gate's promises: intervals of times are ratios, a design that cannot
// flag says so, every mode keeps its A/A rate at alpha on independent and on correlated
// repetitions, and the power table of docs/compare.md is what the comparator does.
#include <metron/compare/compare.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using metron::analysis::better;
using metron::analysis::compare;
using metron::analysis::compare_options;
using metron::analysis::comparison;
using metron::analysis::verdict;

/// `n` log-normal repetitions around `median` with coefficient of variation about `cv`, whose
/// logarithms follow a stationary AR(1) process with lag-1 autocorrelation `rho`: repetitions run
/// back to back, sharing the machine's drift.
std::vector<double> repetitions(std::mt19937_64& generator, std::size_t n, double cv, double rho,
                                double median = 1000) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values;
  values.reserve(n);
  double state = normal(generator) * cv;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) {
      state = rho * state + std::sqrt(1.0 - rho * rho) * cv * normal(generator);
    }
    values.push_back(median * std::exp(state));
  }
  return values;
}

std::vector<double> scaled(std::vector<double> values, double factor) {
  for (double& value : values) {
    value *= factor;
  }
  return values;
}

}  // namespace

TEST_CASE("every interval of a time change is a ratio above -100 %, around its estimate",
          "[compare][simulation]") {
  std::mt19937_64 generator(401);
  compare_options bootstrap;
  bootstrap.test = metron::analysis::test_kind::bootstrap;
  bootstrap.bootstrap_resamples = 200;
  compare_options equivalence;
  equivalence.equivalence = true;
  std::size_t bounded = 0;
  for (const double cv : {0.5, 1.0}) {
    for (const std::size_t n : {3U, 5U, 10U}) {
      for (const double shift : {0.7, 1.0, 1.3}) {
        for (int trial = 0; trial < 20; ++trial) {
          const std::vector<double> baseline = repetitions(generator, n, cv, 0);
          const std::vector<double> candidate = scaled(repetitions(generator, n, cv, 0), shift);
          for (const compare_options& options : {compare_options{}, bootstrap, equivalence}) {
            const comparison row = compare(baseline, candidate, better::lower, options);
            const auto& range = row.change_interval;
            INFO("cv " << cv << ", n " << n << ", shift " << shift << ": [" << range.low << ", "
                       << range.high << "], estimate " << row.estimate);
            CHECK(std::isfinite(range.low) == std::isfinite(range.high));
            if (std::isfinite(range.low)) {
              ++bounded;
              CHECK(range.low > -1.0);
              CHECK(range.low <= row.estimate);
              CHECK(row.estimate <= range.high);
            }
          }
          const auto reported = [](const std::vector<double>& values) {
            return metron::analysis::reported_sample{metron::analysis::moments_of(values),
                                                     std::nan("")};
          };
          const comparison means = metron::analysis::compare_reported(
              reported(baseline), reported(candidate), better::lower);
          CHECK(means.change_interval.low > -1.0);
          CHECK(means.change_interval.low <= means.change);
          CHECK(means.change <= means.change_interval.high);
        }
      }
    }
  }
  CHECK(bounded > 500);
}
