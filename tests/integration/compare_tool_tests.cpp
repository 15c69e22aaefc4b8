// End-to-end checks of `metron compare`: real benchmark runs, an injected slowdown, bad input.
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace {

using metron::test::process_result;
using metron::test::run;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

const std::string metron_tool = METRON_TOOL_PATH;
const std::string workload = METRON_WORKLOAD_PATH;

/// A file of tests/fixtures/google_benchmark.
std::string google_benchmark_fixture(const std::string& name) {
  return std::string(METRON_TEST_FIXTURES) + "/google_benchmark/" + name;
}

process_result run_metron(const std::vector<std::string>& arguments) {
  return metron::test::run_tool(metron_tool, arguments);
}

/// Runs the workload with `repetitions` repetitions into `out`, slowed by `slowdown`.
void measure(const std::string& out, const std::string& slowdown) {
  run_options options;
  if (!slowdown.empty()) {
    options.environment.emplace_back("METRON_WORKLOAD_SLOWDOWN", slowdown);
  }
  const process_result result =
      run({workload, "--benchmark_repetitions=5", "--benchmark_min_time=0.02",
           "--benchmark_enable_random_interleaving=true", "--benchmark_out=" + out,
           "--benchmark_out_format=json"},
          options);
  REQUIRE(result.exit_code == 0);
}

/// Three runs a side, interleaved (A B A B A B) so that a drift of the machine hits both alike.
std::vector<std::string> interleaved_sides(const scratch_dir& dir, const std::string& slowdown) {
  std::vector<std::string> arguments = {"--baseline"};
  std::vector<std::string> candidates = {"--candidate"};
  for (int i = 0; i < 3; ++i) {
    const std::string a = dir.file("a" + std::to_string(i) + ".json");
    const std::string b = dir.file("b" + std::to_string(i) + ".json");
    measure(a, "");
    measure(b, slowdown);
    arguments.push_back(a);
    candidates.push_back(b);
  }
  arguments.insert(arguments.end(), candidates.begin(), candidates.end());
  return arguments;
}

json verdicts_of(const process_result& result) {
  INFO(result.err);
  const json document = json::parse(result.out);
  json verdicts = json::object();
  for (const json& row : document.at("metrics")) {
    verdicts[row.at("name").get<std::string>()] = row.at("verdict");
  }
  return verdicts;
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

/// Google Benchmark JSON with one benchmark `name` and the given real times (ns), one per
/// repetition.
std::string benchmark_json(const std::string& name, const std::vector<double>& times) {
  json rows = json::array();
  for (std::size_t i = 0; i < times.size(); ++i) {
    rows.push_back({{"name", name},
                    {"run_name", name},
                    {"run_type", "iteration"},
                    {"repetitions", times.size()},
                    {"repetition_index", i},
                    {"threads", 1},
                    {"iterations", 1000},
                    {"real_time", times[i]},
                    {"cpu_time", times[i]},
                    {"time_unit", "ns"}});
  }
  return json{{"context", {{"num_cpus", 2}, {"mhz_per_cpu", 2000}}}, {"benchmarks", rows}}.dump();
}

}  // namespace

TEST_CASE("compare: identical work is not flagged", "[integration][compare]") {
  const scratch_dir dir;
  std::vector<std::string> arguments = interleaved_sides(dir, "");
  // A loaded machine can correlate a run's repetitions so that the design cannot decide (exit
  // 3, tested in honest_verdict_tests.cpp); what this test asks is that nothing is flagged.
  arguments.insert(arguments.begin(),
                   {"compare", "--measure", "cpu", "--allow-blind", "--json", "-"});
  const process_result result = run_metron(arguments);
  INFO(result.out << result.err);
  const json verdicts = verdicts_of(result);
  REQUIRE(verdicts.contains("chain/20000:cpu_time"));
  REQUIRE(verdicts.contains("chain/50000:cpu_time"));
  // CPU time gates: whatever else a shared machine runs meanwhile stretches wall time, and a
  // comparison rightly reports that as a change, an informative one.
  for (const auto& [name, verdict] : verdicts.items()) {
    INFO(name);
    if (name.ends_with(":cpu_time")) {
      CHECK((verdict == "unchanged" || verdict == "inconclusive"));
    }
  }
  CHECK(result.exit_code == 0);
}

TEST_CASE("compare: an injected 30 % slowdown is flagged", "[integration][compare]") {
  const scratch_dir dir;
  std::vector<std::string> arguments = interleaved_sides(dir, "1.3");
  arguments.insert(arguments.begin(), {"compare", "--measure", "cpu", "--json", "-"});
  const process_result result = run_metron(arguments);
  INFO(result.out << result.err);
  CHECK(result.exit_code == 1);
  const json verdicts = verdicts_of(result);
  // CPU time, not wall time: a shared CI machine's load can swamp wall time, never CPU time.
  CHECK(verdicts.at("chain/20000:cpu_time") == "regressed");
  CHECK(verdicts.at("chain/50000:cpu_time") == "regressed");
  for (const auto& [name, verdict] : verdicts.items()) {
    INFO(name);
    CHECK(verdict != "improved");
  }
}

TEST_CASE("compare: bad input is a one-line error and exit 2", "[integration][compare]") {
  const scratch_dir dir;
  const std::string a = dir.file("a.json");
  const std::string other = dir.file("other.json");
  const std::string empty = dir.file("empty.json");
  const std::string broken = dir.file("broken.json");
  write_text(a, benchmark_json("BM_a", {100, 101, 102, 103, 104, 105}));
  write_text(other, benchmark_json("BM_other", {100, 101, 102, 103, 104, 105}));
  write_text(empty, json{{"context", json::object()}, {"benchmarks", json::array()}}.dump());
  write_text(broken, "{\"benchmarks\": [ {\"name\": ");

  const process_result disjoint = run_metron({"compare", a, other});
  CHECK(disjoint.exit_code == 2);
  CHECK(disjoint.err.find("share no metric") != std::string::npos);
  CHECK(disjoint.err.find("BM_other") != std::string::npos);
  CHECK(disjoint.out.empty());

  const process_result no_rows = run_metron({"compare", empty, a});
  CHECK(no_rows.exit_code == 2);
  CHECK(no_rows.err.find(empty) != std::string::npos);

  const process_result malformed = run_metron({"compare", a, broken});
  CHECK(malformed.exit_code == 2);
  CHECK(malformed.err.find(broken) != std::string::npos);
  CHECK(metron::test::lines_of(malformed.err).size() == 1);

  const process_result one_side = run_metron({"compare", "--baseline", a});
  CHECK(one_side.exit_code == 2);

  const process_result bad_tolerance = run_metron({"compare", "--tolerance", "five", a, a});
  CHECK(bad_tolerance.exit_code == 2);
  CHECK(bad_tolerance.err.find("--tolerance") != std::string::npos);

  const std::string json_out = dir.file("out.json");
  const process_result no_partial = run_metron({"compare", "--json", json_out, a, broken});
  CHECK(no_partial.exit_code == 2);
  CHECK(dir.entries().size() == 4);
}

TEST_CASE("compare: single-sample sides are inconclusive and blind, passing only when allowed",
          "[integration][compare]") {
  const scratch_dir dir;
  const std::string a = dir.file("a.json");
  const std::string b = dir.file("b.json");
  write_text(a, benchmark_json("BM_a", {100}));
  write_text(b, benchmark_json("BM_a", {150}));
  CHECK(run_metron({"compare", a, b}).exit_code == 3);
  const process_result lenient = run_metron({"compare", "--allow-blind", "--json", "-", a, b});
  CHECK(lenient.exit_code == 0);
  const json document = json::parse(lenient.out);
  const json& row = document.at("metrics").at(0);
  CHECK(row.at("verdict") == "inconclusive");
  CHECK(row.at("change").get<double>() == Approx(0.5));
  CHECK(row.at("p_value").is_null());
  CHECK(row.at("repetitions_needed").get<int>() >= 4);

  CHECK(row.at("blind") == true);
  CHECK(document.at("design").at("repetitions_needed").get<int>() >= 4);

  const process_result strict =
      run_metron({"compare", "--allow-blind", "--fail-on-inconclusive", a, b});
  CHECK(strict.exit_code == 3);
  CHECK(strict.out.find("inconclusive") != std::string::npos);
}

TEST_CASE("compare: a design that cannot flag a lone regression says so and exits 3",
          "[integration][compare]") {
  const scratch_dir dir;
  // 20 benchmarks of 5 repetitions a side: the U test's smallest p, 2 / C(10, 5) = 0.0079, is
  // above 0.05 / 20, so even a 30 % slowdown of one of them could not be flagged.
  json base_rows = json::array();
  json head_rows = json::array();
  for (int benchmark = 0; benchmark < 20; ++benchmark) {
    const std::string name = "BM_" + std::to_string(benchmark);
    const double factor = benchmark == 0 ? 1.3 : 1.0;
    for (const auto& [rows, scale] : {std::pair{&base_rows, 1.0}, std::pair{&head_rows, factor}}) {
      // In no order: repetitions that rise steadily are a drift, which the comparator allows for.
      const json one = json::parse(
          benchmark_json(name, {102 * scale, 100 * scale, 104 * scale, 101 * scale, 103 * scale}));
      for (const json& row : one.at("benchmarks")) {
        rows->push_back(row);
      }
    }
  }
  const std::string a = dir.file("a.json");
  const std::string b = dir.file("b.json");
  write_text(a, json{{"benchmarks", base_rows}}.dump());
  write_text(b, json{{"benchmarks", head_rows}}.dump());
  const process_result blind = run_metron({"compare", "--no-colour", a, b});
  INFO(blind.out << blind.err);
  CHECK(blind.exit_code == 3);
  CHECK(blind.out.rfind("blind design: 20 of 20 gating rows", 0) == 0);
  CHECK(blind.out.find("--benchmark_repetitions=6") != std::string::npos);
  CHECK(blind.out.find("--allow-blind") != std::string::npos);
  const process_result allowed = run_metron({"compare", "--allow-blind", "--json", "-", a, b});
  CHECK(allowed.exit_code == 0);
  const json document = json::parse(allowed.out);
  // The CPU time rows inform, and do not dilute the gate: 20 gating rows, not 40.
  CHECK(document.at("design").at("gating_rows") == 20);
  CHECK(document.at("design").at("blind_rows") == 20);
  CHECK(document.at("design").at("repetitions_needed") == 6);
  const process_result junit = run_metron({"compare", "--junit", "-", a, b});
  CHECK(junit.exit_code == 3);
  CHECK(junit.out.find(R"(<failure type="blind")") != std::string::npos);
}

TEST_CASE("compare: outputs in Markdown and JUnit, warnings and --strict",
          "[integration][compare]") {
  const scratch_dir dir;
  const std::string a = dir.file("a.json");
  const std::string b = dir.file("b.json");
  write_text(a, benchmark_json("BM_a", {104, 100, 108, 102, 106, 101, 109, 103, 107, 105}));
  json slower =
      json::parse(benchmark_json("BM_a", {134, 130, 138, 132, 136, 131, 139, 133, 137, 135}));
  slower["context"]["mhz_per_cpu"] = 3000;
  write_text(b, slower.dump());

  const std::string junit = dir.file("result.xml");
  const process_result markdown =
      run_metron({"compare", "--markdown", "-", "--junit", junit, a, b});
  CHECK(markdown.exit_code == 1);
  CHECK(markdown.out.find("| BM_a |") != std::string::npos);
  CHECK(markdown.out.find("**regressed**") != std::string::npos);
  // 2000 against 3000 MHz: more than the 10 % two readings of one machine differ by.
  CHECK(markdown.err.find("warning: CPU frequency (MHz) differs: " + a + " has '2000', " + b +
                          " has '3000' (mhz_per_cpu)") != std::string::npos);
  std::ifstream xml(junit);
  const std::string junit_text((std::istreambuf_iterator<char>(xml)),
                               std::istreambuf_iterator<char>());
  CHECK(junit_text.find("<testcase classname=\"time\" name=\"BM_a\"><failure") !=
        std::string::npos);

  const process_result strict = run_metron({"compare", "--strict", a, b});
  CHECK(strict.exit_code == 2);
  CHECK(strict.err.find("--strict") != std::string::npos);
}

TEST_CASE("compare: 'metron stats --json' summaries keep their repetitions",
          "[integration][compare]") {
  const scratch_dir dir;
  std::vector<std::string> arguments = {"compare", "--json", "-", "--baseline"};
  std::vector<std::string> candidates = {"--candidate"};
  for (int run_index = 0; run_index < 6; ++run_index) {
    const double offset = run_index;
    for (const bool slower : {false, true}) {
      const std::string name = (slower ? "b" : "a") + std::to_string(run_index);
      const double factor = slower ? 1.3 : 1.0;
      write_text(dir.file(name + ".json"),
                 benchmark_json("BM_a", {factor * (100 + offset), factor * (101 + offset),
                                         factor * (102 + offset)}));
      const std::string stats = dir.file(name + ".stats.json");
      const process_result result =
          run_metron({"stats", "--json", "-o", stats, dir.file(name + ".json")});
      REQUIRE(result.exit_code == 0);
      (slower ? candidates : arguments).push_back(stats);
    }
  }
  arguments.insert(arguments.end(), candidates.begin(), candidates.end());
  const process_result result = run_metron(arguments);
  INFO(result.err);
  CHECK(result.exit_code == 1);
  const json document = json::parse(result.out);
  const json& row = document.at("metrics").at(0);
  CHECK(row.at("name") == "BM_a");
  // Six summaries of three repetitions each: 18 runs a side, not one median per summary.
  CHECK(row.at("baseline").at("n") == 18);
  CHECK(row.at("candidate").at("n") == 18);
  CHECK(row.at("baseline_median").get<double>() == Approx(103.5));
  CHECK(row.at("verdict") == "regressed");
}

TEST_CASE(
    "compare: a benchmark that fails in the candidate fails the gate; one that disappears "
    "is listed first",
    "[integration][compare]") {
  const scratch_dir dir;
  const std::string base = dir.file("base.json");
  const std::string head = dir.file("head.json");
  json baseline = json::parse(benchmark_json("BM_a", {100, 101, 102, 103, 104, 105}));
  for (const json& more : {json::parse(benchmark_json("BM_fetch", {50, 51, 52})),
                           json::parse(benchmark_json("BM_gone", {7, 7, 7}))}) {
    for (const json& row : more.at("benchmarks")) {
      baseline["benchmarks"].push_back(row);
    }
  }
  write_text(base, baseline.dump());
  json candidate = json::parse(benchmark_json("BM_a", {100, 101, 102, 103, 104, 105}));
  candidate["benchmarks"].push_back({{"name", "BM_fetch"},
                                     {"run_name", "BM_fetch"},
                                     {"run_type", "iteration"},
                                     {"error_occurred", true},
                                     {"error_message", "peer closed the connection"},
                                     {"iterations", 0},
                                     {"real_time", 0},
                                     {"cpu_time", 0},
                                     {"time_unit", "ns"}});
  write_text(head, candidate.dump());

  const process_result gate = run_metron({"compare", "--json", "-", base, head});
  INFO(gate.err);
  CHECK(gate.exit_code == 1);
  const json document = json::parse(gate.out);
  REQUIRE(document.at("failures").size() == 1);
  const json& failure = document.at("failures").at(0);
  CHECK(failure.at("name") == "BM_fetch");
  CHECK(failure.at("side") == "candidate");
  CHECK(failure.at("ran_in_baseline") == true);
  CHECK(failure.at("message") == "peer closed the connection");
  // A failed benchmark is a failure, not a removal; a vanished one is removed.
  CHECK(document.at("removed") == json::array({"BM_gone", "BM_gone:cpu_time"}));

  const process_result table = run_metron({"compare", "--no-colour", base, head});
  CHECK(table.exit_code == 1);
  CHECK(table.out.rfind("FAILED: BM_fetch in the candidate (failed): peer closed the connection",
                        0) == 0);
  CHECK(table.out.find("removed: BM_gone (only in the baseline)") < table.out.find("metric "));

  // Only removed: informational by default, a failure with --fail-on-removed.
  json without_fetch = json::parse(benchmark_json("BM_a", {100, 101, 102, 103, 104, 105}));
  const std::string smaller = dir.file("smaller.json");
  write_text(smaller, without_fetch.dump());
  CHECK(run_metron({"compare", base, smaller}).exit_code == 0);
  CHECK(run_metron({"compare", "--fail-on-removed", base, smaller}).exit_code == 1);
}

TEST_CASE("compare: one run a side is said once, above the table, with what would decide it",
          "[integration][compare]") {
  const scratch_dir dir;
  const std::string a = dir.file("a.json");
  const std::string b = dir.file("b.json");
  write_text(a, R"({"benchmarks":[{"name":"BM_a","real_time":10,"cpu_time":10},)"
                R"({"name":"BM_b","real_time":20,"cpu_time":20}]})");
  write_text(b, R"({"benchmarks":[{"name":"BM_a","real_time":13,"cpu_time":13},)"
                R"({"name":"BM_b","real_time":20,"cpu_time":20}]})");
  const process_result result = run_metron({"compare", "--no-colour", a, b});
  CHECK(result.exit_code == 3);
  const std::string headline = "one value a side for 4 of 4 rows";
  CHECK(result.out.rfind(headline, 0) == 0);
  CHECK(result.out.find(headline, 1) == std::string::npos);
  CHECK(result.out.find("--benchmark_repetitions=") != std::string::npos);
  // No row repeats it.
  CHECK(result.out.find("BM_a: ") == std::string::npos);
}

TEST_CASE("compare: counters gate only where their direction is known", "[integration][compare]") {
  const std::string baseline = google_benchmark_fixture("v1_8_counter_directions_baseline.json");
  const auto compare_with = [&](const std::string& candidate,
                                const std::vector<std::string>& options = {}) {
    std::vector<std::string> arguments = {"compare", "--json", "-"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    arguments.push_back(baseline);
    arguments.push_back(google_benchmark_fixture(candidate));
    return run_metron(arguments);
  };

  SECTION("counters of unknown direction that improve are changed, and the gate passes") {
    const process_result result = compare_with("v1_8_counter_directions_unknown_improve.json");
    CHECK(result.exit_code == 0);
    const json verdicts = verdicts_of(result);
    for (const char* counter : {"docs_per_sec", "hit_rate", "instructions_per_cycle", "GB/s"}) {
      INFO(counter);
      CHECK(verdicts.at(std::string("BM_search/1024:") + counter) == "changed");
    }
    CHECK(verdicts.at("BM_search/1024:results") == "unchanged");
    const json document = json::parse(result.out);
    CHECK(document.at("counts").at("changed") == 4);
    CHECK(document.at("counts").at("regressed") == 0);
    CHECK(document.at("counts").at("improved") == 0);

    const process_result table =
        run_metron({"compare", "--no-colour", baseline,
                    google_benchmark_fixture("v1_8_counter_directions_unknown_improve.json")});
    CHECK(table.exit_code == 0);
    CHECK_THAT(table.out, Catch::Contains("4 changed") &&
                              Catch::Contains("which way is better is unknown, so they do not "
                                              "gate"));
  }

  SECTION("--help says which metrics gate") {
    const process_result help = run_metron({"compare", "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("Only metrics whose direction is known gate") &&
                             Catch::Contains("bytes_per_second") &&
                             Catch::Contains("reported as 'changed'") &&
                             Catch::Contains("--directions SPEC.yaml"));
  }

  SECTION("a drop of Google Benchmark's bytes_per_second regresses, and the gate fails") {
    const process_result result = compare_with("v1_8_counter_directions_bytes_drop.json");
    CHECK(result.exit_code == 1);
    const json verdicts = verdicts_of(result);
    CHECK(verdicts.at("BM_search/1024:bytes_per_second") == "regressed");
    CHECK(verdicts.at("BM_search/1024:items_per_second") != "regressed");
  }

  SECTION("a counter the spec declares better higher gates; undeclared it does not") {
    const std::string candidate = "v1_8_counter_directions_hit_rate_drop.json";
    const process_result undeclared = compare_with(candidate);
    CHECK(undeclared.exit_code == 0);
    CHECK(verdicts_of(undeclared).at("BM_search/1024:hit_rate") == "changed");

    const scratch_dir dir;
    const std::string spec = dir.file("directions.yaml");
    write_text(spec, "suite: search\ndirections:\n  \"*:hit_rate\": higher\n");
    const process_result declared = compare_with(candidate, {"--directions", spec});
    CHECK(declared.exit_code == 1);
    const json verdicts = verdicts_of(declared);
    CHECK(verdicts.at("BM_search/1024:hit_rate") == "regressed");
    CHECK(verdicts.at("BM_search/1024:docs_per_sec") != "regressed");

    const std::string kpis = dir.file("kpis.yaml");
    const std::string hits =
        "suite: search\nmetrics:\n  hits: {benchmark: BM_search/1024, field: hit_rate}\n";
    for (const std::string& declaration :
         {std::string("kpis:\n  hit_rate: {metric: hits, better: higher}\n"),
          std::string(
              "kpis:\n  hit_rate: {metric: hits}\ndirections:\n  \"*:hit_rate\": higher\n")}) {
      INFO(declaration);
      write_text(kpis, hits + declaration);
      const process_result by_kpi = compare_with(candidate, {"--spec", kpis});
      CHECK(by_kpi.exit_code == 1);
      CHECK(verdicts_of(by_kpi).at("hit_rate") == "regressed");
    }

    write_text(spec, "suite: search\ndirections:\n  \"*:hit_rate\": up\n");
    const process_result bad = compare_with(candidate, {"--directions", spec});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains(spec + ":3: directions.*:hit_rate: unknown direction 'up'; "
                                               "expected lower or higher"));
  }
}
