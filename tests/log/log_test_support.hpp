// Helpers for the log tests: a sink that records into memory, a scratch folder, file reading.
#pragma once

#include <metron/log.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace metron::test {

/// Keeps every record it is given; read it after stop_logging().
class recording_log_sink final : public log_sink {
 public:
  void write(const log_object& record) override {
    const std::lock_guard lock(mutex_);
    records_.push_back(record);
  }
  void flush() override {}
  std::vector<log_object> records() const {
    const std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<log_object> records_;
};

/// Throws from every write after the first `good` ones, as a full disk would.
class failing_log_sink final : public log_sink {
 public:
  explicit failing_log_sink(int good) : good_(good) {}
  void write(const log_object& /*record*/) override {
    if (good_-- <= 0) throw std::runtime_error("disk full");
    ++written;
  }
  void flush() override {}
  std::atomic<int> written{0};

 private:
  int good_;
};

/// A fresh folder under the system's temporary folder, removed at the end of the scope.
class scratch_folder {
 public:
  scratch_folder() {
    std::random_device seed;
    path_ = std::filesystem::temp_directory_path() /
            ("metron-log-test-" + std::to_string(seed()) + std::to_string(seed()));
    std::filesystem::create_directories(path_);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  ~scratch_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The lines of a text file.
inline std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Writes `text` to `file`.
inline void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
}

/// The records of `records` in namespace `name_space`.
inline std::vector<log_object> in_namespace(const std::vector<log_object>& records,
                                            const std::string& name_space) {
  std::vector<log_object> found;
  for (const auto& record : records) {
    if (record.name_space == name_space) found.push_back(record);
  }
  return found;
}

}  // namespace metron::test
