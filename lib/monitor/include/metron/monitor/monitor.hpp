// Live monitoring: aggregation fed by probes and logs, monitors with alert actions, exporters.
#pragma once

#include <metron/capture/capture.hpp>
#include <metron/log/log.hpp>
#include <metron/monitor/aggregation.hpp>
#include <metron/probe/session.hpp>
#include <metron/trace/log_object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron {

/// What a monitor does when its condition holds.
enum class action_kind : std::uint8_t {
  alert,                   ///< log an alert record with `level` and `text`
  set_min_severity,        ///< set the logging configuration's minimum severity to `level`
  set_namespace_severity,  ///< set namespace `name_space`'s minimum severity to `level`
};

/// One action of a monitor.
struct monitor_action {
  action_kind kind = action_kind::alert;  ///< what the action does
  severity level = severity::warning;     ///< alert: the record's severity; set_*: the new minimum
  std::string text;                       ///< alert: what the record says
  std::string name_space;                 ///< set_namespace_severity: the namespace

  friend bool operator==(const monitor_action&, const monitor_action&) = default;
};

/// A monitor: when `precondition` (if any) and `condition` hold at an evaluation, and the
/// last firing is at least `cooldown` ago, its actions run.
struct monitor_rule {
  std::string name;          ///< the monitor's name, unique in its configuration
  std::string condition;     ///< e.g. "(ledger.apply_block.p99 > 2ms) or (mempool.size >= 10000)"
  std::string precondition;  ///< `monitor_if`; empty for none
  std::chrono::milliseconds cooldown{60000};  ///< the least time between two firings
  std::vector<monitor_action> actions;        ///< run in order when it fires
  std::string where;  ///< "file:line" of the monitor in its configuration, for messages

  friend bool operator==(const monitor_rule&, const monitor_rule&) = default;
};

/// The HTTP exporter: /metrics, /api/metrics and the dashboard, served by one thread that no
/// client can hold (docs/monitoring.md, "Limits").
struct http_exporter_config {
  std::string bind = "127.0.0.1";        ///< the address to listen on
  std::uint16_t port = 9464;             ///< 0 picks a free port (see monitoring::http_port)
  std::size_t max_request_bytes = 8192;  ///< larger request bodies are refused (413)
  std::string prefix;                    ///< put before every Prometheus metric name
  /// The longest a client may take to send one whole request, head and body, counted from its
  /// first byte (from connecting, for a connection's first request); then 408 and the connection
  /// is closed. Taking the response has as long again.
  std::chrono::milliseconds request_timeout{3000};
  /// How long a kept-alive connection may wait for its next request before it is closed.
  std::chrono::milliseconds idle_timeout{2000};
  /// Connections open at once; beyond it the connection quiet the longest (idle, or with nothing
  /// of a request sent) is closed to make room, or the newcomer gets 503 when none is quiet.
  std::size_t max_connections = 128;
  /// Connections open at once from one client address, made room for in the same way.
  std::size_t max_connections_per_client = 16;
  /// The listen(2) backlog of connections not yet accepted; the kernel caps it at
  /// net.core.somaxconn.
  int backlog = 4096;

  friend bool operator==(const http_exporter_config&, const http_exporter_config&) = default;
};

/// The statsd exporter.
struct statsd_exporter_config {
  std::string host = "127.0.0.1";            ///< the daemon's IPv4 address
  std::uint16_t port = 8125;                 ///< the daemon's UDP port
  std::string prefix;                        ///< put before every name, e.g. "node1."
  double sample_rate = 1.0;                  ///< share of timing observations sent, in (0, 1]
  std::chrono::milliseconds interval{1000};  ///< how often it sends

  friend bool operator==(const statsd_exporter_config&, const statsd_exporter_config&) = default;
};

/// The `options: monitoring:` section of a configuration file (docs/monitoring.md).
struct monitor_config {
  /// The rule for namespaces no entry of `namespaces` covers; none leaves them out.
  std::optional<aggregation_rule> default_rule = aggregation_rule{};
  /// Rules by namespace, looked up a.b.c → a.b → a → default_rule.
  std::vector<std::pair<std::string, aggregation_rule>> namespaces;
  /// How often every series is logged as a record in namespace `#aggregation.<series>`;
  /// zero for never.
  std::chrono::milliseconds emit_interval{0};
  /// How often monitors are evaluated.
  std::chrono::milliseconds evaluation_interval{1000};
  std::vector<monitor_rule> monitors;            ///< every monitor, in configuration order
  std::optional<http_exporter_config> http;      ///< the HTTP exporter, when configured
  std::optional<statsd_exporter_config> statsd;  ///< the statsd exporter, when configured
  /// Whether the probe's process resource samples become gauges `process.*`.
  bool resources = true;
  /// The file it was read from, for messages.
  std::string source;

  friend bool operator==(const monitor_config&, const monitor_config&) = default;
};

/// Reads `options: monitoring:` from configuration text (the same file as the logging
/// configuration); text without that section gives the defaults. `source` names it in messages.
/// Monitor expressions are parsed here.
/// @throws input_error naming source, line and column: an unknown key, a bad value, a syntax
///         error in an expression (the column is the expression's own).
[[nodiscard]] monitor_config parse_monitor_config(std::string_view yaml, const std::string& source);

/// Reads and parses a configuration file. @throws input_error as parse_monitor_config, or when
/// the file cannot be read.
[[nodiscard]] monitor_config load_monitor_config(const std::filesystem::path& path);

/// The rule that applies to series or namespace `name`, or none when it is not aggregated.
[[nodiscard]] std::optional<aggregation_rule> resolve_rule(const monitor_config& config,
                                                           std::string_view name);

/// An alert a monitor raised.
struct alert_record {
  std::int64_t time_unix_ms = 0;       ///< when it was raised
  std::string monitor;                 ///< the monitor's name
  severity level = severity::warning;  ///< the alert's severity
  std::string text;                    ///< what the alert says
};

/// A monitor's state at its last evaluation.
struct monitor_state {
  std::string name;           ///< the monitor's name
  std::string condition;      ///< its condition, as configured
  std::optional<bool> holds;  ///< none while a statistic it reads is unknown
  std::uint64_t fired = 0;    ///< how many times its actions ran
};

/// The monitoring hub: one aggregator, its monitors and exporters.
///
/// Feed it from a probe session (probe_sink()), from logging (log_sink()) or directly
/// (observe()). start() launches a worker thread that evaluates monitors, logs aggregates and
/// sends to statsd, and the HTTP server's threads; stop() (or destruction) ends them.
/// An exporter that cannot bind or send is reported once on stderr and in problems(), and
/// disabled; the rest goes on. All members may be called from any thread.
class monitoring {
 public:
  /// @throws input_error when a monitor expression does not parse (configurations from
  ///         parse_monitor_config have been checked already).
  explicit monitoring(monitor_config config);
  monitoring(const monitoring&) = delete;
  monitoring& operator=(const monitoring&) = delete;
  ~monitoring();

  /// Starts the exporters and the worker thread. Calling it twice does nothing.
  void start();
  /// Stops them; the aggregates stay readable.
  void stop();

  /// A sink for session_options::sinks: brackets become duration summaries named after their
  /// site (`ledger.apply_block`), observables `<site>.<observable>`, counters counters, gauges
  /// gauges, events counters of 1, resource samples gauges `process.*`. Locks once per batch.
  [[nodiscard]] std::shared_ptr<sink> probe_sink();

  /// Feeds a finished capture to probe_sink(), as the live session that wrote it would have
  /// (`metron serve`). Reads in bounded memory.
  /// @returns how far reading got: a truncated capture is fed up to its last complete chunk.
  /// @throws input_error as read_capture() does.
  read_status replay_capture(const std::string& path);

  /// A log sink for start_logging's extra sinks, called `name` in the routing: every numeric
  /// payload field `f` of a record in namespace `ns` (or the fields its rule names) is observed
  /// in series `ns.f`. Records in namespaces starting with '#' (aggregates, alerts) are ignored.
  [[nodiscard]] named_sink log_sink(std::string name = "monitor");

  /// Observes `value` in series `name` now, creating the series with `kind` and `unit`.
  /// Locks; a few tens of ns beyond that. Ignored when no rule covers `name`.
  void observe(std::string_view name, double value, metric_kind kind = metric_kind::summary,
               metric_unit unit = metric_unit::none);

  /// Evaluates every monitor now, running the actions of those that fire.
  void evaluate_now();

  /// Every series' statistics now.
  [[nodiscard]] metrics_snapshot snapshot() const;
  /// The last 100 alerts, oldest first.
  [[nodiscard]] std::vector<alert_record> alerts() const;
  /// Every monitor's state.
  [[nodiscard]] std::vector<monitor_state> monitors() const;
  /// Warnings found at construction: monitors reading series that no rule aggregates.
  [[nodiscard]] std::vector<std::string> warnings() const;
  /// Exporters that failed and were disabled, actions that failed.
  [[nodiscard]] std::vector<std::string> problems() const;
  /// The port the HTTP exporter listens on, once started; none when it is off or failed.
  [[nodiscard]] std::optional<std::uint16_t> http_port() const;

  /// The Prometheus text exposition (format 0.0.4) of the current aggregates.
  [[nodiscard]] std::string prometheus_text() const;
  /// The JSON document /api/metrics serves.
  [[nodiscard]] std::string json_text() const;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

/// The Prometheus text exposition format 0.0.4 of `snapshot`: summaries (quantile labels 0.5,
/// 0.9 and 0.99, _sum, _count) for summary series and their differences and intervals; counters
/// with `_total`; gauges. The other statistics (min, max, mean, stddev, last, ewma) are in the
/// JSON document only, which keeps a scrape of many series small. Names are sanitised by
/// prometheus_name() and prefixed
/// with `prefix`; durations become seconds (`_seconds`), sizes keep bytes (`_bytes`).
[[nodiscard]] std::string to_prometheus_text(const metrics_snapshot& snapshot,
                                             std::string_view prefix = {});

/// `name` sanitised to Prometheus' rules: every character outside [a-zA-Z0-9_] becomes '_' (colons
/// too, which Prometheus keeps for recording rules),
/// and a leading digit gets a '_' before it.
[[nodiscard]] std::string prometheus_name(std::string_view name);

}  // namespace metron
