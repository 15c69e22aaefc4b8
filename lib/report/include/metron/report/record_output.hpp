// What `metron record` tells the user about the capture a program wrote.
#pragma once

#include <metron/capture/render.hpp>

#include <string>
#include <vector>

namespace metron::report {

/// The lines that sum up a recording's capture, without trailing newlines: first what was
/// written (the path, records, threads, records dropped, the file's size, bytes per record and
/// the capture's duration, as in `wrote run.mtr: 1200 records, 3 threads, 0 dropped, 18.3 KiB
/// (15.6 bytes/record), 2.50 ms`), then a warning when records were dropped (saying how to keep
/// them) and one when the capture is truncated (saying what was recovered). Sizes, ratios and
/// durations go through format_bytes(), format_number() and format_duration(). Any thread.
[[nodiscard]] std::vector<std::string> capture_summary_lines(const std::string& path,
                                                             const capture_summary& summary);

}  // namespace metron::report
