// Renderings of a capture file: a summary, JSON lines, and the Chrome/Perfetto trace format.
#pragma once

#include <metron/capture/capture.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace metron {

/// Per-site totals of a capture.
struct site_summary {
  site_info site;             ///< the site
  std::uint64_t records = 0;  ///< its observations (bracket, event, counter or gauge records)
  std::int64_t total_ns = 0;  ///< brackets: the sum of their durations
  double value_sum = 0;       ///< counters: the sum of the deltas
  double last_value = 0;      ///< gauges: the last value seen
};

/// What `metron info` shows: duration, threads, records per site, drops.
struct capture_summary {
  std::uint16_t format_major = 0;    ///< the file's format version, major part
  std::uint16_t format_minor = 0;    ///< the file's format version, minor part
  std::string metadata_json;         ///< the metadata block
  std::int64_t duration_ns = 0;      ///< from the footer, else the last record's end
  std::vector<thread_info> threads;  ///< threads that produced records
  /// Per-thread records and drops, from the footer if present; when the size bound was reached,
  /// the records the file holds and the footer's drops.
  std::vector<thread_totals> totals;
  std::vector<site_summary> sites;     ///< per site, in id order
  std::uint64_t records = 0;           ///< all observation records (observable deltas not counted)
  std::uint64_t dropped = 0;           ///< records lost to full rings
  std::uint64_t resource_samples = 0;  ///< process resource samples
  std::optional<std::uint64_t> size_limit;  ///< the writer's size bound, when it was reached
  std::optional<program_ending> ending;     ///< how the program ended, when its recorder said
  read_status status;                       ///< how far reading got
};

/// Reads a capture in bounded memory and totals it.
/// @throws input_error as read_capture() does.
capture_summary summarize_capture(const std::string& path);

/// Writes the capture as JSON lines, one object per line, in file order: metadata, site, thread,
/// record, resources, footer, and last a status line; specs/capture-dump.schema.json describes
/// them. Memory stays bounded whatever the capture's size.
/// @throws input_error as read_capture() does.
read_status render_json_lines(const std::string& path, std::ostream& out);

/// Writes the capture as a Chrome trace event JSON object (complete events for brackets,
/// instant events for events, counter events for counters and gauges) that loads in the
/// Perfetto UI and chrome://tracing. Times are in microseconds with nanosecond fractions.
/// @throws input_error as read_capture() does.
read_status render_chrome_trace(const std::string& path, std::ostream& out);

}  // namespace metron
