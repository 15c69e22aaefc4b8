// Tests of the monitoring hub: feeding it from real probe sessions and real logging, monitors
// with preconditions and cooldowns, their actions, aggregates as log records, statsd datagrams.
#include <metron/bracket.hpp>
#include <metron/error.hpp>
#include <metron/log.hpp>
#include <metron/monitor/monitor.hpp>
#include <metron/probe/session.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

namespace {

metron::monitor_config with_monitor(const std::string& when, const std::string& precondition = {},
                                    std::chrono::milliseconds cooldown = std::chrono::hours(1)) {
  metron::monitor_config config;
  metron::monitor_rule rule;
  rule.name = "m";
  rule.condition = when;
  rule.precondition = precondition;
  rule.cooldown = cooldown;
  rule.where = "test";
  rule.actions.push_back({metron::action_kind::alert, metron::severity::error, "it holds", {}});
  config.monitors.push_back(rule);
  return config;
}

// Keeps every record routed to it.
class keeping_sink final : public metron::log_sink {
 public:
  void write(const metron::log_object& record) override {
    const std::lock_guard lock(mutex_);
    records_.push_back(record);
  }
  void flush() override {}
  std::vector<metron::log_object> records() {
    const std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  std::mutex mutex_;
  std::vector<metron::log_object> records_;
};

// A UDP socket on a free loopback port, standing in for a statsd daemon.
class udp_listener {
 public:
  udp_listener() {
    socket_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(socket_, static_cast<sockaddr*>(static_cast<void*>(&address)), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(socket_, static_cast<sockaddr*>(static_cast<void*>(&address)), &length);
    port_ = ntohs(address.sin_port);
  }
  udp_listener(const udp_listener&) = delete;
  udp_listener& operator=(const udp_listener&) = delete;
  ~udp_listener() { ::close(socket_); }
  [[nodiscard]] std::uint16_t port() const { return port_; }

  // Every datagram that arrives within `wait_ms` of the previous one.
  std::vector<std::string> receive(int wait_ms) const {
    std::vector<std::string> datagrams;
    pollfd ready{socket_, POLLIN, 0};
    while (::poll(&ready, 1, wait_ms) > 0) {
      std::string buffer(65536, '\0');
      const auto got = ::recv(socket_, buffer.data(), buffer.size(), 0);
      if (got < 0) break;
      buffer.resize(static_cast<std::size_t>(got));
      datagrams.push_back(buffer);
    }
    return datagrams;
  }

 private:
  int socket_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("a monitor fires once per cooldown while its condition holds", "[monitor][monitors]") {
  metron::monitoring hub(with_monitor("x.last > 5 and x.count >= 1"));
  hub.evaluate_now();
  REQUIRE(hub.monitors().size() == 1);
  CHECK_FALSE(hub.monitors()[0].holds);  // nothing observed: unknown
  hub.observe("x", 3);
  hub.evaluate_now();
  CHECK(hub.monitors()[0].holds == false);
  hub.observe("x", 10);
  hub.evaluate_now();
  hub.evaluate_now();
  CHECK(hub.monitors()[0].holds == true);
  CHECK(hub.monitors()[0].fired == 1);
  REQUIRE(hub.alerts().size() == 1);
  CHECK(hub.alerts()[0].monitor == "m");
  CHECK(hub.alerts()[0].text == "it holds");
  CHECK(hub.alerts()[0].level == metron::severity::error);
}

TEST_CASE("without a cooldown a monitor fires at every evaluation", "[monitor][monitors]") {
  metron::monitoring hub(with_monitor("x.max >= 1kB", {}, std::chrono::milliseconds(0)));
  hub.observe("x", 2000);
  hub.evaluate_now();
  hub.evaluate_now();
  CHECK(hub.alerts().size() == 2);
}

TEST_CASE("a precondition that does not hold keeps the monitor quiet", "[monitor][monitors]") {
  metron::monitoring hub(with_monitor("x.last > 5", "x.count > 3"));
  hub.observe("x", 10);
  hub.evaluate_now();
  CHECK(hub.alerts().empty());
  CHECK_FALSE(hub.monitors()[0].holds);
  for (int i = 0; i < 3; ++i) hub.observe("x", 10);
  hub.evaluate_now();
  CHECK(hub.alerts().size() == 1);
}

TEST_CASE("a monitor over a series no rule aggregates is a warning, not an error", "[monitor][monitors]") {
  auto config = with_monitor("ghost.p99 > 1ms or x.count > 0");
  config.default_rule.reset();
  config.namespaces.emplace_back("x", metron::aggregation_rule{});
  metron::monitoring hub(config);
  REQUIRE(hub.warnings().size() == 1);
  CHECK(hub.warnings()[0] == "test: monitor 'm' reads 'ghost.p99', but no aggregation rule covers "
                             "series 'ghost'; it stays unknown");
  hub.observe("ghost", 1e9);
  hub.observe("x", 1);
  CHECK(hub.snapshot().metrics.size() == 1);
  hub.evaluate_now();
  CHECK(hub.alerts().size() == 1);
}

TEST_CASE("a malformed expression given in code is an input error", "[monitor][monitors]") {
  CHECK_THROWS_AS(metron::monitoring{with_monitor("x.last >")}, metron::input_error);
}

TEST_CASE("probe brackets, counters and gauges feed the aggregates", "[monitor][probe]") {
  metron::monitoring hub(metron::monitor_config{});
  metron::session_options options;
  options.sinks.push_back(hub.probe_sink());
  options.resource_interval = std::chrono::milliseconds(5);
  metron::start_session(options);
  std::thread worker([] {
    for (int i = 0; i < 500; ++i) {
      METRON_BRACKET("hub_test.step");
      METRON_COUNT("hub_test.items", 2);
      METRON_GAUGE("hub_test.level", i);
    }
  });
  worker.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  metron::stop_session();
  std::map<std::string, metron::metric_snapshot> by_name;
  for (const auto& metric : hub.snapshot().metrics) by_name.emplace(metric.name, metric);
  REQUIRE(by_name.count("hub_test.step") == 1);
  CHECK(by_name["hub_test.step"].values.count == 500);
  CHECK(by_name["hub_test.step"].unit == metron::metric_unit::nanoseconds);
  CHECK(by_name["hub_test.step"].values.min >= 0);
  CHECK(by_name["hub_test.items"].kind == metron::metric_kind::counter);
  CHECK(by_name["hub_test.items"].values.sum == 1000);
  CHECK(by_name["hub_test.level"].kind == metron::metric_kind::gauge);
  CHECK(by_name["hub_test.level"].values.last == 499);
  REQUIRE(by_name.count("process.resident_memory") == 1);
  CHECK(by_name["process.resident_memory"].values.last > 0);
  CHECK(by_name["process.cpu_user"].unit == metron::metric_unit::nanoseconds);
}

TEST_CASE("log records feed the aggregates; aggregates and alerts are log records", "[monitor][log]") {
  auto config = with_monitor("jobs.size.max >= 100");
  config.emit_interval = std::chrono::milliseconds(20);
  config.evaluation_interval = std::chrono::milliseconds(20);
  metron::monitoring hub(config);
  auto kept = std::make_shared<keeping_sink>();
  metron::log_config logging;
  logging.default_sinks = {"monitor", "kept"};
  metron::start_logging(logging, {hub.log_sink("monitor"), metron::named_sink{"kept", kept}});
  const metron::logger jobs("jobs");
  for (int i = 1; i <= 100; ++i) jobs.info(nlohmann::json{{"size", i}, {"name", "job"}, {"elapsed_ns", 10 * i}});
  hub.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  hub.stop();
  metron::stop_logging();

  std::map<std::string, metron::metric_snapshot> by_name;
  for (const auto& metric : hub.snapshot().metrics) by_name.emplace(metric.name, metric);
  REQUIRE(by_name.count("jobs.size") == 1);
  CHECK(by_name["jobs.size"].values.count == 100);
  CHECK(by_name["jobs.size"].values.mean == Approx(50.5));
  CHECK(by_name["jobs.elapsed_ns"].unit == metron::metric_unit::nanoseconds);
  CHECK(by_name.count("jobs.name") == 0);
  CHECK(hub.alerts().size() == 1);

  const auto records = kept->records();
  const auto aggregate = std::find_if(records.begin(), records.end(), [](const metron::log_object& r) {
    return r.name_space == "#aggregation.jobs.size";
  });
  REQUIRE(aggregate != records.end());
  CHECK(aggregate->payload["values"]["count"] == 100);
  const auto alert = std::find_if(records.begin(), records.end(), [](const metron::log_object& r) {
    return r.name_space == "#alert.m";
  });
  REQUIRE(alert != records.end());
  CHECK(alert->level == metron::severity::error);
  CHECK(alert->payload["text"] == "it holds");
}

TEST_CASE("severity actions change the logging configuration", "[monitor][log]") {
  auto config = with_monitor("x.last > 0");
  config.monitors[0].actions = {{metron::action_kind::set_min_severity, metron::severity::debug, {}, {}},
                                {metron::action_kind::set_namespace_severity, metron::severity::error, {}, "noisy.part"}};
  metron::monitoring hub(config);
  hub.observe("x", 1);
  hub.evaluate_now();
  CHECK(hub.problems().size() == 1);  // logging is not active yet
  metron::start_logging(metron::log_config{});
  metron::monitoring active(config);
  active.observe("x", 1);
  active.evaluate_now();
  const auto now = metron::current_logging_config();
  metron::stop_logging();
  CHECK(active.problems().empty());
  CHECK(now.min_severity == metron::severity::debug);
  const auto noisy = std::find_if(now.namespaces.begin(), now.namespaces.end(),
                                  [](const metron::namespace_config& space) { return space.name == "noisy.part"; });
  REQUIRE(noisy != now.namespaces.end());
  CHECK(noisy->min_severity == metron::severity::error);
}

TEST_CASE("statsd receives counters, gauges and timings in small datagrams", "[monitor][statsd]") {
  const udp_listener daemon;
  metron::monitor_config config;
  config.statsd = metron::statsd_exporter_config{};
  config.statsd->port = daemon.port();
  config.statsd->prefix = "app.";
  config.statsd->interval = std::chrono::hours(1);  // one batch, sent by stop()
  metron::monitoring hub(config);
  hub.start();
  for (int i = 0; i < 200; ++i) {
    hub.observe("s" + std::to_string(i) + ".items", 5, metron::metric_kind::counter);
  }
  hub.observe("queue", 42, metron::metric_kind::gauge);
  hub.observe("step", 2.5e6, metron::metric_kind::summary, metron::metric_unit::nanoseconds);
  hub.observe("step", 1.5e6, metron::metric_kind::summary, metron::metric_unit::nanoseconds);
  hub.stop();
  const auto datagrams = daemon.receive(500);
  REQUIRE(datagrams.size() >= 2);
  std::string all;
  for (const auto& datagram : datagrams) {
    CHECK(datagram.size() < 1432);
    all += datagram + "\n";
  }
  CHECK(all.find("app.s7.items:5|c\n") != std::string::npos);
  CHECK(all.find("app.queue:42|g\n") != std::string::npos);
  CHECK(all.find("app.step:2.5|ms\n") != std::string::npos);
  CHECK(all.find("app.step:1.5|ms\n") != std::string::npos);
  CHECK(std::count(all.begin(), all.end(), '\n') == 203);
}

TEST_CASE("statsd sampling sends a share of the timings with its rate", "[monitor][statsd]") {
  const udp_listener daemon;
  metron::monitor_config config;
  config.statsd = metron::statsd_exporter_config{};
  config.statsd->port = daemon.port();
  config.statsd->sample_rate = 0.25;
  config.statsd->interval = std::chrono::hours(1);
  metron::monitoring hub(config);
  hub.start();
  for (int i = 0; i < 100; ++i) hub.observe("t", 1e6, metron::metric_kind::summary, metron::metric_unit::nanoseconds);
  hub.stop();  // sends what is pending
  const auto datagrams = daemon.receive(200);
  std::string all;
  for (const auto& datagram : datagrams) all += datagram + "\n";
  std::size_t lines = 0;
  for (std::size_t at = all.find("t:1|ms|@0.25\n"); at != std::string::npos; at = all.find("t:1|ms|@0.25\n", at + 1)) ++lines;
  CHECK(lines == 25);
}

TEST_CASE("a statsd exporter with a bad address is reported and disabled", "[monitor][statsd]") {
  metron::monitor_config config;
  config.statsd = metron::statsd_exporter_config{};
  config.statsd->host = "statsd.example";
  metron::monitoring hub(config);
  hub.start();
  hub.observe("x", 1);
  hub.stop();
  REQUIRE(hub.problems().size() == 1);
  CHECK(hub.problems()[0] == "statsd exporter: 'statsd.example' is not an IPv4 address; it is disabled");
}
