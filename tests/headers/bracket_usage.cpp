// Expands every probe macro once, so that the expansions compile under the project's warnings.
#include <metron/bracket.hpp>

namespace metron_header_check {

int use_every_probe(int n);

int use_every_probe(int n) {
  METRON_BRACKET("check.bracket");
  METRON_BRACKET("check.observed", metron::observe::cpu_time | metron::observe::page_faults);
  METRON_BRACKET_FN();
  METRON_BRACKET_FN(metron::observe::context_switches);
  METRON_EVENT("check.event");
  METRON_COUNT("check.count", n);
  METRON_GAUGE("check.gauge", n);
  {
    METRON_BRACKET("check.nested");
    METRON_EVENT("check.nested_event");
  }
  return n;
}

}  // namespace metron_header_check
