// Tests of the comparator: verdicts, intervals, power analysis, FDR control, runs, and seeded A/A
// and shift trials.
#include <metron/compare/compare.hpp>
#include <metron/error.hpp>
#include <metron/spec/spec.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using metron::analysis::better;
using metron::analysis::compare;
using metron::analysis::compare_options;
using metron::analysis::comparison;
using metron::analysis::verdict;

/// Per-run timings as benchmarks produce them: log-normal around `median` with coefficient of
/// variation about `cv`, and with probability `outlier_rate` a run slowed by 30–100 % (a
/// preempted run). `bimodal` moves half the runs to a second mode 25 % higher (two code paths,
/// two cache states).
struct noise_model {
  double median = 1000;
  double cv = 0.03;
  double outlier_rate = 0.03;
  bool bimodal = false;
};

std::vector<double> draw(std::mt19937_64& generator, const noise_model& model, std::size_t n) {
  std::normal_distribution<double> normal(0.0, model.cv);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    double value = model.median * std::exp(normal(generator));
    if (model.bimodal && uniform(generator) < 0.5) {
      value *= 1.25;
    }
    if (uniform(generator) < model.outlier_rate) {
      value *= 1.3 + 0.7 * uniform(generator);
    }
    values.push_back(value);
  }
  return values;
}

std::vector<double> scaled(std::vector<double> values, double factor) {
  for (double& value : values) {
    value *= factor;
  }
  return values;
}

/// The share of `trials` comparisons of two draws (the candidate's median scaled by `shift`)
/// that end with `wanted`.
double rate_of(verdict wanted, const noise_model& model, double shift, std::size_t repetitions,
               const compare_options& options, std::size_t trials, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::size_t hits = 0;
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const std::vector<double> baseline = draw(generator, model, repetitions);
    const std::vector<double> candidate = scaled(draw(generator, model, repetitions), shift);
    if (compare(baseline, candidate, better::lower, options).result == wanted) {
      ++hits;
    }
  }
  return static_cast<double>(hits) / static_cast<double>(trials);
}

}  // namespace

TEST_CASE("a clear slowdown regresses a lower-is-better metric and improves a higher-is-better one",
          "[compare]") {
  std::mt19937_64 generator(7);
  const noise_model model;
  const std::vector<double> baseline = draw(generator, model, 20);
  const std::vector<double> candidate = scaled(draw(generator, model, 20), 1.2);

  const comparison slower = compare(baseline, candidate, better::lower);
  CHECK(slower.result == verdict::regressed);
  CHECK(slower.change == Approx(slower.candidate.median / slower.baseline.median - 1.0));
  CHECK(slower.change > 0.1);
  CHECK(slower.change_interval.low > 0.05);
  CHECK(slower.change_interval.low < 0.2);
  CHECK(slower.change_interval.high > 0.2);
  CHECK(slower.change_interval.level == Approx(0.95));
  CHECK(slower.p_value < 1e-6);
  CHECK(slower.p_adjusted == slower.p_value);
  CHECK_FALSE(slower.repetitions_needed);

  CHECK(compare(baseline, candidate, better::higher).result == verdict::improved);
  CHECK(compare(candidate, baseline, better::lower).result == verdict::improved);
}

TEST_CASE("a metric of unknown direction is judged two-sided: changed, never better or worse",
          "[compare]") {
  std::mt19937_64 generator(7);
  const noise_model model;
  const std::vector<double> baseline = draw(generator, model, 20);
  const std::vector<double> same = draw(generator, model, 20);
  for (const double shift : {1.2, 1.0 / 1.2}) {
    INFO("shift " << shift);
    const std::vector<double> candidate = scaled(draw(generator, model, 20), shift);
    const comparison row = compare(baseline, candidate, better::unknown);
    CHECK(row.result == verdict::changed);
    CHECK(row.p_value < 1e-6);
    compare_options equivalence;
    equivalence.equivalence = true;
    CHECK(compare(baseline, candidate, better::unknown, equivalence).result == verdict::changed);
  }
  compare_options wide;
  wide.tolerance = 0.2;
  CHECK(compare(baseline, same, better::unknown, wide).result == verdict::unchanged);
  CHECK(metron::analysis::to_string(verdict::changed) == "changed");
}

TEST_CASE("a significant change within the tolerance is unchanged, one straddling it inconclusive",
          "[compare]") {
  std::mt19937_64 generator(11);
  noise_model quiet;
  quiet.cv = 0.002;
  quiet.outlier_rate = 0;
  const std::vector<double> baseline = draw(generator, quiet, 30);
  const comparison small =
      compare(baseline, scaled(draw(generator, quiet, 30), 1.01), better::lower);
  CHECK(small.p_value < 0.05);
  CHECK(small.result == verdict::unchanged);

  noise_model noisy;
  noisy.cv = 0.10;
  noisy.outlier_rate = 0;
  const comparison unsure =
      compare(draw(generator, noisy, 6), draw(generator, noisy, 6), better::lower);
  CHECK(unsure.result == verdict::inconclusive);
  REQUIRE(unsure.repetitions_needed);
  CHECK(*unsure.repetitions_needed > 6);
  CHECK(unsure.reason == metron::analysis::doubt::too_noisy);
  CHECK(unsure.variation > 0);
}

TEST_CASE("too few repetitions for the U test to reach alpha are inconclusive", "[compare]") {
  const std::vector<double> baseline = {100, 101, 102};
  const std::vector<double> candidate = {200, 201, 202};
  const comparison row = compare(baseline, candidate, better::lower);
  CHECK(row.result == verdict::inconclusive);
  CHECK(row.change == Approx(201.0 / 101.0 - 1.0));
  REQUIRE(row.repetitions_needed);
  CHECK(*row.repetitions_needed >= 4);

  const std::vector<double> one = {100};
  const comparison single = compare(one, one, better::lower);
  CHECK(single.result == verdict::inconclusive);
  CHECK(std::isnan(single.p_value));
  CHECK(compare({}, one, better::lower).result == verdict::inconclusive);
}

TEST_CASE("repetitions needed follow the normal approximation, floored by the U test's reach",
          "[compare]") {
  // 2 (1.959964 + 0.841621)² (0.03 / 0.02)² = 35.3
  CHECK(metron::analysis::repetitions_needed(0.03, 0.02, 0.05, 0.8) == 36);
  // Four a side are the fewest for which the U test can give p < 0.05: 2 / C(8, 4) = 0.029.
  CHECK(metron::analysis::repetitions_needed(0.0001, 0.05, 0.05, 0.8) == 4);
  CHECK(metron::analysis::repetitions_needed(0.0001, 0.05, 0.01, 0.8) == 5);
  CHECK_THROWS_AS(metron::analysis::repetitions_needed(0.03, 0, 0.05, 0.8), metron::input_error);
}

TEST_CASE("adjusting for many metrics can take away a lone significance", "[compare]") {
  std::mt19937_64 generator(3);
  noise_model model;
  model.outlier_rate = 0;
  std::vector<comparison> rows;
  const std::vector<double> baseline = draw(generator, model, 10);
  compare_options options;
  options.tolerance = 0;
  // One modest shift among nineteen null comparisons.
  rows.push_back(
      compare(baseline, scaled(draw(generator, model, 10), 1.03), better::lower, options));
  for (int i = 0; i < 19; ++i) {
    rows.push_back(
        compare(draw(generator, model, 10), draw(generator, model, 10), better::lower, options));
  }
  const double alone = rows.front().p_value;
  metron::analysis::control_false_discoveries(rows);
  for (const comparison& row : rows) {
    CHECK(row.p_adjusted >= row.p_value - 1e-12);
  }
  CHECK(rows.front().p_adjusted > alone);
}

TEST_CASE("equivalence mode claims no change beyond the tolerance only with evidence",
          "[compare]") {
  std::mt19937_64 generator(5);
  compare_options options;
  options.equivalence = true;
  options.tolerance = 0.05;
  noise_model quiet;
  quiet.cv = 0.01;
  quiet.outlier_rate = 0;
  const comparison same =
      compare(draw(generator, quiet, 20), draw(generator, quiet, 20), better::lower, options);
  CHECK(same.result == verdict::unchanged);
  CHECK(same.equivalence_p < 0.05);
  CHECK(same.change_interval.level == Approx(0.9));

  noise_model noisy;
  noisy.cv = 0.2;
  noisy.outlier_rate = 0;
  const comparison unsure =
      compare(draw(generator, noisy, 5), draw(generator, noisy, 5), better::lower, options);
  CHECK(unsure.result == verdict::inconclusive);
  CHECK(unsure.equivalence_p >= 0.05);

  const comparison worse = compare(draw(generator, quiet, 20),
                                   scaled(draw(generator, quiet, 20), 1.2), better::lower, options);
  CHECK(worse.result == verdict::regressed);
}

TEST_CASE("the bootstrap interval of the ratio of medians is seeded and covers the shift",
          "[compare]") {
  std::mt19937_64 generator(13);
  const noise_model model;
  const std::vector<double> baseline = draw(generator, model, 25);
  const std::vector<double> candidate = scaled(draw(generator, model, 25), 1.1);
  compare_options options;
  options.test = metron::analysis::test_kind::bootstrap;
  const comparison first = compare(baseline, candidate, better::lower, options);
  const comparison again = compare(baseline, candidate, better::lower, options);
  CHECK(first.method == metron::analysis::interval_method::bootstrap);
  CHECK(first.change_interval.low == again.change_interval.low);
  CHECK(first.change_interval.high == again.change_interval.high);
  CHECK(first.change_interval.low < first.change);
  CHECK(first.change_interval.high > first.change);
  CHECK(first.change_interval.low < 0.1);
  CHECK(first.change_interval.high > 0.1);
  CHECK(first.p_value < 0.01);
  CHECK(first.result == verdict::regressed);
  options.seed = 99;
  CHECK(compare(baseline, candidate, better::lower, options).change_interval.low !=
        first.change_interval.low);
}

TEST_CASE("bad options and non-finite values are refused", "[compare]") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  compare_options options;
  options.alpha = 0.7;
  CHECK_THROWS_AS(compare(values, values, better::lower, options), metron::input_error);
  options = {};
  options.tolerance = -0.1;
  CHECK_THROWS_AS(compare(values, values, better::lower, options), metron::input_error);
  const std::vector<double> bad = {1, std::nan(""), 3};
  CHECK_THROWS_AS(compare(values, bad, better::lower), metron::input_error);
}

namespace {

metron::analysis::metric make_metric(const std::string& name, const std::string& unit,
                                     std::vector<double> values) {
  metron::analysis::metric m;
  m.name = name;
  m.unit = unit;
  m.quantity = "real_time";
  m.direction = better::lower;
  m.values = std::move(values);
  return m;
}

metron::analysis::run_input make_run(const std::string& file,
                                     std::vector<metron::analysis::metric> metrics,
                                     bool per_call = false) {
  metron::analysis::run_input run;
  run.file = file;
  run.data.metrics = std::move(metrics);
  run.per_call = per_call;
  return run;
}

/// A counter of unknown direction, a run a side of 12 repetitions, that drops by 30 %.
std::pair<std::vector<metron::analysis::run_input>, std::vector<metron::analysis::run_input>>
hit_rate_drop() {
  std::mt19937_64 generator(23);
  const noise_model model;
  const auto rate = [](std::vector<double> values) {
    auto m = make_metric("BM_a:hit_rate", "", std::move(values));
    m.quantity = "hit_rate";
    m.direction = better::unknown;
    return m;
  };
  return {{make_run("base.json", {rate(draw(generator, model, 12))})},
          {make_run("head.json", {rate(scaled(draw(generator, model, 12), 0.7))})}};
}

}  // namespace

TEST_CASE("compare_runs pairs metrics by name and lists the ones on one side only", "[compare]") {
  std::mt19937_64 generator(17);
  const noise_model model;
  const std::vector<metron::analysis::run_input> baseline = {
      make_run("base.json", {make_metric("BM_a", "ns", draw(generator, model, 12)),
                             make_metric("BM_gone", "ns", draw(generator, model, 12))})};
  const std::vector<metron::analysis::run_input> candidate = {
      make_run("head.json", {make_metric("BM_a", "ns", scaled(draw(generator, model, 12), 1.3)),
                             make_metric("BM_new", "ns", draw(generator, model, 12))})};
  const auto report = metron::analysis::compare_runs(baseline, candidate);
  REQUIRE(report.rows.size() == 1);
  CHECK(report.rows[0].name == "BM_a");
  CHECK(report.rows[0].kind == "time");
  CHECK(report.rows[0].result == verdict::regressed);
  CHECK_FALSE(report.rows[0].indicative);
  CHECK(report.added == std::vector<std::string>{"BM_new"});
  CHECK(report.removed == std::vector<std::string>{"BM_gone"});
  CHECK(report.count(verdict::regressed) == 1);
}

TEST_CASE("compare_runs judges a counter of unknown direction two-sided", "[compare]") {
  const auto [baseline, candidate] = hit_rate_drop();
  const auto guessed = metron::analysis::compare_runs(baseline, candidate);
  REQUIRE(guessed.rows.size() == 1);
  CHECK(guessed.rows[0].kind == "counter");
  CHECK(guessed.rows[0].direction == better::unknown);
  CHECK(guessed.rows[0].result == verdict::changed);
  CHECK(guessed.count(verdict::changed) == 1);
  CHECK(guessed.count(verdict::regressed) == 0);

  // Sides that disagree on the direction leave it unknown.
  std::vector<metron::analysis::run_input> guessed_lower = baseline;
  guessed_lower[0].data.metrics[0].direction = better::lower;
  CHECK(metron::analysis::compare_runs(guessed_lower, candidate).rows.at(0).result ==
        verdict::changed);
}

TEST_CASE("compare_runs judges by the declared direction where the inputs know none", "[compare]") {
  const auto [baseline, candidate] = hit_rate_drop();
  compare_options declared;
  declared.directions = {{"BM_b:*", better::lower, {}}, {"*:hit_rate", better::higher, {}}};
  const auto judged = metron::analysis::compare_runs(baseline, candidate, declared);
  REQUIRE(judged.rows.size() == 1);
  CHECK(judged.rows[0].direction == better::higher);
  CHECK(judged.rows[0].result == verdict::regressed);
  declared.directions = {{"*:hit_rate", better::lower, {}}};
  CHECK(metron::analysis::compare_runs(baseline, candidate, declared).rows.at(0).result ==
        verdict::improved);
}

TEST_CASE("compare_runs refuses disjoint metrics, mismatched units and empty sides", "[compare]") {
  const std::vector<double> values = {1, 2, 3, 4, 5};
  const std::vector<metron::analysis::run_input> baseline = {
      make_run("base.json", {make_metric("BM_a", "ns", values)})};
  const std::vector<metron::analysis::run_input> disjoint = {
      make_run("head.json", {make_metric("BM_b", "ns", values)})};
  CHECK_THROWS_WITH(
      metron::analysis::compare_runs(baseline, disjoint),
      Catch::Contains("share no metric") && Catch::Contains("BM_a") && Catch::Contains("BM_b"));
  const std::vector<metron::analysis::run_input> other_unit = {
      make_run("head.json", {make_metric("BM_a", "bytes", values)})};
  CHECK_THROWS_WITH(
      metron::analysis::compare_runs(baseline, other_unit),
      Catch::Contains("BM_a") && Catch::Contains("head.json") && Catch::Contains("base.json"));
  CHECK_THROWS_AS(metron::analysis::compare_runs(baseline, {}), metron::input_error);
  const std::vector<metron::analysis::run_input> mixed = {
      make_run("a.mtr", {make_metric("BM_a", "ns", values)}, true),
      make_run("b.json", {make_metric("BM_a", "ns", values)}, false)};
  CHECK_THROWS_WITH(metron::analysis::compare_runs(mixed, baseline), Catch::Contains("mixes"));
}

TEST_CASE("captures: one a side is indicative, several a side compare per-run medians",
          "[compare]") {
  const std::vector<double> calls_a = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  const std::vector<double> calls_b = {20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
  const auto one_a = make_run("a.mtr", {make_metric("site", "ns", calls_a)}, true);
  const auto one_b = make_run("b.mtr", {make_metric("site", "ns", calls_b)}, true);
  const auto single = metron::analysis::compare_runs(std::vector{one_a}, std::vector{one_b});
  REQUIRE(single.rows.size() == 1);
  CHECK(single.rows[0].indicative);
  CHECK(single.rows[0].baseline.n == calls_a.size());

  const std::vector<metron::analysis::run_input> three_a = {one_a, one_a, one_a};
  const std::vector<metron::analysis::run_input> three_b = {one_b, one_b, one_b};
  const auto runs = metron::analysis::compare_runs(three_a, three_b);
  REQUIRE(runs.rows.size() == 1);
  CHECK_FALSE(runs.rows[0].indicative);
  CHECK(runs.rows[0].baseline.n == 3);
  CHECK(runs.rows[0].baseline.median == 15);
  CHECK(runs.rows[0].candidate.median == 25);
  // Three runs a side cannot reach p < 0.05 with a rank test: honest, not "regressed".
  CHECK(runs.rows[0].result == verdict::inconclusive);
}

TEST_CASE("compare_kpis compares each KPI's per-run values with the spec's own settings",
          "[compare]") {
  const auto spec = metron::analysis::parse_spec(R"(suite: test
metrics:
  sort:
    probe: sort
kpis:
  sort_median:
    metric: sort
    statistic: median
    unit: ns
    better: lower
    threshold: 1300 ns
    tolerance: 50%
  sort_tail:
    metric: sort
    statistic: max
    unit: ns
    better: lower
    tolerance: 5%
)",
                                                 "specs/test.yaml");
  std::vector<metron::analysis::run_input> baseline;
  std::vector<metron::analysis::run_input> candidate;
  for (int run = 0; run < 6; ++run) {
    const double jitter = run;
    std::vector<double> calls = {1000 + jitter, 1010 + jitter, 1020 + jitter, 1030 + jitter};
    baseline.push_back(make_run("base.mtr", {make_metric("sort", "ns", calls)}, true));
    candidate.push_back(
        make_run("head.mtr", {make_metric("sort", "ns", scaled(calls, 1.3))}, true));
  }
  const auto report = metron::analysis::compare_kpis(spec, baseline, candidate);
  REQUIRE(report.rows.size() == 2);
  CHECK(report.rows[0].name == "sort_median");
  CHECK(report.rows[0].kind == "kpi");
  CHECK(report.rows[0].baseline.n == 6);  // one value a run: the KPI's statistic of the run
  CHECK(report.rows[0].tolerance == Approx(0.5));
  CHECK(report.rows[0].result == verdict::unchanged);  // 30 % is within the spec's 50 %
  CHECK(report.rows[1].result == verdict::regressed);  // and beyond 5 %
  CHECK(report.breaches.size() == 6);  // every candidate run's median is above 1300 ns
  CHECK(report.spec_file == "specs/test.yaml");
}

TEST_CASE("runs on different machines or builds are reported", "[compare]") {
  metron::analysis::run_metadata a;
  a.cpu = "AMD EPYC 7B13";
  a.build_type = "release";
  a.extra["cpu_scaling_enabled"] = "false";
  metron::analysis::run_metadata b = a;
  b.build_type = "Release";  // Google Benchmark's spelling against CMake's
  CHECK(metron::analysis::check_comparability(a, "a.json", b, "b.json").empty());
  b.cpu = "Intel Xeon";
  b.build_type = "debug";
  b.extra["cpu_scaling_enabled"] = "true";
  b.extra["compiler"] = "clang 14";  // unknown on one side: not compared
  const auto issues = metron::analysis::check_comparability(a, "a.json", b, "b.json");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].what == "CPU model");
  CHECK(issues[1].what == "build type");
  CHECK(issues[2].what == "frequency scaling");
  CHECK(issues[2].field == "cpu_scaling_enabled");
  CHECK(issues[2].candidate == "true");
  CHECK(issues[2].baseline_file == "a.json");
  CHECK(issues[2].candidate_file == "b.json");
}

TEST_CASE("a machine is told by what does not jitter: the MHz reading may move by 10 %",
          "[compare]") {
  using metron::analysis::run_input;
  const auto google_benchmark_run = [](const std::string& file, const std::string& mhz) {
    run_input run;
    run.file = file;
    run.data.metadata.host = "ci-7";
    run.data.metadata.cpu = "2 x " + mhz + " MHz CPU";
    run.data.metadata.extra["num_cpus"] = "2";
    run.data.metadata.extra["mhz_per_cpu"] = mhz;
    run.data.metadata.extra["caches"] = R"([{"level":1,"size":32768}])";
    run.data.metadata.extra["library_version"] = "v1.7.1";
    return run;
  };
  // Two runs on one machine read 2445 and 2600 MHz: the same machine.
  const std::vector<run_input> baseline{google_benchmark_run("base-1.json", "2445"),
                                        google_benchmark_run("base-2.json", "2600")};
  std::vector<run_input> candidate{google_benchmark_run("head-1.json", "2500"),
                                   google_benchmark_run("head-2.json", "2450")};
  CHECK(metron::analysis::check_comparability(baseline, candidate).empty());

  // Every file is checked, not the first of each side: the second candidate ran elsewhere.
  candidate[1].data.metadata.extra["num_cpus"] = "16";
  candidate[1].data.metadata.extra["mhz_per_cpu"] = "3400";
  candidate[1].data.metadata.host = "laptop";
  const auto issues = metron::analysis::check_comparability(baseline, candidate);
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].what == "host name");
  CHECK(issues[0].candidate_file == "head-2.json");
  CHECK(issues[1].field == "num_cpus");
  CHECK(issues[1].baseline == "2");
  CHECK(issues[1].candidate == "16");
  CHECK(issues[2].field == "mhz_per_cpu");
  CHECK(issues[2].baseline_file == "base-1.json");
}

TEST_CASE("A/A trials: the false-positive rate stays at or below alpha", "[compare][acceptance]") {
  constexpr std::size_t trials = 1000;
  compare_options options;  // tolerance 5 %, alpha 0.05
  noise_model log_normal;
  const double regressed = rate_of(verdict::regressed, log_normal, 1.0, 20, options, trials, 101);
  const double improved = rate_of(verdict::improved, log_normal, 1.0, 20, options, trials, 101);
  CHECK(regressed + improved <= options.alpha);

  noise_model bimodal;
  bimodal.bimodal = true;
  CHECK(rate_of(verdict::regressed, bimodal, 1.0, 20, options, trials, 102) +
            rate_of(verdict::improved, bimodal, 1.0, 20, options, trials, 102) <=
        options.alpha);

  // With no tolerance only the test stands between noise and a flag: its rate is alpha's.
  options.tolerance = 0;
  const double flagged = rate_of(verdict::regressed, log_normal, 1.0, 20, options, trials, 103) +
                         rate_of(verdict::improved, log_normal, 1.0, 20, options, trials, 103);
  CHECK(flagged <= options.alpha + 0.015);
  CHECK(flagged >= options.alpha - 0.03);
  const double flagged_bimodal =
      rate_of(verdict::regressed, bimodal, 1.0, 20, options, trials, 104) +
      rate_of(verdict::improved, bimodal, 1.0, 20, options, trials, 104);
  CHECK(flagged_bimodal <= options.alpha + 0.015);
}

TEST_CASE("a 5 % slowdown at 3 % CV with 20 repetitions is detected at a 2 % tolerance",
          "[compare][acceptance]") {
  compare_options options;
  options.tolerance = 0.02;
  const noise_model log_normal;
  CHECK(rate_of(verdict::regressed, log_normal, 1.05, 20, options, 1000, 201) >= 0.95);
}

TEST_CASE("the gate's exit status: not comparable, failures, a blind design, inconclusive rows",
          "[compare][gate]") {
  using metron::analysis::gate_exit_status;
  metron::analysis::comparison_report report;
  report.rows.resize(2);
  report.rows[0].result = verdict::unchanged;
  report.rows[1].result = verdict::inconclusive;
  CHECK(gate_exit_status(report, {}) == 0);
  CHECK(gate_exit_status(report, {.fail_on_inconclusive = true}) == 3);

  report.removed = {"BM_gone"};
  CHECK(gate_exit_status(report, {}) == 0);
  CHECK(gate_exit_status(report, {.fail_on_removed = true, .fail_on_inconclusive = true}) == 1);

  metron::analysis::comparability_issue cpus;
  cpus.what = "CPU count";
  cpus.field = "num_cpus";
  report.issues.push_back(cpus);
  CHECK(gate_exit_status(report, {.fail_on_removed = true}) == 1);
  CHECK(gate_exit_status(report, {.strict = true, .fail_on_removed = true}) == 2);

  report.issues.clear();
  report.removed.clear();
  report.rows[0].result = verdict::regressed;
  CHECK(gate_exit_status(report, {.fail_on_inconclusive = true}) == 1);
  report.rows[0].result = verdict::improved;
  metron::analysis::failed_benchmark broken;
  broken.name = "BM_fetch";
  broken.in_candidate = true;
  broken.ran_in_baseline = true;
  report.failures.push_back(broken);
  CHECK(gate_exit_status(report, {}) == 1);

  // A design that cannot flag some gating row: after failures, before inconclusive rows.
  report.failures.clear();
  report.blind_repetitions = 6;
  CHECK(gate_exit_status(report, {}) == 3);
  CHECK(gate_exit_status(report, {.allow_blind = true}) == 0);
  report.rows[0].result = verdict::regressed;
  CHECK(gate_exit_status(report, {}) == 1);
  // An informative row's regression does not fail the gate.
  report.blind_repetitions = 0;
  report.rows[0].informative = true;
  CHECK(gate_exit_status(report, {}) == 0);
}

namespace {

/// The moments of `values`, as an aggregates-only file would report them (the mean as median).
metron::analysis::reported_sample reported_of(const std::vector<double>& values) {
  const metron::analysis::sample_moments moments = metron::analysis::moments_of(values);
  return {moments, moments.mean};
}

}  // namespace

TEST_CASE("aggregates-only files are compared by Welch's test on their reported moments",
          "[compare][aggregates]") {
  const std::string directory = std::string(METRON_TEST_FIXTURES) + "/google_benchmark/";
  const std::vector<metron::analysis::run_input> baseline = {
      metron::analysis::read_run(directory + "v1_7_aggregates_only.json")};
  const std::vector<metron::analysis::run_input> candidate = {
      metron::analysis::read_run(directory + "v1_7_aggregates_only_slower.json")};
  const auto report = metron::analysis::compare_runs(baseline, candidate);
  REQUIRE(report.rows.size() == 3);
  const comparison& time = report.rows[0];
  CHECK(time.name == "BM_admit");
  CHECK(time.from_aggregates);
  CHECK(time.test == metron::analysis::test_kind::welch);
  CHECK(time.method == metron::analysis::interval_method::welch);
  CHECK(time.baseline.n == 10);
  CHECK(time.baseline.median == Approx(4880));  // shown as reported
  CHECK(time.change == Approx(5.60 / 4.91 - 1.0));
  // scipy.stats.ttest_ind_from_stats(5.60, 0.13, 10, 4.91, 0.12, 10, equal_var=False)
  CHECK(time.p_value == Approx(3.5131578323370167e-10).epsilon(1e-6));
  CHECK(time.result == verdict::regressed);
  CHECK(report.rows[1].name == "BM_admit:cpu_time");
  CHECK(report.rows[1].result == verdict::regressed);
  CHECK(report.rows[2].name == "BM_admit:items_per_second");
  CHECK(report.rows[2].result == verdict::regressed);  // fewer items per second is worse

  // The same file on both sides: nothing changed, and the interval says so.
  const auto same = metron::analysis::compare_runs(baseline, baseline);
  CHECK(same.rows[0].result == verdict::unchanged);
  CHECK(same.rows[0].from_aggregates);
}

TEST_CASE("reported moments: no repetition count is inconclusive, never one sample",
          "[compare][aggregates]") {
  metron::analysis::reported_sample unknown{{0, 4910, 120}, 4880};
  const metron::analysis::reported_sample known{{10, 5600, 130}, 5570};
  const comparison row = metron::analysis::compare_reported(unknown, known, better::lower);
  CHECK(row.result == verdict::inconclusive);
  CHECK(row.from_aggregates);
  CHECK_THAT(row.note, Catch::Contains("--benchmark_repetitions"));
  unknown.moments.n = 10;
  CHECK(metron::analysis::compare_reported(unknown, known, better::lower).result ==
        verdict::regressed);
}

TEST_CASE("reported moments: A/A false positives at most alpha, a 10 % slowdown found",
          "[compare][aggregates][acceptance]") {
  constexpr std::size_t trials = 400;
  std::mt19937_64 generator(301);
  const noise_model model;  // log-normal, 3 % CV, 3 % of runs preempted
  // Means are not robust: one preempted run in ten moves a mean by 3-10 %. The power is shown on
  // runs without preemption; the false-positive rates hold with it.
  noise_model steady;
  steady.outlier_rate = 0;
  compare_options no_tolerance;
  no_tolerance.tolerance = 0;
  std::size_t false_positives = 0;
  std::size_t significant = 0;
  std::size_t detected = 0;
  const auto flagged = [](verdict result) {
    return result == verdict::regressed || result == verdict::improved ? std::size_t{1}
                                                                       : std::size_t{0};
  };
  for (std::size_t trial = 0; trial < trials; ++trial) {
    const auto baseline = reported_of(draw(generator, model, 10));
    const auto same = reported_of(draw(generator, model, 10));
    const auto steady_baseline = reported_of(draw(generator, steady, 10));
    const auto slower = reported_of(scaled(draw(generator, steady, 10), 1.10));
    false_positives +=
        flagged(metron::analysis::compare_reported(baseline, same, better::lower).result);
    significant += flagged(
        metron::analysis::compare_reported(baseline, same, better::lower, no_tolerance).result);
    detected += metron::analysis::compare_reported(steady_baseline, slower, better::lower).result ==
                        verdict::regressed
                    ? std::size_t{1}
                    : std::size_t{0};
  }
  const auto rate = [](std::size_t count) { return static_cast<double>(count) / trials; };
  INFO("false positives " << rate(false_positives) << ", at no tolerance " << rate(significant)
                          << ", power " << rate(detected));
  CHECK(rate(false_positives) <= 0.05);
  // With no tolerance only the test decides: its rate is alpha's, 5 % ± 1.1 % in 400 trials.
  CHECK(rate(significant) >= 0.025);
  CHECK(rate(significant) <= 0.075);
  CHECK(rate(detected) >= 0.95);
}
