// Tests of benchmark specifications: a full spec parsed field by field, and every validation error.
#include <metron/spec/detail/closest_names.hpp>

#include <metron/error.hpp>
#include <metron/spec/spec.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using metron::analysis::benchmark_spec;
using metron::analysis::kpi_kind;
using metron::analysis::kpi_spec;
using metron::analysis::parse_spec;

const std::string full_spec = R"(suite: ledger
description: The ledger's hot paths
defaults:
  tolerance: 3%
  test: welch
  alpha: 0.01
  min_samples: 10
metrics:
  apply:
    probe: ledger::apply
  apply_cpu:
    probe: ledger::apply
    field: cpu_time_ns
  hashing:
    probe_regex: "ledger::hash.*"
  sort:
    benchmark: BM_sort/1024
    field: cpu_time
    unit: us
  sorts:
    benchmark_regex: "BM_sort/.*"
kpis:
  apply_p99:
    metric: apply
    statistic: p99.9
    unit: us
    better: lower
    threshold: 2 ms
    tolerance: 500 ns
    test: bootstrap
    alpha: 0.05
    min_samples: 100
  sort_median:
    metric: sort
  blocks_per_second:
    rate: block.forged
    unit: /s
    threshold: 0.5
    better: higher
  block_interval:
    interval: block.forged
    statistic: mean
    unit: s
  propagation:
    span: {from: block.forged, to: block.adopted, key: block}
    statistic: p90
    threshold: 800 ms
  hash_share:
    ratio:
      numerator: hashing
      denominator: apply
    statistic: mean
    threshold: 0.5
)";

// The message of the input_error that parsing `text` throws, or "" when it parses.
std::string error_of(const std::string& text) {
  try {
    static_cast<void>(parse_spec(text, "specs/test.yaml"));
  } catch (const metron::input_error& error) {
    return error.what();
  }
  return "";
}

const kpi_spec& kpi_named(const benchmark_spec& spec, const std::string& name) {
  for (const kpi_spec& kpi : spec.kpis) {
    if (kpi.name == name) {
      return kpi;
    }
  }
  FAIL("no KPI " << name);
  throw std::logic_error("unreachable");
}

// A minimal valid spec with `kpi_body` as the body of its one KPI (indented by four spaces).
std::string with_kpi(const std::string& kpi_body) {
  return "suite: s\nmetrics:\n  m:\n    probe: p\n  n:\n    probe: q\nkpis:\n  k:\n" + kpi_body;
}

}  // namespace

TEST_CASE("a full spec parses into its metrics and KPIs", "[analysis][spec]") {
  const benchmark_spec spec = parse_spec(full_spec, "specs/ledger.yaml");
  CHECK(spec.file == "specs/ledger.yaml");
  CHECK(spec.suite == "ledger");
  CHECK(spec.description == "The ledger's hot paths");
  REQUIRE(spec.metrics.size() == 5);
  CHECK(spec.metrics[0].name == "apply");
  CHECK(spec.metrics[0].source == metron::analysis::metric_source::probe);
  CHECK(spec.metrics[0].pattern == "ledger::apply");
  CHECK_FALSE(spec.metrics[0].regex);
  CHECK(spec.metrics[0].field.empty());
  CHECK(spec.metrics[0].where.line == 9);
  CHECK(spec.metrics[1].field == "cpu_time_ns");
  CHECK(spec.metrics[2].regex);
  CHECK(spec.metrics[3].source == metron::analysis::metric_source::benchmark);
  CHECK(spec.metrics[3].field == "cpu_time");
  CHECK(spec.metrics[3].unit == "us");
  CHECK(spec.metrics[0].unit.empty());
  CHECK(spec.metrics[4].regex);
  CHECK(spec.metrics[4].field == "real_time");
  REQUIRE(spec.kpis.size() == 6);

  const kpi_spec& tail = kpi_named(spec, "apply_p99");
  CHECK(tail.kind == kpi_kind::metric);
  CHECK(tail.metric == "apply");
  CHECK(tail.stat == metron::analysis::statistic::p99_9);
  REQUIRE(tail.value_unit);
  CHECK(tail.value_unit->name == "us");
  CHECK(tail.direction == metron::analysis::better::lower);
  REQUIRE(tail.threshold);
  CHECK(*tail.threshold == Approx(2000.0));  // 2 ms in µs
  REQUIRE(tail.tolerance);
  CHECK_FALSE(tail.tolerance->percent);
  CHECK(tail.tolerance->value == Approx(0.5));  // 500 ns in µs
  CHECK(tail.test == metron::analysis::test_kind::bootstrap);
  CHECK(tail.alpha == Approx(0.05));
  CHECK(tail.min_samples == 100);
  CHECK(tail.where.line == 23);

  // The defaults fill what a KPI leaves out; the statistic defaults to the median.
  const kpi_spec& sort = kpi_named(spec, "sort_median");
  CHECK(sort.stat == metron::analysis::statistic::median);
  CHECK_FALSE(sort.value_unit);
  CHECK_FALSE(sort.direction);
  CHECK_FALSE(sort.threshold);
  REQUIRE(sort.tolerance);
  CHECK(sort.tolerance->percent);
  CHECK(sort.tolerance->value == Approx(3.0));
  CHECK(sort.test == metron::analysis::test_kind::welch);
  CHECK(sort.alpha == Approx(0.01));
  CHECK(sort.min_samples == 10);

  const kpi_spec& rate = kpi_named(spec, "blocks_per_second");
  CHECK(rate.kind == kpi_kind::rate);
  CHECK(rate.event == "block.forged");
  CHECK(rate.stat == metron::analysis::statistic::rate);
  CHECK(rate.value_unit->dimension == metron::analysis::unit_dimension::rate);

  const kpi_spec& interval = kpi_named(spec, "block_interval");
  CHECK(interval.kind == kpi_kind::interval);
  CHECK(interval.event == "block.forged");
  CHECK(interval.value_unit->to_base == Approx(1e9));

  // A threshold with a unit gives a KPI without one its unit.
  const kpi_spec& span = kpi_named(spec, "propagation");
  CHECK(span.kind == kpi_kind::span);
  CHECK(span.from_event == "block.forged");
  CHECK(span.to_event == "block.adopted");
  CHECK(span.key == "block");
  CHECK(span.stat == metron::analysis::statistic::p90);
  REQUIRE(span.value_unit);
  CHECK(span.value_unit->name == "ms");
  CHECK(*span.threshold == Approx(800.0));

  const kpi_spec& ratio = kpi_named(spec, "hash_share");
  CHECK(ratio.kind == kpi_kind::ratio);
  CHECK(ratio.numerator == "hashing");
  CHECK(ratio.denominator == "apply");
  CHECK(*ratio.threshold == Approx(0.5));
}

TEST_CASE("without defaults, the comparator's settings stay unset", "[analysis][spec]") {
  const benchmark_spec spec = parse_spec(with_kpi("    metric: m\n"), "s.yaml");
  REQUIRE(spec.kpis.size() == 1);
  CHECK_FALSE(spec.kpis[0].tolerance);
  CHECK_FALSE(spec.kpis[0].test);
  CHECK_FALSE(spec.kpis[0].alpha);
  CHECK(spec.kpis[0].min_samples == 1);
}

TEST_CASE("units convert within their dimension", "[analysis][spec]") {
  CHECK(metron::analysis::parse_unit("ns").to_base == 1.0);
  CHECK(metron::analysis::parse_unit("us").to_base == 1e3);
  CHECK(metron::analysis::parse_unit("µs").to_base == 1e3);
  CHECK(metron::analysis::parse_unit("ms").to_base == 1e6);
  CHECK(metron::analysis::parse_unit("s").to_base == 1e9);
  CHECK(metron::analysis::parse_unit("/ms").to_base == 1e3);
  CHECK(metron::analysis::parse_unit("/min").to_base == Approx(1.0 / 60.0));
  CHECK(metron::analysis::parse_unit("bytes").dimension == metron::analysis::unit_dimension::other);

  const auto threshold_of = [](const std::string& unit, const std::string& threshold) {
    const benchmark_spec spec = parse_spec(
        with_kpi("    metric: m\n    unit: " + unit + "\n    threshold: " + threshold + "\n"),
        "s.yaml");
    return *spec.kpis[0].threshold;
  };
  CHECK(threshold_of("ns", "1.5 us") == Approx(1500.0));
  CHECK(threshold_of("ms", "250us") == Approx(0.25));
  CHECK(threshold_of("s", "1e3 ms") == Approx(1.0));
  CHECK(threshold_of("us", "42") == Approx(42.0));
  CHECK(threshold_of("bytes", "4096 bytes") == Approx(4096.0));
}

TEST_CASE("every statistic round-trips through its spelling", "[analysis][spec]") {
  for (const char* name : {"count", "sum", "mean", "median", "p50", "p75", "p90", "p95", "p96",
                           "p99", "p99.9", "min", "max", "stddev", "mad", "cv", "rate", "last"}) {
    const auto parsed = metron::analysis::parse_statistic(name);
    REQUIRE(parsed);
    CHECK(metron::analysis::to_string(*parsed) == name);
  }
  CHECK_FALSE(metron::analysis::parse_statistic("p999"));
}

TEST_CASE("validation errors name the file, the line and the key", "[analysis][spec]") {
  struct bad_case {
    const char* what;
    std::string text;
    const char* message;
  };
  const bad_case cases[] = {
      {"malformed YAML", "suite: [a, b\n", "specs/test.yaml:2: malformed YAML: "},
      {"not a mapping", "- a\n- b\n", "specs/test.yaml:1: a spec is a mapping"},
      {"unknown top-level key", "suite: s\nkpi:\n  k: {rate: e}\n",
       "specs/test.yaml:2: kpi: unknown key 'kpi'; did you mean 'kpis'?; expected one of suite, "
       "description, defaults, metrics, kpis, directions"},
      {"duplicate top-level key", "suite: s\nsuite: t\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:2: suite: duplicate key 'suite'"},
      {"missing suite", "kpis:\n  k: {rate: e}\n", "specs/test.yaml:1: suite: missing key 'suite'"},
      {"empty suite", "suite: ''\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:1: suite: the suite needs a name"},
      {"suite not a string", "suite: [a]\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:1: suite: expected a string"},
      {"missing kpis", "suite: s\nmetrics:\n  m: {probe: p}\n",
       "specs/test.yaml:1: kpis: missing key 'kpis'"},
      {"empty kpis", "suite: s\nkpis:\n",
       "specs/test.yaml:2: kpis: expected a mapping from KPI names"},
      {"kpis a list", "suite: s\nkpis:\n  - rate: e\n",
       "specs/test.yaml:3: kpis: expected a mapping from KPI names"},
      {"metrics a list", "suite: s\nmetrics: [a]\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:2: metrics: expected a mapping"},
      {"metric without a choice", "suite: s\nmetrics:\n  m:\n    field: x\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:3: metrics.m: missing what it chooses"},
      {"metric with two choices",
       "suite: s\nmetrics:\n  m:\n    probe: a\n    benchmark: b\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:3: metrics.m: choose with only one of"},
      {"metric body not a mapping", "suite: s\nmetrics:\n  m: p\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:3: metrics.m: expected a mapping with one of probe"},
      {"unknown metric key", "suite: s\nmetrics:\n  m:\n    prob: a\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:4: metrics.m.prob: unknown key 'prob'; did you mean 'probe'"},
      {"duplicate metric",
       "suite: s\nmetrics:\n  m: {probe: a}\n  m: {probe: b}\nkpis:\n  k: "
       "{rate: e}\n",
       "specs/test.yaml:4: metrics.m: duplicate metric 'm'"},
      {"empty probe name", "suite: s\nmetrics:\n  m: {probe: ' '}\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:3: metrics.m.probe: expected a name, found an empty string"},
      {"bad regex", "suite: s\nmetrics:\n  m:\n    probe_regex: 'a('\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:4: metrics.m.probe_regex: invalid regular expression 'a('"},
      {"empty metric unit",
       "suite: s\nmetrics:\n  m:\n    probe: a\n    unit: ''\nkpis:\n  k: "
       "{rate: e}\n",
       "specs/test.yaml:5: metrics.m.unit: expected a unit"},
      {"unknown defaults key", "suite: s\ndefaults:\n  unit: us\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:3: defaults.unit: unknown key 'unit'"},
      {"absolute default tolerance",
       "suite: s\ndefaults:\n  tolerance: 2 us\nkpis:\n  k: {rate: "
       "e}\n",
       "specs/test.yaml:3: defaults.tolerance: a default tolerance must be a percentage"},
      {"defaults not a mapping", "suite: s\ndefaults: 5\nkpis:\n  k: {rate: e}\n",
       "specs/test.yaml:2: defaults: expected a mapping"},
      {"KPI body not a mapping", "suite: s\nkpis:\n  k: 5\n",
       "specs/test.yaml:3: kpis.k: expected a mapping with one of metric, rate"},
      {"duplicate KPI", "suite: s\nkpis:\n  k: {rate: e}\n  k: {rate: f}\n",
       "specs/test.yaml:4: kpis.k: duplicate KPI 'k'"},
      {"KPI measuring nothing", with_kpi("    statistic: mean\n"),
       "specs/test.yaml:9: kpis.k: missing what it measures"},
      {"KPI measuring two things", with_kpi("    metric: m\n    rate: e\n"),
       "specs/test.yaml:9: kpis.k: a KPI measures one thing"},
      {"unknown KPI key", with_kpi("    metric: m\n    threshhold: 5\n"),
       "specs/test.yaml:10: kpis.k.threshhold: unknown key 'threshhold'; did you mean "
       "'threshold'"},
      {"field on a KPI", with_kpi("    metric: m\n    field: cpu_time\n"),
       "specs/test.yaml:10: kpis.k.field: 'field' belongs to a metric"},
      {"unknown metric reference", with_kpi("    metric: mm\n"),
       "specs/test.yaml:9: kpis.k.metric: unknown metric 'mm'; did you mean 'm'?; the spec "
       "defines m, n"},
      {"metric reference without metrics", "suite: s\nkpis:\n  k:\n    metric: m\n",
       "specs/test.yaml:4: kpis.k.metric: unknown metric 'm': the spec defines no metrics"},
      {"unknown statistic", with_kpi("    metric: m\n    statistic: p999\n"),
       "specs/test.yaml:10: kpis.k.statistic: unknown statistic 'p999'; expected one of count, "
       "sum, mean, median, p50, p75, p90, p95, p96, p99, p99.9, min, max, stddev, mad, cv, rate, "
       "last"},
      {"statistic on a rate", with_kpi("    rate: e\n    statistic: mean\n"),
       "specs/test.yaml:10: kpis.k.statistic: a rate KPI reports events per unit of time"},
      {"rate of an interval", with_kpi("    interval: e\n    statistic: rate\n"),
       "specs/test.yaml:10: kpis.k.statistic: 'rate' is a statistic of a metric's records"},
      {"empty unit", with_kpi("    metric: m\n    unit: ''\n"),
       "specs/test.yaml:10: kpis.k.unit: expected a unit"},
      {"unit on a count", with_kpi("    metric: m\n    statistic: count\n    unit: us\n"),
       "specs/test.yaml:11: kpis.k.unit: a 'count' has no unit"},
      {"unit on a ratio", with_kpi("    ratio: {numerator: m, denominator: n}\n    unit: us\n"),
       "specs/test.yaml:10: kpis.k.unit: a ratio has no unit"},
      {"time unit on a rate", with_kpi("    rate: e\n    unit: ms\n"),
       "specs/test.yaml:10: kpis.k.unit: a rate is counted per unit of time"},
      {"rate unit on a span", with_kpi("    span: {from: a, to: b, key: h}\n    unit: /s\n"),
       "specs/test.yaml:10: kpis.k.unit: intervals and spans are durations"},
      {"unknown direction", with_kpi("    metric: m\n    better: smaller\n"),
       "specs/test.yaml:10: kpis.k.better: unknown direction 'smaller'; expected lower or higher"},
      {"threshold not a number", with_kpi("    metric: m\n    threshold: fast\n"),
       "specs/test.yaml:10: kpis.k.threshold: expected a number, optionally with a unit"},
      {"threshold a percentage", with_kpi("    metric: m\n    threshold: 5%\n"),
       "specs/test.yaml:10: kpis.k.threshold: expected a number, optionally with a unit"},
      {"threshold infinite", with_kpi("    metric: m\n    threshold: .inf\n"),
       "specs/test.yaml:10: kpis.k.threshold: expected a finite number"},
      {"threshold NaN with a unit", with_kpi("    metric: m\n    threshold: nan us\n"),
       "specs/test.yaml:10: kpis.k.threshold: expected a finite number"},
      {"threshold of another dimension",
       with_kpi("    metric: m\n    unit: us\n    threshold: 5 "
                "/s\n"),
       "specs/test.yaml:11: kpis.k.threshold: '/s' does not convert to the KPI's unit 'us'"},
      {"threshold of another unit",
       with_kpi("    metric: m\n    unit: bytes\n    threshold: 5 "
                "items\n"),
       "specs/test.yaml:11: kpis.k.threshold: 'items' does not convert to the KPI's unit 'bytes'"},
      {"threshold a list", with_kpi("    metric: m\n    threshold: [1]\n"),
       "specs/test.yaml:10: kpis.k.threshold: expected a number"},
      {"negative tolerance", with_kpi("    metric: m\n    tolerance: -5%\n"),
       "specs/test.yaml:10: kpis.k.tolerance: a tolerance is a finite amount, zero or more"},
      {"tolerance not an amount", with_kpi("    metric: m\n    tolerance: some\n"),
       "specs/test.yaml:10: kpis.k.tolerance: expected a percentage ('5%') or an amount"},
      {"tolerance with a unit but no KPI unit", with_kpi("    metric: m\n    tolerance: 2 us\n"),
       "specs/test.yaml:10: kpis.k.tolerance: the KPI has no unit to convert 'us' into"},
      {"unknown test", with_kpi("    metric: m\n    test: t-test\n"),
       "specs/test.yaml:10: kpis.k.test: unknown test 't-test'; expected one of mann-whitney, "
       "welch, bootstrap"},
      {"alpha out of range", with_kpi("    metric: m\n    alpha: 1.5\n"),
       "specs/test.yaml:10: kpis.k.alpha: alpha is a significance level between 0 and 1"},
      {"alpha not a number", with_kpi("    metric: m\n    alpha: '0.05'\n"),
       "specs/test.yaml:10: kpis.k.alpha: expected a number"},
      {"alpha NaN", with_kpi("    metric: m\n    alpha: nan\n"),
       "specs/test.yaml:10: kpis.k.alpha: expected a finite number"},
      {"fractional min_samples", with_kpi("    metric: m\n    min_samples: 2.5\n"),
       "specs/test.yaml:10: kpis.k.min_samples: expected a whole number of samples, 1 or more"},
      {"zero min_samples", with_kpi("    metric: m\n    min_samples: 0\n"),
       "specs/test.yaml:10: kpis.k.min_samples: expected a whole number of samples, 1 or more"},
      {"span without a key", with_kpi("    span: {from: a, to: b}\n"),
       "specs/test.yaml:9: kpis.k.span.key: missing key 'key'"},
      {"span with an unknown key", with_kpi("    span: {from: a, to: b, key: h, by: x}\n"),
       "specs/test.yaml:9: kpis.k.span.by: unknown key 'by'"},
      {"span a string", with_kpi("    span: a\n"),
       "specs/test.yaml:9: kpis.k.span: expected a mapping with from, to and key"},
      {"ratio of an unknown metric", with_kpi("    ratio: {numerator: m, denominator: x}\n"),
       "specs/test.yaml:9: kpis.k.ratio.denominator: unknown metric 'x'"},
      {"ratio without a denominator", with_kpi("    ratio:\n      numerator: m\n"),
       "specs/test.yaml:10: kpis.k.ratio.denominator: missing key 'denominator'"},
      {"empty event name", with_kpi("    interval: ''\n"),
       "specs/test.yaml:9: kpis.k.interval: expected a name, found an empty string"},
      {"key not a scalar", "suite: s\nkpis:\n  [a]: {rate: e}\n",
       "specs/test.yaml:3: kpis: a key must be a plain name"},
      {"unknown declared direction", "suite: s\ndirections:\n  \"*:hit_rate\": up\n",
       "specs/test.yaml:3: directions.*:hit_rate: unknown direction 'up'; expected lower or "
       "higher"},
      {"declared direction unknown", "suite: s\ndirections:\n  BM_a: unknown\n",
       "specs/test.yaml:3: directions.BM_a: unknown direction 'unknown'; expected lower or higher"},
      {"declared direction not a string", "suite: s\ndirections:\n  BM_a: [higher]\n",
       "specs/test.yaml:3: directions.BM_a: expected a string"},
      {"directions a list", "suite: s\ndirections:\n  - BM_a\n",
       "specs/test.yaml:3: directions: expected a mapping from metric names or globs"},
      {"empty directions and no KPIs", "suite: s\ndirections: {}\n",
       "specs/test.yaml:2: directions: expected a mapping from metric names or globs"},
      {"duplicate pattern", "suite: s\ndirections:\n  BM_a: higher\n  BM_a: lower\n",
       "specs/test.yaml:4: directions.BM_a: duplicate pattern 'BM_a'"},
      {"empty pattern", "suite: s\ndirections:\n  '': higher\n",
       "specs/test.yaml:3: directions.: expected a metric name or a glob"},
  };
  for (const bad_case& bad : cases) {
    INFO(bad.what << "\n" << bad.text);
    const std::string message = error_of(bad.text);
    CHECK_THAT(message, Catch::StartsWith(bad.message));
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("declared directions: names and globs in the order written, KPIs optional",
          "[analysis][spec]") {
  using metron::analysis::better;
  using metron::analysis::declared_direction;
  const benchmark_spec spec = parse_spec(R"(suite: search
directions:
  "BM_search/1024:hit_rate": lower
  "*:hit_rate": higher
  "BM_?:misses": lower
  "BM_cache*": lower
)",
                                         "specs/search.yaml");
  CHECK(spec.kpis.empty());
  REQUIRE(spec.directions.size() == 4);
  CHECK(spec.directions[1].pattern == "*:hit_rate");
  CHECK(spec.directions[1].direction == better::higher);
  CHECK(spec.directions[1].where.file == "specs/search.yaml");
  CHECK(spec.directions[1].where.line == 4);
  // The first entry that matches the whole name wins.
  CHECK(declared_direction(spec.directions, "BM_search/1024:hit_rate") == better::lower);
  CHECK(declared_direction(spec.directions, "BM_search/64:hit_rate") == better::higher);
  CHECK(declared_direction(spec.directions, "BM_x:misses") == better::lower);
  CHECK_FALSE(declared_direction(spec.directions, "BM_xy:misses"));
  CHECK(declared_direction(spec.directions, "BM_cache/8:evictions") == better::lower);
  CHECK_FALSE(declared_direction(spec.directions, "BM_search/64:hit_rate_total"));
  CHECK_FALSE(declared_direction(spec.directions, "BM_search/64"));

  const std::vector<metron::analysis::direction_rule> stars = {{"**a*b**", better::higher, {}}};
  CHECK(declared_direction(stars, "xaxxbx") == better::higher);
  CHECK(declared_direction(stars, "ab") == better::higher);
  CHECK_FALSE(declared_direction(stars, "ba"));
}

TEST_CASE("a quoted value with line breaks stays on one line in a message", "[analysis][spec]") {
  CHECK(error_of(with_kpi("    metric: m\n    test: \"t\\ntest\\t\\x01\"\n")) ==
        "specs/test.yaml:10: kpis.k.test: unknown test 't\\ntest\\t\\x01'; expected one of "
        "mann-whitney, welch, bootstrap");
}

TEST_CASE("the empty value of a key is reported at the key's line", "[analysis][spec]") {
  CHECK_THAT(error_of(with_kpi("    metric:\n    statistic: mean\n")),
             Catch::StartsWith("specs/test.yaml:9: kpis.k.metric: expected a string"));
}

TEST_CASE("load_spec names a file it cannot open", "[analysis][spec]") {
  try {
    static_cast<void>(metron::analysis::load_spec("/nonexistent/spec.yaml"));
    FAIL("no error");
  } catch (const metron::input_error& error) {
    CHECK_THAT(error.what(), Catch::StartsWith("/nonexistent/spec.yaml: cannot open the spec: "));
  }
}

TEST_CASE("closest names rank by edit distance and leave out the far ones", "[analysis][spec]") {
  CHECK(metron::analysis::detail::edit_distance("kitten", "sitting") == 3);
  CHECK(metron::analysis::detail::edit_distance("", "abc") == 3);
  CHECK(metron::analysis::detail::edit_distance("same", "same") == 0);
  const std::vector<std::string> known = {"ledger.apply", "ledger.applied", "mempool.add",
                                          "wallet.sign"};
  CHECK(metron::analysis::detail::closest_names("ledger.appl", known) ==
        std::vector<std::string>{"ledger.apply", "ledger.applied"});
  CHECK(metron::analysis::detail::closest_names("ledger.aply", known) ==
        std::vector<std::string>{"ledger.apply"});
  // A name that contains the wanted one is shown however far it is.
  CHECK(metron::analysis::detail::closest_names("apply", known) ==
        std::vector<std::string>{"ledger.apply"});
  CHECK(metron::analysis::detail::closest_names("zzz", known).empty());
  CHECK(metron::analysis::detail::did_you_mean("zzz", known).empty());
  CHECK(metron::analysis::detail::did_you_mean("mempool.ad", known) ==
        "; did you mean 'mempool.add'?");
  // Within a third of the length, but much further than the nearest: left out.
  CHECK(metron::analysis::detail::closest_names("chain.block.forget",
                                                {"chain.block.adopted", "chain.block.forged"}) ==
        std::vector<std::string>{"chain.block.forged"});
}

TEST_CASE("a tolerance percentage and a test's name as the command line gives them", "[spec]") {
  using metron::analysis::parse_percentage;
  CHECK(parse_percentage("5%") == Approx(0.05));
  CHECK(parse_percentage("2.5 %") == Approx(0.025));
  CHECK(parse_percentage("7") == Approx(0.07));
  CHECK(parse_percentage("0") == 0.0);
  CHECK_FALSE(parse_percentage("-1%"));
  CHECK_FALSE(parse_percentage("1001%"));
  CHECK_FALSE(parse_percentage("five"));
  CHECK_FALSE(parse_percentage("5 ms"));
  CHECK_FALSE(parse_percentage("nan"));
  CHECK_FALSE(parse_percentage(""));

  using metron::analysis::test_kind;
  CHECK(metron::analysis::test_kind_named("welch") == test_kind::welch);
  CHECK(metron::analysis::test_kind_named("mann-whitney") == test_kind::mann_whitney);
  CHECK_FALSE(metron::analysis::test_kind_named("t-test"));
}
