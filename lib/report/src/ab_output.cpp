// The labelled lines, the JSON object and the progress line of a paired A/B run.
#include <metron/report/ab_output.hpp>

#include <metron/report/format.hpp>
#include <metron/statistics/statistics.hpp>

#include "json_document.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace metron::report {

namespace {

double median_of_pairs(const std::vector<double>& values) {
  return analysis::summarize(values, {.bootstrap_resamples = 0}).median;
}

}  // namespace

void write_ab_text(std::ostream& out, const analysis::ab_result& result) {
  const auto& comparison = result.comparison;
  out << fmt::format("metric      {} ({} pairs)\n", result.metric, result.baseline.size());
  out << fmt::format("baseline    {} (median of pairs)\n",
                     format_amount(median_of_pairs(result.baseline), result.unit));
  out << fmt::format("candidate   {} (median of pairs)\n",
                     format_amount(median_of_pairs(result.candidate), result.unit));
  out << fmt::format("change      {}  {} at {} confidence\n",
                     format_percent(comparison.ratio.estimate - 1.0),
                     format_interval({.low = comparison.ratio.low - 1.0,
                                      .high = comparison.ratio.high - 1.0,
                                      .level = comparison.ratio.level}),
                     format_share(comparison.ratio.level));
  out << fmt::format("p-value     {} (Wilcoxon signed-rank, {})\n",
                     format_p(comparison.test.p_value),
                     comparison.test.exact ? "exact" : "normal approximation");
  out << fmt::format("verdict     {}\n", to_string(comparison.verdict));
}

void write_ab_json(std::ostream& out, const analysis::ab_result& result,
                   const analysis::paired_options& judge) {
  const auto& comparison = result.comparison;
  const nlohmann::json object = {
      {"metric", result.metric},
      {"unit", result.unit},
      {"rounds", result.baseline.size()},
      {"baseline", result.baseline},
      {"candidate", result.candidate},
      {"log_ratios", comparison.log_ratios},
      {"ratio", comparison.ratio.estimate},
      {"interval", {comparison.ratio.low, comparison.ratio.high}},
      {"level", comparison.ratio.level},
      {"statistic", comparison.test.statistic},
      {"p_value", comparison.test.p_value},
      {"exact", comparison.test.exact},
      {"tolerance", judge.tolerance},
      {"alpha", judge.alpha},
      {"verdict", std::string(to_string(comparison.verdict))},
  };
  detail::write_json_document(out, object);
}

std::string ab_progress_text(std::size_t done, std::size_t total) {
  return fmt::format("\rmetron ab: run {}/{}{}", done, total, done == total ? "\n" : "");
}

}  // namespace metron::report
