// Seeded simulations of the gate's promises: intervals of times are ratios, a design that cannot
// flag says so, every mode keeps its A/A rate at alpha on independent and on correlated
// repetitions, and the power table of docs/compare.md is what the comparator does.
#include <metron/compare/compare.hpp>
#include <metron/spec/spec.hpp>

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

/// `files` Google Benchmark files of suite_file(), each an independent run.
std::vector<run_input> suite_side(std::mt19937_64& generator, std::size_t files,
                                  std::size_t benchmarks, std::size_t n, double cv, double rho,
                                  double slowdown) {
  std::vector<run_input> side;
  for (std::size_t f = 0; f < files; ++f) {
    side.push_back(suite_file(generator, "run.json", benchmarks, n, cv, rho, slowdown));
  }
  return side;
}

/// The share of A/A trials (`benchmarks` benchmarks, `n` repetitions a side in each of `files`
/// files, noise of 3 % CV with lag-1 autocorrelation `rho` within each file) in which some gating
/// row is called regressed or improved: a false discovery, which fails the gate or claims what did
/// not happen.
rate_bounds false_flags(const compare_options& options, std::size_t n, double rho,
                        std::size_t trials, std::uint64_t seed, std::size_t files = 1,
                        std::size_t benchmarks = 20) {
  std::mt19937_64 generator(seed);
  std::size_t flagged = 0;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const std::vector<run_input> baseline =
        suite_side(generator, files, benchmarks, n, 0.03, rho, 1);
    const std::vector<run_input> candidate =
        suite_side(generator, files, benchmarks, n, 0.03, rho, 1);
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

TEST_CASE("the variance inflation of an AR(1) mean and the repetitions it asks for",
          "[compare][dependence]") {
  // 1 + 2·(0.8·0.7 + 0.6·0.49 + 0.4·0.343 + 0.2·0.2401), by hand.
  CHECK(metron::analysis::mean_variance_inflation(0.7, 5) == Approx(3.07844));
  CHECK(metron::analysis::mean_variance_inflation(0, 5) == 1.0);
  CHECK(metron::analysis::mean_variance_inflation(0.7, 1) == 1.0);
  CHECK(metron::analysis::repetitions_to_flag(0.05, 20) == 6);
  CHECK(metron::analysis::repetitions_to_flag(0.05, 20, 0) == 6);
  // Repetitions of one run at rho 0.7 are worth a fifth or so of independent ones each.
  const std::size_t dependent = metron::analysis::repetitions_to_flag(0.05, 20, 0.7);
  CHECK(dependent > 20);
  CHECK(dependent < 60);
}

TEST_CASE("the pooled lag-1 autocorrelation: unbiased at 0 and at 0.7, rarely found at 0",
          "[compare][dependence][simulation]") {
  std::mt19937_64 generator(440);
  for (const std::size_t n : {5U, 10U}) {
    for (const double rho : {0.0, 0.7}) {
      constexpr std::size_t trials = 200;
      double sum = 0;
      std::size_t found = 0;
      for (std::size_t trial = 0; trial < trials; ++trial) {
        std::vector<std::vector<double>> series;
        for (int b = 0; b < 20; ++b) {
          std::vector<double> logs = repetitions(generator, n, 0.03, rho);
          for (double& value : logs) {
            value = std::log(value);
          }
          series.push_back(std::move(logs));
        }
        const auto estimate = metron::analysis::estimate_dependence(series);
        CHECK(estimate.series == 20);
        sum += estimate.rho;
        found += estimate.found ? 1U : 0U;
      }
      const double mean = sum / trials;
      const rate_bounds share = wilson(found, trials);
      INFO("n " << n << ", rho " << rho << ": mean estimate " << mean << ", found in " << share.rate
                << " of trials, 95 % [" << share.low << ", " << share.high << "]");
      if (rho == 0) {
        // Clamped at 0, the estimate's mean is half its spread's; it is found at its 1 % level.
        CHECK(mean < 0.12);
        CHECK(share.low <= 0.01);
      } else {
        CHECK(std::abs(mean - rho) < 0.1);
        CHECK(share.rate > 0.9);
      }
    }
  }
}

namespace {

/// A/A trials at rho 0.7 in every mode: one file of 10 repetitions a side among 20 benchmarks, as
/// a new user runs it (10 such repetitions count as about 2.4), and three files of 10 a side among
/// `benchmarks`, independent runs with which the design can flag again. Every mode's rate of
/// trials with a false flag must be at alpha within its 95 % margin.
void correlated_false_flags(std::size_t trials, std::size_t benchmarks,
                            std::size_t bootstrap_resamples) {
  std::uint64_t seed = 450;
  for (auto [mode, options] : modes()) {
    if (options.test == metron::analysis::test_kind::bootstrap) {
      options.bootstrap_resamples = bootstrap_resamples;
    }
    const rate_bounds one_run = false_flags(options, 10, 0.7, trials, ++seed);
    INFO(mode << ", rho 0.7, one file of 10 a side, 20 benchmarks: " << one_run.rate
              << " of trials flag a row, 95 % [" << one_run.low << ", " << one_run.high << "]");
    CHECK(one_run.low <= options.alpha);
    const rate_bounds three_runs = false_flags(options, 10, 0.7, trials, ++seed, 3, benchmarks);
    INFO(mode << ", rho 0.7, three files of 10 a side, " << benchmarks
              << " benchmarks: " << three_runs.rate << " of trials flag a row, 95 % ["
              << three_runs.low << ", " << three_runs.high << "]");
    CHECK(three_runs.low <= options.alpha);
  }
}

}  // namespace

TEST_CASE(
    "A/A trials with correlated repetitions: every mode keeps its false discoveries at "
    "alpha, and says why",
    "[compare][dependence][simulation]") {
  // Short enough for the sanitizers: the bootstrap, blind at rho 0.7 whatever its resamples, at
  // its fewest; the rates of docs/compare.md are those of the '[.slow]' case below.
  correlated_false_flags(20, 10, 100);
  // What the report says of it.
  std::mt19937_64 generator(459);
  const std::vector<run_input> baseline = suite_side(generator, 1, 20, 10, 0.03, 0.7, 1);
  const std::vector<run_input> candidate = suite_side(generator, 1, 20, 10, 0.03, 0.7, 1);
  const comparison_report report = metron::analysis::compare_runs(baseline, candidate, {});
  CHECK(report.baseline_dependence.found);
  CHECK(report.candidate_dependence.found);
  CHECK(report.rows[0].effective_baseline < 4);
  CHECK(report.rows[0].effective_baseline > 1.5);
  CHECK(report.blind() == 20);  // ten repetitions of one run cannot flag one row among 20
  // One run of that many repetitions at the larger side's dependence would let them fail.
  const double rho = std::max(report.baseline_dependence.rho, report.candidate_dependence.rho);
  CHECK(report.blind_repetitions == metron::analysis::repetitions_to_flag(0.05, 20, rho));
  CHECK(report.blind_repetitions > 20);
  CHECK(metron::analysis::gate_exit_status(report, {}) == 3);
}

TEST_CASE(
    "independent repetitions keep their power: the dependence is rarely found and then "
    "costs little",
    "[compare][dependence][simulation]") {
  // 20 benchmarks, 10 repetitions a side at 3 % CV, benchmark 0 slowed by 6 %: compare_runs()
  // against the same rows judged as independent, as before the dependence was estimated.
  std::mt19937_64 generator(460);
  compare_options options;
  options.tolerance = 0.02;
  constexpr std::size_t trials = 100;
  std::size_t found = 0;
  std::size_t flagged = 0;
  std::size_t flagged_independent = 0;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const std::vector<run_input> baseline = suite_side(generator, 1, 20, 10, 0.03, 0, 1);
    const std::vector<run_input> candidate = suite_side(generator, 1, 20, 10, 0.03, 0, 1.06);
    const comparison_report report = metron::analysis::compare_runs(baseline, candidate, options);
    found += report.baseline_dependence.found || report.candidate_dependence.found ? 1U : 0U;
    flagged += report.rows[0].result == verdict::regressed ? 1U : 0U;
    std::vector<comparison> independent;
    compare_options alone = options;
    alone.family = report.gating_rows;
    for (std::size_t m = 0; m < baseline[0].data.metrics.size(); m += 2) {
      independent.push_back(compare(baseline[0].data.metrics[m].values,
                                    candidate[0].data.metrics[m].values, better::lower, alone));
    }
    metron::analysis::control_false_discoveries(independent);
    flagged_independent += independent[0].result == verdict::regressed ? 1U : 0U;
  }
  const rate_bounds share = wilson(found, trials);
  INFO("dependence found in " << share.rate << " of trials, 95 % [" << share.low << ", "
                              << share.high << "]; regression found in " << flagged << " of "
                              << trials << ", " << flagged_independent << " judged independent");
  CHECK(share.low <= 0.02);  // the test of independence at 1 % on either side
  CHECK(flagged + 3 >= flagged_independent);
  CHECK(flagged_independent > trials / 2);
}

TEST_CASE("A/A trials with correlated repetitions as docs/compare.md reports them",
          "[compare][dependence][.slow]") {
  correlated_false_flags(150, 20, 400);
}

namespace {

/// A spec with one KPI per benchmark of suite_file(): its median real time, lower is better,
/// within `tolerance`.
metron::analysis::benchmark_spec suite_spec(std::size_t benchmarks, const std::string& tolerance) {
  std::string text = "suite: simulated\nmetrics:\n";
  for (std::size_t b = 0; b < benchmarks; ++b) {
    text += "  m" + std::to_string(b) + ":\n    benchmark: BM_" + std::to_string(b) +
            "\n    field: real_time\n";
  }
  text += "kpis:\n";
  for (std::size_t b = 0; b < benchmarks; ++b) {
    text +=
        "  k" + std::to_string(b) + ":\n    metric: m" + std::to_string(b) +
        "\n    statistic: median\n    unit: ns\n    better: lower\n    tolerance: " + tolerance +
        "\n";
  }
  return metron::analysis::parse_spec(text, "simulated.yaml");
}

}  // namespace

TEST_CASE("a spec's KPIs allow for correlated repetitions as the metrics do",
          "[compare][dependence][simulation]") {
  // A tolerance of 0.5 %: only the test stands between the noise and a flag.
  const metron::analysis::benchmark_spec spec = suite_spec(10, "0.5%");
  std::mt19937_64 generator(503);
  // One file of ten repetitions a side at rho 0.7: worth about 2.4 each, too few for the U test
  // to flag one KPI of 10, so each KPI is judged by Welch's t at the effective sizes.
  const comparison_report one_run =
      metron::analysis::compare_kpis(spec, suite_side(generator, 1, 10, 10, 0.03, 0.7, 5),
                                     suite_side(generator, 1, 10, 10, 0.03, 0.7, 1));
  REQUIRE(one_run.rows.size() == 10);
  CHECK(one_run.baseline_dependence.found);
  CHECK(one_run.candidate_dependence.found);
  CHECK(one_run.rows[0].effective_baseline < 4);
  CHECK(one_run.blind() == 0);
  CHECK(one_run.rows[0].test == metron::analysis::test_kind::welch);
  CHECK_THAT(one_run.rows[0].note, Catch::Matchers::Contains("Welch"));
  // The baseline's KPI 0 was five times slower: the candidate improved it.
  CHECK(one_run.rows[0].result == verdict::improved);
  // A/A trials of one file a side keep their false flags at alpha.
  constexpr std::size_t trials = 200;
  std::size_t flagged = 0;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const comparison_report report =
        metron::analysis::compare_kpis(spec, suite_side(generator, 1, 10, 10, 0.03, 0.7, 1),
                                       suite_side(generator, 1, 10, 10, 0.03, 0.7, 1));
    bool any = false;
    for (const comparison& row : report.rows) {
      any = any || row.result == verdict::regressed || row.result == verdict::improved;
    }
    flagged += any ? 1 : 0;
  }
  const rate_bounds share = wilson(flagged, trials);
  INFO("KPIs, rho 0.7, one file of 10 a side: " << share.rate << " of trials flag, 95 % ["
                                                << share.low << ", " << share.high << "]");
  CHECK(share.low <= 0.05);
}
