// `metron stats --json`: the per-metric summaries as one JSON document.
#include <metron/report/stats_output.hpp>

#include "json_stream.hpp"

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

void interval_json(detail::json_stream& json, const analysis::interval& bounds) {
  if (!std::isfinite(bounds.low) || !std::isfinite(bounds.high)) {
    json.value(nullptr);
    return;
  }
  json.begin_object();
  json.key("low").value(rounded(bounds.low));
  json.key("high").value(rounded(bounds.high));
  json.key("level").value(bounds.level);
  json.end_object();
}

void metric_json(detail::json_stream& json, const analysis::metric_stats& metric) {
  const analysis::summary& s = metric.stats;
  json.begin_object();
  json.key("name").value(metric.name);
  json.key("entry").value(metric.entry);
  json.key("quantity").value(metric.quantity);
  json.key("unit").value(metric.unit);
  json.key("better").value(analysis::to_string(metric.direction));
  json.key("sources").array(metric.sources);
  json.key("approximate").value(s.approximate);
  json.key("n").value(s.n);
  // A statistic the sample cannot give is NaN, which the stream writes as null.
  const std::pair<const char*, double> statistics[] = {
      {"mean", s.mean}, {"stddev", s.stddev}, {"cv", s.cv},   {"min", s.min}, {"max", s.max},
      {"median", s.median}, {"mad", s.mad}, {"p90", s.p90}, {"p99", s.p99}, {"p99_9", s.p999}};
  for (const auto& [name, value] : statistics) {
    json.key(name).value(rounded(value));
  }
  json.key("outliers").begin_object();
  json.key("mild").value(s.mild_outliers);
  json.key("severe").value(s.severe_outliers);
  json.end_object();
  interval_json(json.key("median_ci"), s.median_ci);
  interval_json(json.key("mean_ci"), s.mean_ci);
  json.key("bimodal").value(s.bimodal);
  json.key("bimodality_coefficient").value(rounded(s.bimodality_coefficient));
  json.key("modes").begin_array();
  for (const double mode : s.modes) {
    json.value(rounded(mode));
  }
  json.end_array();
  json.key("replicates").array(metric.replicates);
  json.end_object();
}

}  // namespace

void write_stats_json(std::ostream& out, const analysis::stats_report& report) {
  // Written as it is produced: a file of thousands of metrics would cost many times its own size
  // as a tree in memory first.
  detail::json_stream json(out);
  json.begin_object();
  json.key("format").value("metron-stats");
  json.key("version").value(1);
  json.key("inputs").begin_array();
  for (const analysis::input_stats& input : report.inputs) {
    json.begin_object();
    json.key("path").value(input.path);
    json.key("format").value(analysis::to_string(input.format));
    json.key("records").value(input.records);
    json.key("streamed").value(input.streamed);
    json.key("problem");
    if (input.problem.empty()) {
      json.value(nullptr);
    } else {
      json.value(input.problem);
    }
    json.end_object();
  }
  json.end_array();
  const analysis::run_metadata& meta = report.metadata;
  json.key("metadata").begin_object();
  json.key("host").value(meta.host);
  json.key("cpu").value(meta.cpu);
  json.key("commit").value(meta.commit);
  json.key("build_type").value(meta.build_type);
  json.key("date").value(meta.date);
  json.end_object();
  json.key("metrics").begin_array();
  for (const analysis::metric_stats& metric : report.metrics) {
    metric_json(json, metric);
  }
  json.end_array();
  json.end_object();
  json.finish();
}

}  // namespace metron::report
