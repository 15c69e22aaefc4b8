// The history store's front: choosing a back end, checking runs, and datasets as history values.
#include <metron/spec/detail/closest_names.hpp>
#include "history_backends.hpp"

#include <metron/error.hpp>
#include <metron/history/history.hpp>
#include <metron/statistics/statistics.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace metron::analysis {

namespace detail {

namespace {

/// "YYYY-MM-DDTHH:MM:SS", an optional fraction, then "Z": the one spelling, so that times sort
/// as text in either back end.
bool is_utc_time(std::string_view text) {
  constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < shape.size() + 1 || text.back() != 'Z') {
    return false;
  }
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) {
      return false;
    }
  }
  const std::string_view rest = text.substr(shape.size(), text.size() - shape.size() - 1);
  if (rest.empty()) {
    return true;
  }
  return rest.size() >= 2 && rest[0] == '.' &&
         std::all_of(rest.begin() + 1, rest.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

void check_run(const history_run& run, std::span<const history_value> values) {
  if (run.commit.empty()) {
    throw input_error("history: a run needs its commit (--commit)");
  }
  if (!run.time.empty() && !is_utc_time(run.time)) {
    throw input_error(fmt::format(
        "history: time '{}' is not ISO 8601 UTC; write it as 2026-11-28T09:30:00Z", run.time));
  }
  if (values.empty()) {
    throw input_error("history: the run has no metric values to add");
  }
  std::set<std::string_view> seen;
  for (const history_value& value : values) {
    if (!std::isfinite(value.value)) {
      throw input_error(fmt::format("history: metric '{}' has the value {}; values must be finite",
                                    value.metric, value.value));
    }
    if (value.metric.empty()) {
      throw input_error("history: a metric value has no name");
    }
    if (!seen.insert(value.metric).second) {
      throw input_error(
          fmt::format("history: metric '{}' is given twice for one run", value.metric));
    }
  }
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", parts.tm_year + 1900, parts.tm_mon + 1,
                     parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
}

input_error unknown_metric(std::string_view store, std::string_view metric,
                           const history_filter& filter, const std::vector<std::string>& known) {
  std::string within;
  if (!filter.branch.empty()) {
    within += fmt::format(" on branch '{}'", filter.branch);
  }
  if (!filter.machine.empty()) {
    within += fmt::format(" on machine '{}'", filter.machine);
  }
  if (known.empty()) {
    // The inherited constructor is explicit, which clang-tidy 14 does not see.
    return input_error(  // NOLINT(modernize-return-braced-init-list)
        fmt::format("{}: no run{} has metric '{}'; the history holds no metrics{}", store, within,
                    metric, within.empty() ? "" : " there"));
  }
  return input_error(  // NOLINT(modernize-return-braced-init-list): see above
      fmt::format("{}: no run{} has metric '{}'{}", store, within, metric,
                  did_you_mean(metric, known)));
}

better direction_named(std::string_view name) noexcept {
  return parse_better(name).value_or(better::lower);
}

void metric_list_builder::add(std::string name, std::string unit, std::string_view direction) {
  if (metrics_.empty() || metrics_.back().name != name) {
    metrics_.push_back({std::move(name), {}, better::lower, 0});
  }
  history_metric& metric = metrics_.back();
  metric.unit = std::move(unit);
  metric.direction = direction_named(direction);
  ++metric.points;
}

std::vector<history_metric> metric_list_builder::finish() { return std::move(metrics_); }

}  // namespace detail

std::unique_ptr<history_store> open_history(const std::string& location, history_open mode) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    return detail::open_postgresql_history(location, mode);
  }
  return detail::open_sqlite_history(location, mode);
}

std::vector<history_value> history_values(const dataset& data) {
  std::vector<history_value> values;
  for (const metric& entry : data.metrics) {
    if (entry.values.empty()) {
      continue;
    }
    std::vector<double> sorted = entry.values;
    std::sort(sorted.begin(), sorted.end());
    values.push_back({entry.name, entry.unit, entry.direction, quantile_sorted(sorted, 0.5),
                      entry.values.size()});
  }
  return values;
}

}  // namespace metron::analysis
