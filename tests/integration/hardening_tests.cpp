// End-to-end tests of `metron record` and the atomic outputs under signals: forwarded signals,
// a recorder killed outright, the capture's size bound, the program's ending, and temporary
// output files removed when a signal ends metron.
#include "fixture.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using metron::test::process_result;
using metron::test::run;
using metron::test::run_options;
using metron::test::scratch_dir;
using nlohmann::json;

process_result run_metron(const std::vector<std::string>& arguments, const scratch_dir& directory) {
  return metron::test::run_tool(METRON_TOOL_PATH, arguments, run_options{directory.path(), {}});
}

json info_of(const scratch_dir& directory, const std::string& capture) {
  const process_result info = run_metron({"info", "--json", capture}, directory);
  REQUIRE(info.exit_code == 0);
  return json::parse(info.out);
}

// Records a program that copies the fixture capture into place and then runs `then`.
process_result record_fixture(const scratch_dir& directory, const std::string& then) {
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  return run_metron({"record", "-o", "run.mtr", "--", "/bin/sh", "-c",
                     "ulimit -c 0; cp fixture.mtr \"$METRON_CAPTURE\"; " + then},
                    directory);
}

// Whether process `pid` is gone: no such process, or a zombie nobody has reaped yet.
bool gone(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) {
    return true;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string fields;
  std::getline(stat, fields);
  const auto end = fields.rfind(')');
  return end != std::string::npos && end + 2 < fields.size() && fields[end + 2] == 'Z';
}

}  // namespace

TEST_CASE("SIGHUP and SIGQUIT sent to metron reach the program and the capture is put in place",
          "[integration][record][signals]") {
  for (const char* signal_name : {"HUP", "QUIT"}) {
    INFO("SIG" << signal_name);
    const scratch_dir directory;
    const process_result result =
        record_fixture(directory, std::string("kill -") + signal_name + " $PPID; exec sleep 30");
    const int number = std::string(signal_name) == "HUP" ? SIGHUP : SIGQUIT;
    CHECK(result.exit_code == 128 + number);
    CHECK(directory.entries() == std::vector<std::string>{"fixture.mtr", "run.mtr"});
    const json info = info_of(directory, "run.mtr");
    CHECK(info.at("ending").at("signal") == number);
  }
}

TEST_CASE("a program does not outlive a recorder killed with SIGKILL",
          "[integration][record][signals]") {
  const scratch_dir directory;
  const process_result result = run_metron(
      {"record", "--", "/bin/sh", "-c", "echo $$ > child.pid; kill -KILL $PPID; exec sleep 30"},
      directory);
  CHECK(result.exit_code == 128 + SIGKILL);
  std::ifstream pid_file(directory.file("child.pid"));
  pid_t child = 0;
  REQUIRE(pid_file >> child);
  // A liveness deadline, generous for a loaded machine: the kernel kills the child at once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!gone(child) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const bool child_gone = gone(child);
  if (!child_gone) {
    kill(child, SIGKILL);
  }
  CHECK(child_gone);
}

TEST_CASE("the capture records how the program ended, and info shows it",
          "[integration][record][info]") {
  struct ending_case {
    std::string then;
    int exit_code;
    json ending;
    std::string text;
  };
  for (const ending_case& expected :
       std::vector<ending_case>{{"exit 0", 0, {{"exit_status", 0}}, "exited with status 0"},
                                {"exit 3", 3, {{"exit_status", 3}}, "exited with status 3"},
                                {"kill -TERM $$",
                                 128 + SIGTERM,
                                 {{"signal", SIGTERM}, {"signal_name", "SIGTERM"}},
                                 "killed by signal 15 (SIGTERM)"}}) {
    INFO(expected.then);
    const scratch_dir directory;
    CHECK(record_fixture(directory, expected.then).exit_code == expected.exit_code);
    const json info = info_of(directory, "run.mtr");
    CHECK(info.at("ending") == expected.ending);
    CHECK(info.at("complete") == true);
    const process_result text = run_metron({"info", "run.mtr"}, directory);
    CHECK(text.out.find("ended        " + expected.text + "\n") != std::string::npos);
  }
  // A capture written without a recorder says nothing of an ending.
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  CHECK(info_of(directory, "fixture.mtr").at("ending").is_null());
}

#ifdef METRON_QUICKSTART_PATH
TEST_CASE("a capture stops at --max-size and says so", "[integration][record]") {
  const scratch_dir directory;
  const process_result result = run_metron(
      {"record", "-o", "run.mtr", "--max-size", "8k", "--", METRON_QUICKSTART_PATH}, directory);
  CHECK(result.exit_code == 0);
  CHECK(result.err.find("reached its size bound of 8 KiB") != std::string::npos);
  const json info = info_of(directory, "run.mtr");
  CHECK(info.at("size_limit_bytes") == 8192);
  CHECK(info.at("complete") == true);
  // Past the bound come only the footer and the ending: a few bytes per thread.
  CHECK(info.at("file_bytes").get<std::uint64_t>() <= 8192 + 256);
}
#endif

TEST_CASE("SIGTERM during an output write leaves no temporary file", "[integration][signals]") {
  const scratch_dir directory;
  metron::test::write_fixture_capture(directory.file("fixture.mtr"));
  // metron writes its output under .out.jsonl.PID.tmp. The child, which keeps its process id
  // through exec, makes that name a FIFO first: metron's write then blocks once the pipe is full,
  // deterministically inside the write, when the signal comes.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const std::string temporary = ".out.jsonl." + std::to_string(getpid()) + ".tmp";
    if (chdir(directory.path().c_str()) != 0 || mkfifo(temporary.c_str(), 0600) != 0) {
      _exit(127);
    }
    execl(METRON_TOOL_PATH, METRON_TOOL_PATH, "dump", "fixture.mtr", "-o", "out.jsonl", nullptr);
    _exit(127);
  }
  const std::string fifo = directory.file(".out.jsonl." + std::to_string(child) + ".tmp");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int reader = -1;
  while (reader < 0 && std::chrono::steady_clock::now() < deadline) {
    reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (reader < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  REQUIRE(reader >= 0);
  const int capacity = fcntl(reader, F_SETPIPE_SZ, 4096);
  int queued = 0;
  while (queued < capacity && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ioctl(reader, FIONREAD, &queued);
  }
  CHECK(queued == capacity);  // metron is blocked in its write
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  close(reader);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(directory.entries() == std::vector<std::string>{"fixture.mtr"});
}
