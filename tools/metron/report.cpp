// `metron report`: a run's KPIs, its change against a baseline and its history, as a report file.
#include "commands.hpp"

#include <metron/report/output_file.hpp>
#include <metron/report/report.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

/// Exit code of a report whose KPIs breach or regress (STYLE.md's table).
constexpr int exit_failed = 1;

struct report_settings {
  report::report_request request;
  std::string output;
  std::string format;
};

constexpr std::string_view report_details =
    "Writes one report of a candidate run: with --spec each KPI of the spec (its value,\n"
    "threshold and pass or breach), else each metric's median; with --baseline the change of\n"
    "each against the baseline (its interval, test and verdict, as metron compare gives them);\n"
    "with --history each metric's series in the history store and its change points, with\n"
    "their commits. Rows are ordered worst first: breach and regression, breach, regression,\n"
    "insufficient, inconclusive, pass, improved, reported.\n"
    "\n"
    "Formats (--format, else told by the output's extension; html by default):\n"
    "  html   one self-contained page: verdict, KPI table, distributions with the baseline\n"
    "         overlaid, box plots, changes with their intervals, history with change points,\n"
    "         the capture's CPU and RSS, complexity fits; inline SVG, no script (.html)\n"
    "  md     Markdown for a pull-request comment or CI step summary (.md)\n"
    "  junit  JUnit XML, one test case per row, failures explaining why (.xml)\n"
    "  csv    tidy CSV, one line per metric and sample; reports/metron_report.R plots it (.csv)\n"
    "  json   one JSON object of verdicts and summaries (.json)\n"
    "The file appears complete or not at all.\n";

constexpr std::string_view report_examples =
    "  metron report --spec specs/probe-bench.yaml head.json --baseline base.json -o report.html\n"
    "  metron report --spec specs/probe-bench.yaml head.json -o report.md\n"
    "  metron report --spec specs/probe-bench.yaml head.json --baseline base.json \\\n"
    "      --history results.sqlite -o report.xml --format junit\n"
    "  metron report run.mtr -o samples.csv\n";

constexpr std::string_view report_exit_codes =
    "  0  the report is written and nothing failed\n"
    "  1  the report is written, and a KPI breaches its threshold or regresses\n"
    "  2  bad input or usage: an unreadable input, spec or store, an unknown format, an output\n"
    "     that cannot be written (no file is left behind)\n";

int run_report(const report_settings& settings) {
  const report::report_format format = report::report_format_for(settings.format, settings.output);
  // The output is opened first, so that an unwritable path fails before any work is done.
  report::output_file output(settings.output, settings.request.candidate);
  const report::report_document document = report::build_report(settings.request);
  report::write_report(output.stream(), document, format);
  output.commit();
  return document.passed() ? exit_ok : exit_failed;
}

}  // namespace

command register_report(CLI::App& app) {
  auto settings = std::make_shared<report_settings>();
  CLI::App* sub = app.add_subcommand(
      "report", "Write a report of KPIs, changes and history (HTML, Markdown, JUnit, CSV, JSON)");
  sub->footer(help_footer(report_details, report_examples, report_exit_codes));
  sub->add_option("candidate", settings->request.candidate,
                  "The candidate run: a capture, Google Benchmark JSON or metron stats --json")
      ->required()
      ->type_name("FILE");
  sub->add_option("--spec", settings->request.spec, "Report the KPIs of this spec")
      ->type_name("SPEC.yaml");
  sub->add_option("--baseline", settings->request.baseline, "Compare with this run")
      ->type_name("FILE");
  sub->add_option("--history", settings->request.history,
                  "Show each metric's history from this store (SQLite file or postgresql:// URL)")
      ->type_name("DB");
  sub->add_option("--branch", settings->request.history_filter.branch,
                  "Only history runs of this branch");
  sub->add_option("--machine", settings->request.history_filter.machine,
                  "Only history runs on this machine");
  sub->add_option("-o,--output", settings->output, "The report file, or - for standard output")
      ->required()
      ->type_name("FILE|-");
  sub->add_option("--format", settings->format,
                  "html, md, junit, csv or json (default: by extension, else html)")
      ->type_name("FORMAT");
  return {sub, [settings] { return run_report(*settings); }};
}

}  // namespace metron::tool
