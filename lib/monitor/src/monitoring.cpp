// The monitoring hub: feeding the aggregator from probes and logs, evaluating monitors, running
// their actions, and driving the exporters from one worker thread.
#include "exporters.hpp"
#include "expression.hpp"
#include "string_map.hpp"

#include <metron/error.hpp>
#include <metron/monitor/monitor.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace metron {
namespace {

using steady = std::chrono::steady_clock;

using detail::string_map;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(steady::now().time_since_epoch())
      .count();
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view to_string(metric_kind kind) {
  switch (kind) {
    case metric_kind::summary: return "summary";
    case metric_kind::counter: return "counter";
    case metric_kind::gauge: return "gauge";
  }
  return "summary";
}

std::string_view to_string(metric_unit unit) {
  switch (unit) {
    case metric_unit::none: return "none";
    case metric_unit::nanoseconds: return "nanoseconds";
    case metric_unit::bytes: return "bytes";
  }
  return "none";
}

nlohmann::json number_or_null(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

nlohmann::json to_json(const statistics& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto which : all_statistics) {
    if (which == statistic::count) {
      out["count"] = values.count;
    } else {
      out[std::string(to_string(which))] = number_or_null(values.get(which));
    }
  }
  return out;
}

nlohmann::json to_json(const metric_snapshot& metric) {
  nlohmann::json out{{"name", metric.name},
                     {"kind", to_string(metric.kind)},
                     {"unit", to_string(metric.unit)},
                     {"values", to_json(metric.values)}};
  if (metric.differences) out["differences"] = to_json(*metric.differences);
  if (metric.intervals) out["intervals"] = to_json(*metric.intervals);
  return out;
}

// A monitor ready to evaluate: its expressions parsed, the series they read looked up lazily.
struct compiled_monitor {
  monitor_rule rule;
  detail::expression condition;
  std::optional<detail::expression> precondition;
  std::optional<bool> holds;
  std::uint64_t fired = 0;
  std::optional<steady::time_point> last_fired;
};

// Per-series state of the statsd exporter: counters' last sent sum, sampled timings.
struct statsd_series {
  std::uint64_t seen = 0;
  std::vector<double> samples;
  double sent_sum = 0;
};

constexpr std::size_t statsd_samples_per_interval = 2048;
constexpr std::size_t kept_alerts = 100;

}  // namespace

struct monitoring::state {
  explicit state(monitor_config settings) : config(std::move(settings)) {}

  monitor_config config;

  // Guards the aggregator, the rule cache and the statsd samples; feeders take it per batch.
  mutable std::mutex data_mutex;
  aggregator aggregates;
  string_map<std::optional<aggregation_rule>> rules;
  string_map<aggregator::series_id> field_series;
  std::vector<statsd_series> statsd_state;
  bool statsd_sampling = false;
  std::uint64_t statsd_stride = 1;

  // Guards the monitors, alerts, warnings and problems.
  mutable std::mutex report_mutex;
  std::vector<compiled_monitor> monitors;
  std::deque<alert_record> alerts;
  std::vector<std::string> warnings;
  std::vector<std::string> problems;
  string_map<logger> loggers;

  std::mutex lifecycle_mutex;
  std::thread worker;
  std::mutex wake_mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool running = false;
  detail::http_exporter http;
  std::atomic<std::uint16_t> http_port{0};
  std::unique_ptr<detail::statsd_sender> statsd;

  // --- feeding (data_mutex held) -------------------------------------------------------------

  const std::optional<aggregation_rule>& rule_for(std::string_view name) {
    const auto found = rules.find(name);
    if (found != rules.end()) return found->second;
    return rules.emplace(std::string(name), resolve_rule(config, name)).first->second;
  }

  std::optional<aggregator::series_id> series_for(std::string_view name, metric_kind kind,
                                                  metric_unit unit) {
    const auto& rule = rule_for(name);
    if (!rule) return std::nullopt;
    const auto id = aggregates.series(name, kind, unit, *rule);
    if (statsd_sampling && id >= statsd_state.size()) statsd_state.resize(id + 1);
    return id;
  }

  void record(aggregator::series_id id, double value, std::int64_t time_ns) noexcept {
    aggregates.observe(id, value, time_ns);
    if (!statsd_sampling) return;
    auto& sampled = statsd_state[id];
    if (sampled.seen % statsd_stride == 0 && sampled.samples.size() < statsd_samples_per_interval) {
      sampled.samples.push_back(value);
    }
    ++sampled.seen;
  }

  // --- reporting ------------------------------------------------------------------------------

  void report_problem(const std::string& message) {
    {
      const std::lock_guard lock(report_mutex);
      if (std::find(problems.begin(), problems.end(), message) != problems.end()) return;
      problems.push_back(message);
    }
    std::fprintf(stderr, "metron: %s\n", message.c_str());
  }

  logger& logger_for(const std::string& name_space) {
    const auto found = loggers.find(name_space);
    if (found != loggers.end()) return found->second;
    return loggers.emplace(name_space, logger(name_space)).first->second;
  }

  // --- monitors -------------------------------------------------------------------------------

  double read(const detail::metric_ref& ref) const {
    const auto id = aggregates.find(ref.series);
    if (!id) return std::numeric_limits<double>::quiet_NaN();
    return aggregates.value(*id, ref.family, ref.which);
  }

  static double evaluate(const detail::expression& parsed, std::vector<double>& values,
                         const state& self) {
    values.clear();
    for (const auto& ref : parsed.refs()) values.push_back(self.read(ref));
    return parsed.evaluate(values);
  }

  void evaluate_monitors() {
    std::vector<std::string> failures;
    {
      const std::lock_guard report(report_mutex);
      evaluate_monitors_locked(failures);
    }
    for (const auto& failure : failures) report_problem(failure);
  }

  void evaluate_monitors_locked(std::vector<std::string>& failures) {
    std::vector<double> values;
    const auto now = steady::now();
    for (auto& monitor : monitors) {
      double condition = 0;
      bool active = true;
      {
        const std::lock_guard data(data_mutex);
        if (monitor.precondition)
          active = detail::is_true(evaluate(*monitor.precondition, values, *this));
        if (active) condition = evaluate(monitor.condition, values, *this);
      }
      if (!active || std::isnan(condition)) {
        monitor.holds.reset();
        continue;
      }
      monitor.holds = detail::is_true(condition);
      if (!*monitor.holds) continue;
      if (monitor.last_fired && now - *monitor.last_fired < monitor.rule.cooldown) continue;
      monitor.last_fired = now;
      ++monitor.fired;
      for (const auto& action : monitor.rule.actions) act(monitor.rule, action, failures);
    }
  }

  // Runs one action; report_mutex is held, so problems go to `failures` to be reported later.
  void act(const monitor_rule& rule, const monitor_action& action,
           std::vector<std::string>& failures) {
    switch (action.kind) {
      case action_kind::alert: {
        alerts.push_back(alert_record{unix_ms(), rule.name, action.level, action.text});
        while (alerts.size() > kept_alerts) alerts.pop_front();
        if (logging_active()) {
          logger_for("#alert." + rule.name)
              .log(action.level, nlohmann::json{{"monitor", rule.name},
                                                {"text", action.text},
                                                {"condition", rule.condition}});
        }
        return;
      }
      case action_kind::set_min_severity:
      case action_kind::set_namespace_severity: break;
    }
    if (!logging_active()) {
      failures.push_back("monitor '" + rule.name + "' (" + rule.where +
                         "): logging is not active, so its severity action does nothing");
      return;
    }
    try {
      auto next = current_logging_config();
      if (action.kind == action_kind::set_min_severity) {
        next.min_severity = action.level;
      } else {
        auto entry = std::find_if(
            next.namespaces.begin(), next.namespaces.end(),
            [&](const namespace_config& space) { return space.name == action.name_space; });
        if (entry == next.namespaces.end()) {
          next.namespaces.push_back(namespace_config{});
          entry = std::prev(next.namespaces.end());
          entry->name = action.name_space;
        }
        entry->min_severity = action.level;
      }
      reconfigure_logging(next);
    } catch (const std::exception& problem) {
      failures.push_back("monitor '" + rule.name +
                         "': cannot change the logging configuration: " + problem.what());
    }
  }

  // --- periodic work --------------------------------------------------------------------------

  void emit_aggregates() {
    if (!logging_active()) return;
    const auto now = aggregates_snapshot();
    const std::lock_guard report(report_mutex);
    for (const auto& metric : now.metrics) {
      auto payload = to_json(metric);
      payload.erase("name");
      logger_for("#aggregation." + metric.name).info(std::move(payload));
    }
  }

  metrics_snapshot aggregates_snapshot() const {
    const std::lock_guard data(data_mutex);
    return aggregates.snapshot();
  }

  void flush_statsd() {
    if (!statsd) return;
    const auto& settings = *config.statsd;
    std::vector<std::string> lines;
    {
      const std::lock_guard data(data_mutex);
      const auto now = aggregates.snapshot();
      for (const auto& metric : now.metrics) {
        const auto id = aggregates.find(metric.name);
        if (!id || *id >= statsd_state.size()) continue;
        auto& sampled = statsd_state[*id];
        const auto name = detail::statsd_name(settings.prefix + metric.name);
        switch (metric.kind) {
          case metric_kind::counter: {
            const double sum = metric.values.count == 0 ? 0 : metric.values.sum;
            const double delta = sum - sampled.sent_sum;
            sampled.sent_sum = sum;
            if (delta != 0) lines.push_back(name + ":" + format_number(delta) + "|c");
            break;
          }
          case metric_kind::gauge:
            if (metric.values.count != 0)
              lines.push_back(name + ":" + format_number(metric.values.last) + "|g");
            break;
          case metric_kind::summary:
            if (metric.unit == metric_unit::nanoseconds) {
              const double rate = sampled.seen == 0 ? 1.0
                                                    : static_cast<double>(sampled.samples.size()) /
                                                          static_cast<double>(sampled.seen);
              const std::string rate_text = rate < 1.0 ? "|@" + format_number(rate) : "";
              for (const double value : sampled.samples) {
                lines.push_back(
                    fmt::format("{}:{}|ms{}", name, format_number(value / 1e6), rate_text));
              }
            } else if (metric.values.count != 0) {
              lines.push_back(name + ":" + format_number(metric.values.last) + "|g");
            }
            break;
        }
        sampled.samples.clear();
        sampled.seen = 0;
      }
    }
    std::string problem;
    if (!statsd->send(lines, problem)) {
      statsd.reset();
      report_problem(problem);
    }
  }

  static std::string format_number(double value) {
    char text[32];
    const int written = std::snprintf(text, sizeof text, "%.10g", value);
    return {text, static_cast<std::size_t>(std::max(written, 0))};
  }

  void run() {
    auto next_evaluation = steady::now() + config.evaluation_interval;
    auto next_emit = steady::now() + config.emit_interval;
    auto next_statsd =
        steady::now() + (config.statsd ? config.statsd->interval : std::chrono::milliseconds(0));
    for (;;) {
      auto wake_at = next_evaluation;
      if (config.emit_interval.count() != 0) wake_at = std::min(wake_at, next_emit);
      if (statsd) wake_at = std::min(wake_at, next_statsd);
      {
        std::unique_lock lock(wake_mutex);
        wake.wait_until(lock, wake_at, [this] { return stopping; });
        if (stopping) break;
      }
      const auto now = steady::now();
      if (now >= next_evaluation) {
        evaluate_monitors();
        next_evaluation = now + config.evaluation_interval;
      }
      if (config.emit_interval.count() != 0 && now >= next_emit) {
        emit_aggregates();
        next_emit = now + config.emit_interval;
      }
      if (statsd && now >= next_statsd) {
        flush_statsd();
        next_statsd = now + config.statsd->interval;
      }
    }
    // What was observed since the last interval still reaches statsd.
    flush_statsd();
  }

  std::string json_document() const {
    nlohmann::json out;
    const auto now = aggregates_snapshot();
    out["time_unix_ms"] = now.time_unix_ms;
    auto& metrics = out["metrics"] = nlohmann::json::array();
    for (const auto& metric : now.metrics) metrics.push_back(to_json(metric));
    const std::lock_guard report(report_mutex);
    auto& states = out["monitors"] = nlohmann::json::array();
    for (const auto& monitor : monitors) {
      states.push_back(
          {{"name", monitor.rule.name},
           {"condition", monitor.rule.condition},
           {"holds", monitor.holds ? nlohmann::json(*monitor.holds) : nlohmann::json(nullptr)},
           {"fired", monitor.fired}});
    }
    auto& raised = out["alerts"] = nlohmann::json::array();
    for (const auto& alert : alerts) {
      raised.push_back({{"time_unix_ms", alert.time_unix_ms},
                        {"monitor", alert.monitor},
                        {"severity", to_string(alert.level)},
                        {"text", alert.text}});
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
};

namespace {

// Feeds the hub from the probe collector: one lock per batch of records.
class monitor_probe_sink final : public sink {
 public:
  explicit monitor_probe_sink(std::shared_ptr<monitoring::state> hub) : hub_(std::move(hub)) {}

  void on_start(const session_info& /*info*/) override {}

  void on_sites(std::span<const site_info> sites) override {
    const std::lock_guard data(hub_->data_mutex);
    for (const auto& site : sites) {
      if (site.id >= sites_.size()) sites_.resize(site.id + 1);
      auto& known = sites_[site.id];
      switch (site.kind) {
        case site_kind::bracket:
          known.main = hub_->series_for(site.name, metric_kind::summary, metric_unit::nanoseconds);
          break;
        case site_kind::event:
        case site_kind::counter:
          known.main = hub_->series_for(site.name, metric_kind::counter, metric_unit::none);
          break;
        case site_kind::gauge:
          known.main = hub_->series_for(site.name, metric_kind::gauge, metric_unit::none);
          break;
      }
      known.kind = site.kind;
      for (std::uint8_t tag = 1; tag < 32; ++tag) {
        if ((site.observables & (1U << tag)) == 0) continue;
        const auto observable = observable_name(tag);
        const auto unit =
            observable.ends_with("_ns") ? metric_unit::nanoseconds : metric_unit::none;
        if (const auto id = hub_->series_for(site.name + "." + std::string(observable),
                                             metric_kind::summary, unit)) {
          known.observables.emplace_back(tag, *id);
        }
      }
    }
  }

  void on_thread(const thread_info& /*thread*/) override {}

  void on_records(const thread_info& /*thread*/, std::span<const record> records) override {
    const std::lock_guard data(hub_->data_mutex);
    for (const auto& seen : records) {
      if (seen.site >= sites_.size()) continue;
      const auto& known = sites_[seen.site];
      if (seen.tag != 0) {
        for (const auto& [tag, id] : known.observables) {
          if (tag == seen.tag) hub_->record(id, seen.value, seen.end_ns);
        }
        continue;
      }
      if (!known.main) continue;
      double value = seen.value;
      if (known.kind == site_kind::bracket)
        value = static_cast<double>(seen.end_ns - seen.begin_ns);
      if (known.kind == site_kind::event) value = 1;
      hub_->record(*known.main, value, seen.end_ns);
    }
  }

  void on_resources(const resource_sample& sample) override {
    if (!hub_->config.resources) return;
    const std::lock_guard data(hub_->data_mutex);
    const auto gauge = [&](std::string_view name, metric_unit unit, std::int64_t value) {
      if (value < 0) return;
      if (const auto id = hub_->series_for(name, metric_kind::gauge, unit)) {
        hub_->record(*id, static_cast<double>(value), sample.time_ns);
      }
    };
    gauge("process.cpu_user", metric_unit::nanoseconds, sample.cpu_user_ns);
    gauge("process.cpu_system", metric_unit::nanoseconds, sample.cpu_system_ns);
    gauge("process.resident_memory", metric_unit::bytes, sample.rss_bytes);
    gauge("process.io_read", metric_unit::bytes, sample.read_bytes);
    gauge("process.io_written", metric_unit::bytes, sample.write_bytes);
    gauge("process.threads", metric_unit::none, sample.threads);
  }

  void on_stop(const session_summary& /*summary*/) override {}

 private:
  struct known_site {
    site_kind kind = site_kind::event;
    std::optional<aggregator::series_id> main;
    std::vector<std::pair<std::uint8_t, aggregator::series_id>> observables;
  };
  std::shared_ptr<monitoring::state> hub_;
  std::vector<known_site> sites_;
};

// Feeds the hub from the logging thread: the numeric fields of each routed record.
class monitor_log_sink final : public log_sink {
 public:
  explicit monitor_log_sink(std::shared_ptr<monitoring::state> hub) : hub_(std::move(hub)) {}

  void write(const log_object& record) override {
    if (record.name_space.empty() || record.name_space.front() == '#') return;
    if (!record.payload.is_object()) return;
    const std::lock_guard data(hub_->data_mutex);
    const auto& rule = hub_->rule_for(record.name_space);
    if (!rule) return;
    const std::int64_t time_ns = record.timestamp_us * 1000;
    for (const auto& [field, value] : record.payload.items()) {
      if (!value.is_number()) continue;
      if (rule->fields &&
          std::find(rule->fields->begin(), rule->fields->end(), field) == rule->fields->end()) {
        continue;
      }
      name_.assign(record.name_space);
      name_ += '.';
      name_ += field;
      const auto known = hub_->field_series.find(name_);
      std::optional<aggregator::series_id> id;
      if (known != hub_->field_series.end()) {
        id = known->second;
      } else {
        const auto unit = field.ends_with("_ns")      ? metric_unit::nanoseconds
                          : field.ends_with("_bytes") ? metric_unit::bytes
                                                       : metric_unit::none;
        id = hub_->series_for(name_, metric_kind::summary, unit);
        if (!id) continue;
        hub_->field_series.emplace(name_, *id);
      }
      hub_->record(*id, value.get<double>(), time_ns);
    }
  }

  void flush() override {}

 private:
  std::shared_ptr<monitoring::state> hub_;
  std::string name_;
};

// Whether `name` is covered by some rule of `config` (or is a resource gauge it exports).
bool aggregated(const monitor_config& config, std::string_view name) {
  if (config.resources && name.substr(0, 8) == "process.") return true;
  return resolve_rule(config, name).has_value();
}

// Hands what a capture holds to a probe sink, in the order the collector would have.
class capture_replay final : public capture_visitor {
 public:
  explicit capture_replay(std::shared_ptr<sink> into) : into_(std::move(into)) {}

  void on_sites(std::span<const site_info> sites) override { into_->on_sites(sites); }

  void on_thread(const thread_info& thread) override {
    threads_[thread.index] = thread;
    into_->on_thread(thread);
  }

  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    into_->on_records(threads_[thread_index], records);
  }

  void on_resources(std::span<const resource_sample> samples) override {
    for (const resource_sample& sample : samples) {
      into_->on_resources(sample);
    }
  }

 private:
  std::shared_ptr<sink> into_;
  std::map<std::uint32_t, thread_info> threads_;
};

}  // namespace

monitoring::monitoring(monitor_config config) : state_(std::make_shared<state>(std::move(config))) {
  auto& hub = *state_;
  for (const auto& rule : hub.config.monitors) {
    compiled_monitor compiled{rule, {}, std::nullopt, std::nullopt, 0, std::nullopt};
    try {
      compiled.condition = detail::expression::parse(rule.condition);
      if (!rule.precondition.empty())
        compiled.precondition = detail::expression::parse(rule.precondition);
    } catch (const detail::expression_syntax_error& problem) {
      throw input_error(rule.where + ": monitor '" + rule.name + "', at character " +
                        std::to_string(problem.offset + 1) + ": " + problem.what());
    }
    std::vector<detail::metric_ref> refs = compiled.condition.refs();
    if (compiled.precondition) {
      refs.insert(refs.end(), compiled.precondition->refs().begin(),
                  compiled.precondition->refs().end());
    }
    for (const auto& ref : refs) {
      if (aggregated(hub.config, ref.series)) continue;
      hub.warnings.push_back(rule.where + ": monitor '" + rule.name + "' reads '" + ref.text +
                             "', but no aggregation rule covers series '" + ref.series +
                             "'; it stays unknown");
    }
    hub.monitors.push_back(std::move(compiled));
  }
  if (hub.config.statsd) {
    hub.statsd_sampling = true;
    hub.statsd_stride =
        static_cast<std::uint64_t>(std::max(1.0, std::round(1.0 / hub.config.statsd->sample_rate)));
  }
}

monitoring::~monitoring() { stop(); }

void monitoring::start() {
  auto& hub = *state_;
  const std::lock_guard lifecycle(hub.lifecycle_mutex);
  if (hub.running) return;
  for (const auto& warning : hub.warnings)
    std::fprintf(stderr, "metron: warning: %s\n", warning.c_str());
  if (hub.config.http) {
    std::string problem;
    const std::weak_ptr<state> weak = state_;
    detail::http_content content{[weak] {
                                   const auto alive = weak.lock();
                                   return alive ? to_prometheus_text(alive->aggregates_snapshot(),
                                                                     alive->config.http->prefix)
                                                : std::string();
                                 },
                                 [weak] {
                                   const auto alive = weak.lock();
                                   return alive ? alive->json_document() : std::string("{}");
                                 }};
    if (const auto port = hub.http.start(*hub.config.http, std::move(content), problem)) {
      hub.http_port.store(*port, std::memory_order_relaxed);  // Relaxed: a report, not a handshake.
    } else {
      hub.report_problem(problem);
    }
  }
  if (hub.config.statsd) {
    auto sender = std::make_unique<detail::statsd_sender>();
    std::string problem;
    if (sender->open(*hub.config.statsd, problem)) {
      hub.statsd = std::move(sender);
    } else {
      hub.report_problem(problem);
    }
  }
  {
    const std::lock_guard lock(hub.wake_mutex);
    hub.stopping = false;
  }
  hub.worker = std::thread([&hub] { hub.run(); });
  hub.running = true;
}

void monitoring::stop() {
  auto& hub = *state_;
  const std::lock_guard lifecycle(hub.lifecycle_mutex);
  if (!hub.running) return;
  {
    const std::lock_guard lock(hub.wake_mutex);
    hub.stopping = true;
  }
  hub.wake.notify_all();
  hub.worker.join();
  hub.http.stop();
  hub.http_port.store(0, std::memory_order_relaxed);
  hub.statsd.reset();
  hub.running = false;
}

std::shared_ptr<sink> monitoring::probe_sink() {
  return std::make_shared<monitor_probe_sink>(state_);
}

read_status monitoring::replay_capture(const std::string& path) {
  capture_replay replay(probe_sink());
  return read_capture(path, replay);
}

named_sink monitoring::log_sink(std::string name) {
  named_sink made;
  made.name = std::move(name);
  made.sink = std::make_shared<monitor_log_sink>(state_);
  return made;
}

void monitoring::observe(std::string_view name, double value, metric_kind kind, metric_unit unit) {
  auto& hub = *state_;
  const std::lock_guard data(hub.data_mutex);
  if (const auto id = hub.series_for(name, kind, unit)) hub.record(*id, value, steady_ns());
}

void monitoring::evaluate_now() { state_->evaluate_monitors(); }

metrics_snapshot monitoring::snapshot() const { return state_->aggregates_snapshot(); }

std::vector<alert_record> monitoring::alerts() const {
  const std::lock_guard report(state_->report_mutex);
  return {state_->alerts.begin(), state_->alerts.end()};
}

std::vector<monitor_state> monitoring::monitors() const {
  const std::lock_guard report(state_->report_mutex);
  std::vector<monitor_state> out;
  for (const auto& monitor : state_->monitors) {
    out.push_back({monitor.rule.name, monitor.rule.condition, monitor.holds, monitor.fired});
  }
  return out;
}

std::vector<std::string> monitoring::warnings() const {
  const std::lock_guard report(state_->report_mutex);
  return state_->warnings;
}

std::vector<std::string> monitoring::problems() const {
  const std::lock_guard report(state_->report_mutex);
  return state_->problems;
}

std::optional<std::uint16_t> monitoring::http_port() const {
  const auto port = state_->http_port.load(std::memory_order_relaxed);  // Relaxed: see start().
  if (port == 0) return std::nullopt;
  return port;
}

std::string monitoring::prometheus_text() const {
  return to_prometheus_text(state_->aggregates_snapshot(),
                            state_->config.http ? state_->config.http->prefix : std::string());
}

std::string monitoring::json_text() const { return state_->json_document(); }

}  // namespace metron
