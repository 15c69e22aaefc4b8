// `metron stats --json` summaries compared with each other keep their repetitions: a summary of
// Google Benchmark repetitions carries them, and the comparator tests them, not one median a side.
#include "support/analysis_fixtures.hpp"

#include <metron/compare/compare.hpp>
#include <metron/report/stats_output.hpp>
#include <metron/spec/stats_report.hpp>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

/// Google Benchmark JSON of one benchmark with `times` as its repetitions, in ns.
std::string benchmark_file(const std::vector<double>& times) {
  std::string rows;
  for (std::size_t i = 0; i < times.size(); ++i) {
    rows += (i == 0 ? "" : ",") +
            std::string(R"({"name":"BM_apply","run_name":"BM_apply","run_type":"iteration",)") +
            R"("repetitions":8,"repetition_index":)" + std::to_string(i) +
            R"(,"iterations":100,"real_time":)" + std::to_string(times[i]) +
            R"(,"cpu_time":)" + std::to_string(times[i]) + R"(,"time_unit":"ns"})";
  }
  return R"({"context":{"host_name":"h","num_cpus":2},"benchmarks":[)" + rows + "]}";
}

/// `metron stats --json` of `benchmark`, written next to it.
std::string summary_of(const metron::test::scratch_dir& scratch, const std::string& name,
                       const std::vector<double>& times) {
  const std::string input = scratch.write(name + ".json", benchmark_file(times));
  const std::vector<std::string> paths{input};
  std::ostringstream json;
  metron::report::write_stats_json(json, metron::analysis::compute_stats(paths));
  return scratch.write(name + ".stats.json", json.str());
}

}  // namespace

TEST_CASE("a summary of repetitions keeps them and is compared run by run", "[compare]") {
  const metron::test::scratch_dir scratch("summary_input");
  const std::vector<double> base{100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1};
  std::vector<double> slow;
  for (const double time : base) {
    slow.push_back(time * 1.3);
  }
  const auto baseline = metron::analysis::read_run(summary_of(scratch, "base", base));
  const auto candidate = metron::analysis::read_run(summary_of(scratch, "slow", slow));
  const auto* kept = baseline.data.find_metric("BM_apply");
  REQUIRE(kept != nullptr);
  CHECK(kept->values == base);

  const std::vector<metron::analysis::run_input> before{baseline};
  const std::vector<metron::analysis::run_input> after{candidate};
  const auto report = metron::analysis::compare_runs(before, after);
  const auto row = std::find_if(report.rows.begin(), report.rows.end(),
                                [](const auto& r) { return r.name == "BM_apply"; });
  REQUIRE(row != report.rows.end());
  CHECK(row->baseline.n == base.size());
  CHECK(row->candidate.n == slow.size());
  CHECK(row->result == metron::analysis::verdict::regressed);
}
