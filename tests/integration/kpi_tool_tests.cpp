// End-to-end tests of `metron kpi`: passing, breaching and bad specs, unknown names, the shipped
// example specs, against the fixture capture, a Google Benchmark result and a log of three nodes.
#include "fixture.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using metron::test::lines_of;
using metron::test::process_result;
using metron::test::run;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

const std::string metron_tool = METRON_TOOL_PATH;
const std::filesystem::path inputs_dir = METRON_INPUTS_DIR;
const std::filesystem::path specs_dir = METRON_SPECS_DIR;

process_result run_metron(const std::vector<std::string>& arguments,
                          const scratch_dir& directory) {
  return metron::test::run_tool(metron_tool, arguments, run_options{directory.path(), {}});
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// A scratch directory with the fixture capture, the benchmark result and the chain log.
struct workspace {
  workspace() {
    metron::test::write_fixture_capture(directory.file("fixture.mtr"));
    std::filesystem::copy_file(inputs_dir / "probe_bench.json", directory.file("bench.json"));
    std::filesystem::copy_file(inputs_dir / "chain.log", directory.file("chain.log"));
  }
  scratch_dir directory;
};

// The fixture capture's ledger.apply lasts 100, 200, 300 and 600 µs; its ledger.tick events are
// 1.2 ms apart. The log's blocks are adopted 100, 250, 300, 500, 150 and 600 ms after they were
// forged, two seconds apart.
const std::string passing_spec = R"(suite: integration
metrics:
  apply:
    probe: ledger.apply
  apply_cpu:
    probe: ledger.apply
    field: cpu_time_ns
  inactive:
    benchmark: bracket_inactive
kpis:
  apply_median:
    metric: apply
    statistic: median
    unit: us
    threshold: 300 us
  apply_count:
    metric: apply
    statistic: count
    threshold: 4
    better: higher
  cpu_share:
    ratio: {numerator: apply_cpu, denominator: apply}
    statistic: mean
  tick_gap:
    interval: ledger.tick
    unit: ms
  inactive_bracket:
    metric: inactive
    statistic: max
    threshold: 2 ns
  propagation:
    span: {from: chain.block.forged, to: chain.block.adopted, key: block}
    statistic: p90
    unit: ms
    threshold: 1 s
  blocks:
    rate: chain.block.forged
    threshold: 0.25
)";

// A golden file's text; METRON_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path golden = std::filesystem::path(METRON_GOLDEN_DIR) / name;
  if (const char* update = std::getenv("METRON_UPDATE_GOLDEN");
      update != nullptr && *update == '1') {
    write_text(golden, actual);
  }
  INFO("golden file " << golden.string() << " (run with METRON_UPDATE_GOLDEN=1 to rewrite it)");
  CHECK(actual == read_text(golden));
}

const json& kpi_named(const json& report, const std::string& name) {
  for (const json& kpi : report.at("kpis")) {
    if (kpi.at("name") == name) {
      return kpi;
    }
  }
  FAIL("no KPI " << name << " in " << report.dump());
  throw std::logic_error("unreachable");
}

// A one-line error naming `prefix`, exit 2 and nothing on stdout.
void check_bad_input(const process_result& result, const std::string& prefix) {
  INFO("stderr: " << result.err << "\nstdout: " << result.out);
  CHECK(result.exit_code == 2);
  REQUIRE(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::StartsWith("metron: " + prefix));
  CHECK(result.out.empty());
}

}  // namespace

TEST_CASE("kpi: a passing spec over a capture, a benchmark result and a log", "[integration][kpi]") {
  const workspace space;
  write_text(space.directory.file("pass.yaml"), passing_spec);
  const std::vector<std::string> inputs = {"fixture.mtr", "bench.json", "chain.log"};

  std::vector<std::string> arguments = {"kpi", "--spec", "pass.yaml"};
  arguments.insert(arguments.end(), inputs.begin(), inputs.end());
  const process_result text = run_metron(arguments, space.directory);
  INFO("stderr: " << text.err);
  CHECK(text.exit_code == 0);
  CHECK(text.err.empty());
  check_golden("kpi_pass.txt", text.out);

  arguments.push_back("--json");
  const process_result result = run_metron(arguments, space.directory);
  CHECK(result.exit_code == 0);
  REQUIRE(json::accept(result.out));
  const json report = json::parse(result.out);
  CHECK(report.at("passed") == true);
  CHECK(report.at("inputs") == json(inputs));
  CHECK(report.at("counts").at("breach") == 0);
  CHECK(report.at("counts").at("pass") == 5);
  CHECK(report.at("counts").at("unchecked") == 2);
  CHECK(kpi_named(report, "apply_median").at("value").get<double>() == Approx(250.0));
  CHECK(kpi_named(report, "apply_median").at("unit") == "us");
  CHECK(kpi_named(report, "apply_count").at("value") == 4);
  CHECK(kpi_named(report, "cpu_share").at("value").get<double>() ==
        Approx((90.0 + 180 + 250 + 590) / 4 / 300));
  CHECK(kpi_named(report, "tick_gap").at("value").get<double>() == Approx(1.2));
  CHECK(kpi_named(report, "inactive_bracket").at("value").get<double>() == Approx(1.7));
  CHECK(kpi_named(report, "propagation").at("value").get<double>() == Approx(550.0));
  CHECK(kpi_named(report, "propagation").at("samples") == 6);
  CHECK(kpi_named(report, "blocks").at("value").get<double>() == Approx(0.5));
  CHECK(kpi_named(report, "blocks").at("unit") == "/s");
  CHECK(kpi_named(report, "blocks").at("line") == 36);
}

TEST_CASE("kpi: a breach exits 1 and says which KPI", "[integration][kpi]") {
  const workspace space;
  write_text(space.directory.file("breach.yaml"), R"(suite: breach
metrics:
  apply:
    probe: ledger.apply
kpis:
  apply_max:
    metric: apply
    statistic: max
    unit: us
    threshold: 500
  apply_min:
    metric: apply
    statistic: min
    threshold: 200 us
)");
  const process_result text =
      run_metron({"kpi", "--spec", "breach.yaml", "fixture.mtr"}, space.directory);
  INFO("stdout: " << text.out << "\nstderr: " << text.err);
  CHECK(text.exit_code == 1);
  CHECK(text.err.empty());
  const std::vector<std::string> lines = lines_of(text.out);
  REQUIRE(lines.size() >= 4);
  CHECK_THAT(lines[2], Catch::StartsWith("   apply_max") && Catch::Contains("600 µs") &&
                           Catch::Contains("<= 500 µs") && Catch::EndsWith("BREACH"));
  CHECK_THAT(lines[3], Catch::StartsWith("   apply_min") && Catch::EndsWith("pass"));
  CHECK(lines.back() == "1 pass, 1 breach, 0 insufficient, 0 unchecked");

  const process_result result =
      run_metron({"kpi", "--json", "--spec", "breach.yaml", "fixture.mtr"}, space.directory);
  CHECK(result.exit_code == 1);
  const json report = json::parse(result.out);
  CHECK(report.at("passed") == false);
  CHECK(kpi_named(report, "apply_max").at("status") == "breach");
  CHECK(kpi_named(report, "apply_max").at("threshold") == 500.0);
}

TEST_CASE("kpi: too few samples are insufficient; exit 3 only when asked", "[integration][kpi]") {
  const workspace space;
  write_text(space.directory.file("few.yaml"), R"(suite: few
metrics:
  apply:
    probe: ledger.apply
kpis:
  apply_p99:
    metric: apply
    statistic: p99
    threshold: 1 ms
    min_samples: 30
)");
  const process_result lenient =
      run_metron({"kpi", "--spec", "few.yaml", "fixture.mtr"}, space.directory);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Catch::Contains("insufficient") &&
                              Catch::Contains("apply_p99: 4 samples, fewer than the 30 "
                                              "min_samples asks"));
  const process_result strict = run_metron(
      {"kpi", "--fail-on-insufficient", "--spec", "few.yaml", "fixture.mtr"}, space.directory);
  CHECK(strict.exit_code == 3);
}

TEST_CASE("kpi: a bad spec is a one-line error naming file, line and key", "[integration][kpi]") {
  const workspace space;
  write_text(space.directory.file("bad.yaml"), R"(suite: bad
metrics:
  apply:
    probe: ledger.apply
kpis:
  apply_tail:
    metric: apply
    statistic: p999
)");
  check_bad_input(run_metron({"kpi", "--spec", "bad.yaml", "fixture.mtr"}, space.directory),
                  "bad.yaml:8: kpis.apply_tail.statistic: unknown statistic 'p999'; expected one "
                  "of count, sum, mean, median, p50, p75, p90, p95, p96, p99, p99.9,");

  write_text(space.directory.file("unknown_key.yaml"),
             "suite: bad\nkpis:\n  r:\n    rate: chain.block.forged\n    treshold: 1\n");
  check_bad_input(
      run_metron({"kpi", "--spec", "unknown_key.yaml", "chain.log"}, space.directory),
      "unknown_key.yaml:5: kpis.r.treshold: unknown key 'treshold'; did you mean 'threshold'?");

  write_text(space.directory.file("broken.yaml"), "suite: [unclosed\n");
  check_bad_input(run_metron({"kpi", "--spec", "broken.yaml", "chain.log"}, space.directory),
                  "broken.yaml:2: malformed YAML: ");

  check_bad_input(run_metron({"kpi", "--spec", "absent.yaml", "chain.log"}, space.directory),
                  "absent.yaml: cannot open the spec: ");
}

TEST_CASE("kpi: a metric or event the inputs lack lists the closest names", "[integration][kpi]") {
  const workspace space;
  write_text(space.directory.file("typo.yaml"), R"(suite: typo
metrics:
  apply:
    probe: ledger.aply
kpis:
  apply_median:
    metric: apply
)");
  check_bad_input(run_metron({"kpi", "--spec", "typo.yaml", "fixture.mtr"}, space.directory),
                  "typo.yaml:3: metrics.apply.probe: no metric 'ledger.aply' in the inputs; did "
                  "you mean 'ledger.apply'?");

  write_text(space.directory.file("event.yaml"),
             "suite: typo\nkpis:\n  gap:\n    interval: chain.block.forget\n");
  check_bad_input(run_metron({"kpi", "--spec", "event.yaml", "chain.log"}, space.directory),
                  "event.yaml:3: kpis.gap.interval: no event 'chain.block.forget' in the "
                  "inputs; did you mean 'chain.block.forged'?");

  check_bad_input(run_metron({"kpi", "--spec", "event.yaml", "missing.mtr"}, space.directory),
                  "missing.mtr: ");
}

TEST_CASE("kpi: the shipped probe_bench spec reads Google Benchmark's output",
          "[integration][kpi][specs]") {
  const workspace space;
  const process_result result = run_metron(
      {"kpi", "--json", "--spec", (specs_dir / "probe-bench.yaml").string(), "bench.json"},
      space.directory);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(result.out);
  CHECK(report.at("kpis").size() == 4);
  CHECK(kpi_named(report, "active_bracket").at("value").get<double>() == Approx(24.7));
  CHECK(kpi_named(report, "work_overhead").at("value").get<double>() ==
        Approx(783000.0 / 653000.0));
}

TEST_CASE("kpi: the shipped chain spec measures block propagation from logs",
          "[integration][kpi][specs]") {
  const workspace space;
  const process_result result = run_metron(
      {"kpi", "--json", "--spec", (specs_dir / "chain.yaml").string(), "chain.log"},
      space.directory);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(result.out);
  CHECK(kpi_named(report, "propagation_median").at("value").get<double>() == Approx(275.0));
  CHECK(kpi_named(report, "propagation_worst").at("value").get<double>() == Approx(600.0));
  CHECK(kpi_named(report, "blocks_per_second").at("status") == "pass");
  // Two intervals between three blocks, where the spec asks for three.
  CHECK(kpi_named(report, "block_interval").at("status") == "insufficient");
  CHECK(kpi_named(report, "block_interval").at("value").get<double>() == Approx(2.0));
}

#ifdef METRON_QUICKSTART_PATH
TEST_CASE("kpi: the shipped quickstart spec names the quickstart's probes",
          "[integration][kpi][specs]") {
  const scratch_dir directory;
  const process_result record = run_metron(
      {"record", "-o", "run.mtr", "--", std::string(METRON_QUICKSTART_PATH)}, directory);
  REQUIRE(record.exit_code == 0);
  const process_result result = run_metron(
      {"kpi", "--json", "--spec", (specs_dir / "quickstart.yaml").string(), "run.mtr"},
      directory);
  INFO("stderr: " << result.err);
  // Timing thresholds depend on the machine; that every KPI found its metric and has a value
  // does not.
  CHECK((result.exit_code == 0 || result.exit_code == 1));
  REQUIRE(json::accept(result.out));
  const json report = json::parse(result.out);
  CHECK(report.at("kpis").size() == 9);
  for (const json& kpi : report.at("kpis")) {
    INFO(kpi.dump());
    CHECK(kpi.at("value").is_number());
    CHECK(kpi.at("status") != "insufficient");
  }
}
#endif

TEST_CASE("kpi --help explains the subcommand with an example and its exit codes",
          "[integration][kpi][help]") {
  const scratch_dir directory;
  const process_result result = run_metron({"kpi", "--help"}, directory);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("metron kpi --spec specs/quickstart.yaml run.mtr") &&
                             Catch::Contains("Exit codes:") &&
                             Catch::Contains("1  a KPI breached its threshold") &&
                             Catch::Contains("--fail-on-insufficient"));
  CHECK_THAT(run_metron({"--help"}, directory).out, Catch::Contains("kpi"));
  check_bad_input(run_metron({"kpi", "chain.log"}, directory), "--spec is required");
}
