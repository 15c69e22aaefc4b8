// analyse_logs: several processes' JSON-lines logs related by time, node and key; its JSON form.
#include <metron/error.hpp>
#include <metron/postmortem/postmortem.hpp>
#include <metron/readers/readers.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace metron::analysis {

namespace {

namespace fs = std::filesystem;

/// Whether namespace `name` is `suffix` or ends in "." followed by it.
bool matches(std::string_view name, std::string_view suffix) {
  if (name == suffix) {
    return true;
  }
  return name.size() > suffix.size() && name.ends_with(suffix) &&
         name[name.size() - suffix.size() - 1] == '.';
}

std::optional<double> number_in(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, problem] = std::from_chars(text.data(), end, value);
  if (problem != std::errc{} || stop != end || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

/// The payload field `field` of `happening`, or nullptr.
const std::string* field_of(const event& happening, const std::string& field) {
  const auto found = happening.fields.find(field);
  return found == happening.fields.end() ? nullptr : &found->second;
}

bool is_warning_or_worse(std::string_view severity) {
  return severity == "warning" || severity == "error" || severity == "critical" ||
         severity == "alert" || severity == "emergency";
}

/// The log files `paths` stands for: files as given, directories by their *.jsonl and *.log.
std::vector<std::string> expand(std::span<const std::string> paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code failure;
    if (fs::is_directory(path, failure)) {
      std::vector<std::string> found;
      for (const fs::directory_entry& entry : fs::directory_iterator(path, failure)) {
        const std::string extension = entry.path().extension().string();
        if (entry.is_regular_file() && (extension == ".jsonl" || extension == ".log")) {
          found.push_back(entry.path().string());
        }
      }
      if (failure) {
        throw resource_error(fmt::format("{}: cannot list: {}", path, failure.message()));
      }
      if (found.empty()) {
        throw input_error(fmt::format("{}: a directory without *.jsonl or *.log files", path));
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, failure)) {
      files.push_back(path);
    } else {
      throw input_error(fmt::format("{}: no such file or directory", path));
    }
  }
  return files;
}

void check(const postmortem_options& options) {
  for (const double fraction : options.fractions) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw input_error(fmt::format("postmortem: node fraction {} is outside (0, 1]", fraction));
    }
  }
  if (options.window_ns <= 0) {
    throw input_error("postmortem: the throughput window must be longer than 0");
  }
  if (options.early_end_ns <= 0) {
    throw input_error("postmortem: the early end allowance must be longer than 0");
  }
  for (const span_definition& span : options.spans) {
    if (span.name.empty() || span.start.empty() || span.end.empty() || span.key_field.empty()) {
      throw input_error(fmt::format(
          "postmortem: span '{}' needs a name, a start and an end namespace and a key field",
          span.name));
    }
  }
  if (options.mempool.empty() || options.mempool_field.empty()) {
    throw input_error("postmortem: the mempool namespace and field must not be empty");
  }
}

summary summary_of(const std::vector<double>& values) {
  summary_options exact;
  exact.bootstrap_resamples = 0;  // descriptive only: the post-mortem tests nothing
  return summarize(values, exact);
}

/// A key's state while the timeline is walked.
struct open_key {
  std::size_t index = 0;                        ///< into span_report::keys
  std::map<std::string, std::int64_t> reached;  ///< node → first reach time
};

class analyser {
 public:
  analyser(const postmortem_options& options, postmortem_report& report)
      : options_(options), report_(report) {}

  void run(std::vector<event>&& events) {
    std::stable_sort(events.begin(), events.end(), [](const event& a, const event& b) {
      return a.time_ns != b.time_ns ? a.time_ns < b.time_ns : a.node < b.node;
    });
    report_.start_ns = events.front().time_ns;
    report_.end_ns = events.back().time_ns;
    open_nodes(events);
    open_windows();
    open_keys_.resize(options_.spans.size());
    report_.spans.resize(options_.spans.size());
    for (std::size_t s = 0; s < options_.spans.size(); ++s) {
      report_.spans[s].definition = options_.spans[s];
    }
    for (event& happening : events) {
      walk(happening);
    }
    for (std::size_t s = 0; s < options_.spans.size(); ++s) {
      close_span(s);
    }
    for (node_summary& node : report_.nodes) {
      node.ends_early = report_.end_ns - node.last_ns > options_.early_end_ns;
    }
  }

 private:
  void open_nodes(const std::vector<event>& events) {
    std::set<std::string> names;
    for (const event& happening : events) {
      names.insert(happening.node);
    }
    for (const std::string& name : names) {
      node_summary node;
      node.node = name;
      node.started.assign(options_.spans.size(), 0);
      node.reached.assign(options_.spans.size(), 0);
      node.delay.resize(options_.spans.size());
      node_index_[name] = report_.nodes.size();
      report_.nodes.push_back(std::move(node));
    }
    for (const postmortem_file& file : report_.files) {
      report_.nodes[node_index_.at(file.node)].files.push_back(file.path);
    }
    delays_.assign(report_.nodes.size(), std::vector<std::vector<double>>(options_.spans.size()));
  }

  void open_windows() {
    const std::int64_t span = report_.end_ns - report_.start_ns;
    const auto count = static_cast<std::size_t>(span / options_.window_ns) + 1;
    report_.windows.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      throughput_window& window = report_.windows[i];
      window.start_ns = report_.start_ns + static_cast<std::int64_t>(i) * options_.window_ns;
      window.started.assign(options_.spans.size(), 0);
      window.reached.assign(options_.spans.size(), 0);
    }
  }

  void walk(event& happening) {
    node_summary& node = report_.nodes[node_index_.at(happening.node)];
    if (node.records == 0) {
      node.first_ns = happening.time_ns;
    }
    ++node.records;
    node.last_ns = happening.time_ns;
    node.warnings += is_warning_or_worse(happening.severity) ? 1U : 0U;
    throughput_window& window = report_.windows[static_cast<std::size_t>(
        (happening.time_ns - report_.start_ns) / options_.window_ns)];
    ++window.records;

    timeline_entry entry;
    entry.time_ns = happening.time_ns;
    entry.node = happening.node;
    entry.name = happening.name;
    entry.severity = happening.severity;
    entry.where = happening.where;

    for (std::size_t s = 0; s < options_.spans.size(); ++s) {
      const span_definition& span = options_.spans[s];
      const bool starts = matches(happening.name, span.start);
      const bool ends = matches(happening.name, span.end);
      const std::string* key = starts || ends ? field_of(happening, span.key_field) : nullptr;
      if (key == nullptr) {
        continue;
      }
      entry.key = *key;
      span_report& spans = report_.spans[s];
      auto& keys = open_keys_[s];
      if (starts) {
        const auto [found, created] = keys.try_emplace(*key);
        if (created) {
          found->second.index = spans.keys.size();
          found->second.reached.emplace(happening.node, happening.time_ns);
          keyed_span opened;
          opened.key = *key;
          opened.origin_node = happening.node;
          opened.start_ns = happening.time_ns;
          spans.keys.push_back(std::move(opened));
          ++node.started[s];
          ++window.started[s];
        }
      }
      if (ends) {
        ++node.reached[s];
        ++window.reached[s];
        const auto found = keys.find(*key);
        if (found == keys.end()) {
          ++spans.ends_without_start;
          continue;
        }
        keyed_span& opened = spans.keys[found->second.index];
        if (!opened.first_end_ns) {
          opened.first_end_ns = happening.time_ns - opened.start_ns;
        }
        if (found->second.reached.emplace(happening.node, happening.time_ns).second &&
            happening.node != opened.origin_node) {
          delays_[node_index_.at(happening.node)][s].push_back(
              static_cast<double>(happening.time_ns - opened.start_ns));
        }
      }
    }

    if (matches(happening.name, options_.mempool)) {
      if (const std::string* text = field_of(happening, options_.mempool_field)) {
        if (const std::optional<double> size = number_in(*text)) {
          report_.mempool.push_back({happening.time_ns, happening.node, *size});
          node.mempool_last = *size;
          node.mempool_max = std::max(node.mempool_max.value_or(*size), *size);
          window.mempool_max = std::max(window.mempool_max.value_or(*size), *size);
        }
      }
    }
    report_.timeline.push_back(std::move(entry));
  }

  void close_span(std::size_t s) {
    span_report& spans = report_.spans[s];
    const std::size_t node_count = report_.nodes.size();
    std::vector<double> first_ends;
    std::vector<std::vector<double>> until(options_.fractions.size());
    spans.never_reached.assign(options_.fractions.size(), 0);
    for (const auto& [key, state] : open_keys_[s]) {
      keyed_span& opened = spans.keys[state.index];
      opened.nodes_reached = state.reached.size();
      std::vector<std::int64_t> times;
      for (const auto& [node, time] : state.reached) {
        times.push_back(time);
      }
      std::sort(times.begin(), times.end());
      opened.until_fraction_ns.clear();
      for (const double fraction : options_.fractions) {
        // The small allowance keeps 0.96 × 25 nodes at 24, not 25, despite rounding.
        const auto needed =
            static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(node_count) - 1e-9));
        if (needed >= 1 && needed <= times.size()) {
          opened.until_fraction_ns.emplace_back(times[needed - 1] - opened.start_ns);
        } else {
          opened.until_fraction_ns.emplace_back();
        }
      }
    }
    for (const keyed_span& opened : spans.keys) {
      if (opened.first_end_ns) {
        first_ends.push_back(static_cast<double>(*opened.first_end_ns));
      }
      for (std::size_t f = 0; f < options_.fractions.size(); ++f) {
        if (opened.until_fraction_ns[f]) {
          until[f].push_back(static_cast<double>(*opened.until_fraction_ns[f]));
        } else {
          ++spans.never_reached[f];
        }
      }
    }
    spans.first_end = summary_of(first_ends);
    for (const std::vector<double>& values : until) {
      spans.until_fraction.push_back(summary_of(values));
    }
    for (std::size_t n = 0; n < report_.nodes.size(); ++n) {
      report_.nodes[n].delay[s] = summary_of(delays_[n][s]);
    }
  }

  const postmortem_options& options_;
  postmortem_report& report_;
  std::unordered_map<std::string, std::size_t> node_index_;
  std::vector<std::unordered_map<std::string, open_key>> open_keys_;
  std::vector<std::vector<std::vector<double>>> delays_;  ///< node → span → delays
};

}  // namespace

postmortem_report analyse_logs(std::span<const std::string> paths,
                               const postmortem_options& options) {
  check(options);
  if (paths.empty()) {
    throw input_error("postmortem: name at least one log file or directory");
  }
  postmortem_report report;
  std::vector<dataset> logs;
  std::map<std::string, std::set<std::string>> files_of_host;
  for (const std::string& path : expand(paths)) {
    dataset log = read_log(path);
    for (const event& happening : log.events) {
      files_of_host[happening.node].insert(path);
    }
    report.files.push_back({path, {}, log.events.size()});
    logs.push_back(std::move(log));
  }
  const bool hosts_coincide = std::any_of(files_of_host.begin(), files_of_host.end(),
                                          [](const auto& host) { return host.second.size() > 1; });
  std::vector<event> events;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    const std::string file_node = fs::path(report.files[i].path).stem().string();
    for (event& happening : logs[i].events) {
      if (hosts_coincide) {
        happening.node = file_node;
      }
      events.push_back(std::move(happening));
    }
    report.files[i].node = hosts_coincide           ? file_node
                           : logs[i].events.empty() ? ""
                                                    : events.back().node;
  }
  if (events.empty()) {
    throw input_error(fmt::format("{}: no log records", report.files.front().path));
  }
  // A file without records names no host: give it the node its name would have.
  for (postmortem_file& file : report.files) {
    if (file.node.empty()) {
      file.node = fs::path(file.path).stem().string();
    }
  }
  std::set<std::string> event_nodes;
  for (const event& happening : events) {
    event_nodes.insert(happening.node);
  }
  std::erase_if(report.files, [&](const postmortem_file& file) {
    return file.records == 0 && !event_nodes.contains(file.node);
  });
  analyser(options, report).run(std::move(events));
  return report;
}

}  // namespace metron::analysis
