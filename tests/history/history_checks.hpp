// Checks every history back end must pass, shared by the SQLite and PostgreSQL tests.
#pragma once

#include <metron/history/history.hpp>

#include <string>

namespace metron::test {

/// Adds runs to an empty store at `location` and reads them back: series order, filters, the
/// metric list, and the error for an unknown metric.
void check_round_trip(const std::string& location);

/// Two processes add runs to the store at `location` at the same time; every run must land.
void check_concurrent_adds(const std::string& location);

/// A run with a bad value adds nothing: the store is as it was.
void check_atomic_add(const std::string& location);

}  // namespace metron::test
