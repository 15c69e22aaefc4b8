// Reading captures into samples and events: bracket durations, observable deltas, counters, gauges.
#include "json_input.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

namespace metron::analysis {

void capture_sample_handler::on_metadata(const run_metadata& /*metadata*/) {}
void capture_sample_handler::on_metric(std::size_t /*index*/, const metric& /*description*/) {}
void capture_sample_handler::on_values(std::size_t /*index*/, std::span<const double> /*values*/) {}
void capture_sample_handler::on_event(event&& /*happening*/) {}
void capture_sample_handler::on_footer(const capture_footer& /*footer*/) {}

namespace {

using json = nlohmann::json;

/// Turns capture records into per-metric values and hands them on chunk by chunk.
class sample_visitor final : public capture_visitor {
 public:
  sample_visitor(std::string path, capture_sample_handler& handler)
      : path_(std::move(path)), handler_(handler) {}

  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view text) override {
    const json document = detail::parse_json(text, path_ + ": metadata block", 0, false);
    if (!document.is_object()) {
      throw input_error(fmt::format("{}: metadata block is not a JSON object", path_));
    }
    run_metadata metadata;
    metadata.sources.push_back(path_);
    metadata.extra["capture_format"] = fmt::format("{}.{}", major, minor);
    std::string pid;
    for (const auto& [key, value] : document.items()) {
      const std::string as_text = value.is_string() ? value.get<std::string>() : value.dump();
      if (key == "host") {
        metadata.host = as_text;
      } else if (key == "cpu_model") {
        metadata.cpu = as_text;
      } else if (key == "git_commit") {
        metadata.commit = as_text;
      } else if (key == "build_type") {
        metadata.build_type = as_text;
      } else if (key == "start_time") {
        metadata.date = as_text;
      } else {
        metadata.extra[key] = as_text;
      }
      if (key == "pid") {
        pid = as_text;
      }
      if (key == "start_unix_ns" && value.is_number_integer()) {
        start_unix_ns_ = value.get<std::int64_t>();
      }
    }
    node_ = pid.empty() ? metadata.host : metadata.host + "/" + pid;
    handler_.on_metadata(metadata);
  }

  void on_sites(std::span<const site_info> sites) override {
    for (const site_info& site : sites) {
      if (site.id >= sites_.size()) {
        sites_.resize(site.id + 1);
      }
      site_state& state = sites_[site.id];
      state.info = site;
      state.known = true;
      state.place = fmt::format("site {} ({}:{})", site.id, site.file, site.line);
    }
  }

  void on_thread(const thread_info& thread) override { threads_[thread.index] = thread.name; }

  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    for (const record& observation : records) {
      site_state& site = site_of(observation, thread_index);
      if (observation.tag != 0) {
        check_finite(observation, site, thread_index);
        pending(observable_metric(site, observation.tag)).push_back(observation.value);
        continue;
      }
      switch (site.info.kind) {
        case site_kind::bracket:
          if (observation.end_ns < observation.begin_ns) {
            throw input_error(fmt::format(
                "{}: {} '{}': a bracket record of thread {} ends before it begins ({} < {} ns)",
                path_, site.place, site.info.name, thread_index, observation.end_ns,
                observation.begin_ns));
          }
          pending(base_metric(site, "duration", "ns"))
              .push_back(static_cast<double>(observation.end_ns - observation.begin_ns));
          break;
        case site_kind::counter:
        case site_kind::gauge:
          check_finite(observation, site, thread_index);
          pending(base_metric(site, "value", "")).push_back(observation.value);
          break;
        case site_kind::event: deliver_event(observation, site, thread_index); break;
      }
    }
    flush();
  }

  void on_footer(const capture_footer& footer) override { handler_.on_footer(footer); }

 private:
  struct site_state {
    site_info info;
    bool known = false;
    std::string place;
    std::optional<std::size_t> base;                  ///< metric index of the site's own values
    std::map<std::uint8_t, std::size_t> observables;  ///< metric index per observable tag
  };

  site_state& site_of(const record& observation, std::uint32_t thread_index) {
    if (observation.site >= sites_.size() || !sites_[observation.site].known) {
      throw input_error(
          fmt::format("{}: a record of thread {} names site {}, which the site "
                      "table does not define",
                      path_, thread_index, observation.site));
    }
    return sites_[observation.site];
  }

  void check_finite(const record& observation, const site_state& site,
                    std::uint32_t thread_index) const {
    if (!std::isfinite(observation.value)) {
      throw input_error(fmt::format("{}: {} '{}': thread {} recorded the non-finite value {}",
                                    path_, site.place, site.info.name, thread_index,
                                    observation.value));
    }
  }

  /// The metric called `name`; sites of one name and kind share it, sites of one name and
  /// different kinds are an error.
  std::size_t declare(const std::string& name, const site_state& site, const std::string& quantity,
                      const std::string& unit) {
    const auto found = names_.find(name);
    if (found != names_.end()) {
      auto& [index, kind, place] = found->second;
      if (kind != site.info.kind) {
        throw input_error(fmt::format("{}: {} and {} are both named '{}' but are a {} and a {}",
                                      path_, place, site.place, name, to_string(kind),
                                      to_string(site.info.kind)));
      }
      return index;
    }
    const std::size_t index = names_.size();
    names_.emplace(name, std::tuple{index, site.info.kind, site.place});
    metric description;
    description.name = name;
    description.entry = site.info.name;
    description.quantity = quantity;
    description.unit = unit;
    // A bracket's durations and what a call costs (its observables) are better lower; nothing
    // says which way a counter's or gauge's values should go.
    description.direction = quantity == "value" ? better::unknown : better::lower;
    description.origins.push_back({path_, site.place});
    handler_.on_metric(index, description);
    pending_.emplace_back();
    return index;
  }

  std::size_t base_metric(site_state& site, const char* quantity, const char* unit) {
    if (!site.base) {
      site.base = declare(site.info.name, site, quantity, unit);
    }
    return *site.base;
  }

  std::size_t observable_metric(site_state& site, std::uint8_t tag) {
    const auto found = site.observables.find(tag);
    if (found != site.observables.end()) {
      return found->second;
    }
    const std::string observable(observable_name(tag));
    const std::size_t index = declare(fmt::format("{}:{}", site.info.name, observable), site,
                                      observable, observable.ends_with("_ns") ? "ns" : "");
    site.observables.emplace(tag, index);
    return index;
  }

  std::vector<double>& pending(std::size_t index) {
    if (pending_[index].empty()) {
      touched_.push_back(index);
    }
    return pending_[index];
  }

  void flush() {
    for (const std::size_t index : touched_) {
      handler_.on_values(index, pending_[index]);
      pending_[index].clear();
    }
    touched_.clear();
  }

  void deliver_event(const record& observation, const site_state& site,
                     std::uint32_t thread_index) {
    check_finite(observation, site, thread_index);
    event happening;
    if (start_unix_ns_) {
      happening.time_ns = *start_unix_ns_ + observation.begin_ns;
      happening.base = time_base::unix_epoch;
    } else {
      happening.time_ns = observation.begin_ns;
      happening.base = time_base::capture_start;
    }
    happening.name = site.info.name;
    happening.node = node_;
    happening.value = observation.value;
    happening.fields["thread"] = std::to_string(thread_index);
    if (const auto thread = threads_.find(thread_index);
        thread != threads_.end() && !thread->second.empty()) {
      happening.fields["thread_name"] = thread->second;
    }
    happening.where = {path_, site.place};
    handler_.on_event(std::move(happening));
  }

  std::string path_;
  capture_sample_handler& handler_;
  std::optional<std::int64_t> start_unix_ns_;
  std::string node_;
  std::vector<site_state> sites_;
  std::unordered_map<std::uint32_t, std::string> threads_;
  std::unordered_map<std::string, std::tuple<std::size_t, site_kind, std::string>> names_;
  std::vector<std::vector<double>> pending_;
  std::vector<std::size_t> touched_;
};

/// Gathers what stream_capture() delivers into a dataset.
class dataset_builder final : public capture_sample_handler {
 public:
  void on_metadata(const run_metadata& metadata) override { data.metadata = metadata; }
  void on_metric(std::size_t index, const metric& description) override {
    if (index >= data.metrics.size()) {
      data.metrics.resize(index + 1);
    }
    data.metrics[index] = description;
  }
  void on_values(std::size_t index, std::span<const double> values) override {
    std::vector<double>& into = data.metrics[index].values;
    into.insert(into.end(), values.begin(), values.end());
  }
  void on_event(event&& happening) override { data.events.push_back(std::move(happening)); }
  void on_footer(const capture_footer& footer) override {
    // The session's length, which a metric's rate divides by.
    if (footer.end_ns > 0) {
      data.metadata.extra["duration_ns"] = std::to_string(footer.end_ns);
    }
    std::uint64_t dropped = 0;
    for (const thread_totals& thread : footer.threads) {
      dropped += thread.dropped;
    }
    if (dropped != 0) {
      data.metadata.extra["dropped_records"] = std::to_string(dropped);
    }
  }

  dataset data;
};

}  // namespace

read_status stream_capture(const std::string& path, capture_sample_handler& handler) {
  sample_visitor visitor(path, handler);
  return read_capture(path, visitor);
}

dataset read_capture_file(const std::string& path) {
  dataset_builder builder;
  const read_status status = stream_capture(path, builder);
  if (!status.complete) {
    builder.data.metadata.extra["capture_problem"] = status.problem;
  }
  return std::move(builder.data);
}

}  // namespace metron::analysis
