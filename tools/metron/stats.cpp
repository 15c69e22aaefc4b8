// `metron stats`: per-metric summaries of captures, Google Benchmark JSON and logs, as a table or
// JSON.
#include "commands.hpp"

#include <metron/report/output_file.hpp>
#include <metron/report/progress.hpp>
#include <metron/report/stats_output.hpp>
#include <metron/spec/stats_report.hpp>

#include <cstdint>
#include <memory>
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

int run_stats(const stats_cli_options& cli) {
  analysis::stats_options options;
  options.mode = cli.streaming ? analysis::stats_mode::streaming
                 : cli.exact   ? analysis::stats_mode::exact
                               : analysis::stats_mode::automatic;
  options.streaming_threshold_bytes = cli.streaming_above_mib << 20;
  options.duplicates =
      cli.pool ? analysis::duplicate_policy::pool : analysis::duplicate_policy::reject;
  options.allow_truncated = cli.allow_truncated;
  if (!cli.json) {
    // The table shows no confidence intervals: the bootstrap would be computed for nothing.
    options.summary.bootstrap_resamples = 0;
  }
  report::progress_bar progress("records");
  options.on_progress = [&progress](const analysis::stats_progress& at) {
    progress.update(at.records, at.bytes, at.total_bytes);
  };
  // The output opens first: an unwritable output fails before a long read, not after it.
  report::output_file output(cli.output, cli.inputs.front());
  const analysis::stats_report report = analysis::compute_stats(cli.inputs, options);
  progress.finish();
  (cli.json ? report::write_stats_json : report::write_stats_table)(output.stream(), report);
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
  add_output_option(*sub, options->output);
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
