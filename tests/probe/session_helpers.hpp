// Runs a block of code inside a session that records into memory.
#pragma once

#include "recording_sink.hpp"

#include <metron/probe/session.hpp>

#include <memory>
#include <utility>

namespace metron::test {

/// Starts a session with a recording sink (and `options`), runs `body`, stops, returns the sink.
template <class Body>
std::shared_ptr<recording_sink> record_session(Body&& body, session_options options = {}) {
  auto sink = std::make_shared<recording_sink>();
  options.sinks.push_back(sink);
  start_session(options);
  std::forward<Body>(body)();
  stop_session();
  return sink;
}

}  // namespace metron::test
