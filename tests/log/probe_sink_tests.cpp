// Tests of the probe sink: bracket openings, closings and observable deltas become log records.
#include "log_test_support.hpp"

#include <metron/bracket.hpp>
#include <metron/log/probe_sink.hpp>
#include <metron/probe/session.hpp>

#include <catch2/catch.hpp>

namespace {

void traced_work() {
  METRON_BRACKET("probed.work", metron::observe::cpu_time | metron::observe::page_faults);
  volatile int sum = 0;
  for (int i = 0; i < 1000; ++i) sum = sum + i;
}

void traced_event() { METRON_EVENT("probed.tick"); }

std::vector<metron::log_object> run_probed(const char* namespaces) {
  auto sink = std::make_shared<metron::test::recording_log_sink>();
  const auto config = metron::parse_log_config(
      std::string("min_severity: debug\ndefault_sinks: [memory]\nnamespaces:\n") + namespaces,
      "probe.yaml", {"memory"});
  metron::start_logging(config, {{"memory", sink}});
  metron::session_options options;
  options.resource_interval = std::chrono::milliseconds(0);
  options.sinks.push_back(metron::make_log_probe_sink(metron::severity::info));
  metron::start_session(options);
  traced_work();
  traced_event();
  static_cast<void>(metron::stop_session());
  metron::stop_logging();
  return sink->records();
}

std::vector<std::string> events(const std::vector<metron::log_object>& records) {
  std::vector<std::string> seen;
  for (const auto& record : metron::test::in_namespace(records, "probed.work")) {
    auto event = record.payload.at("event").get<std::string>();
    if (event == "observable") event += ":" + record.payload.at("observable").get<std::string>();
    seen.push_back(event);
  }
  return seen;
}

}  // namespace

TEST_CASE("a bracket is logged as its opening, its closing and each observable's delta",
          "[log]") {
  const auto records = run_probed("  other: {}\n");
  CHECK(events(records) ==
        std::vector<std::string>{"open", "close", "observable:cpu_time_ns", "observable:page_faults"});
  const auto work = metron::test::in_namespace(records, "probed.work");
  REQUIRE(work.size() == 4);
  CHECK(work[0].timestamp_us <= work[1].timestamp_us);
  CHECK(work[1].payload.at("duration_ns").get<std::int64_t>() >= 0);
  CHECK(work[0].thread == work[1].thread);
  CHECK(work[0].level == metron::severity::info);
  const auto ticks = metron::test::in_namespace(records, "probed.tick");
  REQUIRE(ticks.size() == 1);
  CHECK(ticks[0].payload == nlohmann::json{{"event", "event"}});
}

TEST_CASE("routing chooses which openings and observables of the probes are logged", "[log]") {
  const auto records =
      run_probed("  probed: {subtrace: drop_opening, observables: [page_faults]}\n  probed.tick: {subtrace: no_trace}\n");
  CHECK(events(records) == std::vector<std::string>{"close", "observable:page_faults"});
  CHECK(metron::test::in_namespace(records, "probed.tick").empty());
}
