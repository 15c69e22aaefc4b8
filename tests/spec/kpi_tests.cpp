// Tests of KPI evaluation: statistics, units, directions and derived KPIs on hand-made data.
#include <metron/error.hpp>
#include <metron/spec/kpi.hpp>
#include <metron/spec/spec.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace {

using metron::analysis::better;
using metron::analysis::dataset;
using metron::analysis::evaluate_kpis;
using metron::analysis::event;
using metron::analysis::kpi_report;
using metron::analysis::kpi_result;
using metron::analysis::kpi_status;
using metron::analysis::metric;
using metron::analysis::parse_spec;

metric make_metric(const std::string& name, std::vector<double> values,
                   const std::string& unit = "ns", better direction = better::lower) {
  metric m;
  m.name = name;
  m.entry = name.substr(0, name.find(':'));
  m.quantity = "duration";
  m.unit = unit;
  m.direction = direction;
  m.values = std::move(values);
  return m;
}

event make_event(const std::string& name, std::int64_t time_ns,
                 std::map<std::string, std::string, std::less<>> fields = {},
                 const std::string& node = "node-1") {
  event e;
  e.name = name;
  e.time_ns = time_ns;
  e.node = node;
  e.fields = std::move(fields);
  e.where = {"run.log", "line 1"};
  return e;
}

kpi_report evaluate(const std::string& spec_text, const dataset& data) {
  return evaluate_kpis(parse_spec(spec_text, "specs/test.yaml"), data);
}

kpi_result only(const kpi_report& report) {
  REQUIRE(report.results.size() == 1);
  return report.results.front();
}

std::string error_of(const std::string& spec_text, const dataset& data) {
  try {
    static_cast<void>(evaluate(spec_text, data));
  } catch (const metron::input_error& error) {
    return error.what();
  }
  return "";
}

// One to ten thousand ns: every statistic has a value known by hand.
dataset ledger_data() {
  dataset data;
  data.metrics.push_back(
      make_metric("ledger.apply", {1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}));
  data.metrics.push_back(make_metric("ledger.apply:cpu_time_ns", {500, 500, 500}));
  data.metrics.push_back(make_metric("mempool.add", {10, 20, 30}));
  data.metrics.push_back(make_metric("BM_push", {4, 6}, "ns"));
  data.metrics.push_back(
      make_metric("BM_push:items_per_second", {2e8, 3e8}, "1/s", better::higher));
  data.metrics.push_back(make_metric("BM_sort/8", {80}, "ns"));
  data.metrics.push_back(make_metric("BM_sort/64", {640}, "ns"));
  data.metrics.push_back(make_metric("ledger.utxo", {5, 9, 7}, "outputs"));
  return data;
}

const std::string ledger_metrics = R"(suite: ledger
metrics:
  apply:
    probe: ledger.apply
  apply_cpu:
    probe: ledger.apply
    field: cpu_time_ns
  push:
    benchmark: BM_push
  push_items:
    benchmark: BM_push
    field: items_per_second
  sorts:
    benchmark_regex: "BM_sort/[0-9]+"
  utxo:
    probe: ledger.utxo
  add:
    probe: mempool.add
kpis:
)";

double value_of(const std::string& kpi_body) {
  return only(evaluate(ledger_metrics + "  k:\n" + kpi_body, ledger_data())).value;
}

}  // namespace

TEST_CASE("each statistic of a metric has its known value", "[analysis][kpi]") {
  const auto stat = [](const std::string& name) {
    return value_of("    metric: apply\n    statistic: " + name + "\n");
  };
  CHECK(stat("count") == 10);
  CHECK(stat("sum") == 55000);
  CHECK(stat("mean") == Approx(5500));
  CHECK(stat("median") == Approx(5500));
  CHECK(stat("p50") == Approx(5500));
  // Type-7 quantiles: position p·(n−1) between order statistics.
  CHECK(stat("p75") == Approx(7750));
  CHECK(stat("p90") == Approx(9100));
  CHECK(stat("p95") == Approx(9550));
  CHECK(stat("p96") == Approx(9640));
  CHECK(stat("p99") == Approx(9910));
  CHECK(stat("p99.9") == Approx(9991));
  CHECK(stat("min") == 1000);
  CHECK(stat("max") == 10000);
  CHECK(stat("stddev") == Approx(3027.650354));
  CHECK(stat("mad") == Approx(2500));
  CHECK(stat("cv") == Approx(3027.650354 / 5500));
  CHECK(stat("last") == 10000);
}

TEST_CASE("values convert into the KPI's unit", "[analysis][kpi]") {
  const kpi_report report =
      evaluate(ledger_metrics + "  k:\n    metric: apply\n    statistic: max\n    unit: us\n",
               ledger_data());
  CHECK(only(report).value == Approx(10.0));
  CHECK(only(report).unit == "us");
  CHECK(only(report).values.front() == Approx(1.0));
  CHECK(value_of("    metric: apply\n    statistic: mean\n    unit: ms\n") == Approx(0.0055));
  CHECK(value_of("    metric: apply\n    statistic: count\n") == 10);
  // A throughput counter in 1/s converts to other rate units.
  CHECK(value_of("    metric: push_items\n    statistic: max\n    unit: /ms\n") == Approx(3e5));
  // Units outside time and rate must match the metric's.
  CHECK(value_of("    metric: utxo\n    statistic: last\n    unit: outputs\n") == 7);
}

TEST_CASE("a unit that does not apply to the metric is bad input", "[analysis][kpi]") {
  CHECK_THAT(error_of(ledger_metrics + "  k:\n    metric: utxo\n    unit: us\n", ledger_data()),
             Catch::StartsWith("specs/test.yaml:20: kpis.k.unit: 'us' does not apply to metric "
                               "'ledger.utxo', measured in 'outputs'"));
  CHECK_THAT(
      error_of(ledger_metrics + "  k:\n    metric: push_items\n    unit: ms\n", ledger_data()),
      Catch::StartsWith("specs/test.yaml:20: kpis.k.unit: 'ms' does not apply to metric "
                        "'BM_push:items_per_second', measured in '1/s'"));
}

TEST_CASE("a threshold passes on the better side and breaches on the worse", "[analysis][kpi]") {
  const auto status_of = [](const std::string& body) {
    return only(evaluate(ledger_metrics + "  k:\n" + body, ledger_data())).status;
  };
  CHECK(status_of("    metric: apply\n    statistic: max\n    threshold: 10 us\n") ==
        kpi_status::pass);  // equal to the threshold passes
  CHECK(status_of("    metric: apply\n    statistic: max\n    threshold: 9.999 us\n") ==
        kpi_status::breach);
  CHECK(status_of("    metric: apply\n    statistic: max\n") == kpi_status::unchecked);
  // Higher is better: from the metric's own direction, or the spec's.
  CHECK(status_of("    metric: push_items\n    statistic: min\n    threshold: 1e8\n") ==
        kpi_status::pass);
  CHECK(status_of("    metric: push_items\n    statistic: min\n    threshold: 2.5e8\n") ==
        kpi_status::breach);
  CHECK(
      status_of("    metric: add\n    statistic: mean\n    better: higher\n    threshold: 25\n") ==
      kpi_status::breach);

  const kpi_report report = evaluate(ledger_metrics +
                                         "  fast:\n    metric: apply\n    threshold: 6 us\n"
                                         "  slow:\n    metric: apply\n    threshold: 5 us\n",
                                     ledger_data());
  CHECK_FALSE(report.passed());
  CHECK(report.count(kpi_status::pass) == 1);
  CHECK(report.count(kpi_status::breach) == 1);
  CHECK(report.results[1].direction == better::lower);
  REQUIRE(report.results[1].threshold);
  // The threshold's unit became the KPI's.
  CHECK(*report.results[1].threshold == 5);
  CHECK(report.results[1].unit == "us");
  CHECK(report.results[1].value == Approx(5.5));
}

TEST_CASE("a spec declares the unit of values the inputs leave plain", "[analysis][kpi]") {
  dataset data = ledger_data();
  data.metrics.push_back(make_metric("BM_push:ns_per_op", {2e-8, 4e-8}, ""));
  const std::string spec =
      "suite: s\nmetrics:\n  op:\n    benchmark: BM_push\n"
      "    field: ns_per_op\n    unit: s\n"
      "  utxo:\n    probe: ledger.utxo\n    unit: s\n"
      "kpis:\n  k:\n    metric: op\n    unit: ns\n    statistic: max\n";
  CHECK(only(evaluate(spec, data)).value == Approx(40.0));
  const std::string contradicting = spec + "  u:\n    metric: utxo\n";
  CHECK(error_of(contradicting, data) ==
        "specs/test.yaml:7: metrics.utxo.unit: the inputs measure 'ledger.utxo' in 'outputs', not "
        "'s'; leave out 'unit'");
}

TEST_CASE(
    "a KPI's direction is declared, the inputs', or its spec unit's, and a threshold needs one",
    "[analysis][kpi]") {
  dataset data;
  data.metrics.push_back(make_metric("BM_q:hit_rate", {0.7, 0.8}, "", better::unknown));
  data.metrics.push_back(make_metric("BM_q:ns_per_op", {2e-8, 4e-8}, "", better::unknown));
  data.metrics.push_back(make_metric("BM_q:items_per_second", {2e8, 3e8}, "1/s", better::higher));
  const std::string metrics =
      "suite: s\nmetrics:\n"
      "  hits:\n    benchmark: BM_q\n    field: hit_rate\n"
      "  op:\n    benchmark: BM_q\n    field: ns_per_op\n    unit: s\n"
      "  items:\n    benchmark: BM_q\n    field: items_per_second\n";
  const kpi_report plain = evaluate(
      metrics + "kpis:\n  hits: {metric: hits}\n  op: {metric: op}\n  items: {metric: items}\n",
      data);
  REQUIRE(plain.results.size() == 3);
  CHECK(plain.results[0].direction == better::unknown);
  CHECK(plain.results[0].status == kpi_status::unchecked);
  CHECK(plain.results[1].direction == better::lower);  // the spec says seconds: a duration
  CHECK(plain.results[2].direction == better::higher);

  const kpi_report declared =
      evaluate(metrics +
                   "directions:\n  \"*:hit_rate\": higher\n  \"BM_q:items*\": lower\n"
                   "kpis:\n  hits: {metric: hits, threshold: 0.7}\n  items: {metric: items}\n"
                   "  own: {metric: items, better: higher}\n",
               data);
  REQUIRE(declared.results.size() == 3);
  CHECK(declared.results[0].direction == better::higher);
  CHECK(declared.results[0].status == kpi_status::pass);
  CHECK(declared.results[1].direction == better::lower);   // the spec wins over the inputs
  CHECK(declared.results[2].direction == better::higher);  // and the KPI's own over both

  CHECK_THAT(error_of(metrics + "kpis:\n  hits:\n    metric: hits\n    threshold: 0.9\n", data),
             Catch::StartsWith("specs/test.yaml:14: kpis.hits: which way 'BM_q:hit_rate' improves "
                               "is unknown, so its threshold cannot be judged; say 'better: "
                               "lower' or 'better: higher'"));
  CHECK(error_of("suite: s\ndirections:\n  BM_q: lower\n", data) ==
        "specs/test.yaml: the spec states no KPIs, only directions; add KPIs under 'kpis:', or "
        "give it to 'metron compare --directions' to compare metrics");
}

TEST_CASE("fields choose observables and counters", "[analysis][kpi]") {
  CHECK(value_of("    metric: apply_cpu\n    statistic: mean\n") == 500);
  CHECK(value_of("    metric: push\n    statistic: mean\n") == 5);
}

TEST_CASE("a regex metric gives one result per match, in name order", "[analysis][kpi]") {
  const kpi_report report =
      evaluate(ledger_metrics + "  sort:\n    metric: sorts\n    threshold: 100\n", ledger_data());
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].name == "sort[BM_sort/64]");
  CHECK(report.results[0].status == kpi_status::breach);
  CHECK(report.results[1].name == "sort[BM_sort/8]");
  CHECK(report.results[1].status == kpi_status::pass);
  CHECK(report.results[1].value == 80);
}

TEST_CASE("too few samples make a KPI insufficient, not a pass", "[analysis][kpi]") {
  const kpi_result result = only(evaluate(
      ledger_metrics + "  k:\n    metric: apply_cpu\n    threshold: 1 us\n    min_samples: 30\n",
      ledger_data()));
  CHECK(result.status == kpi_status::insufficient);
  CHECK(result.samples == 3);
  CHECK(result.value == Approx(0.5));  // still shown, in the threshold's µs
  CHECK(result.note == "3 samples, fewer than the 30 min_samples asks");

  dataset one = ledger_data();
  one.metrics[2].values = {10};
  const kpi_result stddev = only(evaluate(
      ledger_metrics + "  k:\n    metric: add\n    statistic: stddev\n    threshold: 5\n", one));
  CHECK(stddev.status == kpi_status::insufficient);
  CHECK(std::isnan(stddev.value));
  CHECK(stddev.note == "'stddev' needs at least 2 values, found 1");

  dataset empty = ledger_data();
  empty.metrics[2].values.clear();
  const kpi_result none =
      only(evaluate(ledger_metrics + "  k:\n    metric: add\n    threshold: 5\n", empty));
  CHECK(none.status == kpi_status::insufficient);
  CHECK(std::isnan(none.value));
  CHECK(none.note == "0 samples, fewer than the 1 min_samples asks");
}

TEST_CASE("a metric missing from the inputs is bad input with the closest names",
          "[analysis][kpi]") {
  const std::string spec =
      "suite: s\nmetrics:\n  apply:\n    probe: ledger.aply\nkpis:\n  k:\n"
      "    metric: apply\n";
  CHECK(error_of(spec, ledger_data()) ==
        "specs/test.yaml:3: metrics.apply.probe: no metric 'ledger.aply' in the inputs; did you "
        "mean 'ledger.apply'?");
  const std::string far =
      "suite: s\nmetrics:\n  x:\n    benchmark: BM_zzzzzzzz\nkpis:\n  k:\n"
      "    metric: x\n";
  CHECK(error_of(far, ledger_data()) ==
        "specs/test.yaml:3: metrics.x.benchmark: no metric 'BM_zzzzzzzz' in the inputs; the "
        "inputs hold ledger.apply, ledger.apply:cpu_time_ns, mempool.add, BM_push, "
        "BM_push:items_per_second, BM_sort/8, BM_sort/64, ledger.utxo");
  const std::string regex =
      "suite: s\nmetrics:\n  x:\n    probe_regex: 'wallet\\..*'\nkpis:\n"
      "  k:\n    metric: x\n";
  CHECK_THAT(error_of(regex, ledger_data()),
             Catch::StartsWith("specs/test.yaml:3: metrics.x.probe_regex: 'wallet\\..*' matches "
                               "no metric in the inputs; the inputs hold ledger.apply"));
  CHECK(error_of(spec, dataset{}) ==
        "specs/test.yaml:3: metrics.apply.probe: no metric 'ledger.aply' in the inputs; the "
        "inputs hold no metrics");
}

TEST_CASE("a name too long for a regex match is refused, not matched", "[analysis][kpi]") {
  dataset data = ledger_data();
  data.metrics.push_back(make_metric(std::string(2000, 'x'), {1}));
  data.metrics.back().origins.push_back({"big.json", "benchmarks[9]"});
  const std::string spec =
      "suite: s\nmetrics:\n  x:\n    benchmark_regex: 'x+'\nkpis:\n"
      "  k:\n    metric: x\n";
  CHECK(error_of(spec, data) ==
        "specs/test.yaml:3: metrics.x.benchmark_regex: a name of 2000 bytes in big.json is too "
        "long to match against a regular expression (at most 1024); choose it with its exact "
        "name");
}

TEST_CASE("a rate counts events per unit of time between the first and the last",
          "[analysis][kpi]") {
  dataset data;
  for (int i = 0; i <= 10; ++i) {
    data.events.push_back(make_event("block.forged", 1'000'000'000LL * 2 * i));  // every 2 s
  }
  data.events.push_back(make_event("tx.added", 5));
  const std::string spec = "suite: s\nkpis:\n  blocks:\n    rate: block.forged\n";
  const kpi_result result = only(evaluate(spec, data));
  CHECK(result.value == Approx(0.5));
  CHECK(result.unit == "/s");
  CHECK(result.samples == 11);
  CHECK(result.direction == better::higher);
  CHECK(result.status == kpi_status::unchecked);
  CHECK(only(evaluate(spec + "    unit: /min\n    threshold: 40\n", data)).value == Approx(30));
  CHECK(only(evaluate(spec + "    unit: /min\n    threshold: 40\n", data)).status ==
        kpi_status::breach);
  CHECK(only(evaluate(spec + "    threshold: 0.5\n", data)).status == kpi_status::pass);

  const kpi_result single =
      only(evaluate("suite: s\nkpis:\n  tx:\n    rate: tx.added\n    threshold: 1\n", data));
  CHECK(single.status == kpi_status::insufficient);
  CHECK(single.note == "a rate needs at least 2 events, found 1");
}

TEST_CASE("intervals are the times between successive events of a name", "[analysis][kpi]") {
  dataset data;
  // Out of order and from two nodes: merged in time order, 1 s, 3 s, 2 s apart.
  data.events.push_back(make_event("block.forged", 4'000'000'000, {}, "node-2"));
  data.events.push_back(make_event("block.forged", 0));
  data.events.push_back(make_event("block.forged", 6'000'000'000));
  data.events.push_back(make_event("block.forged", 1'000'000'000, {}, "node-2"));
  const std::string spec = "suite: s\nkpis:\n  gap:\n    interval: block.forged\n    unit: s\n";
  const kpi_result mean = only(evaluate(spec + "    statistic: mean\n", data));
  CHECK(mean.value == Approx(2.0));
  CHECK(mean.samples == 3);
  CHECK(mean.values == std::vector<double>{1.0, 3.0, 2.0});
  CHECK(only(evaluate(spec + "    statistic: max\n", data)).value == Approx(3.0));
  // Without a unit the intervals stay in ns.
  const kpi_result raw =
      only(evaluate("suite: s\nkpis:\n  gap:\n    interval: block.forged\n", data));
  CHECK(raw.unit == "ns");
  CHECK(raw.value == Approx(2e9));
}

TEST_CASE("a span runs from the first A to each B with the same key", "[analysis][kpi]") {
  using fields = std::map<std::string, std::string, std::less<>>;
  dataset data;
  // Block a forged at 0 ms, adopted by three nodes at 100, 300, 200 ms; forged again (ignored).
  data.events.push_back(make_event("block.forged", 0, fields{{"block", "a"}}, "n1"));
  data.events.push_back(make_event("block.adopted", 100'000'000, fields{{"block", "a"}}, "n2"));
  data.events.push_back(make_event("block.adopted", 300'000'000, fields{{"block", "a"}}, "n3"));
  data.events.push_back(make_event("block.adopted", 200'000'000, fields{{"block", "a"}}, "n4"));
  data.events.push_back(make_event("block.forged", 50'000'000, fields{{"block", "a"}}, "n5"));
  // Block b forged at 1 s and adopted once, 400 ms later.
  data.events.push_back(make_event("block.forged", 1'000'000'000, fields{{"block", "b"}}, "n2"));
  data.events.push_back(make_event("block.adopted", 1'400'000'000, fields{{"block", "b"}}, "n1"));
  // Block c never adopted; an adoption of an unknown block; an adoption without the field.
  data.events.push_back(make_event("block.forged", 2'000'000'000, fields{{"block", "c"}}, "n1"));
  data.events.push_back(make_event("block.adopted", 2'100'000'000, fields{{"block", "z"}}, "n1"));
  data.events.push_back(make_event("block.adopted", 2'200'000'000, fields{{"other", "a"}}, "n1"));

  const std::string spec =
      "suite: s\nkpis:\n  propagation:\n"
      "    span: {from: block.forged, to: block.adopted, key: block}\n"
      "    unit: ms\n";
  const kpi_result max = only(evaluate(spec + "    statistic: max\n    threshold: 350\n", data));
  CHECK(max.values == std::vector<double>{100.0, 200.0, 300.0, 400.0});
  CHECK(max.value == Approx(400.0));
  CHECK(max.status == kpi_status::breach);
  CHECK(max.samples == 4);
  CHECK(max.source == "block.forged → block.adopted by block");
  CHECK(max.note ==
        "1 of 3 keys never reached 'block.adopted'; 1 'block.adopted' events without "
        "a 'block.forged' left out; 1 events without the field 'block' left out");
  CHECK(only(evaluate(spec + "    statistic: median\n", data)).value == Approx(250.0));

  CHECK_THAT(error_of("suite: s\nkpis:\n  p:\n    span: {from: block.forged, to: block.adopted, "
                      "key: hash}\n",
                      data),
             Catch::StartsWith("specs/test.yaml:3: kpis.p.span.key: no 'block.forged' or "
                               "'block.adopted' event carries the field 'hash'"));
}

TEST_CASE("a capture event's value can key a span", "[analysis][kpi]") {
  dataset data;
  event forged = make_event("forged", 10);
  forged.value = 7;
  event adopted = make_event("adopted", 35);
  adopted.value = 7;
  data.events = {forged, adopted};
  const kpi_result result = only(
      evaluate("suite: s\nkpis:\n  p:\n    span: {from: forged, to: adopted, key: value}\n", data));
  CHECK(result.value == 25);
}

TEST_CASE("events on different clocks are not compared", "[analysis][kpi]") {
  dataset data;
  data.events.push_back(make_event("a", 10));
  event late = make_event("a", 20);
  late.base = metron::analysis::time_base::capture_start;
  late.where = {"run.mtr", "site 1"};
  data.events.push_back(late);
  CHECK_THAT(error_of("suite: s\nkpis:\n  i:\n    interval: a\n", data),
             Catch::StartsWith("specs/test.yaml:3: kpis.i.interval: events 'a' (run.log) and "
                               "'a' (run.mtr) count time from different clocks"));
}

TEST_CASE("an event missing from the inputs is bad input with the closest names",
          "[analysis][kpi]") {
  dataset data;
  data.events.push_back(make_event("block.forged", 1));
  data.events.push_back(make_event("block.adopted", 2));
  CHECK(error_of("suite: s\nkpis:\n  r:\n    rate: block.forget\n", data) ==
        "specs/test.yaml:3: kpis.r.rate: no event 'block.forget' in the inputs; did you mean "
        "'block.forged'?");
  CHECK(error_of("suite: s\nkpis:\n  r:\n    rate: x\n", dataset{}) ==
        "specs/test.yaml:3: kpis.r.rate: no event 'x' in the inputs; the inputs hold no events");
}

TEST_CASE("a ratio divides the statistic of one metric by the same of another", "[analysis][kpi]") {
  dataset data = ledger_data();
  data.metrics.push_back(make_metric("hash", {1, 2, 3}, "us"));
  const std::string spec = ledger_metrics + "  h:\n    probe: hash\n";
  const auto ratio = [&](const std::string& body) {
    std::string text = spec;
    text.replace(text.find("kpis:\n"), 6, "");
    return only(evaluate(text + "kpis:\n  share:\n" + body, data));
  };
  // mean(hash) = 2 µs = 2000 ns; mean(apply) = 5500 ns.
  const kpi_result result = ratio(
      "    ratio: {numerator: h, denominator: apply}\n"
      "    statistic: mean\n    threshold: 0.5\n");
  CHECK(result.value == Approx(2000.0 / 5500.0));
  CHECK(result.unit.empty());
  CHECK(result.status == kpi_status::pass);
  CHECK(result.source == "hash / ledger.apply");
  CHECK(ratio("    ratio: {numerator: apply, denominator: h}\n    statistic: max\n").value ==
        Approx(10000.0 / 3000.0));
  CHECK_THAT(error_of(ledger_metrics + "  r:\n    ratio: {numerator: sorts, denominator: "
                                       "apply}\n",
                      data),
             Catch::StartsWith("specs/test.yaml:20: kpis.r.ratio.numerator: a ratio divides one "
                               "metric by one other, but 'sorts' matches 2: BM_sort/64, "
                               "BM_sort/8"));
  CHECK_THAT(error_of(ledger_metrics + "  r:\n    ratio: {numerator: utxo, denominator: "
                                       "apply}\n",
                      data),
             Catch::StartsWith("specs/test.yaml:20: kpis.r.ratio: 'ledger.utxo' is in 'outputs' "
                               "and 'ledger.apply' in 'ns': a ratio needs one unit"));
}

TEST_CASE("a metric's rate needs the run's duration", "[analysis][kpi]") {
  dataset data = ledger_data();
  const std::string body = "    metric: apply\n    statistic: rate\n";
  CHECK_THAT(error_of(ledger_metrics + "  k:\n" + body, data),
             Catch::StartsWith("specs/test.yaml:20: kpis.k.statistic: 'rate' of a metric needs "
                               "the run's duration"));
  data.metadata.extra["duration_ns"] = "2000000000";
  const kpi_result result = only(evaluate(ledger_metrics + "  k:\n" + body, data));
  CHECK(result.value == Approx(5.0));  // 10 calls in 2 s
  CHECK(result.unit == "/s");
  CHECK(result.direction == better::higher);
}

TEST_CASE("metron kpi's exit status: a breach fails, too few samples only when asked",
          "[analysis][kpi][gate]") {
  kpi_report report;
  report.results.resize(2);
  report.results[0].status = kpi_status::pass;
  report.results[1].status = kpi_status::insufficient;
  CHECK(gate_exit_status(report, false) == 0);
  CHECK(gate_exit_status(report, true) == 3);
  report.results[0].status = kpi_status::breach;
  CHECK(gate_exit_status(report, true) == 1);
}
