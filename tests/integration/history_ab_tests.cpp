// End-to-end tests of `metron history` and `metron ab`: the real tool on real files and programs.
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

using metron::test::process_result;
using metron::test::run;
using metron::test::scratch_dir;
using nlohmann::json;

const std::string metron_tool = METRON_TOOL_PATH;
const std::string workload = METRON_AB_WORKLOAD_PATH;

process_result run_metron(const std::vector<std::string>& arguments) {
  return metron::test::run_tool(metron_tool, arguments);
}

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// A Google Benchmark JSON file with one benchmark of `repetitions` around `real_ns`.
void write_benchmark(const std::string& path, double real_ns, std::mt19937_64& generator) {
  std::normal_distribution<double> noise(0.0, 0.01);
  json rows = json::array();
  for (int repetition = 0; repetition < 5; ++repetition) {
    const double value = real_ns * (1.0 + noise(generator));
    rows.push_back({{"name", "BM_sort/1024"},
                    {"run_name", "BM_sort/1024"},
                    {"run_type", "iteration"},
                    {"repetitions", 5},
                    {"repetition_index", repetition},
                    {"threads", 1},
                    {"iterations", 1000},
                    {"real_time", value},
                    {"cpu_time", value},
                    {"time_unit", "ns"}});
  }
  std::ofstream(path) << json{{"context", {{"host_name", "ci"}}}, {"benchmarks", rows}}.dump();
}

}  // namespace

TEST_CASE("metron history: add, show and changes find a planted regression",
          "[integration][history]") {
  const scratch_dir dir;
  const std::string db = dir.file("results.sqlite");
  const std::string result = dir.file("bench.json");
  std::mt19937_64 generator(11);
  // 30 runs at 100 ns, then 30 at 115 ns from commit c30 on.
  for (int i = 0; i < 60; ++i) {
    write_benchmark(result, i < 30 ? 100.0 : 115.0, generator);
    const std::string time =
        "2026-11-01T10:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z";
    const auto added =
        run_metron({"history", "add", "--db", db, "--commit", "c" + std::to_string(i), "--branch",
                    "main", "--machine", "ci-1", "--time", time, result});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
  }
  const auto shown = run_metron({"history", "show", "--db", db, "BM_sort/1024", "--json"});
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  const json series = json::parse(shown.out);
  REQUIRE(series.at("points").size() == 60);
  CHECK(series.at("points")[0].at("commit") == "c0");
  CHECK(series.at("points")[59].at("commit") == "c59");
  CHECK(series.at("unit") == "ns");

  const auto changes = run_metron({"history", "changes", "--db", db, "--json"});
  INFO(changes.err);
  REQUIRE(changes.exit_code == 0);
  const json found = json::parse(changes.out);
  // Real time and CPU time (the reader's "BM_sort/1024:cpu_time") moved together.
  CHECK(found.at("metrics") == 2);
  REQUIRE(found.at("changes").size() == 2);
  for (const json& change : found.at("changes")) {
    CHECK(change.at("commit") == "c30");
    CHECK(change.at("magnitude").get<double>() == Approx(0.15).margin(0.01));
    CHECK_FALSE(change.at("weak").get<bool>());
  }
  CHECK(found.at("changes")[0].at("metric") == "BM_sort/1024");

  const auto table = run_metron({"history", "changes", "--db", db});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("c30") != std::string::npos);
  CHECK(table.out.find("+15.") != std::string::npos);
}

TEST_CASE("metron history: bad input", "[integration][history]") {
  const scratch_dir dir;
  const std::string db = dir.file("results.sqlite");
  std::mt19937_64 generator(12);
  write_benchmark(dir.file("bench.json"), 100.0, generator);
  REQUIRE(run_metron({"history", "add", "--db", db, "--commit", "c1", dir.file("bench.json")})
              .exit_code == 0);

  SECTION("an unknown metric names the close ones") {
    const auto shown = run_metron({"history", "show", "--db", db, "BM_sort/1000"});
    CHECK(shown.exit_code == 2);
    CHECK(shown.err.find("no run has metric 'BM_sort/1000'") != std::string::npos);
    CHECK(shown.err.find("BM_sort/1024") != std::string::npos);
    CHECK(shown.out.empty());
  }
  SECTION("a missing database") {
    const auto shown = run_metron({"history", "show", "--db", dir.file("none.sqlite"), "x"});
    CHECK(shown.exit_code == 2);
    CHECK(shown.err.find("no such history database") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("none.sqlite")));
  }
  SECTION("a corrupt database is not modified") {
    const std::string corrupt = dir.file("corrupt.sqlite");
    std::ofstream(corrupt) << "not a database at all, just text that is long enough\n";
    const std::string before = read_bytes(corrupt);
    const auto added =
        run_metron({"history", "add", "--db", corrupt, "--commit", "c2", dir.file("bench.json")});
    CHECK(added.exit_code == 2);
    CHECK(added.err.find(corrupt) != std::string::npos);
    CHECK(added.err.find("not an SQLite database") != std::string::npos);
    CHECK(read_bytes(corrupt) == before);
  }
  SECTION("a series too short for change points has none") {
    const auto changes = run_metron({"history", "changes", "--db", db, "--json"});
    CHECK(changes.exit_code == 0);
    CHECK(json::parse(changes.out).at("changes").empty());
  }
}

TEST_CASE("metron ab: identical programs are not flagged", "[integration][ab]") {
  const std::string command = workload + " 3";
  const auto result = run_metron(
      {"ab", "--baseline-cmd", command, "--candidate-cmd", command, "--rounds", "6", "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const json answer = json::parse(result.out);
  CHECK(answer.at("metric") == "wall_time");
  CHECK(answer.at("baseline").size() == 6);
  CHECK(answer.at("verdict") != "regressed");
  CHECK(answer.at("verdict") != "improved");
}

TEST_CASE("metron ab: a 25 % slowdown is flagged, the same work is not", "[integration][ab]") {
  // CPU time from the programs' own Google Benchmark output: steady on a busy machine, where
  // wall time is not. The slowdown is well clear of the 5 % tolerance, and each run long enough
  // (tens of milliseconds, even under sanitizers) that scheduling noise cannot hide it.
  const std::string baseline = workload + " 20 0 {out}";
  const std::string slower = workload + " 20 25 {out}";
  const auto flagged = run_metron({"ab", "--baseline-cmd", baseline, "--candidate-cmd", slower,
                                   "--rounds", "8", "--metric", "workload:cpu_time", "--json"});
  INFO(flagged.err);
  CHECK(flagged.exit_code == 1);
  const json answer = json::parse(flagged.out);
  CHECK(answer.at("verdict") == "regressed");
  CHECK(answer.at("ratio").get<double>() == Approx(1.25).margin(0.06));
  CHECK(answer.at("p_value").get<double>() <= 0.05);

  const auto same = run_metron({"ab", "--baseline-cmd", baseline, "--candidate-cmd", baseline,
                                "--rounds", "8", "--metric", "workload:cpu_time"});
  INFO(same.out);
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("verdict     regressed") == std::string::npos);
}

TEST_CASE("metron ab: a failing command is bad input", "[integration][ab]") {
  const auto result =
      run_metron({"ab", "--baseline-cmd", "exit 3", "--candidate-cmd", "true", "--rounds", "2"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("baseline command exited with status 3") != std::string::npos);
  const auto missing =
      run_metron({"ab", "--baseline-cmd", workload + " 1 0 {out}", "--candidate-cmd",
                  workload + " 1 0 {out}", "--metric", "nothing", "--rounds", "2"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no values of metric 'nothing'") != std::string::npos);

  // A paired verdict is one-sided: a counter of unknown direction is refused, not guessed at.
  const scratch_dir dir;
  const std::string counters = dir.file("counters.json");
  std::ofstream(counters) << R"({"benchmarks": [{"name": "BM_a", "real_time": 10, )"
                          << R"("cpu_time": 10, "hit_rate": 0.9}]})";
  const std::string copy = "cp " + counters + " {out}";
  const auto unknown = run_metron({"ab", "--baseline-cmd", copy, "--candidate-cmd", copy,
                                   "--metric", "BM_a:hit_rate", "--rounds", "1", "--warmup", "0"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("which way metric 'BM_a:hit_rate' of the baseline command's output "
                         "improves is unknown") != std::string::npos);
}
