// Paired A/B runs: starting the two programs in ABBA order, timing them or reading their results.
#include <metron/compare/ab.hpp>
#include <metron/error.hpp>
#include <metron/readers/dataset.hpp>
#include <metron/readers/readers.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/core.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace metron::analysis {

namespace {

constexpr std::string_view out_placeholder = "{out}";

/// A private directory for the programs' output files, removed with them.
class output_directory {
 public:
  output_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "metron-ab-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw resource_error(fmt::format("metron ab: cannot create a directory for output files: {}",
                                       std::strerror(errno)));
    }
    path_ = pattern;
  }
  ~output_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  output_directory(const output_directory&) = delete;
  output_directory& operator=(const output_directory&) = delete;
  [[nodiscard]] std::string file(std::size_t run) const {
    return (path_ / fmt::format("run-{}.out", run)).string();
  }

 private:
  std::filesystem::path path_;
};

std::string with_output_path(const std::string& command, const std::string& path) {
  std::string result = command;
  for (auto at = result.find(out_placeholder); at != std::string::npos;
       at = result.find(out_placeholder, at + path.size())) {
    result.replace(at, out_placeholder.size(), path);
  }
  return result;
}

/// Runs `command` with /bin/sh, stdout to /dev/null; returns its wall time in ns.
double run_timed(const std::string& command, std::string_view side) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::string shell = "/bin/sh";
  std::string flag = "-c";
  std::string text = command;
  char* arguments[] = {shell.data(), flag.data(), text.data(), nullptr};
  pid_t child = 0;
  const auto start = std::chrono::steady_clock::now();
  const int spawned = posix_spawn(&child, "/bin/sh", &actions, nullptr, arguments, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    throw resource_error(fmt::format("metron ab: cannot start /bin/sh for the {} command: {}", side,
                                     std::strerror(spawned)));
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw resource_error(fmt::format("metron ab: waiting for the {} command failed: {}", side,
                                       std::strerror(errno)));
    }
  }
  const auto stop = std::chrono::steady_clock::now();
  if (WIFSIGNALED(status)) {
    throw input_error(fmt::format("metron ab: the {} command was killed by signal {}: {}", side,
                                  WTERMSIG(status), command));
  }
  if (WEXITSTATUS(status) != 0) {
    throw input_error(fmt::format("metron ab: the {} command exited with status {}: {}", side,
                                  WEXITSTATUS(status), command));
  }
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count());
}

/// Measures one run of one side, by wall time or from its output file.
class side_runner {
 public:
  side_runner(const ab_options& options, const output_directory& outputs, ab_result& result)
      : options_(options), outputs_(outputs), result_(result) {}

  double run(const std::string& command, std::string_view side) {
    if (command.find(out_placeholder) == std::string::npos) {
      return run_timed(command, side);
    }
    const std::string path = outputs_.file(runs_++);
    run_timed(with_output_path(command, path), side);
    const dataset data = read_input(path);
    const metric* chosen = nullptr;
    if (options_.metric.empty()) {
      if (data.metrics.size() != 1) {
        throw input_error(
            fmt::format("{}: the {} command's output holds {} metrics; choose one with --metric",
                        path, side, data.metrics.size()));
      }
      chosen = &data.metrics.front();
    } else {
      chosen = data.find_metric(options_.metric);
      if (chosen == nullptr || chosen->values.empty()) {
        throw input_error(fmt::format("{}: the {} command's output has no values of metric '{}'",
                                      path, side, options_.metric));
      }
    }
    if (chosen->direction == better::unknown) {
      // A paired verdict is one-sided; a guess at the direction would make the gate a guess.
      throw input_error(fmt::format(
          "{}: which way metric '{}' of the {} command's output improves is unknown; choose a "
          "time or a rate Google Benchmark defines (bytes_per_second, items_per_second) with "
          "--metric",
          path, chosen->name, side));
    }
    result_.metric = chosen->name;
    result_.unit = chosen->unit;
    lower_is_better_ = chosen->direction == better::lower;
    std::filesystem::remove(path);
    return summarize(chosen->values, {.bootstrap_resamples = 0}).median;
  }

  [[nodiscard]] bool lower_is_better() const noexcept { return lower_is_better_; }

 private:
  const ab_options& options_;
  const output_directory& outputs_;
  ab_result& result_;
  std::size_t runs_ = 0;
  bool lower_is_better_ = true;
};

}  // namespace

ab_result run_ab(const ab_options& options) {
  if (options.rounds == 0) {
    throw input_error("metron ab: --rounds must be at least 1");
  }
  if (options.baseline_command.empty() || options.candidate_command.empty()) {
    throw input_error("metron ab: both --baseline-cmd and --candidate-cmd are needed");
  }
  ab_result result;
  result.metric = "wall_time";
  result.unit = "ns";
  const output_directory outputs;
  side_runner runner(options, outputs, result);
  const std::size_t total = 2 * options.warmup + 4 * options.rounds;
  std::size_t done = 0;
  const auto run = [&](bool baseline) {
    const double value = baseline ? runner.run(options.baseline_command, "baseline")
                                  : runner.run(options.candidate_command, "candidate");
    ++done;
    if (options.progress) {
      options.progress(done, total);
    }
    return value;
  };
  for (std::size_t i = 0; i < options.warmup; ++i) {
    run(true);
    run(false);
  }
  for (std::size_t round = 0; round < options.rounds; ++round) {
    const double first_baseline = run(true);
    const double first_candidate = run(false);
    const double second_candidate = run(false);
    const double second_baseline = run(true);
    result.baseline.push_back((first_baseline + second_baseline) / 2.0);
    result.candidate.push_back((first_candidate + second_candidate) / 2.0);
  }
  paired_options judge = options.judge;
  judge.lower_is_better = runner.lower_is_better();
  result.comparison = compare_paired(result.baseline, result.candidate, judge);
  return result;
}

int gate_exit_status(const ab_result& result, bool fail_on_inconclusive) noexcept {
  constexpr int pass = 0;
  constexpr int regression = 1;
  constexpr int inconclusive = 3;
  switch (result.comparison.verdict) {
    case paired_verdict::regressed: return regression;
    case paired_verdict::inconclusive: return fail_on_inconclusive ? inconclusive : pass;
    case paired_verdict::improved:
    case paired_verdict::unchanged: break;
  }
  return pass;
}

}  // namespace metron::analysis
