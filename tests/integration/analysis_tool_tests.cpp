// End-to-end tests of `metron stats` and `metron postmortem`: golden files, known answers, bad
// input.
#include "fixture.hpp"
#include "process.hpp"

#include <metron/capture/capture.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using metron::test::lines_of;
using metron::test::process_result;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

process_result run_metron(const std::vector<std::string>& arguments, const scratch_dir& directory) {
  return metron::test::run_tool(METRON_TOOL_PATH, arguments, run_options{directory.path(), {}});
}

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

// Copies the fixture `name` (a file or a directory) from tests/integration/fixtures.
void copy_fixture(const std::string& name, const scratch_dir& directory) {
  fs::copy(fs::path(METRON_FIXTURE_DIR) / name, directory.path() / name,
           fs::copy_options::recursive);
}

// Compares `actual` with the golden file `name`; METRON_UPDATE_GOLDEN=1 rewrites the file.
void check_golden(const std::string& name, const std::string& actual) {
  const fs::path golden = fs::path(METRON_GOLDEN_DIR) / name;
  if (const char* update = std::getenv("METRON_UPDATE_GOLDEN");
      update != nullptr && *update == '1') {
    write_text(golden, actual);
  }
  INFO("golden file " << golden.string() << " (run with METRON_UPDATE_GOLDEN=1 to rewrite it)");
  CHECK(actual == read_text(golden));
}

// A one-line error on stderr naming `file` and containing `words`, exit 2, nothing on stdout.
void check_bad_input(const process_result& result, const std::string& file,
                     const std::string& words) {
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  REQUIRE(lines_of(result.err).size() == 1);
  CHECK(result.err.starts_with("metron: " + file));
  CHECK(result.err.find(words) != std::string::npos);
  CHECK(result.out.empty());
}

const json& metric_named(const json& report, const std::string& name) {
  for (const json& metric : report.at("metrics")) {
    if (metric.at("name") == name) {
      return metric;
    }
  }
  FAIL("no metric " << name);
  throw std::logic_error("unreachable");
}

// A capture of one bracket site whose durations are 1 … `count` ns, shuffled by a fixed stride,
// and of one gauge whose values are `gauge_values`.
void write_known_capture(const std::string& path, std::int64_t count,
                         const std::vector<double>& gauge_values) {
  metron::capture_writer writer(path, R"({"host":"known-host"})");
  const std::vector<metron::site_info> sites = {
      {1, metron::site_kind::bracket, 0, 1, "known.call", "known.cpp", "void call()"},
      {2, metron::site_kind::gauge, 0, 2, "known.level", "known.cpp", "void level()"}};
  writer.write_sites(sites);
  writer.write_thread({0, 1, "main"});
  std::vector<metron::record> records;
  std::int64_t now = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t duration = (i * 7919) % count + 1;  // 7919 is prime: a permutation
    records.push_back({1, 0, now, now + duration, 0});
    now += duration + 1;
  }
  for (const double value : gauge_values) {
    records.push_back({2, 0, now, now, value});
    ++now;
  }
  writer.write_records(0, records);
  metron::capture_footer footer;
  footer.end_ns = now;
  writer.finish(footer);
}

}  // namespace

TEST_CASE("stats of the fixture capture matches the golden table", "[integration][stats][golden]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  const process_result result = run_metron({"stats", "fixture.mtr"}, directory);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());  // no progress line when stderr is not a terminal
  check_golden("stats_fixture.txt", result.out);
}

TEST_CASE("stats --json over a capture, Google Benchmark JSON and a log gives known answers",
          "[integration][stats][golden]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  copy_fixture("bench.json", directory);
  copy_fixture("postmortem", directory);
  const process_result result = run_metron({"stats", "--json", "fixture.mtr", "bench.json",
                                            "postmortem/node-a.jsonl", "-o", "stats.json"},
                                           directory);
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.empty());
  const std::string text = read_text(directory.path() / "stats.json");
  check_golden("stats_mixed.json", text);
  const json report = json::parse(text);

  // Bracket durations 100, 200, 300 and 600 µs.
  const json& apply = metric_named(report, "ledger.apply");
  CHECK(apply.at("n") == 4);
  CHECK(apply.at("mean").get<double>() == Approx(300'000));
  CHECK(apply.at("median").get<double>() == Approx(250'000));
  CHECK(apply.at("unit") == "ns");
  CHECK(apply.at("approximate") == false);
  CHECK(metric_named(report, "ledger.apply:cpu_time_ns").at("max").get<double>() ==
        Approx(590'000));
  // A bracket that never ran: an empty sample, every statistic null.
  const json& idle = metric_named(report, "ledger.idle");
  CHECK(idle.at("n") == 0);
  CHECK(idle.at("mean").is_null());
  CHECK(idle.at("median_ci").is_null());
  // Counter deltas 512, 1024, 1.5.
  CHECK(metric_named(report, "network.bytes_in").at("median").get<double>() == Approx(512));
  // Five repetitions of 1.1, 1.2, 1.0, 1.4, 1.3 µs.
  const json& apply_bench = metric_named(report, "BM_apply/64");
  CHECK(apply_bench.at("n") == 5);
  CHECK(apply_bench.at("median").get<double>() == Approx(1200));
  CHECK(apply_bench.at("stddev").get<double>() == Approx(158.113883).epsilon(1e-6));
  // One repetition: no spread.
  const json& verify = metric_named(report, "BM_verify");
  CHECK(verify.at("n") == 1);
  CHECK(verify.at("stddev").is_null());
  CHECK(verify.at("median").get<double>() == Approx(250));
  // node-a's mempool sizes 10 and 4.
  CHECK(metric_named(report, "mempool:size").at("mean").get<double>() == Approx(7));
  CHECK(report.at("inputs").size() == 3);
  CHECK(report.at("inputs")[1].at("format") == "google-benchmark");
  CHECK(report.at("inputs")[2].at("format") == "log");
}

TEST_CASE("streaming stats are labelled approximate and stay within 0.39 % of the exact ones",
          "[integration][stats]") {
  const scratch_dir directory;
  write_known_capture(directory.file("known.mtr"), 100'000, {3, 1, 2});
  const process_result exact = run_metron({"stats", "--json", "--exact", "known.mtr"}, directory);
  const process_result streamed =
      run_metron({"stats", "--json", "--streaming", "known.mtr"}, directory);
  REQUIRE(exact.exit_code == 0);
  REQUIRE(streamed.exit_code == 0);
  const json exact_report = json::parse(exact.out);
  const json& exact_call = metric_named(exact_report, "known.call");
  const json streamed_report = json::parse(streamed.out);
  const json& streamed_call = metric_named(streamed_report, "known.call");
  CHECK(streamed_report.at("inputs")[0].at("streamed") == true);
  CHECK(exact_call.at("approximate") == false);
  CHECK(streamed_call.at("approximate") == true);
  CHECK(streamed_call.at("median_ci").is_null());
  CHECK(streamed_call.at("n") == 100'000);
  // Durations 1 … 100000: exact moments either way, quantiles within the histogram's error.
  CHECK(streamed_call.at("mean").get<double>() == Approx(50'000.5));
  CHECK(exact_call.at("median").get<double>() == Approx(50'000.5));
  for (const char* quantile : {"median", "p90", "p99", "p99_9"}) {
    INFO(quantile);
    const double want = exact_call.at(quantile).get<double>();
    CHECK(std::fabs(streamed_call.at(quantile).get<double>() - want) <= want * 0.0039 + 1);
  }
  const process_result table = run_metron({"stats", "--streaming", "known.mtr"}, directory);
  CHECK(table.out.find("~") != std::string::npos);
  CHECK(table.out.find("approximate") != std::string::npos);
}

TEST_CASE("stats refuses bad input with the file and place, leaving no output file",
          "[integration][stats][bad-input]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  const std::string whole = read_text(directory.path() / "fixture.mtr");

  SECTION("a truncated capture") {
    write_text(directory.path() / "cut.mtr", whole.substr(0, whole.size() - 20));
    check_bad_input(run_metron({"stats", "cut.mtr", "-o", "out.txt"}, directory),
                    "cut.mtr: ", "byte");
    CHECK_FALSE(fs::exists(directory.path() / "out.txt"));
    const process_result allowed =
        run_metron({"stats", "--json", "--allow-truncated", "cut.mtr"}, directory);
    CHECK(allowed.exit_code == 0);
    CHECK(json::parse(allowed.out).at("inputs")[0].at("problem").is_string());
  }
  SECTION("a file that is none of the formats") {
    write_text(directory.path() / "notes.txt", "just some notes\n");
    check_bad_input(run_metron({"stats", "notes.txt"}, directory), "notes.txt: ", "");
  }
  SECTION("an empty file and a missing one") {
    write_text(directory.path() / "empty.json", "");
    check_bad_input(run_metron({"stats", "empty.json"}, directory), "empty.json: ", "empty");
    check_bad_input(run_metron({"stats", "missing.mtr"}, directory), "missing.mtr: ", "");
  }
  SECTION("a NaN or an infinity in a capture") {
    for (const double bad :
         {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
      write_known_capture(directory.file("nan.mtr"), 10, {1, bad});
      check_bad_input(run_metron({"stats", "nan.mtr", "-o", "out.json"}, directory),
                      "nan.mtr: ", "site 2 'known.level' has a non-finite value");
      CHECK_FALSE(fs::exists(directory.path() / "out.json"));
    }
  }
  SECTION("the same metric in two inputs, unless pooled") {
    fs::copy(directory.path() / "fixture.mtr", directory.path() / "again.mtr");
    check_bad_input(run_metron({"stats", "fixture.mtr", "again.mtr"}, directory),
                    "again.mtr: ", "metric 'ledger.apply' is also in fixture.mtr");
    const process_result pooled =
        run_metron({"stats", "--json", "--pool", "fixture.mtr", "again.mtr"}, directory);
    REQUIRE(pooled.exit_code == 0);
    CHECK(metric_named(json::parse(pooled.out), "ledger.apply").at("n") == 8);
  }
  SECTION("a corrupt Google Benchmark file and a malformed log line") {
    write_text(directory.path() / "bench.json",
               R"({"benchmarks": [{"name": "BM_x", "real_time": 1}]})");
    check_bad_input(run_metron({"stats", "bench.json"}, directory), "bench.json: line 1",
                    "('BM_x') has no 'cpu_time'");
    write_text(directory.path() / "node.jsonl",
               R"({"timestamp":"2026-01-01T00:00:00.000000Z","host":"h","namespace":"a",)"
               R"("payload":{"size":1}})"
               "\n{\"timestamp\": oops}\n");
    check_bad_input(run_metron({"stats", "node.jsonl"}, directory), "node.jsonl:2", "");
  }
  SECTION("inputs without any metric") {
    write_text(directory.path() / "quiet.jsonl",
               R"({"timestamp":"2026-01-01T00:00:00.000000Z","host":"h","namespace":"a",)"
               R"("payload":{"word":"hello"}})"
               "\n");
    check_bad_input(run_metron({"stats", "quiet.jsonl"}, directory), "quiet.jsonl: ", "no metrics");
  }
}

TEST_CASE("postmortem of three nodes matches the golden text and the answers worked by hand",
          "[integration][postmortem][golden]") {
  const scratch_dir directory;
  copy_fixture("postmortem", directory);
  const process_result text = run_metron({"postmortem", "postmortem"}, directory);
  INFO("stderr: " << text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(text.err.empty());
  check_golden("postmortem.txt", text.out);

  const process_result result = run_metron({"postmortem", "--json", "postmortem"}, directory);
  REQUIRE(result.exit_code == 0);
  check_golden("postmortem.json", result.out);
  const json report = json::parse(result.out);
  REQUIRE(report.at("nodes").size() == 3);
  const json& blocks = report.at("spans")[0];
  REQUIRE(blocks.at("keys").size() == 2);
  // b1: forged at node-a at 0; adopted at node-b after 50 ms and node-c after 250 ms.
  // b2: forged at node-b at 0.9 s; adopted at node-a after 100 ms and node-c after 400 ms.
  const std::vector<std::pair<std::string, std::vector<double>>> expected = {
      {"b1", {50, 250, 250, 250}}, {"b2", {100, 400, 400, 400}}};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const json& key = blocks.at("keys")[k];
    CHECK(key.at("key") == expected[k].first);
    CHECK(key.at("nodes_reached") == 3);
    for (std::size_t f = 0; f < 4; ++f) {
      CHECK(key.at("until")[f].at("ms").get<double>() == Approx(expected[k].second[f]));
    }
  }
  CHECK(blocks.at("until")[3].at("summary").at("median_ms").get<double>() == Approx(325));
  // t1: submitted at node-a at 0.2 s, included 1.3 s later, at node-a only.
  const json& transactions = report.at("spans")[1];
  CHECK(transactions.at("keys")[0].at("first_end_ms").get<double>() == Approx(1300));
  CHECK(transactions.at("keys")[0].at("until")[0].at("ms").is_null());
  // 7 records in the first second, 6 in the next; mempool at most 12, then 7.
  REQUIRE(report.at("windows").size() == 2);
  CHECK(report.at("windows")[0].at("records") == 7);
  CHECK(report.at("windows")[1].at("records") == 6);
  CHECK(report.at("windows")[0].at("mempool_max") == 12);
  CHECK(report.at("windows")[1].at("mempool_max") == 7);
  CHECK(report.at("nodes")[1].at("warnings") == 1);
  CHECK(report.at("nodes")[2].at("spans").at("block").at("delay").at("median_ms") == 325);
  CHECK(report.at("timeline").size() == 13);
}

TEST_CASE("postmortem names the node whose log ends early and keeps the others' data",
          "[integration][postmortem]") {
  const scratch_dir directory;
  copy_fixture("postmortem", directory);
  // The last records: node-a at 1.5 s, node-c at 1.4 s, node-b at 1.2 s.
  const process_result text =
      run_metron({"postmortem", "--summary", "--early-end", "0.2", "postmortem"}, directory);
  INFO("stderr: " << text.err);
  REQUIRE(text.exit_code == 0);
  CHECK(
      text.out.find("node-b's log ends early: its last record is 300 ms before the last of all") !=
      std::string::npos);
  CHECK(text.out.find("node-a's log ends early") == std::string::npos);
  CHECK(text.out.find("node-c's log ends early") == std::string::npos);
  CHECK(text.out.find("timeline") == std::string::npos);

  const process_result result =
      run_metron({"postmortem", "--json", "--early-end", "0.2", "postmortem"}, directory);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(result.out);
  CHECK(report.at("ends_early") == json::array({"node-b"}));
  CHECK(report.at("nodes")[1].at("ends_early") == true);
  CHECK(report.at("nodes")[2].at("ends_early") == false);
  CHECK(report.at("spans")[0].at("keys").size() == 2);

  const process_result bad =
      run_metron({"postmortem", "--early-end", "0", "postmortem"}, directory);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--early-end") != std::string::npos);
}

TEST_CASE("postmortem names nodes by file when processes share a host; options rename namespaces",
          "[integration][postmortem]") {
  const scratch_dir directory;
  copy_fixture("postmortem-one-host", directory);
  const process_result result = run_metron(
      {"postmortem", "--json", "postmortem-one-host/p1.jsonl", "postmortem-one-host/p2.jsonl"},
      directory);
  REQUIRE(result.exit_code == 0);
  const json report = json::parse(result.out);
  REQUIRE(report.at("nodes").size() == 2);
  CHECK(report.at("nodes")[0].at("node") == "p1");
  CHECK(report.at("nodes")[1].at("node") == "p2");
  // x1 forged by p1 at 0, adopted by p2 at 200 ms; y1 forged by p2 at 400 ms, adopted by p1 at 500.
  const json& keys = report.at("spans")[0].at("keys");
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].at("until")[3].at("ms").get<double>() == Approx(200));
  CHECK(keys[1].at("until")[3].at("ms").get<double>() == Approx(100));

  // The same logs with the namespaces swapped: each adoption opens a key and each forging,
  // logged before it, ends one that had not started.
  const process_result swapped = run_metron({"postmortem", "--json", "--forged", "block.adopted",
                                             "--adopted", "block.forged", "postmortem-one-host"},
                                            directory);
  REQUIRE(swapped.exit_code == 0);
  const json swapped_report = json::parse(swapped.out);
  const json& swapped_blocks = swapped_report.at("spans")[0];
  CHECK(swapped_blocks.at("start") == "block.adopted");
  CHECK(swapped_blocks.at("ends_without_start") == 2);
  REQUIRE(swapped_blocks.at("keys").size() == 2);
  CHECK(swapped_blocks.at("keys")[0].at("key") == "x1");
  CHECK(swapped_blocks.at("keys")[0].at("origin_node") == "p2");
  CHECK(swapped_blocks.at("keys")[0].at("first_end_ms").is_null());
}

TEST_CASE("postmortem refuses bad input with the file and place", "[integration][postmortem]") {
  const scratch_dir directory;
  fs::create_directory(directory.path() / "empty");
  check_bad_input(run_metron({"postmortem", "empty"}, directory), "empty: ", "*.jsonl");
  check_bad_input(run_metron({"postmortem", "nowhere"}, directory), "nowhere: ", "no such");
  write_text(
      directory.path() / "bad.jsonl",
      R"({"timestamp":"2026-01-01T00:00:00.000000Z","host":"h","namespace":"a","payload":{}})"
      "\n[1, 2]\n");
  check_bad_input(run_metron({"postmortem", "bad.jsonl", "-o", "out.json"}, directory),
                  "bad.jsonl:2", "");
  CHECK_FALSE(fs::exists(directory.path() / "out.json"));
  const process_result window = run_metron({"postmortem", "--window", "0", "bad.jsonl"}, directory);
  CHECK(window.exit_code == 2);
  CHECK(window.err.find("--window") != std::string::npos);
}
