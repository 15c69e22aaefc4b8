// `metron ab`: two programs run interleaved (ABBA) on this machine, compared by paired log-ratios.
#include "commands.hpp"

#include <metron/compare/ab.hpp>
#include <metron/report/ab_output.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string_view>

namespace metron::tool {

namespace {

struct ab_command_options {
  analysis::ab_options run;
  bool json = false;
  bool fail_on_inconclusive = false;
};

constexpr std::string_view ab_details =
    "Runs a baseline and a candidate program alternately on this machine, in ABBA blocks\n"
    "(baseline, candidate, candidate, baseline), so that slow drift of a noisy machine affects\n"
    "both alike. Each block gives one pair: the mean of each side's two runs. The pairs'\n"
    "log-ratios are tested with the Wilcoxon signed-rank test, and the candidate/baseline ratio\n"
    "is given with the Hodges-Lehmann interval that inverts the test (level 1 - alpha).\n"
    "\n"
    "A run's result is the wall time of its process. A command containing {out} has it replaced\n"
    "by a fresh file path: the program writes Google Benchmark JSON\n"
    "(--benchmark_out={out}) or a capture there, and the result is the median of --metric in it.\n"
    "\n"
    "Verdicts (tolerance 5 % and alpha 0.05 unless --tolerance and --alpha say otherwise):\n"
    "regressed or improved when the test is significant and the whole interval lies beyond the\n"
    "tolerance; unchanged when the whole interval lies within it; else inconclusive (more\n"
    "rounds would tell). The programs' standard output is discarded.\n";

constexpr std::string_view ab_examples =
    "  metron ab --baseline-cmd './old/app --n 1000' --candidate-cmd './new/app --n 1000'\n"
    "  metron ab --rounds 20 --metric BM_sort/1024 \\\n"
    "      --baseline-cmd './old_bench --benchmark_out={out}' \\\n"
    "      --candidate-cmd './new_bench --benchmark_out={out}' --json\n";

constexpr std::string_view ab_exit_codes =
    "  0  unchanged or improved (or inconclusive without --fail-on-inconclusive)\n"
    "  1  regressed\n"
    "  2  bad input or usage: a command failing, an output file without the metric\n"
    "  3  inconclusive, with --fail-on-inconclusive\n";

int run_ab_command(ab_command_options& options) {
  const bool show_progress = isatty(STDERR_FILENO) != 0;
  if (show_progress) {
    options.run.progress = [](std::size_t done, std::size_t total) {
      std::fputs(report::ab_progress_text(done, total).c_str(), stderr);
    };
  }
  const analysis::ab_result result = analysis::run_ab(options.run);
  if (options.json) {
    report::write_ab_json(std::cout, result, options.run.judge);
  } else {
    report::write_ab_text(std::cout, result);
  }
  return analysis::gate_exit_status(result, options.fail_on_inconclusive);
}

}  // namespace

command register_ab(CLI::App& app) {
  auto options = std::make_shared<ab_command_options>();
  CLI::App* sub = app.add_subcommand(
      "ab", "Run two programs interleaved (ABBA) and compare them by paired log-ratios");
  sub->footer(help_footer(ab_details, ab_examples, ab_exit_codes));
  sub->add_option("--baseline-cmd", options->run.baseline_command, "The baseline's shell command")
      ->required();
  sub->add_option("--candidate-cmd", options->run.candidate_command,
                  "The candidate's shell command")
      ->required();
  sub->add_option("--rounds", options->run.rounds, "ABBA blocks, each one pair (default 10)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--warmup", options->run.warmup,
                  "Unmeasured runs of each program first (default 1)");
  sub->add_option("--metric", options->run.metric,
                  "With {out}: the metric to read from each output file");
  sub->add_option("--tolerance", options->run.judge.tolerance,
                  "Relative change that matters, a fraction (default 0.05 = 5 %)")
      ->check(CLI::Range(0.0, 10.0));
  sub->add_option("--alpha", options->run.judge.alpha, "Significance level (default 0.05)")
      ->check(CLI::Range(1e-9, 0.5));
  sub->add_flag("--json", options->json, "Print one JSON object instead of the table");
  sub->add_flag("--fail-on-inconclusive", options->fail_on_inconclusive,
                "Exit 3 when the verdict is inconclusive");
  return {sub, [options] { return run_ab_command(*options); }};
}

}  // namespace metron::tool
