// Tests of the file sink: rotation by size and age, the keep count, the link, appending at start.
#include "log_test_support.hpp"

#include <metron/error.hpp>
#include <metron/log/sink.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace {

using namespace std::chrono_literals;

// A clock the test moves by hand, starting at 2026-11-27 23:40:00 UTC.
struct manual_clock {
  std::shared_ptr<std::chrono::system_clock::time_point> now =
      std::make_shared<std::chrono::system_clock::time_point>(std::chrono::seconds(1795822800));
  metron::wall_clock function() const {
    return [now = now] { return *now; };
  }
};

metron::log_object numbered(int number) {
  metron::log_object record;
  record.timestamp_us = 1795822800LL * 1'000'000 + number;
  record.host = "node-1";
  record.thread = 7;
  record.name_space = "ledger.apply";
  record.payload = {{"line", number}};
  return record;
}

std::vector<std::filesystem::path> rotated(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_symlink()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every "line" number found in the files, with how often.
std::map<int, int> numbers_in(const std::vector<std::filesystem::path>& files) {
  std::map<int, int> seen;
  for (const auto& file : files) {
    for (const auto& line : metron::test::read_lines(file)) {
      ++seen[nlohmann::json::parse(line)["payload"]["line"].get<int>()];
    }
  }
  return seen;
}

}  // namespace

TEST_CASE("size rotation spreads N lines over K files, each line exactly once", "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "node.json";
  const manual_clock clock;
  std::string one_line;
  metron::append_json_line(one_line, numbered(100));
  const auto line_bytes = one_line.size() + 1;
  constexpr int lines = 1000;
  constexpr int lines_per_file = 64;
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json,
                                       {lines_per_file * line_bytes, 0s, 0}, clock.function());
    for (int i = 100; i < 100 + lines; ++i) sink->write(numbered(i));
    sink->flush();
  }
  const auto files = rotated(folder.path());
  CHECK(files.size() == (lines + lines_per_file - 1) / lines_per_file);
  const auto seen = numbers_in(files);
  CHECK(seen.size() == lines);
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == 1; }));
  CHECK(seen.begin()->first == 100);
  CHECK(seen.rbegin()->first == 100 + lines - 1);
  for (const auto& file : files) {
    CHECK(std::filesystem::file_size(file) <= lines_per_file * line_bytes);
  }
  // Names carry the start time; files started within one second take the following seconds.
  CHECK(files.front().filename() == "node-20261127234000.json");
  CHECK(files[1].filename() == "node-20261127234001.json");
  // The plain name links to the newest file.
  REQUIRE(std::filesystem::is_symlink(path));
  CHECK(std::filesystem::read_symlink(path) == files.back().filename());
}

TEST_CASE("lines with rendered payloads rotate like the others, each exactly once", "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "node.json";
  const manual_clock clock;
  std::string one_line;
  metron::append_json_line(one_line, numbered(1000));
  const auto line_bytes = one_line.size() + 1;
  constexpr int lines = 5000;
  constexpr int lines_per_file = 700;  // 700 lines are beyond the sink's write buffer
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json,
                                       {lines_per_file * line_bytes, 0s, 0}, clock.function());
    REQUIRE(sink->takes_rendered_payload());
    for (int i = 1000; i < 1000 + lines; ++i) {
      if (i % 2 == 0) {
        sink->write(numbered(i));
      } else {
        auto head = numbered(i);
        head.payload = nlohmann::json::object();
        sink->write_rendered(head, R"({"line":)" + std::to_string(i) + "}");
      }
      if (i % 1000 == 0) sink->flush();
    }
    sink->flush();
  }
  const auto files = rotated(folder.path());
  CHECK(files.size() == (lines + lines_per_file - 1) / lines_per_file);
  const auto seen = numbers_in(files);
  CHECK(seen.size() == lines);
  CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == 1; }));
  // In order within and across files.
  int expected = 1000;
  for (const auto& file : files) {
    CHECK(std::filesystem::file_size(file) <= lines_per_file * line_bytes);
    for (const auto& line : metron::test::read_lines(file)) {
      CHECK(nlohmann::json::parse(line)["payload"]["line"].get<int>() == expected++);
    }
  }
}

TEST_CASE("the keep count removes the oldest files and the link follows the newest", "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "node.json";
  const manual_clock clock;
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json, {0, 60s, 3},
                                       clock.function());
    for (int i = 0; i < 10; ++i) {
      sink->write(numbered(i));
      sink->write(numbered(100 + i));
      *clock.now += 61s;
    }
    sink->flush();
  }
  const auto files = rotated(folder.path());
  REQUIRE(files.size() == 3);
  // The last three minutes' files hold the last three pairs, in order.
  const auto seen = numbers_in(files);
  CHECK(seen == std::map<int, int>{{7, 1}, {8, 1}, {9, 1}, {107, 1}, {108, 1}, {109, 1}});
  CHECK(metron::test::read_lines(files.back()).size() == 2);
  CHECK(std::filesystem::read_symlink(path) == files.back().filename());
  CHECK(metron::test::read_lines(path).size() == 2);
}

TEST_CASE("at start the sink appends to the newest file while it is young and small enough",
          "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "node.json";
  const manual_clock clock;
  const metron::rotation_policy policy{1 << 20, 3600s, 0};
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json, policy, clock.function());
    sink->write(numbered(1));
    sink->flush();
  }
  *clock.now += 600s;
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json, policy, clock.function());
    sink->write(numbered(2));
    sink->flush();
  }
  CHECK(rotated(folder.path()).size() == 1);
  CHECK(metron::test::read_lines(path).size() == 2);

  *clock.now += 3600s;
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::json, policy, clock.function());
    sink->write(numbered(3));
    sink->flush();
  }
  const auto files = rotated(folder.path());
  REQUIRE(files.size() == 2);
  CHECK(files.back().filename() == "node-20261128005000.json");
  CHECK(metron::test::read_lines(path).size() == 1);
}

TEST_CASE("without limits the file sink writes the plain path", "[log]") {
  const metron::test::scratch_folder folder;
  const auto path = folder.path() / "sub" / "plain.log";
  {
    auto sink = metron::make_file_sink(path, metron::sink_format::text, {});
    sink->write(numbered(5));
    sink->flush();
  }
  CHECK_FALSE(std::filesystem::is_symlink(path));
  const auto lines = metron::test::read_lines(path);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "2026-11-27T23:40:00.000005Z info     ledger.apply [7] {\"line\":5}");
}

TEST_CASE("a file sink that cannot open its file says which and why", "[log]") {
  const metron::test::scratch_folder folder;
  const auto blocker = folder.path() / "file";
  metron::test::write_file(blocker, "x");
  CHECK_THROWS_AS(metron::make_file_sink(blocker / "node.json", metron::sink_format::json, {}),
                  metron::resource_error);
  const auto plain = folder.path() / "taken.json";
  metron::test::write_file(plain, "{}\n");
  CHECK_THROWS_WITH(
      metron::make_file_sink(plain, metron::sink_format::json, {100, 0s, 0}),
      Catch::Matchers::StartsWith(plain.string() + ": exists and is not a link"));
}
