// An instrumented program for the monitor's end-to-end tests: it runs a known workload through
// probes and logging into a monitoring hub configured by the file it is given, prints
// "ready <http port>" and serves until its standard input closes.
#include <metron/bracket.hpp>
#include <metron/log.hpp>
#include <metron/monitor/monitor.hpp>
#include <metron/probe/session.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <thread>

namespace {

// Busy-waits `duration`, so that a bracket around it lasts at least that long.
void spin(std::chrono::microseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
  }
}

// The workload the tests know the answers of: 1000 steps, every tenth ten times as slow; 3 items
// a step; the queue gauge ends at 999; job sizes 1 … 1000 logged in namespace work.job.
void run_workload() {
  const metron::logger jobs("work.job");
  for (int step = 0; step < 1000; ++step) {
    {
      METRON_BRACKET("work.step");
      spin(std::chrono::microseconds(step % 10 == 0 ? 2000 : 50));
    }
    METRON_COUNT("work.items", 3);
    METRON_GAUGE("work.queue", step);
    jobs.info(nlohmann::json{{"size", step + 1}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s config.yaml\n", argv[0]);
    return 2;
  }
  try {
    auto log_settings = metron::load_log_config(argv[1]);
    // Sinks defined in code are routed to from code: the configuration's parser knows only its own.
    log_settings.default_sinks.push_back("monitor");
    metron::monitoring hub(metron::load_monitor_config(argv[1]));
    hub.start();
    metron::start_logging(log_settings, {hub.log_sink("monitor")});
    metron::session_options session;
    session.resource_interval = std::chrono::milliseconds(50);
    session.sinks.push_back(hub.probe_sink());
    metron::start_session(session);
    run_workload();
    // Let the collector take a few resource samples before the session ends.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    metron::stop_session();
    metron::stop_logging();
    hub.evaluate_now();
    std::cout << "ready " << hub.http_port().value_or(0) << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    hub.stop();
    for (const auto& problem : hub.problems()) std::fprintf(stderr, "problem: %s\n", problem.c_str());
  } catch (const std::exception& problem) {
    std::fprintf(stderr, "%s\n", problem.what());
    return 2;
  }
  return 0;
}
