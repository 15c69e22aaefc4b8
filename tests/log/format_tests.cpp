// Tests of the line renderings: JSON escaping, invalid UTF-8, numbers, the text form.
#include <metron/log/sink.hpp>

#include <catch2/catch.hpp>

#include <limits>

namespace {

metron::log_object with_payload(nlohmann::json payload) {
  metron::log_object record;
  record.timestamp_us = 1795822800LL * 1'000'000 + 42;
  record.host = "node \"1\"";
  record.thread = 4711;
  record.name_space = "ledger.apply";
  record.level = metron::severity::critical;
  record.audience = metron::privacy::confidential;
  record.payload = std::move(payload);
  return record;
}

std::string json_line(const metron::log_object& record) {
  std::string line;
  metron::append_json_line(line, record);
  return line;
}

}  // namespace

TEST_CASE("a JSON line holds every field and reads back to the same payload", "[log]") {
  const nlohmann::json payload = {{"text", "tab\there \"quoted\" back\\slash \x01 é"},
                                  {"list", {1, -2, 3.5, true, nullptr}},
                                  {"big", std::numeric_limits<std::uint64_t>::max()},
                                  {"whole", 2.0},
                                  {"nested", {{"a", {{"b", "c"}}}}}};
  const auto line = json_line(with_payload(payload));
  CHECK(line.starts_with(R"({"timestamp":"2026-11-27T23:40:00.000042Z","host":"node \"1\"",)"
                         R"("thread":4711,"namespace":"ledger.apply","severity":"critical",)"
                         R"("privacy":"confidential","payload":{)"));
  const auto parsed = nlohmann::json::parse(line);
  CHECK(parsed["payload"] == payload);
  CHECK(parsed["payload"]["whole"].is_number_float());
  CHECK(line.find(R"("whole":2.0)") != std::string::npos);
  CHECK(line.find(R"(\u0001)") != std::string::npos);
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD and the line stays valid JSON", "[log]") {
  const auto line = json_line(with_payload({{"raw", std::string("ok \xff\xfe end \xe2\x82")}}));
  const auto parsed = nlohmann::json::parse(line);
  CHECK(parsed["payload"]["raw"] == "ok \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd");
}

TEST_CASE("a payload that is not an object is wrapped, and non-finite numbers become null",
          "[log]") {
  const auto wrapped = nlohmann::json::parse(json_line(with_payload(17)));
  CHECK(wrapped["payload"] == nlohmann::json{{"value", 17}});
  const auto infinite = nlohmann::json::parse(
      json_line(with_payload({{"x", std::numeric_limits<double>::infinity()}})));
  CHECK(infinite["payload"]["x"].is_null());
}

TEST_CASE("a text line shows time, severity, namespace, thread and payload", "[log]") {
  std::string plain;
  metron::append_text_line(plain, with_payload({{"n", 1}}), false);
  CHECK(plain == "2026-11-27T23:40:00.000042Z critical ledger.apply [4711] (confidential) {\"n\":1}");
  std::string coloured;
  metron::append_text_line(coloured, with_payload({{"n", 1}}), true);
  CHECK(coloured == "2026-11-27T23:40:00.000042Z \x1b[1;31mcritical \x1b[0mledger.apply [4711] "
                    "(confidential) {\"n\":1}");
}
