// Paired A/B runs: two programs run interleaved (ABBA) on one machine and compared by log-ratios.
#pragma once

#include <metron/compare/paired.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace metron::analysis {

/// What run_ab() runs and how it judges.
struct ab_options {
  /// Shell commands (run with /bin/sh -c). By default a run's result is the wall time of its
  /// process. A command containing `{out}` has it replaced by a fresh file path; the program
  /// writes a Google Benchmark JSON file or a capture there, and the run's result is the median
  /// of `metric` in it.
  std::string baseline_command;
  std::string candidate_command;  ///< as baseline_command
  /// ABBA blocks: each runs baseline, candidate, candidate, baseline and gives one pair (the
  /// mean of each side's two runs), which cancels a drift that is linear over the block.
  std::size_t rounds = 10;
  std::size_t warmup = 1;  ///< runs of each command before the rounds, not measured
  /// With `{out}`: the metric to read; may be empty when the file holds exactly one metric.
  std::string metric;
  paired_options judge;  ///< tolerance and alpha; the direction comes from the metric
  /// Called after every run with the runs done and the runs in all (for a progress line).
  std::function<void(std::size_t done, std::size_t total)> progress;
};

/// What run_ab() measured and concluded.
struct ab_result {
  std::string metric;  ///< "wall_time", or the metric read from the programs' output files
  std::string unit;    ///< "ns" for wall time, else the metric's unit
  std::vector<double> baseline;   ///< per round: the mean of the baseline's two runs
  std::vector<double> candidate;  ///< per round: the mean of the candidate's two runs
  paired_comparison comparison;   ///< the signed-rank test, ratio interval and verdict
};

/// Runs the two commands interleaved and compares them. Standard output of the programs is
/// discarded; their standard error passes through. Takes as long as 2 × (warmup + 2 × rounds)
/// runs. Call from one thread at a time (it waits for child processes).
/// @throws input_error when rounds is 0, a command exits non-zero or is killed, or an output file
///         is missing, unreadable or lacks the metric, or the metric's direction is unknown;
///         resource_error when a process cannot start.
[[nodiscard]] ab_result run_ab(const ab_options& options);

/// The exit status `metron ab` ends with for `result`: 1 when regressed; 3 when inconclusive and
/// `fail_on_inconclusive`; else 0. Pure; any thread.
[[nodiscard]] int gate_exit_status(const ab_result& result, bool fail_on_inconclusive) noexcept;

}  // namespace metron::analysis
