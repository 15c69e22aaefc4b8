// End-to-end tests of `metron report`: golden Markdown, JUnit and CSV over a breaching, regressing
// spec; JSON; a capture; a KPI without samples; infinite input; unwritable outputs; bad usage.
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

using metron::test::process_result;
using metron::test::run;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

const std::string metron_tool = METRON_TOOL_PATH;
const std::filesystem::path report_inputs = std::filesystem::path(METRON_INPUTS_DIR) / "report";

process_result run_metron(const std::vector<std::string>& arguments, const scratch_dir& directory) {
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

// A scratch directory with the report fixtures under short relative names, as a CI job has them.
struct workspace {
  workspace() {
    for (const char* name : {"candidate.json", "baseline.json", "report.yaml"}) {
      std::filesystem::copy_file(report_inputs / name, directory.file(name));
    }
  }
  [[nodiscard]] process_result report(const std::string& output, const std::string& format) const {
    return run_metron({"report", "--spec", "report.yaml", "candidate.json", "--baseline",
                       "baseline.json", "-o", output, "--format", format},
                      directory);
  }
  scratch_dir directory;
};

TEST_CASE("report: golden Markdown, JUnit and CSV of a failing run", "[integration][report]") {
  const workspace space;
  for (const auto& [format, golden] : std::vector<std::pair<std::string, std::string>>{
           {"md", "report.md"}, {"junit", "report.xml"}, {"csv", "report.csv"}}) {
    INFO("format " << format);
    const process_result result = space.report("out." + format, format);
    INFO(result.err);
    // lookup_median breaches its threshold and regresses: the report is written and exits 1.
    CHECK(result.exit_code == 1);
    CHECK(result.err.empty());
    check_golden(golden, read_text(space.directory.file("out." + format)));
  }
}

TEST_CASE("report: JSON rows worst first, markup kept as data", "[integration][report]") {
  const workspace space;
  const process_result result = space.report("-", "json");
  REQUIRE(result.exit_code == 1);
  REQUIRE(json::accept(result.out));
  const json document = json::parse(result.out);
  CHECK(document["passed"] == false);
  REQUIRE(document["rows"].size() == 4);
  CHECK(document["rows"][0]["name"] == "lookup_median");
  CHECK(document["rows"][0]["state"] == "breach + regression");
  CHECK(document["rows"][1]["state"] == "insufficient");
  CHECK(document["counts"]["improved"] == 1);
  bool found_markup = false;
  for (const json& row : document["rows"]) {
    found_markup = found_markup || row["name"] == "parse<script>alert(1)</script>";
  }
  CHECK(found_markup);
}

TEST_CASE("report: markup characters are escaped in Markdown and JUnit", "[integration][report]") {
  const workspace space;
  REQUIRE(space.report("out.md", "md").exit_code == 1);
  REQUIRE(space.report("out.xml", "junit").exit_code == 1);
  for (const char* name : {"out.md", "out.xml"}) {
    const std::string text = read_text(space.directory.file(name));
    INFO(name);
    CHECK(text.find("<script>") == std::string::npos);
    CHECK(text.find("&lt;script&gt;") != std::string::npos);
    CHECK(text.find("& \"friends\"") == std::string::npos);
  }
}

TEST_CASE("report: a capture with a probe that never ran", "[integration][report]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("run.mtr"));
  const process_result result = run_metron({"report", "run.mtr", "-o", "run.md"}, directory);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const std::string text = read_text(directory.file("run.md"));
  CHECK(text.find("ledger.apply") != std::string::npos);
  const process_result csv =
      run_metron({"report", "run.mtr", "-o", "-", "--format", "csv"}, directory);
  REQUIRE(csv.exit_code == 0);
  // The fixture's ledger.apply lasts 100, 200, 300 and 600 µs.
  CHECK(csv.out.find("ledger.apply,ns,candidate,3,600000\n") != std::string::npos);
}

TEST_CASE("report: a KPI left without samples is shown as insufficient", "[integration][report]") {
  const workspace space;
  // insert over a metric whose median is 0: the ratio has no value and no sample.
  write_text(space.directory.file("ratio.yaml"), R"(suite: ratio
metrics:
  insert:
    benchmark: BM_insert
  zero:
    benchmark: BM_zero
kpis:
  per_zero:
    ratio: {numerator: insert, denominator: zero}
    statistic: median
    threshold: 10
)");
  json bench = json::parse(read_text(space.directory.file("candidate.json")));
  json zero = bench["benchmarks"][0];
  zero["name"] = "BM_zero";
  zero["run_name"] = "BM_zero";
  zero["real_time"] = 0;
  zero["cpu_time"] = 0;
  zero["repetitions"] = 1;
  zero["repetition_index"] = 0;
  bench["benchmarks"].push_back(zero);
  write_text(space.directory.file("zero.json"), bench.dump());
  const auto report = [&](const std::string& format) {
    const process_result result =
        run_metron({"report", "--spec", "ratio.yaml", "zero.json", "-o", "-", "--format", format},
                   space.directory);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    return result.out;
  };
  CHECK(report("md").find("| ⚠️ | per\\_zero | median – | ≤ 10 | 0 | insufficient |") !=
        std::string::npos);
  CHECK(report("csv") == "metric,unit,side,sample,value\n");
  CHECK(report("junit").find("<skipped message=\"insufficient: ") != std::string::npos);
  CHECK(report("html").find("no finite samples to draw") != std::string::npos);
  const std::string text = report("json");
  REQUIRE(json::accept(text));
  const json row = json::parse(text)["rows"][0];
  CHECK(row["value"].is_null());
  CHECK(row["state"] == "insufficient");
  CHECK(row["candidate"]["n"] == 0);
}

TEST_CASE("report: a family with a size of 0 is reported without a complexity fit",
          "[integration][report]") {
  const workspace space;
  json bench = json::parse(read_text(space.directory.file("candidate.json")));
  json& rows = bench["benchmarks"];
  const json first = rows[0];
  rows = json::array();
  for (const char* name : {"BM_f/0", "BM_f/8", "BM_f/64"}) {
    json row = first;
    row["name"] = name;
    row["run_name"] = name;
    row["repetitions"] = 1;
    rows.push_back(row);
  }
  write_text(space.directory.file("sizes.json"), bench.dump());
  const process_result result =
      run_metron({"report", "sizes.json", "-o", "-", "--format", "html"}, space.directory);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("BM_f/64") != std::string::npos);
  CHECK(result.out.find("<h2>Complexity</h2>") == std::string::npos);
  rows.erase(rows.begin());
  write_text(space.directory.file("sizes.json"), bench.dump());
  const process_result fitted =
      run_metron({"report", "sizes.json", "-o", "-", "--format", "html"}, space.directory);
  CHECK(fitted.exit_code == 0);
  CHECK(fitted.out.find("<h2>Complexity</h2>") != std::string::npos);
}

TEST_CASE("report: an infinite value in the input is bad input, naming the file",
          "[integration][report]") {
  const workspace space;
  std::string text = read_text(space.directory.file("candidate.json"));
  const std::string first_time = "\"real_time\": 130";
  REQUIRE(text.find(first_time) != std::string::npos);
  text.replace(text.find(first_time), first_time.size(), "\"real_time\": 1e999");
  write_text(space.directory.file("infinite.json"), text);
  const process_result result =
      run_metron({"report", "infinite.json", "-o", "out.html"}, space.directory);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("infinite.json") != std::string::npos);
  CHECK(result.err.find("finite") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(space.directory.file("out.html")));
}

TEST_CASE("report: an output that cannot be written is bad input, leaving no file",
          "[integration][report]") {
  const workspace space;
  const process_result result = space.report("missing/dir/out.md", "md");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("missing/dir/out.md") != std::string::npos);
  CHECK(space.directory.entries() ==
        std::vector<std::string>{"baseline.json", "candidate.json", "report.yaml"});
}

TEST_CASE("report: a failure while reading leaves no partial file", "[integration][report]") {
  const workspace space;
  write_text(space.directory.file("broken.json"), R"({"context": {}, "benchmarks": [)");
  const process_result result = run_metron(
      {"report", "--spec", "report.yaml", "broken.json", "-o", "out.md"}, space.directory);
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("broken.json") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(space.directory.file("out.md")));
  CHECK(space.directory.entries().size() == 4);
}

TEST_CASE("report: an unknown format is a usage error", "[integration][report]") {
  const workspace space;
  const process_result unknown = space.report("out.md", "pdf");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("'pdf'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(space.directory.file("out.md")));
}

}  // namespace
