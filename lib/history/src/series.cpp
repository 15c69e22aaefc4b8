// A metric's series with its unit, the change points of several series, and the default store.
#include <metron/history/change_points.hpp>
#include <metron/history/history.hpp>

#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron::analysis {

std::string default_history_location() {
  const char* from_environment = std::getenv("METRON_HISTORY_DB");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment
                                                                  : "results.sqlite";
}

history_series read_series(history_store& store, std::string_view metric,
                           const history_filter& filter) {
  history_series result;
  result.metric = std::string(metric);
  result.points = store.series(metric, filter);
  for (const history_metric& entry : store.metrics(filter)) {
    if (entry.name == metric) {
      result.unit = entry.unit;
    }
  }
  return result;
}

history_changes find_history_changes(history_store& store, std::span<const std::string> metrics,
                                     const history_filter& filter,
                                     const change_point_options& options, bool include_weak) {
  std::vector<history_metric> chosen;
  const std::vector<history_metric> all = store.metrics(filter);
  if (metrics.empty()) {
    chosen = all;
  } else {
    for (const std::string& name : metrics) {
      (void)store.series(name, filter);  // an unknown name fails here, with suggestions
      for (const history_metric& entry : all) {
        if (entry.name == name) {
          chosen.push_back(entry);
        }
      }
    }
  }
  history_changes result;
  result.metrics = chosen.size();
  for (const history_metric& entry : chosen) {
    const std::vector<history_point> points = store.series(entry.name, filter);
    std::vector<double> values;
    std::vector<std::string> commits;
    for (const history_point& point : points) {
      values.push_back(point.value);
      commits.push_back(point.commit);
    }
    for (change_point& change : detect_change_points(values, commits, options)) {
      if (change.weak && !include_weak) {
        continue;
      }
      const std::string time = points[change.index].time;
      result.changes.push_back({entry.name, entry.unit, time, std::move(change)});
    }
  }
  return result;
}

}  // namespace metron::analysis
