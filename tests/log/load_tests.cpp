// Tests of the file sink under load: rotation every few milliseconds, and a disk that fills up.
#include "log_test_support.hpp"

#include <metron/log.hpp>

#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

namespace {

using namespace std::chrono_literals;

constexpr int threads = 4;
constexpr int per_thread = 5000;

// A tmpfs of `bytes` mounted at a fresh folder for the test's lifetime: a disk that fills up.
// Mounting needs root (CAP_SYS_ADMIN), which the tests have here and in CI; without it the test
// fails and says so rather than pass without having tried.
class small_disk {
 public:
  explicit small_disk(std::size_t bytes) : mount_point_(folder_.path() / "disk") {
    std::filesystem::create_directories(mount_point_);
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      const std::string reason = std::strerror(errno);
      FAIL("cannot mount a tmpfs at " << mount_point_.string() << ": " << reason
                                      << "; this test needs root (CAP_SYS_ADMIN)");
    }
  }
  small_disk(const small_disk&) = delete;
  small_disk& operator=(const small_disk&) = delete;
  ~small_disk() { ::umount2(mount_point_.c_str(), MNT_DETACH); }
  const std::filesystem::path& path() const { return mount_point_; }

 private:
  metron::test::scratch_folder folder_;
  std::filesystem::path mount_point_;
};

// Records of namespace "load" to a file sink rotated every `max_bytes`; everything else, the
// logger's own records included, to the memory sink.
metron::log_config load_config(const std::filesystem::path& file, std::uint64_t max_bytes) {
  auto config = metron::parse_log_config(
      "min_severity: debug\ndefault_sinks: [memory]\n"
      "sinks: {file: {kind: file, path: " +
          file.string() + ", rotation: {max_bytes: " + std::to_string(max_bytes) +
          "}}}\nnamespaces: {load: {sinks: [file]}}\n",
      "load.yaml", {"memory"});
  // Room for every record: what is tested is the file, not the queues.
  config.queue_records = 1 << 16;
  return config;
}

// Logs `per_thread` numbered records from each of `threads` threads, numbers from `first`.
void flood(int first) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([t, first] {
      const metron::logger log("load");
      for (int i = 0; i < per_thread; ++i) {
        log.info(
            nlohmann::json{{"n", first + t * per_thread + i}, {"padding", "0123456789abcdef"}});
      }
    });
  }
  for (auto& worker : workers) worker.join();
}

// The files of a rotated log, oldest first, without the link.
std::vector<std::filesystem::path> log_files(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_symlink() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// How often each number appears in the files; every line must be a whole JSON record.
std::map<int, int> numbers_in(const std::vector<std::filesystem::path>& files) {
  std::map<int, int> seen;
  for (const auto& file : files) {
    for (const auto& line : metron::test::read_lines(file)) {
      INFO(file.string() << ": " << line);
      REQUIRE(nlohmann::json::accept(line));
      ++seen[nlohmann::json::parse(line).at("payload").at("n").get<int>()];
    }
  }
  return seen;
}

}  // namespace

TEST_CASE("lines from several threads rotated every few milliseconds are each written once",
          "[log][mt]") {
  const metron::test::scratch_folder folder;
  auto memory = std::make_shared<metron::test::recording_log_sink>();
  constexpr std::uint64_t max_bytes = 16 << 10;
  metron::start_logging(load_config(folder.path() / "load.json", max_bytes), {{"memory", memory}});
  flood(0);
  metron::stop_logging();

  const auto stats = metron::current_logging_stats();
  CHECK(stats.dropped == 0);
  CHECK(stats.sink_dropped == 0);
  CHECK(metron::logging_problems().empty());
  const auto files = log_files(folder.path());
  // About 130 bytes a line: a new file every ~125 lines, some 160 rotations.
  CHECK(files.size() > 100);
  for (const auto& file : files) CHECK(std::filesystem::file_size(file) <= max_bytes);
  const auto seen = numbers_in(files);
  CHECK(seen.size() == threads * per_thread);
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == 1; }));
  CHECK(seen.begin()->first == 0);
  CHECK(seen.rbegin()->first == threads * per_thread - 1);
}

TEST_CASE("a full disk drops, counts and reports lines, never blocks, and logging resumes",
          "[log][mt]") {
  const small_disk disk(128 << 10);
  const auto path = disk.path() / "load.json";
  auto memory = std::make_shared<metron::test::recording_log_sink>();
  metron::start_logging(load_config(path, 16 << 10), {{"memory", memory}});
  // 2.6 MB into 128 KiB: most lines cannot be written; the threads go on regardless.
  flood(0);
  metron::stop_logging();

  const auto stats = metron::current_logging_stats();
  CHECK(stats.dropped == 0);
  CHECK(stats.sink_dropped > 0);
  const auto seen = numbers_in(log_files(disk.path()));
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == 1; }));
  // What reached no file was counted, line for line.
  CHECK(seen.size() + stats.sink_dropped == threads * per_thread);
  // Reported once as a problem, and by warning records that say how many.
  const auto problems = metron::logging_problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].starts_with("sink 'file' drops records: " + disk.path().string() + "/load-"));
  CHECK(problems[0].find("No space left on device") != std::string::npos);
  std::uint64_t told = 0;
  for (const auto& record : metron::test::in_namespace(memory->records(), "metron.log")) {
    if (record.payload.contains("dropped"))
      told += record.payload.at("dropped").get<std::uint64_t>();
  }
  CHECK(told > 0);
  CHECK(told <= stats.sink_dropped);

  // Room again (every file but the newest goes): the next lines are written, none dropped.
  const auto files = log_files(disk.path());
  for (std::size_t i = 0; i + 1 < files.size(); ++i) std::filesystem::remove(files[i]);
  metron::start_logging(load_config(path, 16 << 10), {{"memory", memory}});
  const metron::logger log("load");
  constexpr int resumed = 50;
  for (int i = 0; i < resumed; ++i) log.info(nlohmann::json{{"n", 1'000'000 + i}});
  metron::stop_logging();
  CHECK(metron::current_logging_stats().sink_dropped == 0);
  const auto after = numbers_in(log_files(disk.path()));
  for (int i = 0; i < resumed; ++i) CHECK(after.contains(1'000'000 + i));
}

TEST_CASE("a file sink on a full disk drops whole lines and resumes once there is room", "[log]") {
  const small_disk disk(64 << 10);
  const auto path = disk.path() / "node.json";
  auto sink = metron::make_file_sink(path, metron::sink_format::json, {16 << 10, 0s, 0});
  metron::log_object record;
  record.host = "node-1";
  record.name_space = "load";
  const auto write = [&](int n) {
    record.payload = {{"n", n}, {"padding", std::string(200, 'p')}};
    sink->write(record);
  };
  int n = 0;
  metron::sink_losses losses;
  while (losses.records == 0 && n < 10000) {
    write(n++);
    sink->flush();
    losses = sink->take_losses();
  }
  REQUIRE(losses.records > 0);
  CHECK(losses.reason.find("No space left on device") != std::string::npos);
  const auto full = numbers_in(log_files(disk.path()));
  CHECK(full.size() + losses.records == static_cast<std::size_t>(n));
  const auto files = log_files(disk.path());
  for (std::size_t i = 0; i + 1 < files.size(); ++i) std::filesystem::remove(files[i]);
  for (int i = 0; i < 10; ++i) write(1'000'000 + i);
  sink->flush();
  CHECK(sink->take_losses().records == 0);
  const auto after = numbers_in(log_files(disk.path()));
  for (int i = 0; i < 10; ++i) CHECK(after.contains(1'000'000 + i));
}
