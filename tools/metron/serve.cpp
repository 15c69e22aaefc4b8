// `metron serve`: replays a finished capture through the monitoring hub and serves the result.
#include "commands.hpp"

#include <metron/monitor/monitor.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
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
    "on stdout names the address served.\n";

constexpr std::string_view serve_examples =
    "  metron serve run.mtr\n"
    "  metron serve run.mtr --config node.yaml --port 9100\n";

constexpr std::string_view serve_exit_codes =
    "Exit codes:\n"
    "  0  served until interrupted\n"
    "  2  bad input: a missing, foreign or truncated capture, a bad configuration, or the\n"
    "     address cannot be bound\n";

// Hands what the capture holds to the hub's probe sink, as the collector would have.
class replay final : public capture_visitor {
 public:
  explicit replay(std::shared_ptr<sink> into) : into_(std::move(into)) {}
  void on_sites(std::span<const site_info> sites) override { into_->on_sites(sites); }
  void on_thread(const thread_info& thread) override {
    threads_[thread.index] = thread;
    into_->on_thread(thread);
  }
  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    into_->on_records(threads_[thread_index], records);
  }
  void on_resources(std::span<const resource_sample> samples) override {
    for (const auto& sample : samples) into_->on_resources(sample);
  }

 private:
  std::shared_ptr<sink> into_;
  std::map<std::uint32_t, thread_info> threads_;
};

int run_serve(const serve_options& options) {
  monitor_config config = options.config.empty() ? monitor_config{} : load_monitor_config(options.config);
  if (!config.http) config.http = http_exporter_config{};
  config.http->bind = options.bind;
  config.http->port = static_cast<std::uint16_t>(options.port);
  monitoring hub(config);
  replay visitor(hub.probe_sink());
  const read_status status = read_capture(options.path, visitor);
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
  CLI::App* sub = app.add_subcommand("serve", "Serve a capture's aggregates to Prometheus and the dashboard");
  sub->footer(help_footer(serve_details, serve_examples, serve_exit_codes));
  sub->add_option("capture", options->path, "The capture file (.mtr)")->required();
  sub->add_option("--config", options->config, "A configuration file with 'options: monitoring:'");
  sub->add_option("--bind", options->bind, "The address to listen on")->capture_default_str();
  sub->add_option("--port", options->port, "The port; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  return {sub, [options] { return run_serve(*options); }};
}

}  // namespace metron::tool
