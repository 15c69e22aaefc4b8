// compute_stats: every input read once into per-metric summaries.
#include "metric_table.hpp"

#include <metron/error.hpp>
#include <metron/spec/stats_report.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <utility>

namespace metron::analysis {

std::string_view to_string(stats_mode mode) noexcept {
  switch (mode) {
    case stats_mode::automatic: return "automatic";
    case stats_mode::exact: return "exact";
    case stats_mode::streaming: return "streaming";
  }
  return "unknown";
}

namespace detail {

std::size_t metric_table::open(const metric& description, const std::string& source, bool streamed,
                               bool per_run) {
  const auto [found, inserted] = by_name_.try_emplace(description.name, metrics_.size());
  if (inserted) {
    metric_accumulator& created = metrics_.emplace_back();
    created.description = description;
    created.sources.push_back(source);
    created.per_run = per_run;
    if (streamed) {
      created.streaming.emplace(options_.streaming);
    }
    return found->second;
  }
  metric_accumulator& existing = metrics_[found->second];
  existing.per_run = existing.per_run && per_run;
  const bool same_input =
      std::find(existing.sources.begin(), existing.sources.end(), source) != existing.sources.end();
  if (!same_input && options_.duplicates == duplicate_policy::reject) {
    throw input_error(fmt::format(
        "{}: metric '{}' is also in {}; pool their values with --pool, or read one of them", source,
        description.name, existing.sources.front()));
  }
  if (existing.description.unit != description.unit ||
      existing.description.direction != description.direction) {
    throw input_error(fmt::format(
        "{}: metric '{}' is in unit '{}' ({} is better) here but '{}' ({} is better) in {}", source,
        description.name, description.unit, to_string(description.direction),
        existing.description.unit, to_string(existing.description.direction),
        existing.sources.front()));
  }
  if (!same_input) {
    existing.sources.push_back(source);
    existing.description.origins.insert(existing.description.origins.end(),
                                        description.origins.begin(), description.origins.end());
  }
  if (streamed && !existing.streaming) {
    // One streamed input makes the whole metric streamed, so that memory stays bounded.
    existing.streaming.emplace(options_.streaming);
    existing.streaming->add(existing.values);
    existing.values = {};
  }
  return found->second;
}

std::vector<metric_stats> metric_table::finish() {
  std::vector<metric_stats> result;
  result.reserve(metrics_.size());
  for (metric_accumulator& accumulated : metrics_) {
    metric_stats stats;
    stats.name = std::move(accumulated.description.name);
    stats.entry = std::move(accumulated.description.entry);
    stats.quantity = std::move(accumulated.description.quantity);
    stats.unit = std::move(accumulated.description.unit);
    stats.direction = accumulated.description.direction;
    stats.sources = std::move(accumulated.sources);
    if (accumulated.per_run && !accumulated.streaming) {
      stats.replicates = accumulated.values;
    }
    stats.stats = accumulated.streaming ? accumulated.streaming->result()
                                        : summarize(accumulated.values, options_.summary);
    result.push_back(std::move(stats));
    accumulated.values = {};
  }
  metrics_.clear();
  by_name_.clear();
  return result;
}

}  // namespace detail

namespace {

using detail::metric_table;

std::uint64_t file_size(const std::string& path) {
  std::error_code failure;
  const std::uintmax_t size = std::filesystem::file_size(path, failure);
  return failure ? 0 : static_cast<std::uint64_t>(size);
}

/// The number a log field's text spells, if it spells one wholly and it is finite.
std::optional<double> numeric_field(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, problem] = std::from_chars(text.data(), end, value);
  if (problem != std::errc{} || stop != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

/// Folds `from` into `into`: empty fields are filled, sources and extras appended.
void merge_metadata(run_metadata& into, run_metadata&& from) {
  for (auto [mine, theirs] : {std::pair{&into.host, &from.host},
                              {&into.cpu, &from.cpu},
                              {&into.commit, &from.commit},
                              {&into.build_type, &from.build_type},
                              {&into.date, &from.date}}) {
    if (mine->empty()) {
      *mine = std::move(*theirs);
    }
  }
  into.sources.insert(into.sources.end(), from.sources.begin(), from.sources.end());
  into.extra.merge(from.extra);
}

/// The run metadata a capture's metadata object holds.
run_metadata capture_metadata(std::string_view json_text, const std::string& path) {
  run_metadata metadata;
  metadata.sources.push_back(path);
  const nlohmann::json object = nlohmann::json::parse(json_text, nullptr, false);
  if (!object.is_object()) {
    return metadata;
  }
  const auto text = [&](const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : "";
  };
  metadata.host = text("host");
  metadata.cpu = text("cpu_model");
  metadata.commit = text("git_commit");
  metadata.build_type = text("build_type");
  metadata.date = text("start_time");
  return metadata;
}

/// Reads the inputs one after the other into one metric table.
class stats_reader {
 public:
  stats_reader(std::span<const std::string> paths, const stats_options& options)
      : paths_(paths), options_(options), table_(options) {
    for (const std::string& path : paths) {
      total_bytes_ += file_size(path);
    }
  }

  stats_report run() {
    stats_report report;
    for (const std::string& path : paths_) {
      input_stats input;
      input.path = path;
      input.format = detect_format(path);
      const std::uint64_t size = file_size(path);
      input.streamed = options_.mode == stats_mode::streaming ||
                       (options_.mode == stats_mode::automatic &&
                        input.format != input_format::google_benchmark &&
                        size > options_.streaming_threshold_bytes);
      switch (input.format) {
        case input_format::capture: read_capture_input(input, report.metadata); break;
        case input_format::google_benchmark: read_benchmark_input(input, report.metadata); break;
        case input_format::log_lines: read_log_input(input, report.metadata); break;
      }
      bytes_done_ += size;
      records_done_ += input.records;
      report_progress(path, records_done_, bytes_done_);
      report.inputs.push_back(std::move(input));
    }
    if (table_.size() == 0) {
      std::string names;
      for (const std::string& path : paths_) {
        names += (names.empty() ? "" : ", ") + path;
      }
      throw input_error(fmt::format(
          "{}: no metrics: no bracket, counter or gauge site, benchmark row or numeric log field",
          names));
    }
    report.metrics = table_.finish();
    return report;
  }

 private:
  void report_progress(std::string_view input, std::uint64_t records, std::uint64_t bytes) const {
    if (options_.on_progress) {
      options_.on_progress({input, records, bytes, total_bytes_});
    }
  }

  void read_capture_input(input_stats& input, run_metadata& metadata) {
    const std::function<void(std::uint64_t, std::uint64_t)> progress = [&](std::uint64_t records,
                                                                           std::uint64_t bytes) {
      report_progress(input.path, records_done_ + records, bytes_done_ + bytes);
    };
    const detail::capture_read read =
        detail::read_capture_metrics(input.path, table_, input.streamed, progress);
    input.records = read.records;
    if (!read.status.complete) {
      if (!options_.allow_truncated) {
        throw input_error(
            fmt::format("{}: {} (--allow-truncated summarises the {} complete "
                        "chunks before it)",
                        input.path, read.status.problem, read.status.chunks));
      }
      input.problem = read.status.problem;
    }
    merge_metadata(metadata, capture_metadata(read.metadata_json, input.path));
  }

  void read_benchmark_input(input_stats& input, run_metadata& metadata) {
    dataset data = read_google_benchmark(input.path);
    for (metric& sample : data.metrics) {
      const std::size_t slot = table_.open(sample, input.path, input.streamed, true);
      for (const double value : sample.values) {
        table_.add(slot, value);
      }
      input.records += sample.values.size();
    }
    merge_metadata(metadata, std::move(data.metadata));
  }

  void read_log_input(input_stats& input, run_metadata& metadata) {
    const auto is_key_field = [&](std::string_view field) {
      return std::find(options_.log.key_fields.begin(), options_.log.key_fields.end(), field) !=
             options_.log.key_fields.end();
    };
    std::unordered_map<std::string, std::size_t> slots;
    std::uint64_t events = 0;
    for_each_log_event(input.path, options_.log, [&](event&& happening) {
      for (const auto& [field, text] : happening.fields) {
        const std::optional<double> value = numeric_field(text);
        if (!value || is_key_field(field)) {
          continue;
        }
        std::string name = fmt::format("{}:{}", happening.name, field);
        auto found = slots.find(name);
        if (found == slots.end()) {
          metric description;
          description.name = name;
          description.entry = happening.name;
          description.quantity = field;
          description.origins.push_back(happening.where);
          found =
              slots.emplace(std::move(name), table_.open(description, input.path, input.streamed))
                  .first;
        }
        table_.add(found->second, *value);
      }
      if (++events % 4096 == 0) {
        report_progress(input.path, records_done_ + events, bytes_done_);
      }
    });
    input.records = events;
    run_metadata read;
    read.sources.push_back(input.path);
    merge_metadata(metadata, std::move(read));
  }

  std::span<const std::string> paths_;
  const stats_options& options_;
  metric_table table_;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t bytes_done_ = 0;
  std::uint64_t records_done_ = 0;
};

}  // namespace

stats_report compute_stats(std::span<const std::string> paths, const stats_options& options) {
  if (paths.empty()) {
    throw input_error("no input: name at least one capture, Google Benchmark JSON file or log");
  }
  stats_reader reader(paths, options);
  return reader.run();
}

}  // namespace metron::analysis
