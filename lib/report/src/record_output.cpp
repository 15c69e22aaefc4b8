// The summary of a recorded capture: its totals, and a warning for each way it falls short.
#include <metron/report/format.hpp>
#include <metron/report/record_output.hpp>

#include <fmt/core.h>

#include <cstdint>

namespace metron::report {

std::vector<std::string> capture_summary_lines(const std::string& path,
                                               const capture_summary& summary) {
  std::vector<std::string> lines;
  const std::uint64_t bytes = summary.status.file_bytes;
  const std::string per_record =
      summary.records > 0
          ? fmt::format(" ({} bytes/record)", format_number(static_cast<double>(bytes) /
                                                            static_cast<double>(summary.records)))
          : std::string{};
  lines.push_back(fmt::format("wrote {}: {} records, {} threads, {} dropped, {}{}, {}", path,
                              summary.records, summary.threads.size(), summary.dropped,
                              format_bytes(static_cast<double>(bytes)), per_record,
                              format_duration(static_cast<double>(summary.duration_ns))));
  if (summary.dropped > 0) {
    lines.push_back(fmt::format(
        "warning: {} records were dropped because a ring was full; record with --policy block "
        "or a larger --ring-bytes to keep them",
        summary.dropped));
  }
  if (summary.size_limit) {
    lines.push_back(fmt::format(
        "warning: {} reached its size bound of {} and stops there: the records after it were "
        "not written; record with a larger --max-size (or 0 for none) to keep them",
        path, format_bytes(static_cast<double>(*summary.size_limit))));
  }
  if (!summary.status.complete) {
    lines.push_back(fmt::format(
        "warning: {} is truncated: {}. The {} records before that point were recovered; a "
        "capture is finished only when the program exits normally",
        path, summary.status.problem, summary.records));
  }
  return lines;
}

}  // namespace metron::report
