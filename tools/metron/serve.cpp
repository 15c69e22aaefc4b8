// `metron serve`: replays a finished capture through the monitoring hub and serves the result.
#include "commands.hpp"

#include <metron/monitor/monitor.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

struct serve_options {
  std::string path;
  std::string config;
  std::string bind = "127.0.0.1";
  int port = 9464;
};

constexpr std::string_view serve_details =
    "Replays a capture through the same aggregation as a live program (brackets become duration\n"
    "summaries, counters counters, gauges and resource samples gauges; docs/monitoring.md) and\n"
    "serves the result over HTTP until interrupted: /metrics for Prometheus, /api/metrics as\n"
    "JSON, / as the dashboard. --config reads the 'options: monitoring:' section of a\n"
    "configuration file (aggregation rules, monitors, which are evaluated once after the replay).\n"
    "The address is --bind's, 127.0.0.1 unless told; --port 0 picks a free port. The first line\n"
    "on stdout names the address served.\n"
    "\n"
    "Limits, which hold against slow and idle clients (one thread polls every connection):\n"
    "a request must arrive whole within 3 s (else 408); an idle keep-alive connection is\n"
    "closed after 2 s; at most 128 connections, 16 per client address (the one quiet the\n"
    "longest makes room, else 503); methods other than GET and HEAD get 405 as soon as the\n"
    "request line arrives; the listen backlog is 4096. Set them in --config's 'http:' section:\n"
    "request_timeout_ms, idle_timeout_ms, max_connections, max_connections_per_client, backlog.\n";

constexpr std::string_view serve_examples =
    "  metron serve run.mtr\n"
    "  metron serve run.mtr --config node.yaml --port 9100\n";

constexpr std::string_view serve_exit_codes =
    "  0  served until interrupted\n"
    "  2  bad input: a missing, foreign or truncated capture, a bad configuration, or the\n"
    "     address cannot be bound\n";

int run_serve(const serve_options& options) {
  monitor_config config =
      options.config.empty() ? monitor_config{} : load_monitor_config(options.config);
  if (!config.http) config.http = http_exporter_config{};
  config.http->bind = options.bind;
  config.http->port = static_cast<std::uint16_t>(options.port);
  monitoring hub(config);
  const read_status status = hub.replay_capture(options.path);
  if (!status.complete) return finish_read(options.path, status);
  hub.evaluate_now();

  // Block the signals before any thread starts, so that sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  hub.start();
  const auto port = hub.http_port();
  if (!port) {
    print_error("cannot serve on " + options.bind + ":" + std::to_string(options.port));
    return exit_bad_input;
  }
  std::cout << "serving " << hub.snapshot().metrics.size() << " series of " << options.path
            << " on http://" << options.bind << ":" << *port << "/" << std::endl;
  int received = 0;
  sigwait(&stop_signals, &received);
  hub.stop();
  return exit_ok;
}

}  // namespace

command register_serve(CLI::App& app) {
  auto options = std::make_shared<serve_options>();
  CLI::App* sub =
      app.add_subcommand("serve", "Serve a capture's aggregates to Prometheus and the dashboard");
  sub->footer(help_footer(serve_details, serve_examples, serve_exit_codes));
  add_capture_argument(*sub, options->path);
  sub->add_option("--config", options->config, "A configuration file with 'options: monitoring:'");
  sub->add_option("--bind", options->bind, "The address to listen on")->capture_default_str();
  sub->add_option("--port", options->port, "The port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  return {sub, [options] { return run_serve(*options); }};
}

}  // namespace metron::tool
