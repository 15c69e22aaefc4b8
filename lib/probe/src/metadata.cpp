// Building the metadata block that opens every capture.
#include "metadata.hpp"

#include "observables.hpp"

#include <metron/capture/detail/json_text.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace metron::detail {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) {
    return "unknown";
  }
  return name;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.starts_with("model name")) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        return trim(line.substr(line.find_first_not_of(' ', colon + 1)));
      }
    }
  }
  return "unknown";
}

std::vector<std::string> command_line() {
  const std::string raw = read_file("/proc/self/cmdline");
  std::vector<std::string> arguments;
  std::size_t begin = 0;
  while (begin < raw.size()) {
    const std::size_t end = raw.find('\0', begin);
    arguments.push_back(raw.substr(begin, end - begin));
    if (end == std::string::npos) {
      break;
    }
    begin = end + 1;
  }
  return arguments;
}

std::string iso8601_utc(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros));
  return text;
}

/// The commit HEAD names in the git directory `git_dir`, following one symbolic ref.
std::string resolve_head(const std::filesystem::path& git_dir) {
  std::string head = trim(read_file(git_dir / "HEAD"));
  constexpr std::string_view ref_prefix = "ref: ";
  if (!head.starts_with(ref_prefix)) {
    return head;
  }
  const std::string ref = head.substr(ref_prefix.size());
  std::error_code ignored;
  if (std::filesystem::exists(git_dir / ref, ignored)) {
    return trim(read_file(git_dir / ref));
  }
  std::ifstream packed(git_dir / "packed-refs");
  std::string line;
  while (std::getline(packed, line)) {
    if (line.size() > 41 && line.ends_with(ref) && line[40] == ' ') {
      return line.substr(0, 40);
    }
  }
  return {};
}

}  // namespace

std::string find_git_commit() {
  if (const char* commit = std::getenv("METRON_GIT_COMMIT"); commit != nullptr && *commit != 0) {
    return commit;
  }
  std::error_code error;
  std::filesystem::path directory = std::filesystem::current_path(error);
  while (!error && !directory.empty()) {
    std::filesystem::path git = directory / ".git";
    if (std::filesystem::is_regular_file(git, error)) {
      // A worktree or submodule: ".git" is a file saying "gitdir: <path>".
      const std::string link = trim(read_file(git));
      constexpr std::string_view prefix = "gitdir: ";
      if (!link.starts_with(prefix)) {
        return {};
      }
      git = directory / link.substr(prefix.size());
    }
    if (std::filesystem::is_directory(git, error)) {
      const std::string commit = resolve_head(git);
      return commit.size() == 40 ? commit : std::string{};
    }
    if (directory == directory.root_path()) {
      break;
    }
    directory = directory.parent_path();
  }
  return {};
}

std::string build_metadata_json(const run_facts& facts) {
  std::string json = "{\"producer\":\"metron " METRON_VERSION "\",\"host\":";
  append_json_string(json, host_name());
  json += ",\"cpu_model\":";
  append_json_string(json, cpu_model());
  json += ",\"pid\":" + std::to_string(getpid());
  json += ",\"clock\":";
  append_json_string(json, facts.clock);
  json += ",\"tick_hz\":";
  append_json_number(json, facts.tick_hz);
  json += ",\"start_time\":";
  append_json_string(json, iso8601_utc(facts.start));
  json += ",\"start_unix_ns\":" +
          std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             facts.start.time_since_epoch())
                             .count());
  json += ",\"command_line\":[";
  bool first = true;
  for (const std::string& argument : command_line()) {
    if (!first) json += ',';
    first = false;
    append_json_string(json, argument);
  }
  json += "]";
  if (const std::string commit = find_git_commit(); !commit.empty()) {
    json += ",\"git_commit\":";
    append_json_string(json, commit);
  }
  json += ",\"policy\":";
  append_json_string(json, facts.policy);
  json += ",\"ring_bytes\":" + std::to_string(facts.ring_bytes);
  json += ",\"resource_interval_ms\":" + std::to_string(facts.resource_interval_ms);
  json += ",\"observables\":" + observables_availability_json();
  json += '}';
  return json;
}

}  // namespace metron::detail
