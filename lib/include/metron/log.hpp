// The entry point to structured logging (tracers, sinks, routing, configuration): forwards to <metron/log/log.hpp>.
#pragma once
#include <metron/log/log.hpp>  // IWYU pragma: export
