// `metron kpi`: a benchmark specification's KPIs over captures, benchmark results and logs.
#include "commands.hpp"

#include <metron/readers/readers.hpp>
#include <metron/report/kpi_output.hpp>
#include <metron/spec/kpi.hpp>
#include <metron/spec/spec.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace metron::tool {

namespace {

struct kpi_options {
  std::string spec;
  std::vector<std::string> inputs;
  bool json = false;
  bool pool = false;
  bool fail_on_insufficient = false;
};

constexpr std::string_view kpi_details =
    "Evaluates the KPIs of a benchmark specification (specs/*.yaml, described in docs/specs.md)\n"
    "over the inputs: captures (.mtr), Google Benchmark JSON and JSON-lines logs, in any mix;\n"
    "the format of each is told by its content. Each KPI is a statistic of a metric (median,\n"
    "p99, mean, …), a rate of events, the intervals between events, the span from one keyed\n"
    "event to another (block forged → block adopted), or the ratio of two metrics. Each gets its\n"
    "value in the spec's unit and, against its threshold, pass or breach; a KPI without a\n"
    "threshold is only reported (unchecked), one with fewer samples than its min_samples is\n"
    "insufficient. A metric or event absent from the inputs is bad input, and the message lists\n"
    "the closest names the inputs hold.\n";

constexpr std::string_view kpi_examples =
    "  metron kpi --spec specs/quickstart.yaml run.mtr\n"
    "  metron kpi --spec specs/probe-bench.yaml --json results.json | jq '.kpis[]'\n"
    "  metron kpi --spec specs/chain.yaml --pool node-*.log\n";

constexpr std::string_view kpi_exit_codes =
    "  0  every KPI passed (or is only reported, or insufficient without "
    "--fail-on-insufficient)\n"
    "  1  a KPI breached its threshold\n"
    "  2  bad input or usage: an invalid spec (the message names file, line and key), a missing,\n"
    "     foreign or corrupt input, a metric or event the inputs lack, an unknown option\n"
    "  3  a KPI had too few samples and --fail-on-insufficient was given\n";

int run_kpi(const kpi_options& options) {
  // The spec first: a bad spec is reported before any input is read.
  const analysis::benchmark_spec spec = analysis::load_spec(options.spec);
  const analysis::kpi_report report = analysis::evaluate_kpis(
      spec,
      analysis::read_inputs(options.inputs, options.pool ? analysis::duplicate_policy::pool
                                                         : analysis::duplicate_policy::reject));
  if (options.json) {
    report::write_kpi_json(std::cout, report, options.inputs);
  } else {
    report::write_kpi_text(std::cout, report);
  }
  std::cout.flush();
  return analysis::gate_exit_status(report, options.fail_on_insufficient);
}

}  // namespace

command register_kpi(CLI::App& app) {
  auto options = std::make_shared<kpi_options>();
  CLI::App* sub =
      app.add_subcommand("kpi", "Evaluate a spec's KPIs over captures, benchmark results and logs");
  sub->footer(help_footer(kpi_details, kpi_examples, kpi_exit_codes));
  sub->add_option("--spec", options->spec, "The benchmark specification (YAML)")
      ->required()
      ->type_name("FILE");
  sub->add_option("inputs", options->inputs,
                  "Captures (.mtr), Google Benchmark JSON files and JSON-lines logs")
      ->required()
      ->type_name("FILE...");
  sub->add_flag("--json", options->json, "Print one JSON object instead of a table");
  sub->add_flag("--pool", options->pool,
                "Pool a metric found in several inputs into one sample (repeated runs), "
                "instead of refusing the duplicate name");
  sub->add_flag("--fail-on-insufficient", options->fail_on_insufficient,
                "Exit 3 when a KPI has fewer samples than its min_samples");
  return {sub, [options] { return run_kpi(*options); }};
}

}  // namespace metron::tool
