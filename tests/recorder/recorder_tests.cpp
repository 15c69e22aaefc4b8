// Tests of metron::recorder: environment, capture in place, unreadable captures, signals restored.
#include "support/scratch_dir.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/recorder/recorder.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <pthread.h>
#include <unistd.h>

namespace {

using metron::test::scratch_dir;

// Collects the notices of a recording.
struct notices {
  std::vector<std::string> lines;
  metron::record_notice sink() {
    return [this](std::string_view message) { lines.emplace_back(message); };
  }
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> entries(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// A complete capture of one bracket site with `count` records.
void write_capture(const std::string& path, std::int64_t count) {
  metron::capture_writer writer(path, R"({"host":"recorder-test"})");
  const std::vector<metron::site_info> sites = {
      {1, metron::site_kind::bracket, 0, 1, "test.call", "test.cpp", "void call()"}};
  writer.write_sites(sites);
  writer.write_thread({0, 1, "main"});
  std::vector<metron::record> records;
  for (std::int64_t i = 0; i < count; ++i) {
    records.push_back({1, 0, i * 10, i * 10 + 5, 0});
  }
  writer.write_records(0, records);
  metron::capture_footer footer;
  footer.end_ns = count * 10;
  writer.finish(footer);
}

int test_signal_count = 0;
void count_signal(int /*signal_number*/) { ++test_signal_count; }

}  // namespace

TEST_CASE("the program's environment: settings replace inherited variables", "[recorder]") {
  const scratch_dir directory;
  ::setenv("METRON_POLICY", "inherited", 1);
  ::setenv("METRON_RING_BYTES", "123", 1);
  metron::record_request request;
  request.output = directory.file("run.mtr");
  request.policy = "drop";
  request.resource_interval_ms = 0;
  const std::string environment = directory.file("environment.txt");
  request.command = {"/bin/sh", "-c", "env > \"$0\"", environment};
  notices told;
  const metron::record_result result = metron::record_program(request, told.sink());
  ::unsetenv("METRON_POLICY");
  ::unsetenv("METRON_RING_BYTES");

  CHECK(result.exit_status == 0);
  CHECK_FALSE(result.capture);
  std::vector<std::string> metron_variables;
  for (const std::string& line : lines_of(environment)) {
    if (line.starts_with("METRON_")) {
      metron_variables.push_back(line);
    }
  }
  std::sort(metron_variables.begin(), metron_variables.end());
  const std::string temporary =
      (std::filesystem::path(directory.file(".run.mtr." + std::to_string(::getpid()) + ".tmp")))
          .string();
  CHECK(metron_variables ==
        std::vector<std::string>{"METRON_CAPTURE=" + temporary,
                                 "METRON_CAPTURE_MAX_BYTES=1073741824", "METRON_POLICY=drop",
                                 "METRON_RESOURCE_INTERVAL_MS=0", "METRON_RING_BYTES=123"});
  CHECK(told.lines == std::vector<std::string>{"warning: '/bin/sh' wrote no capture; is it linked "
                                               "with metron::probe? (" +
                                               request.output + " was not written)"});
}

TEST_CASE("a capture the program writes is put at the output and totalled", "[recorder]") {
  const scratch_dir directory;
  const std::string source = directory.file("source.mtr");
  write_capture(source, 25);
  metron::record_request request;
  request.output = directory.file("run.mtr");
  request.command = {"/bin/sh", "-c", "cp \"$0\" \"$METRON_CAPTURE\"; exit 3", source};
  notices told;
  const metron::record_result result = metron::record_program(request, told.sink());
  CHECK(result.exit_status == 3);
  CHECK(told.lines.empty());
  REQUIRE(result.capture);
  CHECK(result.capture->records == 25);
  CHECK(result.capture->status.complete);
  CHECK(result.capture->duration_ns == 250);
  // The temporary file is gone: only the source and the output are left.
  CHECK(entries(directory.file("")) == std::vector<std::string>{"run.mtr", "source.mtr"});
}

TEST_CASE("an unreadable capture is put in place, and a notice says why it is not totalled",
          "[recorder]") {
  const scratch_dir directory;
  metron::record_request request;
  request.output = directory.file("run.mtr");
  request.command = {"/bin/sh", "-c", "echo 'not a capture' > \"$METRON_CAPTURE\""};
  notices told;
  const metron::record_result result = metron::record_program(request, told.sink());
  CHECK(result.exit_status == 0);
  CHECK_FALSE(result.capture);
  REQUIRE(told.lines.size() == 1);
  CHECK(told.lines[0].starts_with("warning: the capture is unreadable: "));
  CHECK(std::filesystem::exists(request.output));
}

TEST_CASE("a program killed by a signal: 128+N and a notice naming the signal", "[recorder]") {
  const scratch_dir directory;
  metron::record_request request;
  request.output = directory.file("run.mtr");
  request.command = {"/bin/sh", "-c", "kill -KILL $$"};
  notices told;
  const metron::record_result result = metron::record_program(request, told.sink());
  CHECK(result.exit_status == 128 + 9);
  REQUIRE_FALSE(told.lines.empty());
  CHECK(told.lines[0] == "'/bin/sh' was killed by signal 9 (SIGKILL)");
}

TEST_CASE("the signal handlers and mask are given back after the run", "[recorder]") {
  const scratch_dir directory;
  struct sigaction mine {};
  mine.sa_handler = count_signal;
  sigemptyset(&mine.sa_mask);
  struct sigaction previous {};
  REQUIRE(sigaction(SIGTERM, &mine, &previous) == 0);
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  sigset_t previous_mask;
  REQUIRE(pthread_sigmask(SIG_BLOCK, &blocked, &previous_mask) == 0);

  metron::record_request request;
  request.output = directory.file("run.mtr");
  request.command = {"/bin/sh", "-c", "exit 0"};
  notices told;
  CHECK(metron::record_program(request, told.sink()).exit_status == 0);

  struct sigaction now {};
  REQUIRE(sigaction(SIGTERM, nullptr, &now) == 0);
  CHECK(now.sa_handler == count_signal);
  sigset_t mask_now;
  REQUIRE(pthread_sigmask(SIG_SETMASK, nullptr, &mask_now) == 0);
  CHECK(sigismember(&mask_now, SIGUSR1) == 1);
  CHECK(sigismember(&mask_now, SIGTERM) == 0);
  CHECK(sigismember(&mask_now, SIGINT) == 0);

  pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  sigaction(SIGTERM, &previous, nullptr);
  CHECK(test_signal_count == 0);
}

TEST_CASE("nothing to run is an input error", "[recorder]") {
  const scratch_dir directory;
  metron::record_request request;
  request.output = directory.file("run.mtr");
  notices told;
  CHECK_THROWS_AS((void)metron::record_program(request, told.sink()), metron::input_error);
}
