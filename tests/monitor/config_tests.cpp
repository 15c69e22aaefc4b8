// Tests of the monitoring configuration: its keys, rule lookup, and errors naming line and column.
#include <metron/error.hpp>
#include <metron/monitor/monitor.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string error_of(const std::string& yaml) {
  try {
    static_cast<void>(metron::parse_monitor_config(yaml, "test.yaml"));
  } catch (const metron::input_error& problem) {
    return problem.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the monitoring section is read with every key", "[monitor][config]") {
  const auto config = metron::parse_monitor_config(R"(min_severity: info
options:
  monitoring:
    aggregation:
      default: {enabled: false}
      namespaces:
        ledger: {ewma_alpha: 0.25, differences: true, inter_arrival: true, fields: [duration_ns]}
        ledger.quiet: {enabled: false}
        mempool.size:
    emit_interval_ms: 500
    evaluation_interval_ms: 250
    resources: false
    monitors:
      - name: slow
        when: (ledger.apply_block.p99 > 2ms) or (mempool.size >= 10000)
        monitor_if: ledger.apply_block.count > 100
        cooldown_ms: 30000
        actions:
          - alert: {severity: critical, text: blocks are slow}
          - set_min_severity: debug
          - set_namespace_severity: {namespace: ledger, severity: debug}
    http: {bind: 0.0.0.0, port: 9100, max_request_bytes: 1024, prefix: node_}
    statsd: {host: 127.0.0.2, port: 8126, prefix: node1., sample_rate: 0.5, interval_ms: 2000}
)",
                                                   "test.yaml");
  CHECK_FALSE(config.default_rule);
  REQUIRE(config.namespaces.size() == 3);
  CHECK(config.namespaces[0].second.ewma_alpha == 0.25);
  CHECK(config.namespaces[0].second.fields == std::vector<std::string>{"duration_ns"});
  CHECK(config.emit_interval == std::chrono::milliseconds(500));
  CHECK(config.evaluation_interval == std::chrono::milliseconds(250));
  CHECK_FALSE(config.resources);
  REQUIRE(config.monitors.size() == 1);
  const auto& monitor = config.monitors[0];
  CHECK(monitor.name == "slow");
  CHECK(monitor.precondition == "ledger.apply_block.count > 100");
  CHECK(monitor.cooldown == std::chrono::milliseconds(30000));
  CHECK(monitor.where == "test.yaml:14");
  REQUIRE(monitor.actions.size() == 3);
  CHECK(monitor.actions[0].kind == metron::action_kind::alert);
  CHECK(monitor.actions[0].level == metron::severity::critical);
  CHECK(monitor.actions[0].text == "blocks are slow");
  CHECK(monitor.actions[1].kind == metron::action_kind::set_min_severity);
  CHECK(monitor.actions[2].name_space == "ledger");
  REQUIRE(config.http);
  CHECK(config.http->bind == "0.0.0.0");
  CHECK(config.http->port == 9100);
  CHECK(config.http->max_request_bytes == 1024);
  REQUIRE(config.statsd);
  CHECK(config.statsd->sample_rate == 0.5);
  CHECK(config.statsd->interval == std::chrono::milliseconds(2000));

  CHECK(metron::resolve_rule(config, "ledger.apply_block")->ewma_alpha == 0.25);
  CHECK_FALSE(metron::resolve_rule(config, "ledger.quiet.block"));
  CHECK(metron::resolve_rule(config, "mempool.size"));
  CHECK_FALSE(metron::resolve_rule(config, "network"));
}

TEST_CASE("the HTTP server's limits are read, and default to bounded values", "[monitor][config]") {
  const auto config = metron::parse_monitor_config(
      "options:\n  monitoring:\n    http: {request_timeout_ms: 500, idle_timeout_ms: 250,\n"
      "      max_connections: 10, max_connections_per_client: 2, backlog: 64}\n",
      "test.yaml");
  REQUIRE(config.http);
  CHECK(config.http->request_timeout == std::chrono::milliseconds(500));
  CHECK(config.http->idle_timeout == std::chrono::milliseconds(250));
  CHECK(config.http->max_connections == 10);
  CHECK(config.http->max_connections_per_client == 2);
  CHECK(config.http->backlog == 64);
  const metron::http_exporter_config defaults;
  CHECK(defaults.request_timeout == std::chrono::milliseconds(3000));
  CHECK(defaults.idle_timeout == std::chrono::milliseconds(2000));
  CHECK(defaults.max_connections == 128);
  CHECK(defaults.max_connections_per_client == 16);
  CHECK(defaults.backlog == 4096);
  CHECK(error_of("options:\n  monitoring:\n    http: {max_connections: 0}\n")
            .rfind("test.yaml:3:29: 'http.max_connections' must be at least 1", 0) == 0);
}

TEST_CASE("a file without a monitoring section gives the defaults", "[monitor][config]") {
  const auto config = metron::parse_monitor_config("min_severity: info\n", "test.yaml");
  CHECK(config.default_rule);
  CHECK_FALSE(config.http);
  CHECK_FALSE(config.statsd);
  CHECK(metron::resolve_rule(config, "anything.at.all"));
}

TEST_CASE("expression errors name the configuration's line and column", "[monitor][config]") {
  CHECK(
      error_of("options:\n  monitoring:\n    monitors:\n      - when: a.p99 > > 2\n") ==
      "test.yaml:4:23: in 'monitors[0].when': unexpected '>'; expected a number, a metric or '('");
  CHECK(error_of("options:\n  monitoring:\n    monitors:\n      - when: \"a.p99 > 2xs\"\n") ==
        "test.yaml:4:25: in 'monitors[0].when': unknown unit 'xs'; expected one of ns, us, ms, s, "
        "B, kB, MB, GB");
  CHECK(error_of("options:\n  monitoring:\n    monitors:\n      - when: a.count > 1\n"
                 "        monitor_if: (a.count\n") ==
        "test.yaml:5:21: in 'monitors[0].monitor_if': unbalanced '(': no matching ')'");
}

TEST_CASE("bad keys and values are errors naming line and key", "[monitor][config]") {
  CHECK(error_of("options:\n  monitoring:\n    exporters: {}\n")
            .rfind("test.yaml:3:5: unknown key 'exporters' in monitoring", 0) == 0);
  CHECK(error_of("options:\n  monitoring:\n    http: {port: 70000}\n")
            .rfind("test.yaml:3:18: 'http.port' must be a number from 0 to 65535", 0) == 0);
  CHECK(error_of("options:\n  monitoring:\n    statsd: {sample_rate: 0}\n")
            .rfind("test.yaml:3:27: 'statsd.sample_rate' must be a number", 0) == 0);
  CHECK(error_of("options:\n  monitoring:\n    monitors:\n      - name: x\n")
            .rfind("test.yaml:4:9: 'monitors[0]' needs a condition 'when'", 0) == 0);
  CHECK(error_of("options:\n  monitoring:\n    monitors:\n      - when: a.count > 1\n"
                 "        actions: [{alert: {severity: loud, text: t}}]\n")
            .find("bad value 'loud' for 'monitors[0].actions[0].alert.severity'") !=
        std::string::npos);
  CHECK(error_of("options:\n  monitoring:\n    aggregation: {namespaces: {a: {ewma_alpha: 2}}}\n")
            .find("'aggregation.namespaces.a.ewma_alpha' must be a number from 1e-09 to 1") !=
        std::string::npos);
  CHECK(error_of("options: [").rfind("test.yaml:1:", 0) == 0);
}
