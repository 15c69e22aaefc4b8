// Renderings of a capture's summary (`metron info`): aligned text and one JSON object.
#pragma once

#include <metron/capture/render.hpp>

#include <cstdint>
#include <ostream>
#include <string>

namespace metron::report {

/// The summary of the capture at `path` as aligned text: metadata lines (format, producer, host,
/// CPU, clock, command line, start, duration, how the program ended and the size bound when the
/// capture records them, session settings, observables), a table of threads
/// with their records and drops, a table of sites with their kind, count and totals, then the
/// record, resource-sample and drop counts (drops with the warning of capture_drops_warning()).
/// A metadata block that does not parse as a JSON object is shown as `unparsed`. Any thread;
/// linear in the threads and sites.
void write_capture_info_text(std::ostream& out, const std::string& path,
                             const capture_summary& summary);

/// The same summary as one JSON object (two-space indentation, then '\n'): format and read
/// status, the metadata object, `ending` (`{"exit_status": N}`, `{"signal": N, "signal_name":
/// "SIGTERM"}` or null), `size_limit_bytes` (the bound when reached, else null), threads, sites
/// with their totals (a bracket that never ran has a null `mean_ns`), records, resource samples and
/// drops. Any thread.
void write_capture_info_json(std::ostream& out, const std::string& path,
                             const capture_summary& summary);

/// What `dropped` records lost to full rings mean and how to avoid them, one sentence without a
/// trailing newline: "12 records were lost to full rings, so the totals undercount; …".
[[nodiscard]] std::string capture_drops_warning(std::uint64_t dropped);

}  // namespace metron::report
