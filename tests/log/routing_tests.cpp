// Tests of routing: severity × namespace × privacy tables, and each subtrace mode.
#include "log_test_support.hpp"

#include <metron/log.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>

namespace {

using metron::privacy;
using metron::severity;

struct memory_sinks {
  std::shared_ptr<metron::test::recording_log_sink> open = std::make_shared<metron::test::recording_log_sink>();
  std::shared_ptr<metron::test::recording_log_sink> confidential =
      std::make_shared<metron::test::recording_log_sink>();
  std::shared_ptr<metron::test::recording_log_sink> alarms = std::make_shared<metron::test::recording_log_sink>();

  std::vector<metron::named_sink> named() const {
    return {{"open", open, privacy::public_data, severity::debug, severity::emergency},
            {"private", confidential, privacy::confidential, severity::debug, severity::emergency},
            {"alarms", alarms, privacy::public_data, severity::error, severity::critical}};
  }
};

// What the test logged in each record's payload: {"n": k}.
std::set<int> numbers(const std::vector<metron::log_object>& records, const std::string& name_space) {
  std::set<int> found;
  for (const auto& record : metron::test::in_namespace(records, name_space)) {
    found.insert(record.payload.at("n").get<int>());
  }
  return found;
}

nlohmann::json n(int number) { return {{"n", number}}; }

const std::vector<std::string> code_sinks = {"open", "private", "alarms"};

}  // namespace

TEST_CASE("records reach the sinks their namespace, severity and privacy allow", "[log]") {
  const memory_sinks sinks;
  const auto config = metron::parse_log_config(R"(
min_severity: warning
default_sinks: [open, alarms]
namespaces:
  ledger: {severity: info, sinks: [open, private]}
  ledger.apply: {severity: debug}
  ledger.quiet: {severity: critical}
  mempool: {sinks: [private]}
)", "routing.yaml", code_sinks);
  metron::start_logging(config, sinks.named());
  const std::vector<std::string> spaces = {"ledger", "ledger.apply", "ledger.apply.block",
                                           "ledger.quiet", "mempool", "wallet", "ledgerx"};
  // Every combination; number = 100 * namespace + 10 * severity + privacy.
  for (std::size_t space = 0; space < spaces.size(); ++space) {
    const metron::logger log(spaces[space]);
    for (int level = 0; level < 8; ++level) {
      for (int audience = 0; audience < 2; ++audience) {
        log.log(static_cast<severity>(level), n(static_cast<int>(space) * 100 + level * 10 + audience),
                static_cast<privacy>(audience));
      }
    }
  }
  metron::stop_logging();

  // The expected table: for each namespace, the least severity and the sinks.
  struct expectation {
    int least;
    bool open;
    bool confidential;
    bool alarms;
  };
  const std::map<std::string, expectation> table = {
      {"ledger", {1, true, true, false}},       {"ledger.apply", {0, true, true, false}},
      {"ledger.apply.block", {0, true, true, false}}, {"ledger.quiet", {5, true, true, false}},
      {"mempool", {3, false, true, false}},     {"wallet", {3, true, false, true}},
      {"ledgerx", {3, true, false, true}}};
  for (std::size_t space = 0; space < spaces.size(); ++space) {
    const auto& name = spaces[space];
    const auto& expected = table.at(name);
    std::set<int> to_open;
    std::set<int> to_private;
    std::set<int> to_alarms;
    for (int level = expected.least; level < 8; ++level) {
      for (int audience = 0; audience < 2; ++audience) {
        const int number = static_cast<int>(space) * 100 + level * 10 + audience;
        // Confidential records reach only the private sink; alarms takes error..critical.
        if (expected.open && audience == 0) to_open.insert(number);
        if (expected.confidential) to_private.insert(number);
        if (expected.alarms && audience == 0 && level >= 4 && level <= 5) to_alarms.insert(number);
      }
    }
    INFO(name);
    CHECK(numbers(sinks.open->records(), name) == to_open);
    CHECK(numbers(sinks.confidential->records(), name) == to_private);
    CHECK(numbers(sinks.alarms->records(), name) == to_alarms);
  }
  for (const auto& record : sinks.open->records()) CHECK(record.audience == privacy::public_data);
}

TEST_CASE("a filtered-out call never reaches the queue", "[log]") {
  const memory_sinks sinks;
  auto config = metron::parse_log_config("min_severity: error\ndefault_sinks: [open]\n", "r.yaml", code_sinks);
  const metron::logger log("quiet.space");
  CHECK_FALSE(log.enabled(severity::emergency));  // logging is not active yet
  metron::start_logging(config, sinks.named());
  CHECK_FALSE(log.enabled(severity::warning));
  CHECK(log.enabled(severity::error));
  const metron::logger late("made.while.active");
  CHECK(late.enabled(severity::critical));
  CHECK_FALSE(late.enabled(severity::info));
  metron::stop_logging();
  CHECK_FALSE(log.enabled(severity::emergency));
}

TEST_CASE("subtrace modes: no trace, drop openings, filter, set severity, tee, observables",
          "[log]") {
  const memory_sinks sinks;
  const auto config = metron::parse_log_config(R"(
min_severity: debug
default_sinks: [open]
namespaces:
  silent: {subtrace: no_trace}
  brackets: {subtrace: drop_opening}
  chosen: {subtrace: {mode: filter, match: suffix, pattern: .keep}}
  loud: {subtrace: {mode: set_severity, severity: alert}}
  copied: {subtrace: {mode: tee, suffix: audit}}
  copied.audit: {sinks: [private]}
  measured: {observables: [cpu_time_ns]}
)", "subtrace.yaml", code_sinks);
  metron::start_logging(config, sinks.named());
  const metron::logger silent("silent.inner");
  CHECK_FALSE(silent.enabled(severity::emergency));
  silent.critical(n(1));
  const metron::logger brackets("brackets.apply");
  brackets.info(nlohmann::json{{"event", "open"}, {"n", 2}});
  brackets.info(nlohmann::json{{"event", "close"}, {"n", 3}});
  const metron::logger kept("chosen.a.keep");
  const metron::logger lost("chosen.a.lose");
  CHECK_FALSE(lost.enabled(severity::emergency));
  kept.info(n(4));
  lost.info(n(5));
  const metron::logger loud("loud");
  loud.debug(n(6));
  const metron::logger copied("copied");
  copied.warning(n(7));
  const metron::logger measured("measured.site");
  measured.info(nlohmann::json{{"event", "observable"}, {"observable", "cpu_time_ns"}, {"n", 8}});
  measured.info(nlohmann::json{{"event", "observable"}, {"observable", "page_faults"}, {"n", 9}});
  measured.info(nlohmann::json{{"event", "close"}, {"n", 10}});
  metron::stop_logging();

  const auto open = sinks.open->records();
  CHECK(numbers(open, "silent.inner").empty());
  CHECK(numbers(open, "brackets.apply") == std::set<int>{3});
  CHECK(numbers(open, "chosen.a.keep") == std::set<int>{4});
  CHECK(numbers(open, "chosen.a.lose").empty());
  const auto loud_records = metron::test::in_namespace(open, "loud");
  REQUIRE(loud_records.size() == 1);
  CHECK(loud_records[0].level == severity::alert);
  CHECK(numbers(open, "copied") == std::set<int>{7});
  CHECK(numbers(open, "copied.audit").empty());
  const auto audit = metron::test::in_namespace(sinks.confidential->records(), "copied.audit");
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].payload.at("n") == 7);
  CHECK(audit[0].level == severity::warning);
  CHECK(numbers(open, "measured.site") == std::set<int>{8, 10});
}

TEST_CASE("a namespace's verbosity reaches to_object", "[log]") {
  const memory_sinks sinks;
  const auto config = metron::parse_log_config(R"(
min_severity: debug
default_sinks: [open]
namespaces:
  terse: {verbosity: minimal}
)", "verbosity.yaml", code_sinks);
  metron::start_logging(config, sinks.named());
  metron::logger("terse").info(std::vector<int>{1, 2, 3});
  metron::logger("full").info(std::vector<int>{1, 2, 3});
  metron::stop_logging();
  const auto terse = metron::test::in_namespace(sinks.open->records(), "terse");
  const auto full = metron::test::in_namespace(sinks.open->records(), "full");
  REQUIRE(terse.size() == 1);
  REQUIRE(full.size() == 1);
  CHECK(terse[0].payload == nlohmann::json{{"size", 3}});
  CHECK(full[0].payload == nlohmann::json{{"value", {1, 2, 3}}});
}
