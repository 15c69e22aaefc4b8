// Reading Google Benchmark's JSON output (json_schema_version 1) into a dataset.
#include "json_input.hpp"

#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace metron::analysis {

namespace {

using json = nlohmann::json;

/// Row keys that are not user counters.
const std::set<std::string, std::less<>>& reserved_keys() {
  static const std::set<std::string, std::less<>> keys{"name",
                                                       "family_index",
                                                       "per_family_instance_index",
                                                       "run_name",
                                                       "run_type",
                                                       "repetitions",
                                                       "repetition_index",
                                                       "threads",
                                                       "iterations",
                                                       "real_time",
                                                       "cpu_time",
                                                       "time_unit",
                                                       "aggregate_name",
                                                       "aggregate_unit",
                                                       "error_occurred",
                                                       "error_message",
                                                       "skipped",
                                                       "skip_message",
                                                       "big_o",
                                                       "cpu_coefficient",
                                                       "real_coefficient",
                                                       "rms",
                                                       "label",
                                                       "complexity_n",
                                                       "manual_time"};
  return keys;
}

/// The family and size of a run named "<family>/<n>" with a numeric last part.
std::pair<std::string, std::optional<double>> split_size(const std::string& run_name) {
  const auto slash = run_name.rfind('/');
  if (slash == std::string::npos || slash + 1 == run_name.size()) {
    return {{}, std::nullopt};
  }
  const std::string_view digits = std::string_view(run_name).substr(slash + 1);
  long long size = 0;
  const auto [end, problem] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (problem != std::errc{} || end != digits.data() + digits.size()) {
    return {{}, std::nullopt};
  }
  return {run_name.substr(0, slash), static_cast<double>(size)};
}

/// A counter's unit and direction from Google Benchmark's naming: rates ("bytes_per_second",
/// "items_per_second", anything "…_per_second" or "…/s") are better higher, anything else lower.
std::pair<std::string, better> counter_kind(const std::string& name) {
  if (name == "bytes_per_second") {
    return {"bytes/s", better::higher};
  }
  if (name.ends_with("_per_second") || name.ends_with("/s")) {
    return {"1/s", better::higher};
  }
  return {"", better::lower};
}

class reader {
 public:
  reader(std::string_view text, const std::string& file) : file_(file) {
    document_ = detail::parse_json(text, file, 0, true);
  }

  dataset read() {
    if (!document_.is_object()) {
      fail("the top level", "is not a JSON object; expected Google Benchmark's JSON output");
    }
    data_.metadata.sources.push_back(file_);
    if (const auto context = document_.find("context"); context != document_.end()) {
      read_context(*context);
    }
    const auto rows = document_.find("benchmarks");
    if (rows == document_.end()) {
      fail("the top level", "has no 'benchmarks' array; is this Google Benchmark's JSON output?");
    }
    if (!rows->is_array()) {
      fail("benchmarks", "is not an array");
    }
    for (std::size_t i = 0; i < rows->size(); ++i) {
      read_row((*rows)[i], i);
    }
    for (const reported_complexity& verdict : data_.complexities) {
      if (verdict.big_o.empty()) {
        throw input_error(fmt::format("{}: {}: an RMS row of family '{}' without its BigO row",
                                      file_, verdict.where.place, verdict.family));
      }
    }
    if (skipped_ != 0) {
      data_.metadata.extra["skipped_rows"] = std::to_string(skipped_);
    }
    return std::move(data_);
  }

 private:
  [[noreturn]] void fail(const std::string& place, const std::string& what) const {
    throw input_error(fmt::format("{}: {} {}", file_, place, what));
  }

  static std::string as_text(const json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }

  void read_context(const json& context) {
    if (!context.is_object()) {
      fail("context", "is not an object");
    }
    if (const auto version = context.find("json_schema_version"); version != context.end()) {
      if (!version->is_number_integer() || version->get<long long>() != 1) {
        fail("context.json_schema_version",
             fmt::format("is {}; this reader reads version 1", version->dump()));
      }
    }
    run_metadata& metadata = data_.metadata;
    for (const auto& [key, value] : context.items()) {
      if (key == "host_name") {
        metadata.host = as_text(value);
      } else if (key == "date") {
        metadata.date = as_text(value);
      } else if (key == "build_type") {
        metadata.build_type = as_text(value);
      } else if (key == "git_commit" || key == "commit") {
        metadata.commit = as_text(value);
      } else {
        metadata.extra[key] = as_text(value);
      }
    }
    if (metadata.build_type.empty()) {
      if (const auto library = context.find("library_build_type"); library != context.end()) {
        metadata.build_type = as_text(*library);
      }
    }
    const auto cpus = context.find("num_cpus");
    const auto mhz = context.find("mhz_per_cpu");
    if (cpus != context.end() && mhz != context.end()) {
      metadata.cpu = fmt::format("{} x {} MHz CPU", as_text(*cpus), as_text(*mhz));
    }
  }

  const json& field(const json& row, const std::string& place, const char* key) const {
    const auto found = row.find(key);
    if (found == row.end()) {
      fail(place, fmt::format("has no '{}'", key));
    }
    return *found;
  }

  double number(const json& row, const std::string& place, const char* key) const {
    const json& value = field(row, place, key);
    if (!value.is_number()) {
      fail(place, fmt::format("'{}' is {}, not a number", key, value.dump()));
    }
    return value.get<double>();
  }

  std::string text(const json& row, const std::string& place, const char* key) const {
    const json& value = field(row, place, key);
    if (!value.is_string()) {
      fail(place, fmt::format("'{}' is {}, not a string", key, value.dump()));
    }
    return value.get<std::string>();
  }

  double time_scale(const json& row, const std::string& place) const {
    const std::string unit = text(row, place, "time_unit");
    if (unit == "ns") return 1.0;
    if (unit == "us") return 1e3;
    if (unit == "ms") return 1e6;
    if (unit == "s") return 1e9;
    fail(place, fmt::format("has time_unit '{}'; expected ns, us, ms or s", unit));
  }

  static bool flag(const json& row, const char* key) {
    const auto found = row.find(key);
    return found != row.end() && found->is_boolean() && found->get<bool>();
  }

  /// The metric of this row and quantity, created on first use.
  metric& metric_for(const std::string& run_name, const std::string& quantity,
                     const std::string& unit, better direction, const std::string& family,
                     std::optional<double> n, const std::string& place) {
    const std::string name =
        quantity == "real_time" ? run_name : fmt::format("{}:{}", run_name, quantity);
    auto [where, added] = metric_index_.emplace(name, data_.metrics.size());
    if (added) {
      metric created;
      created.name = name;
      created.entry = run_name;
      created.quantity = quantity;
      created.unit = unit;
      created.direction = direction;
      created.family = family;
      created.n = n;
      data_.metrics.push_back(std::move(created));
    }
    metric& found = data_.metrics[where->second];
    found.origins.push_back({file_, place});
    return found;
  }

  void read_row(const json& row, std::size_t index) {
    std::string place = fmt::format("benchmarks[{}]", index);
    if (!row.is_object()) {
      fail(place, "is not an object");
    }
    const std::string name = text(row, place, "name");
    place += fmt::format(" ('{}')", name);
    if (flag(row, "error_occurred") || flag(row, "skipped")) {
      ++skipped_;
      return;
    }
    std::string run_name = name;
    if (const auto run = row.find("run_name"); run != row.end() && run->is_string()) {
      run_name = run->get<std::string>();
    }
    const std::string run_type = text(row, place, "run_type");
    if (run_type == "iteration") {
      read_iteration(row, run_name, place);
    } else if (run_type == "aggregate") {
      read_aggregate(row, run_name, place);
    } else {
      fail(place, fmt::format("has run_type '{}'; expected iteration or aggregate", run_type));
    }
  }

  void read_iteration(const json& row, const std::string& run_name, const std::string& place) {
    number(row, place, "iterations");
    const double scale = time_scale(row, place);
    const double real_time = number(row, place, "real_time") * scale;
    const double cpu_time = number(row, place, "cpu_time") * scale;
    long long repetition = 0;
    if (const auto found = row.find("repetition_index"); found != row.end()) {
      if (!found->is_number_integer()) {
        fail(place, fmt::format("'repetition_index' is {}, not an integer", found->dump()));
      }
      repetition = found->get<long long>();
    }
    if (!repetitions_seen_.emplace(run_name, repetition).second) {
      fail(place,
           fmt::format("repeats run '{}' repetition {}: duplicate rows", run_name, repetition));
    }
    auto [family, n] = split_size(run_name);
    if (const auto complexity_n = row.find("complexity_n");
        complexity_n != row.end() && complexity_n->is_number()) {
      n = complexity_n->get<double>();
      if (family.empty()) {
        family = run_name;
      }
    }
    metric_for(run_name, "real_time", "ns", better::lower, family, n, place)
        .values.push_back(real_time);
    metric_for(run_name, "cpu_time", "ns", better::lower, family, n, place)
        .values.push_back(cpu_time);
    for (const auto& [key, value] : row.items()) {
      if (reserved_keys().contains(key) || !value.is_number()) {
        continue;
      }
      const auto [unit, direction] = counter_kind(key);
      metric_for(run_name, key, unit, direction, family, n, place)
          .values.push_back(value.get<double>());
    }
  }

  void read_aggregate(const json& row, const std::string& run_name, const std::string& place) {
    const std::string statistic = text(row, place, "aggregate_name");
    if (statistic == "BigO") {
      reported_complexity& verdict = complexity_for(run_name, place);
      if (!verdict.big_o.empty()) {
        fail(place, fmt::format("repeats the BigO row of family '{}'", run_name));
      }
      verdict.big_o = text(row, place, "big_o");
      const double scale = time_scale(row, place);
      verdict.real_coefficient = number(row, place, "real_coefficient") * scale;
      verdict.cpu_coefficient = number(row, place, "cpu_coefficient") * scale;
      verdict.where = {file_, place};
      return;
    }
    if (statistic == "RMS") {
      reported_complexity& verdict = complexity_for(run_name, place);
      if (!std::isnan(verdict.rms)) {
        fail(place, fmt::format("repeats the RMS row of family '{}'", run_name));
      }
      verdict.rms = number(row, place, "rms");
      return;
    }
    if (!aggregates_seen_.emplace(run_name, statistic).second) {
      fail(place, fmt::format("repeats the {} of run '{}': duplicate rows", statistic, run_name));
    }
    std::string unit_kind = "time";
    if (const auto found = row.find("aggregate_unit"); found != row.end() && found->is_string()) {
      unit_kind = found->get<std::string>();
    }
    const bool fraction = unit_kind == "percentage";
    const double scale = fraction ? 1.0 : time_scale(row, place);
    const std::string time_unit = fraction ? "" : "ns";
    const auto add = [&](std::string metric_name, double value, std::string unit) {
      data_.aggregates.push_back(
          {std::move(metric_name), statistic, value, std::move(unit), {file_, place}});
    };
    add(run_name, number(row, place, "real_time") * scale, time_unit);
    add(run_name + ":cpu_time", number(row, place, "cpu_time") * scale, time_unit);
    for (const auto& [key, value] : row.items()) {
      if (reserved_keys().contains(key) || !value.is_number()) {
        continue;
      }
      add(fmt::format("{}:{}", run_name, key), value.get<double>(),
          fraction ? "" : counter_kind(key).first);
    }
  }

  reported_complexity& complexity_for(const std::string& family, const std::string& place) {
    auto [where, added] = complexity_index_.emplace(family, data_.complexities.size());
    if (added) {
      reported_complexity created;
      created.family = family;
      created.rms = std::numeric_limits<double>::quiet_NaN();
      created.where = {file_, place};
      data_.complexities.push_back(std::move(created));
    }
    return data_.complexities[where->second];
  }

  std::string file_;
  json document_;
  dataset data_;
  std::map<std::string, std::size_t, std::less<>> metric_index_;
  std::map<std::string, std::size_t, std::less<>> complexity_index_;
  std::set<std::pair<std::string, long long>> repetitions_seen_;
  std::set<std::pair<std::string, std::string>> aggregates_seen_;
  std::uint64_t skipped_ = 0;
};

}  // namespace

dataset parse_google_benchmark(std::string_view text, const std::string& file) {
  return reader(text, file).read();
}

dataset read_google_benchmark(const std::string& path) {
  return parse_google_benchmark(detail::read_text_file(path), path);
}

}  // namespace metron::analysis
