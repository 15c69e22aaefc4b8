// The history's renderings: the line of a run added, a series and change points as tables or JSON.
#include <metron/report/format.hpp>
#include <metron/report/history_output.hpp>

#include "json_document.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace metron::report {

void write_run_added(std::ostream& out, const std::string& store, std::int64_t run,
                     const std::string& commit, std::size_t metrics) {
  out << fmt::format("{}: added run {} (commit {}) with {} metric(s)\n", store, run, commit,
                     metrics);
}

void write_series_table(std::ostream& out, const analysis::history_series& series) {
  out << fmt::format("{} ({} runs)\n", series.metric, series.points.size());
  out << fmt::format("{:<21} {:<12} {:<12} {:<12} {:>14} {:>8}\n", "time", "commit", "branch",
                     "machine", "value", "samples");
  for (const analysis::history_point& point : series.points) {
    out << fmt::format("{:<21} {:<12} {:<12} {:<12} {:>14} {:>8}\n", point.time,
                       point.commit.substr(0, 12), point.branch, point.machine,
                       format_amount(point.value, series.unit), point.samples);
  }
}

void write_series_json(std::ostream& out, const analysis::history_series& series) {
  nlohmann::json rows = nlohmann::json::array();
  for (const analysis::history_point& point : series.points) {
    rows.push_back({{"run", point.run},
                    {"commit", point.commit},
                    {"branch", point.branch},
                    {"machine", point.machine},
                    {"time", point.time},
                    {"value", point.value},
                    {"samples", point.samples}});
  }
  detail::write_json_document(
      out, nlohmann::json{{"metric", series.metric}, {"unit", series.unit}, {"points", rows}});
}

void write_changes_table(std::ostream& out, const analysis::history_changes& changes) {
  out << fmt::format("{:<32} {:<12} {:<21} {:>12} {:>12} {:>9} {:>8} {}\n", "metric", "commit",
                     "time", "before", "after", "change", "p", "");
  for (const analysis::history_change& entry : changes.changes) {
    const analysis::change_point& change = entry.change;
    out << fmt::format(
        "{:<32} {:<12} {:<21} {:>12} {:>12} {:>9} {:>8} {}\n", entry.metric,
        change.commit.substr(0, 12), entry.time, format_amount(change.mean_before, entry.unit),
        format_amount(change.mean_after, entry.unit), format_percent(change.magnitude),
        format_p(change.p_value), change.weak ? "weak" : "");
  }
  out << fmt::format("{} change point(s) in {} metric(s)\n", changes.changes.size(),
                     changes.metrics);
}

void write_changes_json(std::ostream& out, const analysis::history_changes& changes) {
  nlohmann::json rows = nlohmann::json::array();
  for (const analysis::history_change& entry : changes.changes) {
    const analysis::change_point& change = entry.change;
    rows.push_back({{"metric", entry.metric},
                    {"unit", entry.unit},
                    {"index", change.index},
                    {"commit", change.commit},
                    {"time", entry.time},
                    {"mean_before", change.mean_before},
                    {"mean_after", change.mean_after},
                    {"magnitude", std::isnan(change.magnitude) ? nlohmann::json()
                                                               : nlohmann::json(change.magnitude)},
                    {"p_value", change.p_value},
                    {"weak", change.weak}});
  }
  detail::write_json_document(out, nlohmann::json{{"metrics", changes.metrics}, {"changes", rows}});
}

}  // namespace metron::report
