// Tests of sessions and the collector: exact accounting, thread exit, fork, captures, bad paths.
#include "session_helpers.hpp"

#include <metron/bracket.hpp>
#include <metron/capture/capture.hpp>
#include <metron/error.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using metron::overflow_policy;
using metron::session_options;
using metron::test::record_session;

namespace {

std::filesystem::path temporary_path(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("metron-probe-tests-" + std::to_string(getpid()) + "-" + name);
}

void burst(int count) {
  for (int i = 0; i < count; ++i) {
    METRON_BRACKET("test.burst");
  }
}

std::uint64_t count_records(const metron::test::recording_sink& sink) {
  std::uint64_t total = 0;
  for (const auto& [thread, records] : sink.records) {
    total += records.size();
  }
  return total;
}

}  // namespace

TEST_CASE("captured plus dropped equals produced, for both policies", "[probe][mt]") {
  constexpr int threads = 4;
  constexpr int per_thread = 100'000;
  const auto policy = GENERATE(overflow_policy::block, overflow_policy::drop);
  session_options options;
  options.policy = policy;
  options.ring_bytes = 64 * 32;  // small rings so that they fill up
  auto sink = record_session(
      [] {
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
          workers.emplace_back([] { burst(per_thread); });
        }
        for (auto& worker : workers) {
          worker.join();
        }
      },
      options);
  const std::uint64_t captured = sink->named("test.burst").size();
  const std::uint64_t produced = std::uint64_t{threads} * per_thread;
  CHECK(captured + sink->summary.dropped == produced);
  CHECK(sink->summary.records == captured);
  CHECK(sink->summary.threads.size() == threads);
  std::uint64_t per_thread_total = 0;
  for (const auto& totals : sink->summary.threads) {
    per_thread_total += totals.records + totals.dropped;
  }
  CHECK(per_thread_total == produced);
  if (policy == overflow_policy::block) {
    CHECK(sink->summary.dropped == 0);
    CHECK(captured == produced);
  }
  CHECK_FALSE(sink->order_violated);
  CHECK(sink->starts == 1);
  CHECK(sink->stops == 1);
}

TEST_CASE("a thread that exits during a session is drained, not lost", "[probe][mt]") {
  auto sink = record_session([] {
    std::thread short_lived([] { burst(5000); });
    short_lived.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    burst(10);
  });
  CHECK(sink->named("test.burst").size() == 5010);
  CHECK(sink->threads.size() == 2);
  CHECK(sink->summary.dropped == 0);
}

TEST_CASE("records of each thread arrive in the order the thread made them", "[probe][mt]") {
  auto sink = record_session([] {
    std::vector<std::thread> workers;
    for (int t = 0; t < 3; ++t) {
      workers.emplace_back([] { burst(20000); });
    }
    for (auto& worker : workers) {
      worker.join();
    }
  });
  for (const auto& [thread, records] : sink->records) {
    for (std::size_t i = 1; i < records.size(); ++i) {
      REQUIRE(records[i - 1].end_ns <= records[i].end_ns);
    }
  }
}

TEST_CASE("probes record nothing outside a session", "[probe]") {
  burst(100);
  auto sink = record_session([] { burst(3); });
  burst(100);
  CHECK(sink->named("test.burst").size() == 3);
  CHECK_FALSE(metron::session_active());
  CHECK(metron::stop_session().records == 0);
}

TEST_CASE("a second start while a session is active is refused", "[probe]") {
  metron::start_session({});
  CHECK(metron::session_active());
  CHECK_THROWS_AS(metron::start_session({}), metron::error);
  metron::stop_session();
  CHECK_FALSE(metron::session_active());
}

TEST_CASE("an unwritable capture path fails the start and leaves probes off", "[probe]") {
  session_options options;
  options.capture_path = "/nonexistent-directory/run.mtr";
  try {
    metron::start_session(options);
    FAIL("start_session accepted an unwritable path");
  } catch (const metron::resource_error& failure) {
    CHECK_THAT(failure.what(), Catch::Contains("/nonexistent-directory/run.mtr"));
  }
  CHECK_FALSE(metron::session_active());
}

TEST_CASE("a session writes a capture that reads back whole", "[probe]") {
  const auto path = temporary_path("round-trip.mtr");
  session_options options;
  options.capture_path = path.string();
  options.resource_interval = std::chrono::milliseconds(5);
  auto sink = record_session(
      [] {
        std::thread worker([] { burst(3000); });
        burst(2000);
        METRON_GAUGE("test.size", 42);
        worker.join();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      },
      options);
  const metron::capture capture = metron::load_capture(path.string());
  CHECK(capture.status.complete);
  REQUIRE(capture.has_footer);
  std::uint64_t records = 0;
  for (const auto& per_thread : capture.records) {
    records += per_thread.size();
  }
  CHECK(records == sink->summary.records);
  CHECK(records == count_records(*sink));
  CHECK(capture.footer.threads == sink->summary.threads);
  CHECK(capture.footer.end_ns == sink->summary.duration_ns);
  CHECK(capture.threads.size() == 2);
  CHECK(capture.resources.size() >= 2);
  CHECK(capture.resources.front().rss_bytes > 0);
  CHECK(capture.metadata_json.find("\"tick_hz\":") != std::string::npos);
  CHECK(capture.metadata_json.find("\"cpu_model\":") != std::string::npos);
  CHECK(capture.metadata_json.find("\"command_line\":[") != std::string::npos);
  for (std::size_t thread = 0; thread < capture.records.size(); ++thread) {
    CHECK(capture.records[thread] == sink->records[static_cast<std::uint32_t>(thread)]);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a fork child starts with no session and can run its own", "[probe][fork]") {
  const auto child_path = temporary_path("child.mtr");
  auto sink = record_session([&] {
    burst(10);
    const pid_t child = fork();
    if (child == 0) {
      bool clean = !metron::session_active();
      session_options options;
      options.capture_path = child_path.string();
      metron::start_session(options);
      burst(100);
      const metron::session_summary summary = metron::stop_session();
      clean = clean && summary.records == 100 && summary.dropped == 0;
      _exit(clean ? 0 : 1);
    }
    REQUIRE(child > 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    burst(5);
  });
  CHECK(sink->named("test.burst").size() == 15);
  const metron::capture child_capture = metron::load_capture(child_path.string());
  std::uint64_t child_records = 0;
  for (const auto& per_thread : child_capture.records) {
    child_records += per_thread.size();
  }
  CHECK(child_records == 100);
  std::filesystem::remove(child_path);
}

TEST_CASE("a fork child ended by SIGTERM still completes its capture", "[probe][fork]") {
  const auto path = temporary_path("terminated.mtr");
  int ready[2] = {-1, -1};
  REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  if (child == 0) {
    // The test runner handles SIGTERM itself; a program's default is what this is about.
    std::signal(SIGTERM, SIG_DFL);
    setenv("METRON_CAPTURE", path.c_str(), 1);
    if (!metron::start_session_from_environment()) {
      _exit(3);
    }
    burst(1000);
    const char byte = 'r';
    if (write(ready[1], &byte, 1) != 1) {
      _exit(4);
    }
    for (;;) {
      burst(100);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  REQUIRE(child > 0);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  REQUIRE(kill(child, SIGTERM) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  close(ready[0]);
  close(ready[1]);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  const metron::capture capture = metron::load_capture(path.string());
  CHECK(capture.status.complete);
  CHECK(capture.has_footer);
  std::uint64_t records = 0;
  for (const auto& per_thread : capture.records) {
    records += per_thread.size();
  }
  CHECK(records >= 1000);
  std::filesystem::remove(path);
}

TEST_CASE("live statistics count delivered records", "[probe]") {
  metron::start_session({});
  burst(1000);
  for (int attempt = 0; attempt < 500 && metron::current_stats().records < 1000; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(metron::current_stats().records == 1000);
  const metron::session_summary summary = metron::stop_session();
  CHECK(summary.records == 1000);
  CHECK(summary.tick_hz_start > 0);
  CHECK(summary.tick_hz_stop > 0);
}
