// The entry point to the probe macros (METRON_BRACKET, METRON_EVENT, METRON_COUNT, METRON_GAUGE): forwards to <metron/probe/bracket.hpp>.
#pragma once
#include <metron/probe/bracket.hpp>  // IWYU pragma: export
