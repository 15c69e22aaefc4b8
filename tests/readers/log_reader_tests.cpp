// The JSON-lines log reader: records into events, keys, nodes, and every kind of bad line.
#include "support/analysis_fixtures.hpp"

#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using metron::analysis::log_read_options;
using metron::analysis::parse_log;

const std::string adopted =
    R"({"timestamp":"2026-11-27T23:40:00.123456Z","host":"node-2","thread":7,)"
    R"("namespace":"chain.block.adopted","severity":"info","privacy":"public",)"
    R"("payload":{"block":{"hash":"ab12","height":17},"peers":[1,2],"ok":true,"delay":0.25}})";

}  // namespace

TEST_CASE("log records become events with fields, key and node", "[analysis]") {
  const auto data = parse_log(adopted + "\n", "n2.log");
  REQUIRE(data.events.size() == 1);
  const auto& event = data.events[0];
  // 2026-11-27T23:40:00Z is 1795822800 s after the epoch (date -u -d … +%s).
  CHECK(event.time_ns == 1795822800LL * 1'000'000'000 + 123'456'000);
  CHECK(event.base == metron::analysis::time_base::unix_epoch);
  CHECK(event.name == "chain.block.adopted");
  CHECK(event.node == "node-2");
  CHECK(event.severity == "info");
  CHECK(event.fields.at("block.hash") == "ab12");
  CHECK(event.fields.at("block.height") == "17");
  CHECK(event.fields.at("peers") == "[1,2]");
  CHECK(event.fields.at("ok") == "true");
  CHECK(event.fields.at("delay") == "0.25");
  CHECK(event.key.empty());  // no "key", "id" or "hash" at the top of the payload
  CHECK(event.where.file == "n2.log");
  CHECK(event.where.place == "line 1");
  CHECK_FALSE(event.value.has_value());
  CHECK(data.metrics.empty());
  CHECK(data.metadata.host == "node-2");

  log_read_options options;
  options.key_fields = {"missing", "block.hash"};
  options.node = "process-b";
  const auto keyed = parse_log(adopted, "n2.log", options);
  CHECK(keyed.events.at(0).key == "ab12");
  CHECK(keyed.events.at(0).node == "process-b");
  options.key_fields = {"block.height"};
  CHECK(parse_log(adopted, "n2.log", options).events.at(0).key == "17");
}

TEST_CASE("blank lines, CRLF and a last line without newline are read", "[analysis]") {
  const std::string minimal =
      R"({"timestamp":"2000-02-29T00:00:00Z","host":"h","namespace":"a","payload":{"id":5}})";
  const auto data = parse_log("\n" + minimal + "\r\n   \n" + minimal, "x.log");
  REQUIRE(data.events.size() == 2);
  CHECK(data.events[0].time_ns == 951782400LL * 1'000'000'000);
  CHECK(data.events[0].key == "5");
  CHECK(data.events[1].where.place == "line 4");
}

TEST_CASE("a log file streams record by record", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string path = scratch.write("app.log", adopted + "\n\n" + adopted + "\n");
  std::vector<std::string> names;
  const auto records = metron::analysis::for_each_log_event(
      path, {}, [&](metron::analysis::event&& event) { names.push_back(event.name); });
  CHECK(records == 2);
  CHECK(names == std::vector<std::string>{"chain.block.adopted", "chain.block.adopted"});
  CHECK(metron::analysis::read_log(path).events.size() == 2);

  const std::string broken = scratch.write("broken.log", adopted + "\n{\"timestamp\":\n");
  std::size_t delivered = 0;
  CHECK_THROWS_WITH(metron::analysis::for_each_log_event(
                        broken, {}, [&](metron::analysis::event&&) { ++delivered; }),
                    Catch::Contains(broken + ":2"));
  CHECK(delivered == 1);
  CHECK_THROWS_WITH(metron::analysis::for_each_log_event(scratch.file("none.log"), {},
                                                         [](metron::analysis::event&&) {}),
                    Catch::Contains("no such file"));
}

TEST_CASE("bad log lines are refused with file and line", "[analysis]") {
  const std::string good = R"({"timestamp":"2026-01-01T00:00:00Z","host":"h","namespace":"a"})";
  struct bad_case {
    const char* what;
    std::string line;
    const char* message;
  };
  const bad_case cases[] = {
      {"not JSON", "timestamp=now", "x.log:2 (byte "},
      {"truncated", good.substr(0, 30), "x.log:2 (byte "},
      {"not an object", "[1]", "x.log:2: the line is not a JSON object"},
      {"no timestamp", R"({"host":"h","namespace":"a"})", "x.log:2: the record has no 'timestamp'"},
      {"no host", R"({"timestamp":"2026-01-01T00:00:00Z","namespace":"a"})", "has no 'host'"},
      {"no namespace", R"({"timestamp":"2026-01-01T00:00:00Z","host":"h"})", "has no 'namespace'"},
      {"host not text", R"({"timestamp":"2026-01-01T00:00:00Z","host":1,"namespace":"a"})",
       "'host' is 1, not a string"},
      {"local time", R"({"timestamp":"2026-01-01T00:00:00+02:00","host":"h","namespace":"a"})",
       "is not ISO 8601 UTC"},
      {"impossible date", R"({"timestamp":"2026-02-30T00:00:00Z","host":"h","namespace":"a"})",
       "timestamp '2026-02-30T00:00:00Z'"},
      {"far future", R"({"timestamp":"3000-01-01T00:00:00Z","host":"h","namespace":"a"})",
       "between the years 1678 and 2261"},
      {"signed year", R"({"timestamp":"-999-01-01T00:00:00Z","host":"h","namespace":"a"})",
       "timestamp '-999-01-01T00:00:00Z'"},
      {"payload not an object",
       R"({"timestamp":"2026-01-01T00:00:00Z","host":"h","namespace":"a","payload":3})",
       "'payload' is number, not an object"},
      {"duplicate key", R"({"timestamp":"2026-01-01T00:00:00Z","host":"h","host":"g"})",
       "x.log:2: duplicate key 'host'"},
      {"infinite number",
       R"({"timestamp":"2026-01-01T00:00:00Z","host":"h","namespace":"a","payload":{"v":-1e400}})",
       "x.log:2 (byte 142): the number -1e400 is out of range for a double"},
  };
  for (const bad_case& bad : cases) {
    INFO(bad.what);
    const std::string text = good + "\n" + bad.line + "\n" + good + "\n";
    CHECK_THROWS_AS(parse_log(text, "x.log"), metron::input_error);
    CHECK_THROWS_WITH(parse_log(text, "x.log"), Catch::Contains(bad.message));
  }
}
