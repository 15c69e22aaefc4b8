// The JSON-lines dump and the Chrome trace: valid JSON whatever the names hold, expected content.
#include "capture_test_support.hpp"

#include <metron/capture/capture.hpp>
#include <metron/capture/render.hpp>
#include <metron/error.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <sstream>

namespace {

using metron::record;
using metron::site_kind;
using metron::test::scratch_dir;
using json = nlohmann::json;

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    INFO("line " << lines.size() + 1 << ": " << line);
    REQUIRE_NOTHROW(lines.push_back(json::parse(line)));
  }
  return lines;
}

std::map<std::string, int> count_types(const std::vector<json>& lines) {
  std::map<std::string, int> counts;
  for (const json& line : lines) {
    ++counts[line.at("type").get<std::string>()];
  }
  return counts;
}

const std::string awkward_name =
    std::string("a \"quoted\" <b>name</b> & \\ \n\t\x01\x1f ok") +
    "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 bad:\xFF\xC0\xAF\xED\xA0\x80" + "\xE2\x82" +
    std::string(1, '\0') + "end";
const std::string awkward_expected =
    std::string("a \"quoted\" <b>name</b> & \\ \n\t\x01\x1f ok") +
    "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 bad:" +
    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" +
    "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" + std::string(1, '\0') + "end";

}  // namespace

TEST_CASE("the JSON-lines dump has one valid object per line, in file order", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("dump.mtr");
  const auto sample = metron::test::small_sample();
  metron::test::write_sample(path, sample);

  std::ostringstream out;
  const metron::read_status status = metron::render_json_lines(path, out);
  CHECK(status.complete);
  const std::vector<json> lines = parse_lines(out.str());
  REQUIRE(lines.size() > 2);
  CHECK(lines.front().at("type") == "metadata");
  CHECK(lines.front().at("format") == "1.1");
  CHECK(lines.front().at("metadata") == json::parse(sample.metadata));
  CHECK(lines.back().at("type") == "status");
  CHECK(lines.back().at("complete") == true);
  CHECK(lines.back().at("problem") == "");
  CHECK(lines.back().at("valid_bytes") == lines.back().at("file_bytes"));
  const std::map<std::string, int> expected = {
      {"metadata", 1},    {"site", 4},      {"thread", 3}, {"record", 48},
      {"observable", 12}, {"resources", 2}, {"footer", 1}, {"status", 1}};
  CHECK(count_types(lines) == expected);
  // nlohmann sorts keys, so the order ("type" first) is checked on the text.
  std::istringstream text(out.str());
  std::string raw;
  while (std::getline(text, raw)) {
    CHECK(raw.rfind(R"({"type":)", 0) == 0);
  }

  std::vector<json> records;
  for (const json& line : lines) {
    if (line.at("type") == "record" || line.at("type") == "observable") {
      records.push_back(line);
    }
  }
  const json& bracket = records.at(0);
  CHECK(bracket.at("kind") == "bracket");
  CHECK(bracket.at("name") == "ledger.apply");
  CHECK(bracket.at("begin_ns") == 1000);
  CHECK(bracket.at("duration_ns") == 40);
  CHECK_FALSE(bracket.contains("value"));
  const json& delta = records.at(1);
  CHECK(delta.at("type") == "observable");
  CHECK(delta.at("observable") == "cpu_time_ns");
  CHECK(delta.at("value") == 30);
  const auto site_line = std::find_if(lines.begin(), lines.end(),
                                      [](const json& l) { return l.at("type") == "site"; });
  CHECK(site_line->at("observables") == json::array({"cpu_time_ns"}));
  const json& footer = lines.at(lines.size() - 2);
  CHECK(footer.at("type") == "footer");
  CHECK(footer.at("threads").size() == 3);
  CHECK(footer.at("tick_hz_stop") == 1.0000001e9);
}

TEST_CASE("names with quotes, markup, control bytes and broken UTF-8 stay valid JSON",
          "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("names.mtr");
  {
    metron::capture_writer writer(path, "not json at all \xFF \"\n");
    writer.write_sites(std::vector<metron::site_info>{
        {1, site_kind::gauge, 0, 1, awkward_name, awkward_name, awkward_name}});
    writer.write_thread({0, 1, awkward_name});
    writer.write_records(0,
                         std::vector<record>{{1, 0, 5, 5, std::numeric_limits<double>::quiet_NaN()},
                                             {1, 0, 6, 6, std::numeric_limits<double>::infinity()},
                                             {1, 0, 7, 7, 0.1},
                                             {1, 0, 8, 8, 1e300},
                                             {1, 0, 9, 9, -0.0}});
    writer.finish({9, 1e9, 1e9, {}});
  }
  std::ostringstream out;
  metron::render_json_lines(path, out);
  const std::vector<json> lines = parse_lines(out.str());
  REQUIRE(lines.size() == 10);
  CHECK(lines[0].at("metadata") == "not json at all \xEF\xBF\xBD \"\n");
  CHECK(lines[1].at("name") == awkward_expected);
  CHECK(lines[1].at("function") == awkward_expected);
  CHECK(lines[2].at("name") == awkward_expected);
  CHECK(lines[3].at("value").is_null());
  CHECK(lines[4].at("value").is_null());
  CHECK(lines[5].at("value") == 0.1);
  CHECK(lines[6].at("value") == 1e300);
  CHECK(lines[7].at("value") == 0.0);

  std::ostringstream trace;
  metron::render_chrome_trace(path, trace);
  json parsed;
  REQUIRE_NOTHROW(parsed = json::parse(trace.str()));
  CHECK(parsed.at("otherData").at("metadata") == "not json at all \xEF\xBF\xBD \"\n");
  CHECK(parsed.at("traceEvents").at(0).at("args").at("name") == awkward_expected);
}

TEST_CASE("metadata objects are embedded whole, on one line", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("meta.mtr");
  const std::string metadata =
      "{\n  \"host\": \"h\",\n  \"list\": [1, 2.5e3, -0, true, false, null],\n"
      "  \"text\": \"tab\\t \\u00e9 \\ud83d\\ude00\",\n  \"pid\": 31337\n}\n";
  { metron::capture_writer writer(path, metadata); }
  std::ostringstream out;
  const metron::read_status status = metron::render_json_lines(path, out);
  CHECK_FALSE(status.complete);
  const std::vector<json> lines = parse_lines(out.str());
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("metadata") == json::parse(metadata));
  CHECK(lines[1].at("complete") == false);
  CHECK(lines[1].at("chunks") == 1);

  std::ostringstream trace;
  metron::render_chrome_trace(path, trace);
  const json parsed = json::parse(trace.str());
  CHECK(parsed.at("otherData") == json::parse(metadata));
  CHECK(parsed.at("traceEvents").empty());

  for (const std::string broken : {"{\"a\":1,}", "{\"a\":\"\\ud800\"}", "{\"a\":01}", "[1]",
                                   "{\"a\":1} x", "{\"a\":\"\t\"}", "{\"a\" 1}", "{\"a\":tru}"}) {
    INFO(broken);
    { metron::capture_writer writer(path, broken); }
    std::ostringstream dumped;
    metron::render_json_lines(path, dumped);
    const std::vector<json> broken_lines = parse_lines(dumped.str());
    REQUIRE(broken_lines.size() == 2);
    CHECK(broken_lines[0].at("metadata") == broken);
  }
}

TEST_CASE("the Chrome trace holds one event per observation and thread", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("trace.mtr");
  const auto sample = metron::test::small_sample();
  metron::test::write_sample(path, sample);
  std::ostringstream out;
  CHECK(metron::render_chrome_trace(path, out).complete);
  json trace;
  REQUIRE_NOTHROW(trace = json::parse(out.str()));
  CHECK(trace.at("displayTimeUnit") == "ns");
  CHECK(trace.at("otherData") == json::parse(sample.metadata));
  const json& events = trace.at("traceEvents");
  std::map<std::string, int> phases;
  for (const json& event : events) {
    ++phases[event.at("ph").get<std::string>()];
    CHECK(event.at("pid") == 77);
  }
  const std::map<std::string, int> expected = {{"M", 3}, {"X", 12}, {"i", 12}, {"C", 24}};
  CHECK(phases == expected);

  const auto first_of = [&](const std::string& phase) {
    return *std::find_if(events.begin(), events.end(),
                         [&](const json& e) { return e.at("ph") == phase; });
  };
  const json bracket = first_of("X");
  CHECK(bracket.at("name") == "ledger.apply");
  CHECK(bracket.at("tid") == 100);
  CHECK(bracket.at("ts") == 1.0);
  CHECK(bracket.at("dur") == 0.04);
  CHECK(bracket.at("args").at("cpu_time_ns") == 30);
  const json instant = first_of("i");
  CHECK(instant.at("s") == "t");
  CHECK(instant.at("ts") == 2.0);

  double last_counter = 0;
  for (const json& event : events) {
    if (event.at("ph") == "C" && event.at("name") == "net.bytes") {
      last_counter = event.at("args").at("value").get<double>();
    }
  }
  CHECK(last_counter == 7.0 * (11 * 12 / 2));
  CHECK(out.str().find("\"ts\":3000.110") == std::string::npos);
  CHECK(out.str().find("\"ts\":3.110") != std::string::npos);
}

TEST_CASE("renderings of a damaged capture stay valid and say where they stopped", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("cut.mtr");
  metron::test::write_sample(path, metron::test::small_sample());
  auto bytes = metron::test::read_bytes(path);
  const auto ends = metron::test::chunk_ends(bytes);
  const std::size_t cut = ends.at(ends.size() - 2) + 20;
  metron::test::write_bytes(path, bytes, cut);

  std::ostringstream lines_out;
  const metron::read_status status = metron::render_json_lines(path, lines_out);
  CHECK_FALSE(status.complete);
  const std::vector<json> lines = parse_lines(lines_out.str());
  CHECK(lines.back().at("type") == "status");
  CHECK(lines.back().at("valid_bytes") == ends.at(ends.size() - 2));
  CHECK(lines.back().at("file_bytes") == cut);
  CHECK(lines.back().at("problem").get<std::string>().find("truncated chunk") == 0);

  std::ostringstream trace;
  metron::render_chrome_trace(path, trace);
  CHECK_NOTHROW(json::parse(trace.str()));

  metron::test::write_bytes(path, bytes, 5);
  std::ostringstream refused;
  CHECK_THROWS_AS(metron::render_json_lines(path, refused), metron::input_error);
  CHECK_THROWS_AS(metron::render_chrome_trace(path, refused), metron::input_error);
  CHECK_THROWS_AS(metron::summarize_capture(path), metron::input_error);
}
