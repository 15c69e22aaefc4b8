// With METRON_DISABLE defined, every probe macro expands to nothing.
#define METRON_DISABLE
#include "session_helpers.hpp"

#include <metron/bracket.hpp>

#include <catch2/catch.hpp>

TEST_CASE("METRON_DISABLE compiles the probes away", "[probe]") {
  int evaluations = 0;
  auto sink = metron::test::record_session([&] {
    METRON_BRACKET("disabled.bracket");
    METRON_BRACKET_FN();
    METRON_EVENT("disabled.event");
    METRON_COUNT("disabled.count", ++evaluations);
    METRON_GAUGE("disabled.gauge", ++evaluations);
  });
  CHECK(evaluations == 0);
  CHECK(sink->sites.empty());
  CHECK(sink->records.empty());
}
