// What the history's back ends share: their constructors, input checks and error messages.
#pragma once

#include <metron/error.hpp>
#include <metron/history/history.hpp>

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron::analysis::detail {

/// Opens or creates the SQLite history at `path` (see open_history()).
[[nodiscard]] std::unique_ptr<history_store> open_sqlite_history(const std::string& path,
                                                                 history_open mode);

/// Connects to the PostgreSQL history at `url` (see open_history()).
[[nodiscard]] std::unique_ptr<history_store> open_postgresql_history(const std::string& url,
                                                                     history_open mode);

/// Checks a run before it is written. @throws input_error as history_store::add_run() says.
void check_run(const history_run& run, std::span<const history_value> values);

/// The current time as the store records it, "YYYY-MM-DDTHH:MM:SSZ".
[[nodiscard]] std::string utc_now();

/// The error for a metric no run within the filter has, with the closest names in `known`.
[[nodiscard]] input_error unknown_metric(std::string_view store, std::string_view metric,
                                         const history_filter& filter,
                                         const std::vector<std::string>& known);

/// How a direction is stored: "lower", "higher" or "unknown"; and back (anything else is "lower").
[[nodiscard]] better direction_named(std::string_view name) noexcept;

/// Folds rows (metric, unit, direction), oldest run first, into the metric list: the last row's
/// unit and direction win, every row counts a point.
class metric_list_builder {
 public:
  void add(std::string name, std::string unit, std::string_view direction);
  [[nodiscard]] std::vector<history_metric> finish();

 private:
  std::vector<history_metric> metrics_;
};

}  // namespace metron::analysis::detail
