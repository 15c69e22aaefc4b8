// The terminal table of per-metric summaries: one row per metric, quantiles marked when
// approximate.
#include <metron/report/stats_output.hpp>

#include <metron/report/format.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace metron::report {

namespace {

// A value in the metric's unit, as metron::report formats amounts; "-" when the statistic does
// not exist for the sample.
std::string cell(double value, const analysis::metric_stats& metric, bool approximate = false) {
  if (!std::isfinite(value)) {
    return "-";
  }
  const std::string text = format_amount(value, metric.unit);
  return approximate ? "~" + text : text;
}

std::string modes_text(const analysis::metric_stats& metric) {
  std::string text;
  for (const double mode : metric.stats.modes) {
    text += (text.empty() ? "" : ", ") + cell(mode, metric);
  }
  return text;
}

}  // namespace

void write_stats_table(std::ostream& out, const analysis::stats_report& report) {
  for (const analysis::input_stats& input : report.inputs) {
    out << fmt::format("{}: {}, {} records{}{}\n", input.path, to_string(input.format),
                       input.records, input.streamed ? ", streamed" : "",
                       input.problem.empty() ? "" : ", read up to the damage: " + input.problem);
  }
  const std::vector<std::string> headers = {"metric", "n",      "mean", "median",   "p90",    "p99",
                                            "p99.9",  "stddev", "cv",   "outliers", "bimodal"};
  std::vector<std::vector<std::string>> rows;
  bool any_approximate = false;
  for (const analysis::metric_stats& metric : report.metrics) {
    const analysis::summary& s = metric.stats;
    const bool approx = s.approximate;
    any_approximate = any_approximate || approx;
    rows.push_back({metric.name, std::to_string(s.n), cell(s.mean, metric),
                    cell(s.median, metric, approx), cell(s.p90, metric, approx),
                    cell(s.p99, metric, approx), cell(s.p999, metric, approx),
                    cell(s.stddev, metric), std::isfinite(s.cv) ? format_share(s.cv) : "-",
                    s.n == 0 ? "-" : fmt::format("{}/{}", s.mild_outliers, s.severe_outliers),
                    s.bimodal ? "yes: " + modes_text(metric) : "no"});
  }
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    widths[c] = headers[c].size();
    for (const auto& row : rows) {
      // Column widths count characters, not bytes: "µ" is two bytes.
      const auto length = static_cast<std::size_t>(
          std::count_if(row[c].begin(), row[c].end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
      widths[c] = std::max(widths[c], length);
    }
  }
  const auto write_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const auto length = static_cast<std::size_t>(
          std::count_if(row[c].begin(), row[c].end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
      const std::string padding(widths[c] - length, ' ');
      // Names and the bimodal verdict read left to right; numbers line up on the right.
      const bool left = c == 0 || c + 1 == row.size();
      line += (c == 0 ? "" : "  ") + (left ? row[c] + padding : padding + row[c]);
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << '\n';
  };
  out << '\n';
  write_row(headers);
  for (const auto& row : rows) {
    write_row(row);
  }
  out << "\noutliers: Tukey mild/severe (beyond 1.5/3 IQR); cv: stddev / mean\n";
  if (any_approximate) {
    out << "~ approximate: streamed through a histogram, within 0.39 % of the exact quantile\n";
  }
}

}  // namespace metron::report
