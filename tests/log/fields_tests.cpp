// Tests of to_fields: the object it makes, the lines the logging thread renders from it straight
// to text, and the routes that need a JSON value instead.
#include "log_test_support.hpp"

#include <metron/log.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace {

using metron::severity;
using namespace std::chrono_literals;

// One field of every kind field_writer knows, and one it renders through to_object.
struct reading {
  bool settled = true;
  char grade = 'A';
  std::int16_t delta = -3;
  std::uint64_t height = 18446744073709551615ULL;
  double ratio = 0.25;
  double missing = std::numeric_limits<double>::quiet_NaN();
  std::string hash = "ab\"c\n";
  const char* origin = "node-1";
  std::chrono::microseconds took{42};
  std::chrono::duration<double, std::milli> budget{1.5};
  std::vector<int> peers{1, 2};
};

void to_fields(const reading& r, metron::verbosity level, metron::field_writer& out) {
  out.field("height", r.height);
  if (level == metron::verbosity::minimal) return;
  out.field("settled", r.settled);
  out.field("grade", r.grade);
  out.field("delta", r.delta);
  out.field("ratio", r.ratio);
  out.field("missing", r.missing);
  out.field("hash", r.hash);
  out.field("origin", r.origin);
  out.field("took", r.took);
  out.field("budget", r.budget);
  out.field("peers", r.peers);
  out.field("level", std::string(metron::to_string(out.level())));
}

const nlohmann::json expected_reading = {{"height", 18446744073709551615ULL},
                                         {"settled", true},
                                         {"grade", "A"},
                                         {"delta", -3},
                                         {"ratio", 0.25},
                                         {"missing", nullptr},
                                         {"hash", "ab\"c\n"},
                                         {"origin", "node-1"},
                                         {"took", 42000},
                                         {"budget", 1.5e6},
                                         {"peers", {1, 2}},
                                         {"level", "normal"}};

struct broken {
  int value = 0;
};

void to_fields(const broken& /*b*/, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("before", 1);
  throw std::runtime_error("cannot render");
}

std::filesystem::path file_config(metron::log_config& config, const std::filesystem::path& folder,
                                  const std::string& format, const std::string& extra = "") {
  const auto path = folder / ("app." + format);
  config = metron::parse_log_config(
      "min_severity: debug\nsinks: {file: {kind: file, path: " + path.string() +
          ", format: " + format + "}}\ndefault_sinks: [file]\n" + extra,
      "fields.yaml");
  return path;
}

}  // namespace

TEST_CASE("to_object of a to_fields value is the object of its fields", "[log][fields]") {
  const reading value;
  const auto object = metron::to_object(value);
  // NaN compares unequal to itself; the writer stores it and rendering makes it null.
  CHECK(std::isnan(object["missing"].get<double>()));
  auto comparable = object;
  comparable["missing"] = nullptr;
  CHECK(comparable == expected_reading);
  CHECK(metron::to_object(value, metron::verbosity::minimal) ==
        nlohmann::json{{"height", value.height}});
  auto payload = metron::to_payload(value);
  payload["missing"] = nullptr;
  CHECK(payload == expected_reading);
}

TEST_CASE("a to_fields value in a JSON-lines file reads back as its to_object", "[log][fields]") {
  const metron::test::scratch_folder folder;
  metron::log_config config;
  const auto path = file_config(config, folder.path(), "json",
                                "namespaces:\n  app.quiet: {verbosity: minimal}\n");
  metron::start_logging(config);
  metron::logger("app.readings").info(reading{});
  metron::logger("app.quiet").info(reading{});
  metron::stop_logging();
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 2);
  const auto full = nlohmann::json::parse(lines[0]);
  CHECK(full["namespace"] == "app.readings");
  CHECK(full["severity"] == "info");
  CHECK(full["payload"] == expected_reading);
  // Written in the order to_fields gives them, not sorted as a JSON value would be.
  CHECK(lines[0].find(R"("payload":{"height":18446744073709551615,"settled":true,)") !=
        std::string::npos);
  CHECK(nlohmann::json::parse(lines[1])["payload"] ==
        nlohmann::json{{"height", 18446744073709551615ULL}});
}

TEST_CASE("a to_fields value in a text file shows its fields as JSON", "[log][fields]") {
  const metron::test::scratch_folder folder;
  metron::log_config config;
  const auto path = file_config(config, folder.path(), "text");
  metron::start_logging(config);
  metron::logger("app.readings").warning(reading{});
  metron::stop_logging();
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 1);
  const auto payload_at = lines[0].find('{');
  REQUIRE(payload_at != std::string::npos);
  CHECK(lines[0].find("warning") < payload_at);
  CHECK(lines[0].find("app.readings") < payload_at);
  CHECK(nlohmann::json::parse(lines[0].substr(payload_at)) == expected_reading);
}

TEST_CASE("sinks defined in code and routes that look inside payloads get JSON values",
          "[log][fields]") {
  const metron::test::scratch_folder folder;
  metron::log_config config;
  const auto path = file_config(config, folder.path(), "json",
                                "namespaces:\n  app.tee: {subtrace: {mode: tee, suffix: copy}}\n");
  config.default_sinks.push_back("memory");
  auto memory = std::make_shared<metron::test::recording_log_sink>();
  metron::start_logging(config, {{"memory", memory}});
  metron::logger("app.readings").info(reading{});
  metron::logger("app.tee").info(reading{});
  metron::stop_logging();
  const auto records = memory->records();
  REQUIRE(records.size() == 3);
  for (const auto& record : records) {
    auto payload = record.payload;
    REQUIRE(payload.contains("missing"));
    payload["missing"] = nullptr;
    CHECK(payload == expected_reading);
  }
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 3);
  CHECK(nlohmann::json::parse(lines[2])["namespace"] == "app.tee.copy");
  for (const auto& line : lines) {
    CHECK(nlohmann::json::parse(line)["payload"] == expected_reading);
  }
}

TEST_CASE("a to_fields that throws becomes an error record, and nothing half-written",
          "[log][fields]") {
  const metron::test::scratch_folder folder;
  metron::log_config config;
  const auto path = file_config(config, folder.path(), "json");
  metron::start_logging(config);
  metron::logger("app.broken").info(broken{});
  metron::logger("app.readings").info(reading{});
  metron::stop_logging();
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 2);
  const auto failed = nlohmann::json::parse(lines[0]);
  CHECK(failed["severity"] == "error");
  CHECK(failed["namespace"] == "app.broken");
  CHECK(failed["payload"] == nlohmann::json{{"message", "to_fields failed: cannot render"}});
  CHECK(nlohmann::json::parse(lines[1])["payload"] == expected_reading);
}

TEST_CASE("a sink that takes rendered payloads by default parses them", "[log][fields]") {
  metron::test::recording_log_sink sink;
  metron::log_object record;
  record.name_space = "app.direct";
  sink.write_rendered(record, R"({"height":7,"hash":"ab"})");
  const auto records = sink.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].name_space == "app.direct");
  CHECK(records[0].payload == nlohmann::json{{"height", 7}, {"hash", "ab"}});
  CHECK_FALSE(sink.takes_rendered_payload());
}
