// `metron compare`: a candidate's runs against a baseline's, as a CI gate with table, Markdown,
// JUnit and JSON.
#include "commands.hpp"

#include <metron/compare/compare.hpp>
#include <metron/error.hpp>
#include <metron/report/comparison.hpp>
#include <metron/report/output_file.hpp>
#include <metron/spec/spec.hpp>

#include <fmt/core.h>

#include <unistd.h>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron::tool {

namespace {

struct compare_settings {
  std::vector<std::string> sides;  // positional: baseline candidate
  std::vector<std::string> baseline;
  std::vector<std::string> candidate;
  std::string spec;
  std::string directions;
  std::string tolerance = "5%";
  double alpha = 0.05;
  std::string test = "mann-whitney";
  std::string interval;
  bool equivalence = false;
  bool strict = false;
  bool fail_on_inconclusive = false;
  bool fail_on_removed = false;
  bool allow_blind = false;
  std::string measure = "real";
  std::uint64_t seed = analysis::compare_options{}.seed;
  std::string json_path;
  std::string markdown_path;
  std::string junit_path;
  bool no_colour = false;
};

constexpr std::string_view compare_details =
    "Compares each metric (or, with --spec, each KPI) of a candidate against a baseline and\n"
    "gates on the verdict. Inputs on each side: captures (.mtr), Google Benchmark JSON, or\n"
    "'metron stats --json' output; several files a side with --baseline a1 a2 … --candidate …\n"
    "\n"
    "The run is the unit of replication: Google Benchmark repetitions and several files a side\n"
    "give one value per run (each capture's median); one capture against one compares per-call\n"
    "samples and is marked indicative; aggregates-only files (--benchmark_report_aggregates_only)\n"
    "compare their reported means by Welch's t test, marked '(aggregates)'. For each metric:\n"
    "both medians, the relative change with its interval (Hodges-Lehmann of the log-ratio, so a\n"
    "ratio's interval, above -100 %; or a seeded bootstrap of the ratio of medians), the test's\n"
    "p-value, raw and adjusted over the gating rows (Benjamini-Hochberg), and a verdict:\n"
    "  regressed/improved  significant (adjusted p < alpha) AND the change beyond the tolerance\n"
    "  unchanged           the whole interval within +/- the tolerance\n"
    "  inconclusive        neither; the notes say how many repetitions a side would decide it\n"
    "  changed             the same, either way, for a metric of unknown direction\n"
    "Only metrics whose direction is known gate: times, Google Benchmark's bytes_per_second and\n"
    "items_per_second, counters named *_throughput (higher) or *_latency[_ns|_us|_ms|_s]\n"
    "(lower), and what a spec declares (a KPI's 'better:', or 'directions:' of metric names and\n"
    "globs, read with --spec or --directions). Any other counter (hit_rate, docs_per_sec, …) is\n"
    "compared two-sided and reported as 'changed', never as a regression: it never fails.\n"
    "One time per benchmark gates, its real time (CPU time with --measure cpu); the other is\n"
    "'(informative)': adjusted with the changed rows, apart from the gate's, never failing.\n"
    "Before judging, metron checks that the design can flag each gating row at all: at 5\n"
    "repetitions a side the U test's smallest p is 0.0079, which a lone regression among 20\n"
    "gating rows cannot bring below alpha / 20; the note above the table then says so, with the\n"
    "repetitions that would do, and the gate exits 3 unless --allow-blind.\n"
    "Defaults without a spec: tolerance 5 %, alpha 0.05, the Mann-Whitney U test; a spec's KPI\n"
    "settings override them. Metrics on one side only are listed as added or removed. A CPU,\n"
    "build type, compiler or frequency-scaling difference between the sides is warned about\n"
    "(an error with --strict). Outputs: a table on stdout (colour on a terminal); --json,\n"
    "--markdown and --junit each write to a file, or to stdout instead of the table with '-'.\n";

constexpr std::string_view compare_examples =
    "  metron compare base.json head.json\n"
    "  metron compare --baseline b1.mtr b2.mtr b3.mtr --candidate c1.mtr c2.mtr c3.mtr\n"
    "  metron compare --spec specs/ledger.yaml --tolerance 2% --markdown - base.json head.json\n"
    "  metron compare --equivalence --tolerance 3% --json result.json base.json head.json\n";

constexpr std::string_view compare_exit_codes =
    "  0  pass: nothing regressed, no KPI breached, no benchmark broken\n"
    "  1  a regression, a KPI breach in the candidate, a benchmark that ran in the baseline\n"
    "     but errored or was skipped in the candidate, or (with --fail-on-removed) a removed one\n"
    "  2  bad input or usage: an unreadable file, mismatched units, no metric in common,\n"
    "     or (with --strict) runs that are not comparable\n"
    "  3  a blind design: a gating row that could not be flagged whatever its change (one value a\n"
    "     side, or too few repetitions for the adjusted level; the note above the table says how\n"
    "     many would do), unless --allow-blind; or inconclusive rows, with --fail-on-inconclusive\n"
    "     or --equivalence\n";

int run_compare(compare_settings settings) {
  if (!settings.sides.empty()) {
    if (settings.sides.size() != 2 || !settings.baseline.empty() || !settings.candidate.empty()) {
      throw input_error(
          "give the baseline and the candidate as two files, or as --baseline … --candidate …");
    }
    settings.baseline = {settings.sides[0]};
    settings.candidate = {settings.sides[1]};
  }
  if (settings.baseline.empty() || settings.candidate.empty()) {
    throw input_error(settings.baseline.empty() ? "no baseline given" : "no candidate given");
  }
  report::compare_context context;
  context.baseline_files = settings.baseline;
  context.candidate_files = settings.candidate;
  context.fail_on_inconclusive = settings.fail_on_inconclusive;
  context.allow_blind = settings.allow_blind;
  auto& options = context.options;
  const std::optional<double> tolerance = analysis::parse_percentage(settings.tolerance);
  if (!tolerance) {
    throw input_error(
        fmt::format("--tolerance '{}' is not a percentage such as 5% or 2.5", settings.tolerance));
  }
  options.tolerance = *tolerance;
  options.alpha = settings.alpha;
  options.test = *analysis::test_kind_named(settings.test);
  if (!settings.interval.empty()) {
    options.interval = settings.interval == "bootstrap" ? analysis::interval_method::bootstrap
                                                        : analysis::interval_method::hodges_lehmann;
  }
  options.equivalence = settings.equivalence;
  options.measure = settings.measure == "cpu" ? analysis::measure_kind::cpu_time
                                              : analysis::measure_kind::real_time;
  options.seed = settings.seed;
  if (!settings.directions.empty()) {
    options.directions = analysis::load_spec(settings.directions).directions;
  }

  const std::vector<analysis::run_input> baseline = analysis::read_runs(settings.baseline);
  const std::vector<analysis::run_input> candidate = analysis::read_runs(settings.candidate);
  const analysis::comparison_report report =
      settings.spec.empty() ? analysis::compare_runs(baseline, candidate, options)
                            : analysis::compare_kpis(analysis::load_spec(settings.spec), baseline,
                                                     candidate, options);
  context.exit_code = analysis::gate_exit_status(
      report, {.strict = settings.strict,
               .fail_on_removed = settings.fail_on_removed,
               .fail_on_inconclusive = settings.fail_on_inconclusive || settings.equivalence,
               .allow_blind = settings.allow_blind});

  const std::string& first_input = settings.baseline.front();
  bool table_replaced = false;
  const auto emit = [&](const std::string& path,
                        void (*render)(std::ostream&, const analysis::comparison_report&,
                                       const report::compare_context&)) {
    if (path.empty()) {
      return;
    }
    table_replaced = table_replaced || path == "-";
    report::write_output(path, first_input,
                         [&](std::ostream& out) { render(out, report, context); });
  };
  emit(settings.json_path, report::write_json);
  emit(settings.markdown_path, report::write_markdown);
  emit(settings.junit_path, report::write_junit);
  if (!table_replaced) {
    const bool colour =
        !settings.no_colour && isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
    report::write_table(std::cout, report, context, colour);
  }
  for (const std::string& message : report::comparability_messages(report, context)) {
    print_error(message);
  }
  return context.exit_code;
}

}  // namespace

command register_compare(CLI::App& app) {
  auto settings = std::make_shared<compare_settings>();
  CLI::App* sub = app.add_subcommand(
      "compare", "Compare a candidate with a baseline: verdicts per metric or KPI, a CI gate");
  sub->footer(help_footer(compare_details, compare_examples, compare_exit_codes));
  sub->add_option("files", settings->sides, "The baseline file, then the candidate file")
      ->type_name("BASELINE CANDIDATE");
  sub->add_option("--baseline", settings->baseline, "The baseline's files (one per run)")
      ->type_name("FILE…");
  sub->add_option("--candidate", settings->candidate, "The candidate's files (one per run)")
      ->type_name("FILE…");
  sub->add_option("--spec", settings->spec, "Compare the KPIs of this spec instead of metrics")
      ->type_name("SPEC.yaml");
  sub->add_option("--directions", settings->directions,
                  "Judge metrics by the 'directions:' this spec declares")
      ->type_name("SPEC.yaml");
  sub->add_option("--tolerance", settings->tolerance,
                  "The change that matters, in percent (default 5%)")
      ->type_name("PERCENT");
  sub->add_option("--alpha", settings->alpha, "Significance level (default 0.05)")
      ->type_name("LEVEL")
      ->check(CLI::Range(0.0001, 0.4999));
  sub->add_option("--test", settings->test,
                  "mann-whitney (default), welch, or bootstrap (of the ratio of medians)")
      ->type_name("TEST")
      ->check(CLI::IsMember({"mann-whitney", "welch", "bootstrap"}));
  sub->add_option("--interval", settings->interval,
                  "The change's interval: hodges-lehmann (default) or bootstrap")
      ->type_name("METHOD")
      ->check(CLI::IsMember({"hodges-lehmann", "bootstrap"}));
  sub->add_flag("--equivalence", settings->equivalence,
                "Two one-sided tests: 'unchanged' then claims no change beyond the tolerance");
  sub->add_flag("--fail-on-removed", settings->fail_on_removed,
                "Fail (exit 1) when a metric of the baseline is missing from the candidate");
  sub->add_flag("--fail-on-inconclusive", settings->fail_on_inconclusive,
                "Exit 3 when any row is inconclusive");
  sub->add_flag("--allow-blind", settings->allow_blind,
                "Pass (exit 0) a design too small to flag some gating row, saying so");
  sub->add_option("--measure", settings->measure,
                  "The time of a benchmark that gates: real (default) or cpu; the other informs")
      ->type_name("TIME")
      ->check(CLI::IsMember({"real", "cpu"}));
  sub->add_flag("--strict", settings->strict,
                "Exit 2 when the sides ran on different CPUs, builds, compilers or scaling");
  sub->add_option("--seed", settings->seed, "Seed of the bootstrap (default fixed)");
  sub->add_option("--json", settings->json_path, "Write JSON (specs/compare.schema.json)")
      ->type_name("FILE|-");
  sub->add_option("--markdown", settings->markdown_path, "Write a Markdown report")
      ->type_name("FILE|-");
  sub->add_option("--junit", settings->junit_path, "Write JUnit XML, one test case per row")
      ->type_name("FILE|-");
  sub->add_flag("--no-colour,--no-color", settings->no_colour, "No colour, even on a terminal");
  return {sub, [settings] { return run_compare(*settings); }};
}

}  // namespace metron::tool
