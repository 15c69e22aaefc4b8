// Tests of the probe macros: what each records, nesting, recursion, exceptions, names.
#include "session_helpers.hpp"

#include <metron/bracket.hpp>
#include "probe/src/registry.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

using metron::record;
using metron::test::record_session;

namespace {

int recurse(int depth) {
  METRON_BRACKET("test.recurse");
  return depth == 0 ? 0 : 1 + recurse(depth - 1);
}

void throws_through() {
  METRON_BRACKET("test.throws");
  throw std::runtime_error("through the bracket");
}

struct ledger {
  void apply_block() { METRON_BRACKET_FN(); }
};

}  // namespace

TEST_CASE("a bracket records its scope's entry and exit", "[probe]") {
  auto sink = record_session([] {
    METRON_BRACKET("test.sleep");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  });
  const auto records = sink->named("test.sleep");
  REQUIRE(records.size() == 1);
  const std::int64_t duration = records[0].end_ns - records[0].begin_ns;
  // The conversion from ticks must land near the real duration (a loose sanity bound).
  CHECK(duration >= 19'000'000);
  CHECK(duration < 2'000'000'000);
  CHECK(records[0].begin_ns >= 0);
  CHECK_FALSE(sink->order_violated);
  const auto* site = sink->site_named("test.sleep");
  REQUIRE(site != nullptr);
  CHECK(site->kind == metron::site_kind::bracket);
  CHECK(site->line > 0);
  CHECK(site->file.find("bracket_tests.cpp") != std::string::npos);
}

TEST_CASE("nested brackets nest in time and recursion records every level", "[probe]") {
  auto sink = record_session([] {
    METRON_BRACKET("test.outer");
    {
      METRON_BRACKET("test.inner");
    }
    CHECK(recurse(9) == 9);
  });
  const auto outer = sink->named("test.outer");
  const auto inner = sink->named("test.inner");
  REQUIRE(outer.size() == 1);
  REQUIRE(inner.size() == 1);
  CHECK(outer[0].begin_ns <= inner[0].begin_ns);
  CHECK(inner[0].end_ns <= outer[0].end_ns);
  const auto levels = sink->named("test.recurse");
  REQUIRE(levels.size() == 10);
  // The innermost call finishes first; each enclosing one contains the one before it.
  for (std::size_t i = 1; i < levels.size(); ++i) {
    CHECK(levels[i].begin_ns <= levels[i - 1].begin_ns);
    CHECK(levels[i - 1].end_ns <= levels[i].end_ns);
  }
}

TEST_CASE("an exception thrown through a bracket still records it", "[probe]") {
  auto sink = record_session([] { CHECK_THROWS_AS(throws_through(), std::runtime_error); });
  CHECK(sink->named("test.throws").size() == 1);
}

TEST_CASE("events, counters and gauges carry their values", "[probe]") {
  auto sink = record_session([] {
    METRON_EVENT("test.event");
    for (int i = 1; i <= 4; ++i) {
      METRON_COUNT("test.count", i);
    }
    METRON_COUNT("test.count", -3);
    METRON_GAUGE("test.gauge", 2.5);
    METRON_GAUGE("test.gauge", 1234567);
  });
  const auto events = sink->named("test.event");
  REQUIRE(events.size() == 1);
  CHECK(events[0].begin_ns == events[0].end_ns);
  CHECK(sink->site_named("test.event")->kind == metron::site_kind::event);

  const auto counts = sink->named("test.count");
  REQUIRE(counts.size() == 5);
  double total = 0;
  for (const record& r : counts) {
    total += r.value;
  }
  CHECK(total == 7);
  CHECK(sink->site_named("test.count")->kind == metron::site_kind::counter);

  const auto gauges = sink->named("test.gauge");
  REQUIRE(gauges.size() == 2);
  CHECK(gauges[0].value == 2.5);
  CHECK(gauges[1].value == 1234567);
}

TEST_CASE("a point's value is not evaluated while no session is active", "[probe]") {
  int evaluations = 0;
  const auto value = [&] { return ++evaluations; };
  METRON_GAUGE("test.lazy", value());
  METRON_COUNT("test.lazy_count", value());
  CHECK(evaluations == 0);
  auto sink = record_session([&] { METRON_GAUGE("test.lazy_active", value()); });
  CHECK(evaluations == 1);
  CHECK(sink->named("test.lazy_active").size() == 1);
}

TEST_CASE("METRON_BRACKET_FN is named after the enclosing function", "[probe]") {
  auto sink = record_session([] { ledger{}.apply_block(); });
  const std::string expected = "{anonymous}::ledger::apply_block";
  REQUIRE(sink->site_named(expected) != nullptr);
  CHECK(sink->named(expected).size() == 1);
}

TEST_CASE("qualified names come out of pretty function signatures", "[probe]") {
  using metron::detail::qualified_name;
  CHECK(qualified_name("void ledger::apply_block(const block&)") == "ledger::apply_block");
  CHECK(qualified_name("int main()") == "main");
  CHECK(qualified_name("std::vector<int> ns::f<std::pair<int, int> >(int) [with T = int]") ==
        "ns::f<std::pair<int, int> >");
  CHECK(qualified_name("bool ns::type::operator()(int) const") == "ns::type::operator()");
  CHECK(qualified_name("no parentheses") == "no parentheses");
}

TEST_CASE("an observed bracket records the deltas the kernel allows", "[probe]") {
  auto sink = record_session([] {
    METRON_BRACKET("test.observed", metron::observe::cpu_time | metron::observe::page_faults |
                                        metron::observe::instructions);
    volatile double sink_value = 0;
    for (int i = 0; i < 200000; ++i) {
      sink_value = sink_value + i * 0.5;
    }
  });
  const auto records = sink->named("test.observed");
  REQUIRE_FALSE(records.empty());
  CHECK(records[0].tag == 0);
  bool cpu_time_seen = false;
  bool page_faults_seen = false;
  for (const record& r : records) {
    if (r.tag == static_cast<std::uint8_t>(metron::detail::observable_id::cpu_time)) {
      cpu_time_seen = true;
      CHECK(r.value > 0);
      CHECK(r.begin_ns == records[0].begin_ns);
    }
    page_faults_seen = page_faults_seen ||
                       r.tag == static_cast<std::uint8_t>(metron::detail::observable_id::page_faults);
  }
  CHECK(cpu_time_seen);
  CHECK(page_faults_seen);
  const bool instructions_available =
      sink->info.metadata_json.find("\"instructions\":\"available\"") != std::string::npos;
  const bool instructions_recorded =
      std::any_of(records.begin(), records.end(), [](const record& r) {
        return r.tag == static_cast<std::uint8_t>(metron::detail::observable_id::instructions);
      });
  CHECK(instructions_recorded == instructions_available);
  if (!instructions_available) {
    CHECK(sink->info.metadata_json.find("\"instructions\":\"unavailable: ") != std::string::npos);
  }
}
