// Format detection by content, reading any input, and merging datasets.
#include "support/analysis_fixtures.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/readers/dataset.hpp>
#include <metron/readers/readers.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <sys/stat.h>

namespace {

using metron::analysis::dataset;
using metron::analysis::duplicate_policy;
using metron::analysis::input_format;
using metron::analysis::metric;

const std::string log_line =
    R"({"timestamp":"2026-11-27T23:40:00Z","host":"h","namespace":"a.b","payload":{}})";

dataset one_metric(const std::string& name, const std::string& unit, std::vector<double> values,
                   const std::string& file) {
  dataset data;
  metric sample;
  sample.name = name;
  sample.unit = unit;
  sample.values = std::move(values);
  sample.origins.push_back({file, "line 1"});
  data.metrics.push_back(sample);
  data.metadata.sources.push_back(file);
  return data;
}

}  // namespace

TEST_CASE("formats are told by content, whatever the file is called", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string bench = scratch.write(
      "results.txt", metron::test::read_text(metron::test::fixture_path("google_benchmark.json")));
  const std::string log = scratch.write("run.json", log_line + "\n" + log_line + "\n");
  const std::string capture = scratch.file("data.bin");
  {
    metron::capture_writer writer(capture, R"({"host":"h"})");
    writer.finish({});
  }
  CHECK(metron::analysis::detect_format(bench) == input_format::google_benchmark);
  CHECK(metron::analysis::detect_format(log) == input_format::log_lines);
  CHECK(metron::analysis::detect_format(capture) == input_format::capture);
  const std::string benchmarks_first = scratch.write("b.json", "  {\n \"benchmarks\": []}");
  CHECK(metron::analysis::detect_format(benchmarks_first) == input_format::google_benchmark);

  CHECK(metron::analysis::read_input(bench).find_metric("bm_linear/64") != nullptr);
  CHECK(metron::analysis::read_input(log).events.size() == 2);
  CHECK(metron::analysis::read_input(capture).metadata.host == "h");
  CHECK(to_string(input_format::log_lines) == "log");
}

TEST_CASE("unknown, empty and missing inputs are refused", "[analysis]") {
  metron::test::scratch_dir scratch;
  CHECK_THROWS_WITH(metron::analysis::detect_format(scratch.write("e.json", "")),
                    Catch::Contains("e.json: empty file"));
  CHECK_THROWS_WITH(metron::analysis::detect_format(scratch.write("c.csv", "a,b\n1,2\n")),
                    Catch::Contains("c.csv: byte 0: not a metron capture"));
  CHECK_THROWS_WITH(metron::analysis::detect_format(scratch.write("o.json", R"({"x":1})")),
                    Catch::Contains("not a metron capture"));
  CHECK_THROWS_WITH(metron::analysis::read_input(scratch.file("gone.mtr")),
                    Catch::Contains("gone.mtr: no such file"));
  CHECK_THROWS_AS(metron::analysis::detect_format(scratch.file("")), metron::input_error);
}

// Opening a FIFO for reading waits for a writer; every reader must refuse it at once instead.
TEST_CASE("a FIFO, a directory or a device is refused by every reader, without blocking",
          "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string fifo = scratch.file("input.fifo");
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const auto refused = Catch::Contains(fifo + ": not a regular file (a FIFO)");
  CHECK_THROWS_WITH(metron::analysis::detect_format(fifo), refused);
  CHECK_THROWS_WITH(metron::analysis::read_input(fifo), refused);
  CHECK_THROWS_WITH(metron::analysis::read_google_benchmark(fifo), refused);
  CHECK_THROWS_WITH(metron::analysis::read_log(fifo), refused);
  CHECK_THROWS_WITH(
      metron::analysis::for_each_log_event(fifo, {}, [](metron::analysis::event&&) {}), refused);
  CHECK_THROWS_WITH(metron::analysis::read_capture_file(fifo), refused);
  CHECK_THROWS_AS(metron::load_capture(fifo), metron::input_error);
  CHECK_THROWS_WITH(metron::analysis::read_input(scratch.file("")),
                    Catch::Contains("not a regular file (a directory)"));
  CHECK_THROWS_WITH(metron::analysis::read_input("/dev/null"),
                    Catch::Contains("/dev/null: not a regular file (a character device)"));
}

TEST_CASE("merging refuses or pools duplicate names and keeps metadata", "[analysis]") {
  dataset target = one_metric("op", "ns", {1, 2}, "a.json");
  target.metadata.host = "first";
  dataset other = one_metric("op", "ns", {3}, "b.json");
  other.metadata.host = "second";
  other.metadata.commit = "c0ffee";
  CHECK_THROWS_WITH(merge(target, dataset(other)),
                    Catch::Contains("b.json: line 1: metric 'op' is already present from a.json"));
  CHECK(target.metrics.at(0).values.size() == 2);  // unchanged by the failed merge

  merge(target, dataset(other), duplicate_policy::pool);
  CHECK(target.metrics.size() == 1);
  CHECK(target.metrics[0].values == std::vector<double>{1, 2, 3});
  CHECK(target.metrics[0].origins.size() == 2);
  CHECK(target.metadata.host == "first");
  CHECK(target.metadata.commit == "c0ffee");
  CHECK(target.metadata.sources == std::vector<std::string>{"a.json", "b.json"});

  CHECK_THROWS_WITH(merge(target, one_metric("op", "us", {4}, "c.json"), duplicate_policy::pool),
                    Catch::Contains("in unit 'us'") && Catch::Contains("cannot be pooled"));
  merge(target, one_metric("other", "us", {4}, "c.json"));
  CHECK(target.find_metric("other") != nullptr);
}
