// Seeded simulations of the gate's promises: intervals of times are ratios, a design that cannot
// flag says so, every mode keeps its A/A rate at alpha on independent and on correlated
// repetitions, and the power table of docs/compare.md is what the comparator does.
#include <metron/compare/compare.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
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

namespace {

using metron::analysis::comparison_report;
using metron::analysis::run_input;

/// A Google Benchmark file of `benchmarks` runs, each with `n` repetitions of real and CPU time
/// (CPU time a slightly steadier copy of the real time), benchmark 0 slowed by `slowdown`.
run_input suite_file(std::mt19937_64& generator, const char* file, std::size_t benchmarks,
                     std::size_t n, double cv, double rho, double slowdown) {
  run_input run;
  run.file = file;
  for (std::size_t b = 0; b < benchmarks; ++b) {
    const std::vector<double> real =
        scaled(repetitions(generator, n, cv, rho), b == 0 ? slowdown : 1.0);
    metron::analysis::metric time;
    time.name = "BM_" + std::to_string(b);
    time.unit = "ns";
    time.quantity = "real_time";
    time.direction = better::lower;
    time.values = real;
    metron::analysis::metric cpu = time;
    cpu.name += ":cpu_time";
    cpu.quantity = "cpu_time";
    cpu.values = scaled(real, 0.9);
    run.data.metrics.push_back(std::move(time));
    run.data.metrics.push_back(std::move(cpu));
  }
  return run;
}

}  // namespace

TEST_CASE("a design that cannot flag a lone regression is detected before judging",
          "[compare][simulation]") {
  std::mt19937_64 generator(402);
  compare_options options;  // 5 % tolerance, alpha 0.05
  constexpr int trials = 20;
  int blind_exits = 0;
  int flagged_when_able = 0;
  for (int trial = 0; trial < trials; ++trial) {
    // 20 benchmarks, 5 repetitions a side, benchmark 0 slowed by 30 %: 2 / C(10, 5) = 0.0079 is
    // above 0.05 / 20, so no p-value of a lone regression survives Benjamini-Hochberg.
    const std::vector<run_input> baseline = {suite_file(generator, "a.json", 20, 5, 0.02, 0, 1)};
    const std::vector<run_input> candidate = {suite_file(generator, "b.json", 20, 5, 0.02, 0, 1.3)};
    const comparison_report report = metron::analysis::compare_runs(baseline, candidate, options);
    CHECK(report.gating_rows == 20);  // real time only: CPU time informs
    CHECK(report.blind() == 20);
    CHECK(report.blind_repetitions == 6);
    CHECK(report.regressions() == 0);
    CHECK(report.rows[0].smallest_p == Approx(2.0 / 252.0));
    CHECK(report.rows[1].informative);
    CHECK_FALSE(report.rows[1].blind);
    const int status = metron::analysis::gate_exit_status(report, {});
    blind_exits += status == 3 ? 1 : 0;
    CHECK(metron::analysis::gate_exit_status(report, {.allow_blind = true}) == 0);

    // With the 6 repetitions it asks for, the same slowdown is found.
    const std::vector<run_input> more = {suite_file(generator, "a.json", 20, 6, 0.02, 0, 1)};
    const std::vector<run_input> slower = {suite_file(generator, "b.json", 20, 6, 0.02, 0, 1.3)};
    const comparison_report able = metron::analysis::compare_runs(more, slower, options);
    CHECK(able.blind_repetitions == 0);
    flagged_when_able += metron::analysis::gate_exit_status(able, {}) == 1 ? 1 : 0;
  }
  CHECK(blind_exits == trials);
  CHECK(flagged_when_able == trials);
}

namespace {

/// `fraction` as a percentage with `decimals` decimals and no sign: "3 %", "4.1 %".
std::string fmt_percent(double fraction, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << 100.0 * fraction << " %";
  return out.str();
}

/// The Wilson score interval at 95 % of a rate of `hits` in `trials`.
struct rate_bounds {
  double rate = 0;
  double low = 0;
  double high = 0;
};

rate_bounds wilson(std::size_t hits, std::size_t trials) {
  constexpr double z = 1.959963984540054;
  const auto n = static_cast<double>(trials);
  const double p = static_cast<double>(hits) / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  return {p, centre - half, centre + half};
}

/// The share of A/A trials (20 benchmarks, `n` repetitions a side in one file each, noise of
/// `cv` with lag-1 autocorrelation `rho`) in which some gating row is called regressed or
/// improved: a false discovery, which fails the gate or claims what did not happen.
rate_bounds false_flags(const compare_options& options, std::size_t n, double rho,
                        std::size_t trials, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::size_t flagged = 0;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const std::vector<run_input> baseline = {suite_file(generator, "a.json", 20, n, 0.03, rho, 1)};
    const std::vector<run_input> candidate = {suite_file(generator, "b.json", 20, n, 0.03, rho, 1)};
    const comparison_report report = metron::analysis::compare_runs(baseline, candidate, options);
    bool any = false;
    for (const comparison& row : report.rows) {
      any = any || (!row.informative &&
                    (row.result == verdict::regressed || row.result == verdict::improved));
    }
    flagged += any ? 1 : 0;
  }
  return wilson(flagged, trials);
}

/// The modes of metron compare, each with a tolerance small enough that only its test stands
/// between noise and a flag.
std::vector<std::pair<const char*, compare_options>> modes() {
  compare_options base;
  base.tolerance = 0.005;
  compare_options welch = base;
  welch.test = metron::analysis::test_kind::welch;
  compare_options bootstrap = base;
  bootstrap.test = metron::analysis::test_kind::bootstrap;
  bootstrap.bootstrap_resamples = 400;
  compare_options equivalence = base;
  equivalence.equivalence = true;
  return {{"mann-whitney", base},
          {"welch", welch},
          {"bootstrap", bootstrap},
          {"equivalence", equivalence}};
}

}  // namespace

TEST_CASE("A/A trials of 20 benchmarks: every mode keeps its false discoveries at alpha",
          "[compare][simulation]") {
  constexpr std::size_t trials = 150;
  std::uint64_t seed = 410;
  for (const auto& [mode, options] : modes()) {
    const rate_bounds iid = false_flags(options, 10, 0, trials, ++seed);
    INFO(mode << ", independent repetitions: " << iid.rate << " of trials flag a row, 95 % ["
              << iid.low << ", " << iid.high << "]");
    CHECK(iid.low <= options.alpha);
  }
}

TEST_CASE("equivalence mode never calls a slowdown an improvement", "[compare][simulation]") {
  // A true +30 % at 50 % CV: the interval may straddle or clear the tolerance, never fall below it.
  std::mt19937_64 generator(420);
  compare_options options;
  options.equivalence = true;
  std::size_t improved = 0;
  std::size_t regressed = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const std::vector<double> baseline = repetitions(generator, 20, 0.5, 0);
    const std::vector<double> candidate = scaled(repetitions(generator, 20, 0.5, 0), 1.3);
    const verdict result = compare(baseline, candidate, better::lower, options).result;
    improved += result == verdict::improved ? 1 : 0;
    regressed += result == verdict::regressed ? 1 : 0;
  }
  INFO(regressed << " of 300 regressed");
  CHECK(improved == 0);
}

namespace {

/// One line of the power table: at `cv` and `n` repetitions a side, the share of 200 seeded
/// comparisons of one benchmark called regressed for each shift, the median detectable change
/// the comparator reports, and the share called unchanged at a shift equal to the tolerance.
std::string power_line(double cv, std::size_t n, std::uint64_t seed, rate_bounds& unchanged) {
  constexpr std::size_t trials = 200;
  const std::vector<double> shifts = {0, 0.02, 0.05, 0.075, 0.10, 0.20};
  const compare_options options;  // tolerance 5 %, alpha 0.05, power 0.8
  std::mt19937_64 generator(seed);
  std::string line = fmt_percent(cv, 0) + " | " + std::to_string(n) + " |";
  std::vector<double> detectable;
  for (const double shift : shifts) {
    std::size_t regressed = 0;
    std::size_t within = 0;
    for (std::size_t trial = 0; trial < trials; ++trial) {
      const std::vector<double> baseline = repetitions(generator, n, cv, 0);
      const std::vector<double> candidate = scaled(repetitions(generator, n, cv, 0), 1 + shift);
      const comparison row = compare(baseline, candidate, better::lower, options);
      regressed += row.result == verdict::regressed ? 1 : 0;
      within += row.result == verdict::unchanged ? 1 : 0;
      if (shift == 0) {
        detectable.push_back(row.detectable);
      }
    }
    if (shift == options.tolerance) {
      unchanged = wilson(within, trials);
    }
    line += " " + fmt_percent(static_cast<double>(regressed) / trials, 0) + " |";
  }
  std::sort(detectable.begin(), detectable.end());
  const double median = detectable[detectable.size() / 2];
  line += std::isinf(median) ? " none |" : " +" + fmt_percent(median, 1) + " |";
  return line + " " + fmt_percent(unchanged.rate, 1) + " |";
}

}  // namespace

TEST_CASE("the power table of docs/compare.md is what the comparator does",
          "[compare][simulation][power]") {
  std::string table =
      "| CV | repetitions a side | +0 % | +2 % | +5 % | +7.5 % | +10 % | +20 % | detects (80 %) "
      "| unchanged at +5 % |\n"
      "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n";
  std::uint64_t seed = 430;
  for (const double cv : {0.01, 0.03, 0.10}) {
    for (const std::size_t n : {5U, 10U, 20U}) {
      rate_bounds unchanged;
      table += "| " + power_line(cv, n, ++seed, unchanged) + "\n";
      // "Unchanged" at a true change of the tolerance is the interval's one-sided error: at most
      // alpha / 2 within its margin.
      INFO("cv " << cv << ", n " << n << ": unchanged " << unchanged.rate << ", 95 % ["
                 << unchanged.low << ", " << unchanged.high << "]");
      CHECK(unchanged.low <= 0.025);
    }
  }
  const std::string path = std::string(METRON_DOCS_DIR) + "/compare.md";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string document = buffer.str();
  const std::string begin = "<!-- power table: compare_tests '[power]' writes it -->\n";
  const std::string end = "<!-- end of the power table -->";
  const std::size_t from = document.find(begin);
  const std::size_t to = document.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string documented = document.substr(from + begin.size(), to - from - begin.size());
  if (std::getenv("METRON_UPDATE_GOLDEN") != nullptr) {
    document.replace(from + begin.size(), to - from - begin.size(), table);
    std::ofstream(path) << document;
  } else {
    CHECK(documented == table);
  }
}
