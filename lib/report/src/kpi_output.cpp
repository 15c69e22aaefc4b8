// The terminal table and the JSON object of a specification's KPIs over inputs.
#include <metron/report/kpi_output.hpp>

#include <metron/report/format.hpp>
#include <metron/report/text_table.hpp>
#include <metron/spec/spec.hpp>

#include "json_document.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace metron::report {

namespace {

// "12.5 µs", "0.500 /s", "42": a value with its unit, or "-" when there is none.
std::string with_unit(double value, const std::string& unit) {
  return std::isnan(value) ? "-" : format_amount(value, unit);
}

std::string threshold_text(const analysis::kpi_result& result) {
  if (!result.threshold) {
    return "-";
  }
  return fmt::format("{} {}", result.direction == analysis::better::lower ? "<=" : ">=",
                     with_unit(*result.threshold, result.unit));
}

std::string status_text(analysis::kpi_status status) {
  std::string text(analysis::to_string(status));
  return status == analysis::kpi_status::breach ? "BREACH" : text;
}

}  // namespace

void write_kpi_text(std::ostream& out, const analysis::kpi_report& report) {
  out << fmt::format("suite {} ({})\n", report.suite, report.spec_file);
  text_table table({"kpi", "source", "statistic", "value", "threshold", "samples", "status"},
                   {false, false, false, true, true, true, false});
  for (const analysis::kpi_result& result : report.results) {
    table.add({result.name, result.source, std::string(analysis::to_string(result.stat)),
               with_unit(result.value, result.unit), threshold_text(result),
               std::to_string(result.samples), status_text(result.status)});
  }
  table.print(out);
  bool first_note = true;
  for (const analysis::kpi_result& result : report.results) {
    if (!result.note.empty()) {
      out << (first_note ? "\nnotes\n" : "") << fmt::format("  {}: {}\n", result.name, result.note);
      first_note = false;
    }
  }
  out << fmt::format("\n{} pass, {} breach, {} insufficient, {} unchecked\n",
                     report.count(analysis::kpi_status::pass),
                     report.count(analysis::kpi_status::breach),
                     report.count(analysis::kpi_status::insufficient),
                     report.count(analysis::kpi_status::unchecked));
}

namespace {

nlohmann::ordered_json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::ordered_json(value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

void write_kpi_json(std::ostream& out, const analysis::kpi_report& report,
                    const std::vector<std::string>& inputs) {
  nlohmann::ordered_json kpis = nlohmann::ordered_json::array();
  for (const analysis::kpi_result& result : report.results) {
    kpis.push_back({{"name", result.name},
                    {"source", result.source},
                    {"statistic", analysis::to_string(result.stat)},
                    {"value", number_or_null(result.value)},
                    {"unit", result.unit},
                    {"threshold", result.threshold ? number_or_null(*result.threshold) : nullptr},
                    {"better", analysis::to_string(result.direction)},
                    {"status", analysis::to_string(result.status)},
                    {"samples", result.samples},
                    {"min_samples", result.min_samples},
                    {"note", result.note},
                    {"line", result.where.line}});
  }
  const nlohmann::ordered_json object = {
      {"suite", report.suite},
      {"spec", report.spec_file},
      {"inputs", inputs},
      {"passed", report.passed()},
      {"counts",
       {{"pass", report.count(analysis::kpi_status::pass)},
        {"breach", report.count(analysis::kpi_status::breach)},
        {"insufficient", report.count(analysis::kpi_status::insufficient)},
        {"unchecked", report.count(analysis::kpi_status::unchecked)}}},
      {"kpis", std::move(kpis)}};
  detail::write_json_document(out, object);
}

}  // namespace metron::report
