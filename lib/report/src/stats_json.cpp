// `metron stats --json`: the per-metric summaries as one JSON document.
#include <metron/report/stats_output.hpp>

#include "json_document.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <iterator>
#include <system_error>
#include <utility>

namespace metron::report {

namespace {

/// `value` to 12 significant digits: the last bits of a sum depend on the order of additions,
/// which is no part of the result, and would make reports differ between equivalent builds.
double rounded(double value) {
  char text[32];
  const auto [end, problem] =
      std::to_chars(std::begin(text), std::end(text), value, std::chars_format::general, 12);
  double result = value;
  if (problem == std::errc{}) {
    std::from_chars(std::begin(text), end, result);
  }
  return result;
}

/// A statistic as JSON: null where it does not exist for the sample.
nlohmann::ordered_json number(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(rounded(value))
                              : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json interval_json(const analysis::interval& bounds) {
  if (!std::isfinite(bounds.low) || !std::isfinite(bounds.high)) {
    return nullptr;
  }
  return {{"low", rounded(bounds.low)}, {"high", rounded(bounds.high)}, {"level", bounds.level}};
}

nlohmann::ordered_json metric_json(const analysis::metric_stats& metric) {
  const analysis::summary& s = metric.stats;
  nlohmann::ordered_json modes = nlohmann::ordered_json::array();
  for (const double mode : s.modes) {
    modes.push_back(number(mode));
  }
  return {
      {"name", metric.name},
      {"entry", metric.entry},
      {"quantity", metric.quantity},
      {"unit", metric.unit},
      {"better", analysis::to_string(metric.direction)},
      {"sources", metric.sources},
      {"approximate", s.approximate},
      {"n", s.n},
      {"mean", number(s.mean)},
      {"stddev", number(s.stddev)},
      {"cv", number(s.cv)},
      {"min", number(s.min)},
      {"max", number(s.max)},
      {"median", number(s.median)},
      {"mad", number(s.mad)},
      {"p90", number(s.p90)},
      {"p99", number(s.p99)},
      {"p99_9", number(s.p999)},
      {"outliers", {{"mild", s.mild_outliers}, {"severe", s.severe_outliers}}},
      {"median_ci", interval_json(s.median_ci)},
      {"mean_ci", interval_json(s.mean_ci)},
      {"bimodal", s.bimodal},
      {"bimodality_coefficient", number(s.bimodality_coefficient)},
      {"modes", std::move(modes)},
      {"replicates", metric.replicates},
  };
}

}  // namespace

void write_stats_json(std::ostream& out, const analysis::stats_report& report) {
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const analysis::input_stats& input : report.inputs) {
    inputs.push_back({{"path", input.path},
                      {"format", analysis::to_string(input.format)},
                      {"records", input.records},
                      {"streamed", input.streamed},
                      {"problem", input.problem.empty() ? nlohmann::ordered_json(nullptr)
                                                        : nlohmann::ordered_json(input.problem)}});
  }
  nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
  for (const analysis::metric_stats& metric : report.metrics) {
    metrics.push_back(metric_json(metric));
  }
  const analysis::run_metadata& meta = report.metadata;
  nlohmann::ordered_json document = {
      {"format", "metron-stats"},
      {"version", 1},
      {"inputs", std::move(inputs)},
      {"metadata",
       {{"host", meta.host},
        {"cpu", meta.cpu},
        {"commit", meta.commit},
        {"build_type", meta.build_type},
        {"date", meta.date}}},
      {"metrics", std::move(metrics)},
  };
  detail::write_json_document(out, document);
}

}  // namespace metron::report
