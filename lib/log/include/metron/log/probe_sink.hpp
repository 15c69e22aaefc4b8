// A probe sink that turns bracket observations into structured log records.
#pragma once

#include <metron/probe/session.hpp>
#include <metron/trace/log_object.hpp>

#include <memory>

namespace metron {

/// A sink for `session_options::sinks` that logs what the probes observe, each in the namespace
/// of its site's name ("ledger.apply"), with the time it happened and the thread that observed it:
///
/// - a bracket gives an opening, `{"event":"open"}` at its entry, and a closing,
///   `{"event":"close","duration_ns":…}` at its exit (subtrace `drop_opening` drops the first);
/// - each observable the site selected gives `{"event":"observable","observable":"cpu_time_ns",
///   "delta":…}` at the exit (a namespace's `observables` list picks which are logged);
/// - an event gives `{"event":"event"}`, a counter `{"event":"counter","delta":…}`, a gauge
///   `{"event":"gauge","value":…}`.
///
/// The records go through the loggers of those namespaces, so their thresholds and routing apply;
/// start logging before the session. Runs on the collector thread like every sink; costs a
/// filtered-out log call per record in namespaces that are off.
/// @param level the severity of every record it makes
[[nodiscard]] std::shared_ptr<sink> make_log_probe_sink(severity level = severity::info);

}  // namespace metron
