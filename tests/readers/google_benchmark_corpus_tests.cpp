// The Google Benchmark reader on the files the field writes: every version since 1.0, its
// options (aggregates only, repetitions, complexity), failed and skipped runs, counters of every
// kind, every time unit, the NaN and Infinity it writes for non-finite counters, and the inputs
// of Google Benchmark's own compare.py (tests/fixtures/google_benchmark holds the hand-written
// variants; compare.py's come from Debian's libbenchmark-tools).
#include "support/analysis_fixtures.hpp"

#include <metron/readers/readers.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using metron::analysis::dataset;
using metron::analysis::read_google_benchmark;

dataset read_variant(const std::string& name) {
  return read_google_benchmark(metron::test::fixture_path("google_benchmark/" + name));
}

std::vector<double> values_of(const dataset& data, const std::string& name) {
  const auto* found = data.find_metric(name);
  REQUIRE(found != nullptr);
  return found->values;
}

double aggregate(const dataset& data, const std::string& metric, const std::string& statistic) {
  for (const auto& reported : data.aggregates) {
    if (reported.metric == metric && reported.statistic == statistic) {
      return reported.value;
    }
  }
  FAIL("no " << statistic << " of " << metric);
  return 0;
}

const std::string compare_py_inputs = "/usr/share/benchmark/gbench/Inputs";

}  // namespace

TEST_CASE("files of Google Benchmark 1.0 to 1.4: repetitions, aggregates and BigO by name",
          "[readers]") {
  const dataset old = read_variant("v1_1_repetitions_and_complexity.json");
  CHECK(values_of(old, "BM_hash/64") == std::vector<double>{62, 64, 63});
  CHECK(values_of(old, "BM_hash/64:cpu_time") == std::vector<double>{61, 63, 62});
  CHECK(old.find_metric("BM_hash/64_mean") == nullptr);
  CHECK(aggregate(old, "BM_hash/64", "mean") == 63);
  CHECK(aggregate(old, "BM_hash/64", "stddev") == 1);
  REQUIRE(old.complexities.size() == 1);
  CHECK(old.complexities[0].family == "BM_sort");
  CHECK(old.complexities[0].big_o == "NlgN");
  CHECK(old.complexities[0].rms == Approx(0.0123));
  CHECK(values_of(old, "BM_copy/8") == std::vector<double>{2000});
  CHECK(old.find_metric("BM_copy/8:bytes_per_second")->direction ==
        metron::analysis::better::higher);
  CHECK(old.metadata.cpu == "8 x 3400 MHz CPU");
  CHECK(old.metadata.build_type == "release");

  const dataset named = read_variant("v1_4_aggregate_names.json");
  CHECK(values_of(named, "BM_apply/100") == std::vector<double>{512500, 530000});
  CHECK(aggregate(named, "BM_apply/100", "median") == Approx(521250));
  CHECK(aggregate(named, "BM_apply/100:cpu_time", "stddev") == Approx(12370));
  CHECK(named.metadata.host == "build-7");
  CHECK(named.metadata.extra.at("caches").find(R"("size":8388608)") != std::string::npos);
}

TEST_CASE("an aggregates-only file gives aggregates and no samples", "[readers]") {
  const dataset data = read_variant("v1_7_aggregates_only.json");
  CHECK(data.metrics.empty());
  CHECK(aggregate(data, "BM_admit", "mean") == Approx(4910));
  CHECK(aggregate(data, "BM_admit", "median") == Approx(4880));
  CHECK(aggregate(data, "BM_admit", "stddev") == Approx(120));
  // A coefficient of variation is a fraction, whatever the time unit says.
  CHECK(aggregate(data, "BM_admit", "cv") == Approx(0.0244));
  CHECK(aggregate(data, "BM_admit:items_per_second", "mean") == Approx(2.04e5));
  // What a comparison of the aggregates needs besides the values: the repetitions, the quantity.
  REQUIRE_FALSE(data.aggregates.empty());
  for (const auto& reported : data.aggregates) {
    CHECK(reported.repetitions == 10);
  }
  CHECK(data.aggregates.front().quantity == "real_time");
  CHECK(data.aggregates.back().quantity == "items_per_second");
}

TEST_CASE("errored and skipped runs of Google Benchmark 1.8 are kept as failures", "[readers]") {
  const dataset data = read_variant("v1_8_errors_and_skips.json");
  CHECK(values_of(data, "BM_fetch/1") == std::vector<double>{152000});
  CHECK(data.find_metric("BM_fetch/16") == nullptr);
  REQUIRE(data.failures.size() == 2);
  CHECK(data.failures[0].run == "BM_fetch/16");
  CHECK_FALSE(data.failures[0].skipped);
  CHECK(data.failures[0].message == "peer closed the connection");
  CHECK(data.failures[1].run == "BM_gpu_verify");
  CHECK(data.failures[1].skipped);
  CHECK(data.failures[1].message == "no GPU on this host");
  CHECK(data.metadata.extra.at("library_version") == "v1.8.4");
}

TEST_CASE("counters of every kind, every time unit, and the NaN Google Benchmark writes",
          "[readers]") {
  const dataset data = read_variant("v1_8_counters_and_units.json");
  CHECK(values_of(data, "BM_sign") == std::vector<double>{0.4});
  CHECK(values_of(data, "BM_verify") == std::vector<double>{2.85});
  CHECK(values_of(data, "BM_scan") == std::vector<double>{12500});
  CHECK(values_of(data, "BM_sync") == std::vector<double>{3.5e6});
  CHECK(values_of(data, "BM_sync:cpu_time") == std::vector<double>{1.25e6});
  CHECK(values_of(data, "BM_replay") == std::vector<double>{1.75e9});
  for (const char* counter :
       {"bytes_per_second", "items_per_second", "docs_per_sec", "best_bytes_per_sec",
        "instructions_per_cycle", "hit_rate", "allocs_per_iter", "max_bytes_used"}) {
    INFO(counter);
    CHECK(data.find_metric(std::string("BM_sign:") + counter) != nullptr);
  }
  CHECK(data.find_metric("BM_scan:label") == nullptr);
  // Infinity and NaN are not JSON, but Google Benchmark writes them for non-finite counters.
  CHECK(data.find_metric("BM_idle_rate:work_per_second") == nullptr);
  CHECK(data.find_metric("BM_idle_rate:ratio") == nullptr);
  CHECK(data.metadata.extra.at("non_finite_counters") == "2");
  CHECK(values_of(data, "BM_idle_rate") == std::vector<double>{1});
}

TEST_CASE("a counter's direction is known only where its name cannot mean anything else",
          "[readers]") {
  using metron::analysis::better;
  const dataset data = read_variant("v1_8_counter_directions_baseline.json");
  struct expected {
    const char* metric;
    better direction;
    const char* unit;
  };
  for (const auto& [metric, direction, unit] : {
           expected{"BM_search/1024", better::lower, "ns"},
           expected{"BM_search/1024:cpu_time", better::lower, "ns"},
           // Google Benchmark's own rates, from SetBytesProcessed and SetItemsProcessed.
           expected{"BM_search/1024:bytes_per_second", better::higher, "bytes/s"},
           expected{"BM_search/1024:items_per_second", better::higher, "1/s"},
           expected{"BM_search/1024:scan_throughput", better::higher, ""},
           expected{"BM_search/1024:p99_latency_us", better::lower, ""},
           // A rate by name alone could be of errors as well as of documents; a ratio or a
           // count says nothing of which way is better; "GB/s" is no unit metron converts.
           expected{"BM_search/1024:docs_per_sec", better::unknown, ""},
           expected{"BM_search/1024:best_bytes_per_sec", better::unknown, ""},
           expected{"BM_search/1024:hit_rate", better::unknown, ""},
           expected{"BM_search/1024:instructions_per_cycle", better::unknown, ""},
           expected{"BM_search/1024:results", better::unknown, ""},
           expected{"BM_search/1024:GB/s", better::unknown, ""},
       }) {
    INFO(metric);
    const auto* found = data.find_metric(metric);
    REQUIRE(found != nullptr);
    CHECK(found->direction == direction);
    CHECK(found->unit == unit);
    CHECK(found->values.size() == 6);
  }
  const auto mean_rate =
      std::find_if(data.aggregates.begin(), data.aggregates.end(), [](const auto& reported) {
        return reported.metric == "BM_search/1024:GB/s" && reported.statistic == "mean";
      });
  REQUIRE(mean_rate != data.aggregates.end());
  CHECK(mean_rate->unit.empty());
}

TEST_CASE("every input of Google Benchmark's compare.py is read", "[readers]") {
  REQUIRE(std::filesystem::is_directory(compare_py_inputs));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(compare_py_inputs)) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    INFO(entry.path().string());
    ++files;
    CHECK_NOTHROW(read_google_benchmark(entry.path().string()));
  }
  CHECK(files >= 8);

  // Rows of one name without repetition_index are its repetitions, in order; a row without
  // aggregate_name is a repetition whatever its run_type says, as compare.py takes it.
  const dataset three = read_google_benchmark(compare_py_inputs + "/test3_run0.json");
  CHECK(values_of(three, "BM_Two") == std::vector<double>{9, 8});
  CHECK(values_of(three, "short") == std::vector<double>{8, 8});
  CHECK(values_of(three, "BM_One") == std::vector<double>{10});
  // compare.py compares only rows with times; test4_run.json has none.
  const dataset four = read_google_benchmark(compare_py_inputs + "/test4_run.json");
  CHECK(four.metrics.empty());
  CHECK(four.metadata.extra.at("rows_without_times") == "12");
  const dataset one = read_google_benchmark(compare_py_inputs + "/test1_run1.json");
  CHECK(values_of(one, "BM_NotBadTimeUnit") == std::vector<double>{0.4e9});
  REQUIRE(one.complexities.size() == 1);
  CHECK(one.complexities[0].family == "MyComplexityTest");
}
