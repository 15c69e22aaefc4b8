// `metron history`: add a run's results to the history, show a metric's series, list change points.
#include "commands.hpp"

#include <metron/history/change_points.hpp>
#include <metron/history/history.hpp>
#include <metron/readers/readers.hpp>
#include <metron/report/history_output.hpp>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace metron::tool {

namespace {

struct history_options {
  std::string store = analysis::default_history_location();
  analysis::history_run run;
  std::vector<std::string> inputs;
  std::string metric;
  std::vector<std::string> metrics;
  analysis::history_filter filter;
  analysis::change_point_options detection;
  bool json = false;
  bool include_weak = false;
};

constexpr std::string_view history_details =
    "Keeps each run's results by commit, branch and machine, and finds where a metric's series\n"
    "changed. The store is an SQLite file (--db, default $METRON_HISTORY_DB or results.sqlite)\n"
    "or a PostgreSQL database given as a postgresql://user@host:port/database URL.\n"
    "\n"
    "  add      reads captures, Google Benchmark JSON or logs and stores each metric's median\n"
    "  show     a metric's values, oldest run first\n"
    "  changes  change points of every metric (or of --metric), by E-divisive means over\n"
    "           windows of 50 runs: each with its commit, the means before and after, the\n"
    "           relative change and a permutation p-value; strong at p <= 0.001, weak (shown\n"
    "           with --weak) at p <= 0.05\n";

constexpr std::string_view history_examples =
    "  metron history add --db results.sqlite --commit $(git rev-parse HEAD) --branch main \\\n"
    "      --machine ci-4 bench.json\n"
    "  metron history show --db results.sqlite BM_sort/1024\n"
    "  metron history changes --db results.sqlite --json\n"
    "  metron history changes --db postgresql://metron@db.internal/perf --branch main\n";

constexpr std::string_view history_exit_codes =
    "  0  success\n"
    "  2  bad input or usage: an unreadable result file, a corrupt or foreign database (left\n"
    "     unchanged), an unknown metric, a store that cannot be reached\n";

int run_add(history_options& options) {
  const analysis::dataset pooled =
      analysis::read_inputs(options.inputs, analysis::duplicate_policy::pool);
  const std::vector<analysis::history_value> values = analysis::history_values(pooled);
  if (options.run.commit.empty() && !pooled.metadata.commit.empty()) {
    options.run.commit = pooled.metadata.commit;
  }
  const auto store =
      analysis::open_history(options.store, analysis::history_open::create_if_missing);
  const std::int64_t run = store->add_run(options.run, values);
  report::write_run_added(std::cout, options.store, run, options.run.commit, values.size());
  return exit_ok;
}

int run_show(const history_options& options) {
  const auto store = analysis::open_history(options.store, analysis::history_open::existing);
  const analysis::history_series series =
      analysis::read_series(*store, options.metric, options.filter);
  (options.json ? report::write_series_json : report::write_series_table)(std::cout, series);
  return exit_ok;
}

int run_changes(const history_options& options) {
  const auto store = analysis::open_history(options.store, analysis::history_open::existing);
  const analysis::history_changes changes = analysis::find_history_changes(
      *store, options.metrics, options.filter, options.detection, options.include_weak);
  (options.json ? report::write_changes_json : report::write_changes_table)(std::cout, changes);
  return exit_ok;
}

void add_store_options(CLI::App* sub, history_options& options) {
  sub->add_option(
      "--db", options.store,
      "SQLite file or postgresql:// URL (default $METRON_HISTORY_DB or results.sqlite)");
}

void add_filter_options(CLI::App* sub, history_options& options) {
  sub->add_option("--branch", options.filter.branch, "Only runs of this branch");
  sub->add_option("--machine", options.filter.machine, "Only runs on this machine");
  sub->add_flag("--json", options.json, "Print JSON instead of a table");
}

}  // namespace

command register_history(CLI::App& app) {
  auto options = std::make_shared<history_options>();
  CLI::App* sub = app.add_subcommand(
      "history", "Keep results by commit and find change points (add, show, changes)");
  sub->footer(help_footer(history_details, history_examples, history_exit_codes));
  sub->require_subcommand(1);

  CLI::App* add = sub->add_subcommand("add", "Add a run's results to the history");
  add_store_options(add, *options);
  add->add_option("--commit", options->run.commit,
                  "The commit measured (default: the results' own commit, if they name one)");
  add->add_option("--branch", options->run.branch, "Its branch");
  add->add_option("--machine", options->run.machine, "The machine it ran on");
  add->add_option("--time", options->run.time, "When, ISO 8601 UTC (default: now)");
  add->add_option("results", options->inputs, "Captures, Google Benchmark JSON or logs")
      ->required()
      ->check(CLI::ExistingFile);

  CLI::App* show = sub->add_subcommand("show", "A metric's values, oldest run first");
  add_store_options(show, *options);
  add_filter_options(show, *options);
  show->add_option("metric", options->metric, "The metric's name")->required();

  CLI::App* changes = sub->add_subcommand("changes", "Change points of each metric's series");
  add_store_options(changes, *options);
  add_filter_options(changes, *options);
  changes->add_option("--metric", options->metrics, "Only these metrics (repeatable)");
  changes->add_flag("--weak", options->include_weak, "Show weak change points too");
  changes
      ->add_option("--alpha", options->detection.alpha,
                   "p-value of a strong change point (default 0.001)")
      ->check(CLI::Range(1e-6, 0.5));
  changes
      ->add_option("--min-magnitude", options->detection.min_magnitude,
                   "Smallest relative change of a strong point (default 0)")
      ->check(CLI::NonNegativeNumber);
  changes->add_option("--window", options->detection.window,
                      "Runs per search window; 0 searches whole series (default 50)");

  return {sub, [options, add, show] {
            if (add->parsed()) {
              return run_add(*options);
            }
            if (show->parsed()) {
              return run_show(*options);
            }
            return run_changes(*options);
          }};
}

}  // namespace metron::tool
