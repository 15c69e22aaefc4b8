// The Google Benchmark JSON reader on real output, on small hand-made documents and on bad input.
#include "support/analysis_fixtures.hpp"

#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

using metron::analysis::dataset;
using metron::analysis::parse_google_benchmark;

/// A document with one row made of `row_fields` (a JSON object's members without braces).
std::string one_row(const std::string& row_fields) {
  return R"({"context":{"host_name":"h"},"benchmarks":[{)" + row_fields + "}]}";
}

const std::string plain_row =
    R"("name":"BM_x/8","run_name":"BM_x/8","run_type":"iteration","repetitions":1,)"
    R"("repetition_index":0,"threads":1,"iterations":100,"real_time":2.5,"cpu_time":2.0,)"
    R"("time_unit":"us")";

}  // namespace

TEST_CASE("the reader takes every kind of row of real Google Benchmark output", "[analysis]") {
  const std::string path = metron::test::fixture_path("google_benchmark.json");
  const dataset data = metron::analysis::read_google_benchmark(path);

  CHECK(data.metadata.host == "vm");
  CHECK(data.metadata.cpu == "2 x 2500 MHz CPU");
  CHECK(data.metadata.build_type == "debug");
  CHECK(data.metadata.date == "2026-11-27T23:47:13+00:00");
  CHECK(data.metadata.extra.at("num_cpus") == "2");
  REQUIRE(data.failures.size() == 1);
  CHECK(data.failures[0].message == "the fixture's failing run");
  CHECK_FALSE(data.failures[0].skipped);
  REQUIRE(data.metadata.sources.size() == 1);
  CHECK(data.metadata.sources[0] == path);

  const auto* sorted = data.find_metric("bm_linearithmic/1024");
  REQUIRE(sorted != nullptr);
  CHECK(sorted->quantity == "real_time");
  CHECK(sorted->unit == "ns");
  CHECK(sorted->family == "bm_linearithmic");
  REQUIRE(sorted->n.has_value());
  CHECK(*sorted->n == 1024);
  CHECK(sorted->values.size() == 1);
  CHECK(sorted->origins.at(0).place.find("benchmarks[") == 0);
  CHECK(data.find_metric("bm_linearithmic/1024:cpu_time") != nullptr);

  const auto* rate = data.find_metric("bm_linear/4096:items_per_second");
  REQUIRE(rate != nullptr);
  CHECK(rate->unit == "1/s");
  CHECK(rate->direction == metron::analysis::better::higher);

  // Three repetitions in microseconds: three values, in ns.
  const auto* repeated = data.find_metric("bm_repeated/repeats:3");
  REQUIRE(repeated != nullptr);
  CHECK(repeated->values.size() == 3);
  CHECK(repeated->values[0] > 10);  // about 0.24 us, read as about 240 ns
  CHECK_FALSE(repeated->n.has_value());
  const auto* bytes = data.find_metric("bm_repeated/repeats:3:bytes_per_second");
  REQUIRE(bytes != nullptr);
  CHECK(bytes->unit == "bytes/s");
  CHECK(data.find_metric("bm_repeated/repeats:3:elements")->values.at(2) == 256);

  CHECK(data.find_metric("bm_threads/threads:2") != nullptr);
  CHECK(data.find_metric("bm_failing") == nullptr);

  // Aggregates: mean, median, stddev, cv of real time, CPU time and both counters.
  std::size_t repeated_aggregates = 0;
  for (const auto& aggregate : data.aggregates) {
    if (aggregate.metric == "bm_repeated/repeats:3" && aggregate.statistic == "cv") {
      CHECK(aggregate.unit.empty());
      CHECK(aggregate.value < 1);  // a fraction, not scaled by the time unit
    }
    if (aggregate.metric == "bm_repeated/repeats:3" && aggregate.statistic == "mean") {
      double sum = 0;
      for (const double value : repeated->values) {
        sum += value;
      }
      CHECK(aggregate.value == Approx(sum / 3).epsilon(1e-12));
      CHECK(aggregate.unit == "ns");
    }
    if (aggregate.metric.starts_with("bm_repeated/")) {
      ++repeated_aggregates;
    }
  }
  CHECK(repeated_aggregates == 4 * 4);

  REQUIRE(data.complexities.size() == 5);
  CHECK(data.complexities[0].family == "bm_constant");
  CHECK(data.complexities[0].big_o == "(1)");
  CHECK(data.complexities[4].big_o == "N^2");
  CHECK(data.complexities[4].rms > 0);
}

TEST_CASE("time units become ns and unknown fields are ignored", "[analysis]") {
  const dataset data = parse_google_benchmark(
      one_row(plain_row + R"(,"label":"text","future_field":{"x":[1,2]},"misses":12)"), "t.json");
  const auto* real = data.find_metric("BM_x/8");
  REQUIRE(real != nullptr);
  CHECK(real->values.at(0) == 2500);
  CHECK(data.find_metric("BM_x/8:cpu_time")->values.at(0) == 2000);
  CHECK(data.find_metric("BM_x/8:misses")->values.at(0) == 12);
  CHECK(data.find_metric("BM_x/8:label") == nullptr);
  CHECK(data.find_metric("BM_x/8:future_field") == nullptr);
  CHECK(*real->n == 8);
  CHECK(real->family == "BM_x");
}

TEST_CASE("context facts that are not strings are kept as their JSON text", "[analysis]") {
  const dataset data = parse_google_benchmark(
      R"({"context":{"num_cpus":2,"mhz_per_cpu":2500,"cpu_scaling_enabled":false,)"
      R"("caches":[{"type":"Data","level":1,"size":32768},)"
      "\n   {\"type\": \"Unified\", \"level\": 2}],\"load_avg\":[0.5,1e3]},\"benchmarks\":[]}",
      "t.json");
  CHECK(data.metadata.cpu == "2 x 2500 MHz CPU");
  CHECK(data.metadata.extra.at("cpu_scaling_enabled") == "false");
  CHECK(data.metadata.extra.at("caches") ==
        R"([{"type":"Data","level":1,"size":32768},{"type":"Unified","level":2}])");
  CHECK(data.metadata.extra.at("load_avg") == "[0.5,1e3]");
}

TEST_CASE("escaped strings and keys are read as the text they spell", "[analysis]") {
  const dataset data = parse_google_benchmark(
      R"({"context":{"host_name":"n\u00f8de \"1\""},"benchmarks":[{"name":"BM_\"q\"/8",)"
      R"("run_type":"iteration","iterations":1,"real\u005ftime":3,"cpu_time":2,)"
      R"("time_unit":"n\u0073","hit\trate":0.5}]})",
      "t.json");
  CHECK(data.metadata.host == "n\u00f8de \"1\"");
  const auto* real = data.find_metric("BM_\"q\"/8");
  REQUIRE(real != nullptr);
  CHECK(real->values.at(0) == 3);
  CHECK(real->origins.at(0).place == "benchmarks[0] ('BM_\"q\"/8')");
  CHECK(data.find_metric("BM_\"q\"/8:hit\trate")->values.at(0) == 0.5);
}

TEST_CASE("complexity_n names a row's size when present", "[analysis]") {
  const dataset data = parse_google_benchmark(
      one_row(R"("name":"BM_y/threads:1","run_type":"iteration","iterations":1,"real_time":1,)"
              R"("cpu_time":1,"time_unit":"ms","complexity_n":640)"),
      "t.json");
  const auto* metric = data.find_metric("BM_y/threads:1");
  REQUIRE(metric != nullptr);
  CHECK(*metric->n == 640);
  CHECK(metric->values.at(0) == 1e6);
}

TEST_CASE("errored and skipped runs are kept as failures with their message", "[analysis]") {
  const dataset data = parse_google_benchmark(
      R"({"benchmarks":[{"name":"a","run_type":"iteration","skipped":true,)"
      R"("skip_message":"no GPU"},)"
      R"({"name":"b/8","run_name":"b/8","run_type":"iteration","error_occurred":true,)"
      R"("error_message":"x","iterations":0,"real_time":0,"cpu_time":0,"time_unit":"ns"}]})",
      "t.json");
  CHECK(data.metrics.empty());
  REQUIRE(data.failures.size() == 2);
  CHECK(data.failures[0].run == "a");
  CHECK(data.failures[0].skipped);
  CHECK(data.failures[0].message == "no GPU");
  CHECK(data.failures[1].run == "b/8");
  CHECK_FALSE(data.failures[1].skipped);
  CHECK(data.failures[1].message == "x");
  CHECK(data.failures[1].where.place == "benchmarks[1] ('b/8')");
}

TEST_CASE("bad Google Benchmark input is refused with file and place", "[analysis]") {
  struct bad_case {
    const char* what;
    std::string text;
    const char* message;
  };
  const bad_case cases[] = {
      {"not JSON", "{\"benchmarks\": [\n  {\"name\": }\n]}", "t.json: line 2 (byte 28)"},
      {"truncated", one_row(plain_row).substr(0, 80), "t.json: line 1"},
      {"no benchmarks", R"({"context":{}})", "has no 'benchmarks' array"},
      {"benchmarks not an array", R"({"benchmarks":{}})", "benchmarks is not an array"},
      {"not an object", "[1,2]", "is not a JSON object"},
      {"missing real_time",
       one_row(R"("name":"BM_x","run_type":"iteration","iterations":1,"cpu_time":1,)"
               R"("time_unit":"ns")"),
       "benchmarks[0] ('BM_x') has no 'real_time'"},
      {"missing name", R"({"benchmarks":[{"run_type":"iteration"}]})",
       "t.json: line 1 (byte 15): benchmarks[0] has no 'name'"},
      {"one time only", one_row(R"("name":"BM_x","real_time":1)"),
       "benchmarks[0] ('BM_x') has no 'cpu_time'"},
      {"negative time", one_row(R"("name":"BM_x","real_time":-5,"cpu_time":1)"),
       "benchmarks[0] ('BM_x') has real_time -5; a time cannot be negative"},
      {"negative count", one_row(R"("name":"BM_x","iterations":-1,"real_time":1,"cpu_time":1)"),
       "benchmarks[0] 'iterations' is -1; a count cannot be negative"},
      {"aggregate without its value",
       one_row(R"("name":"BM_x_mean","aggregate_name":"mean","real_time":1)"),
       "('BM_x_mean') has no 'cpu_time'"},
      {"oversize name",
       one_row(R"("name":")" + std::string(70000, 'n') + R"(","real_time":1,"cpu_time":1)"),
       "t.json: line 1 (byte 51): 'name' is a string of 70000 bytes; at most 65536 are read"},
      {"oversize key", one_row(R"(")" + std::string(70000, 'k') + R"(":1,"name":"BM_x")"),
       "t.json: line 1 (byte 44): a string of 70000 bytes; at most 65536 are read"},
      {"negative aggregate time",
       one_row(R"("name":"BM_x_mean","run_name":"BM_x","run_type":"aggregate",)"
               R"("aggregate_name":"mean","real_time":-5,"cpu_time":1)"),
       "benchmarks[0] ('BM_x_mean') has real_time -5; a time cannot be negative"},
      {"negative standard deviation",
       one_row(R"("name":"BM_x_stddev","run_name":"BM_x","run_type":"aggregate",)"
               R"("aggregate_name":"stddev","real_time":1,"cpu_time":-0.5)"),
       "benchmarks[0] ('BM_x_stddev') has cpu_time -0.5; a time cannot be negative"},
      {"negative repetitions",
       one_row(R"("name":"BM_x_mean","run_type":"aggregate","aggregate_name":"mean",)"
               R"("repetitions":-3,"real_time":1,"cpu_time":1)"),
       "benchmarks[0] 'repetitions' is -3; a count cannot be negative"},
      {"negative threads", one_row(R"("name":"BM_x","threads":-1,"real_time":1,"cpu_time":1)"),
       "benchmarks[0] 'threads' is -1; a count cannot be negative"},
      {"out of range on line 3",
       "{\"benchmarks\": [\n  {\"name\": \"BM_x\",\n   \"real_time\": 1e400, \"cpu_time\": 1}]}",
       "t.json: line 3 (byte 52): the number 1e400 is out of range for a double"},
      {"schema version on line 3",
       "{\"context\": {\n  \"host_name\": \"h\",\n  \"json_schema_version\": 2},\n \"benchmarks\": "
       "[]}",
       "t.json: line 3 (byte 36): context.json_schema_version is 2"},
      {"duplicate context key on line 2",
       "{\"context\": {\"date\": \"x\",\n \"date\": \"y\"}, \"benchmarks\": []}",
       "t.json: line 2 (byte 27): duplicate key 'date' in context"},
      {"unknown run type", one_row(R"("name":"BM_x","run_type":"warmup")"), "run_type 'warmup'"},
      {"unknown time unit",
       one_row(R"("name":"BM_x","run_type":"iteration","iterations":1,"real_time":1,)"
               R"("cpu_time":1,"time_unit":"fortnight")"),
       "time_unit 'fortnight'"},
      {"time not a number",
       one_row(R"("name":"BM_x","run_type":"iteration","iterations":1,"real_time":"fast",)"
               R"("cpu_time":1,"time_unit":"ns")"),
       "'real_time' is \"fast\", not a number"},
      {"NaN time", one_row(R"("name":"BM_x","run_type":"iteration","real_time":NaN)"),
       "t.json: line 1 (byte 43): benchmarks[0] 'real_time' is NaN or Infinity"},
      {"bare word", one_row(R"("name":"BM_x","real_time":fast,"cpu_time":1)"),
       "t.json: line 1 (byte 72): not valid JSON: syntax error"},
      {"infinite number",
       one_row(R"("name":"BM_x","run_type":"iteration","iterations":1,"real_time":1e999,)"
               R"("cpu_time":1,"time_unit":"ns")"),
       "t.json: line 1 (byte 108): the number 1e999 is out of range for a double"},
      {"duplicate key", one_row(plain_row + R"(,"real_time":3)"),
       "duplicate key 'real_time' in benchmarks[0]"},
      {"duplicate repetition", R"({"benchmarks":[{)" + plain_row + "},{" + plain_row + "}]}",
       "benchmarks[1] ('BM_x/8') repeats run 'BM_x/8' repetition 0"},
      {"schema version", R"({"context":{"json_schema_version":2},"benchmarks":[]})",
       "json_schema_version is 2"},
      {"RMS without BigO",
       one_row(R"("name":"BM_z_RMS","run_name":"BM_z","run_type":"aggregate",)"
               R"("aggregate_name":"RMS","rms":0.1)"),
       "RMS row of family 'BM_z' without its BigO row"},
      {"empty", "", "t.json: line 1 (byte 0): not valid JSON"},
      // Values the reader passes over are still read, so that their damage is not passed over.
      {"bad atom in a field not kept", one_row(plain_row + R"(,"label":nul)"), "not valid JSON"},
      {"bad number in a field not kept", one_row(plain_row + R"(,"family_index":1.2.3)"),
       "not valid JSON"},
      {"bad atom as a counter", one_row(plain_row + R"(,"hits":tru)"), "not valid JSON"},
      {"a second document after the first",
       one_row(plain_row) + R"( {"benchmarks":[]})", "not valid JSON"},
      {"bad atom under a top-level key not read", R"({"benchmarks":[],"x":tru})", "not valid JSON"},
      {"bad array under a top-level key not read", R"({"x":[1 2],"benchmarks":[]})",
       "not valid JSON"},
      {"bad array in the context", R"({"context":{"caches":[1 2]},"benchmarks":[]})",
       "not valid JSON"},
      {"bad object as a counter", one_row(plain_row + R"(,"hits":{"a" 1})"), "not valid JSON"},
      {"bad atom as a failure flag", one_row(plain_row + R"(,"error_occurred":nul)"),
       "not valid JSON"},
      {"bad escape in a failure flag", one_row(plain_row + R"(,"skipped":"\q")"),
       "not valid JSON"},
      {"an array cut short", "[1,", "not valid JSON"},
      {"fractional repetition index",
       one_row(R"("name":"BM_x","repetition_index":1.5,"real_time":1,"cpu_time":1)"),
       "benchmarks[0] 'repetition_index' is 1.5, not an integer"},
      {"ends on a quote", "{\"benchmarks\": [{\"name\": \"", "t.json: line 1"},
  };
  for (const bad_case& bad : cases) {
    INFO(bad.what);
    CHECK_THROWS_AS(parse_google_benchmark(bad.text, "t.json"), metron::input_error);
    CHECK_THROWS_WITH(parse_google_benchmark(bad.text, "t.json"), Catch::Contains(bad.message));
    // Every refusal names the line and the byte.
    CHECK_THROWS_WITH(parse_google_benchmark(bad.text, "t.json"),
                      Catch::Matches("t\\.json: line [0-9]+ \\(byte [0-9]+\\): .*"));
  }
}

TEST_CASE("a truncated Google Benchmark file names the line it breaks on", "[analysis]") {
  const std::string whole =
      metron::test::read_text(metron::test::fixture_path("google_benchmark.json"));
  metron::test::scratch_dir scratch;
  const std::string path = scratch.write("cut.json", whole.substr(0, whole.size() / 2));
  CHECK_THROWS_WITH(metron::analysis::read_google_benchmark(path),
                    Catch::Contains(path + ": line ") && Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(metron::analysis::read_google_benchmark(scratch.file("absent.json")),
                    Catch::Contains("absent.json: no such file"));
}
