// The report as data: tidy CSV of every sample, and one JSON object of verdicts and summaries.
#include "box_summary.hpp"
#include "explanation.hpp"
#include "json_document.hpp"

#include <metron/report/report.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace metron::report {

namespace {

/// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string quoted = "\"";
  for (const char c : text) {
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return quoted + "\"";
}

/// The shortest text that reads back as the same double; R's spellings of the other values.
std::string csv_number(double value) {
  if (std::isnan(value)) {
    return "NA";
  }
  if (std::isinf(value)) {
    return value > 0 ? "Inf" : "-Inf";
  }
  return fmt::format("{}", value);
}

void write_samples(std::ostream& out, const report_row& row, std::string_view side,
                   std::span<const double> values) {
  const std::string prefix =
      fmt::format("{},{},{},", csv_field(row.name), csv_field(row.unit), side);
  std::size_t index = 0;
  for (const double value : values) {
    out << prefix << index++ << ',' << csv_number(value) << '\n';
  }
}

nlohmann::ordered_json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json box_json(std::span<const double> values) {
  const detail::box_summary box = detail::box_of(values);
  return {{"n", box.n},
          {"non_finite", box.non_finite},
          {"min", number_or_null(box.min)},
          {"q1", number_or_null(box.q1)},
          {"median", number_or_null(box.median)},
          {"q3", number_or_null(box.q3)},
          {"max", number_or_null(box.max)}};
}

nlohmann::ordered_json run_json(const analysis::run_metadata& run) {
  return {{"host", run.host},
          {"cpu", run.cpu},
          {"commit", run.commit},
          {"build", run.build_type},
          {"date", run.date}};
}

nlohmann::ordered_json row_json(const report_row& row) {
  nlohmann::ordered_json change = nullptr;
  if (row.change) {
    change = {{"verdict", analysis::to_string(row.change->result)},
              {"change", number_or_null(row.change->change)},
              {"interval",
               {{"low", number_or_null(row.change->change_interval.low)},
                {"high", number_or_null(row.change->change_interval.high)},
                {"level", number_or_null(row.change->change_interval.level)}}},
              {"p_value", number_or_null(row.change->p_value)},
              {"p_adjusted", number_or_null(row.change->p_adjusted)},
              {"tolerance", row.change->tolerance},
              {"test", analysis::to_string(row.change->test)},
              {"indicative", row.change->indicative},
              {"from_aggregates", row.change->from_aggregates}};
  }
  return {{"name", row.name},
          {"source", row.source},
          {"statistic", row.statistic},
          {"unit", row.unit},
          {"better", analysis::to_string(row.direction)},
          {"value", number_or_null(row.value)},
          {"threshold", row.threshold ? number_or_null(*row.threshold) : nullptr},
          {"kpi", row.kpi ? nlohmann::ordered_json(analysis::to_string(*row.kpi)) : nullptr},
          {"state", to_string(row.state)},
          {"explanation", detail::explanation(row)},
          {"candidate", box_json(row.candidate)},
          {"baseline", box_json(row.baseline)},
          {"change", std::move(change)}};
}

}  // namespace

void write_csv(std::ostream& out, const report_document& document) {
  out << "metric,unit,side,sample,value\n";
  for (const report_row& row : document.rows) {
    write_samples(out, row, "baseline", row.baseline);
    write_samples(out, row, "candidate", row.candidate);
  }
}

void write_json(std::ostream& out, const report_document& document) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const report_row& row : document.rows) {
    rows.push_back(row_json(row));
  }
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();
  for (const row_state state :
       {row_state::breach_and_regression, row_state::breach, row_state::regression,
        row_state::insufficient, row_state::inconclusive, row_state::changed, row_state::pass,
        row_state::improved, row_state::reported}) {
    counts[std::string(to_string(state))] = document.count(state);
  }
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  for (const history_trend& trend : document.history) {
    for (const analysis::change_point& change : trend.changes) {
      changes.push_back({{"metric", trend.metric},
                         {"commit", change.commit},
                         {"mean_before", number_or_null(change.mean_before)},
                         {"mean_after", number_or_null(change.mean_after)},
                         {"magnitude", number_or_null(change.magnitude)},
                         {"p_value", number_or_null(change.p_value)},
                         {"weak", change.weak}});
    }
  }
  const nlohmann::ordered_json root = {
      {"format", "metron-report"},
      {"version", 1},
      {"title", document.title},
      {"spec", document.spec_file},
      {"candidate",
       {{"file", document.candidate_file}, {"run", run_json(document.candidate_metadata)}}},
      {"baseline", document.baseline_file.empty()
                       ? nlohmann::ordered_json(nullptr)
                       : nlohmann::ordered_json{{"file", document.baseline_file},
                                                {"run", run_json(document.baseline_metadata)}}},
      {"passed", document.passed()},
      {"counts", std::move(counts)},
      {"rows", std::move(rows)},
      {"added", document.added},
      {"removed", document.removed},
      {"change_points", std::move(changes)}};
  detail::write_json_document(out, root);
}

}  // namespace metron::report
