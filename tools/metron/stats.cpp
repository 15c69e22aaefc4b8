// `metron stats`: per-metric summaries of captures, Google Benchmark JSON and logs, as a table or
// JSON.
#include "commands.hpp"

#include <metron/report/format.hpp>
#include <metron/report/output_file.hpp>
#include <metron/report/progress.hpp>
#include <metron/spec/stats_report.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace metron::tool {

namespace {

struct stats_cli_options {
  std::vector<std::string> inputs;
  std::string output;
  bool json = false;
  bool streaming = false;
  bool exact = false;
  bool pool = false;
  bool allow_truncated = false;
  std::uint64_t streaming_above_mib = 64;
};

constexpr std::string_view stats_details =
    "Summarises every metric of the inputs: per-call durations of a capture's bracket sites (ns),\n"
    "its counter deltas, gauge values and observable deltas; the real and CPU time per iteration\n"
    "and the user counters of Google Benchmark JSON (one value per repetition); the numeric\n"
    "payload fields of a JSON-lines log, per namespace (\"<namespace>:<field>\"). Inputs may be\n"
    "mixed; each file's format is told by its content.\n"
    "\n"
    "The table shows n, mean, median, p90, p99, p99.9, standard deviation, coefficient of\n"
    "variation, Tukey outliers (mild/severe) and whether the values have two or more modes.\n"
    "--json writes the full summaries, bootstrap confidence intervals and modes included\n"
    "(specs/stats.schema.json).\n"
    "\n"
    "Captures and logs larger than --streaming-above MiB (default 64) are summarised in streaming\n"
    "mode: memory stays bounded whatever their size, and quantiles come from a histogram with a\n"
    "relative error of at most 0.39 %, marked '~' in the table and \"approximate\": true in JSON;\n"
    "there are no confidence intervals then. --streaming and --exact force a mode. A progress\n"
    "line is drawn on stderr when it is a terminal.\n";

constexpr std::string_view stats_examples =
    "  metron stats run.mtr\n"
    "  metron stats --json bench.json run.mtr -o stats.json\n"
    "  metron stats --streaming huge.mtr\n"
    "  metron stats --pool monday.mtr tuesday.mtr\n";

constexpr std::string_view stats_exit_codes =
    "  0  success\n"
    "  2  bad input or usage: a missing, foreign, truncated or corrupt input, a NaN or infinite\n"
    "     value, a metric name in two inputs (without --pool), inputs without any metric; the\n"
    "     one-line error names the file and the place, and no output file is left behind\n";

// A value in the metric's unit, as metron::report formats amounts; "-" when the statistic does
// not exist for the sample.
std::string cell(double value, const analysis::metric_stats& metric, bool approximate = false) {
  if (!std::isfinite(value)) {
    return "-";
  }
  const std::string text = report::format_amount(value, metric.unit);
  return approximate ? "~" + text : text;
}

std::string modes_text(const analysis::metric_stats& metric) {
  std::string text;
  for (const double mode : metric.stats.modes) {
    text += (text.empty() ? "" : ", ") + cell(mode, metric);
  }
  return text;
}

void write_table(const analysis::stats_report& report, std::ostream& out) {
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
                    cell(s.stddev, metric), std::isfinite(s.cv) ? report::format_share(s.cv) : "-",
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

int run_stats(const stats_cli_options& cli) {
  analysis::stats_options options;
  options.mode = cli.streaming ? analysis::stats_mode::streaming
                 : cli.exact   ? analysis::stats_mode::exact
                               : analysis::stats_mode::automatic;
  options.streaming_threshold_bytes = cli.streaming_above_mib << 20;
  options.duplicates =
      cli.pool ? analysis::duplicate_policy::pool : analysis::duplicate_policy::reject;
  options.allow_truncated = cli.allow_truncated;
  report::progress_bar progress("records");
  options.on_progress = [&progress](const analysis::stats_progress& at) {
    progress.update(at.records, at.bytes, at.total_bytes);
  };
  // The output opens first: an unwritable output fails before a long read, not after it.
  report::output_file output(cli.output, cli.inputs.front());
  const analysis::stats_report report = analysis::compute_stats(cli.inputs, options);
  progress.finish();
  if (cli.json) {
    output.stream() << analysis::to_json(report);
  } else {
    write_table(report, output.stream());
  }
  output.commit();
  return exit_ok;
}

}  // namespace

command register_stats(CLI::App& app) {
  auto options = std::make_shared<stats_cli_options>();
  CLI::App* sub = app.add_subcommand(
      "stats", "Summarise the metrics of captures, Google Benchmark JSON and logs");
  sub->footer(help_footer(stats_details, stats_examples, stats_exit_codes));
  sub->add_option("inputs", options->inputs,
                  "Captures (.mtr), Google Benchmark JSON files and JSON-lines logs")
      ->required()
      ->type_name("FILE...");
  sub->add_flag("--json", options->json, "Write JSON (specs/stats.schema.json) instead of a table");
  sub->add_option("-o,--output", options->output, "Write to this file instead of stdout")
      ->type_name("FILE");
  CLI::Option* streaming =
      sub->add_flag("--streaming", options->streaming,
                    "Bounded memory for every input: approximate quantiles, no intervals");
  sub->add_flag("--exact", options->exact, "Every value in memory, whatever the input size")
      ->excludes(streaming);
  sub->add_option("--streaming-above", options->streaming_above_mib,
                  "Stream captures and logs larger than this many MiB (default 64)")
      ->type_name("MIB");
  sub->add_flag("--pool", options->pool,
                "Pool the values of a metric found in several inputs instead of refusing");
  sub->add_flag("--allow-truncated", options->allow_truncated,
                "Summarise the complete chunks of a truncated capture instead of refusing it");
  return {sub, [options] { return run_stats(*options); }};
}

}  // namespace metron::tool
