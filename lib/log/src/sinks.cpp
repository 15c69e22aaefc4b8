// The built-in sinks: lines to stdout or stderr, and JSON-lines or text files with rotation.
#include <metron/error.hpp>
#include <metron/log/sink.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <system_error>
#include <vector>

namespace metron {
namespace {

std::string system_reason() { return std::strerror(errno); }

void append_line(std::string& out, const log_object& record, sink_format format, bool colour) {
  if (format == sink_format::json) {
    append_json_line(out, record);
  } else {
    append_text_line(out, record, colour);
  }
  out += '\n';
}

void append_rendered_line(std::string& out, const log_object& record, std::string_view payload,
                          sink_format format, bool colour) {
  if (format == sink_format::json) {
    append_json_line(out, record, payload);
  } else {
    append_text_line(out, record, payload, colour);
  }
  out += '\n';
}

class stream_sink final : public log_sink {
 public:
  stream_sink(std::FILE* stream, sink_format format)
      : stream_(stream),
        format_(format),
        colour_(format == sink_format::text && isatty(fileno(stream)) == 1) {}

  void write(const log_object& record) override {
    append_line(buffer_, record, format_, colour_);
    if (buffer_.size() >= flush_bytes) flush();
  }

  [[nodiscard]] bool takes_rendered_payload() const noexcept override { return true; }

  void write_rendered(const log_object& record, std::string_view payload_json) override {
    append_rendered_line(buffer_, record, payload_json, format_, colour_);
    if (buffer_.size() >= flush_bytes) flush();
  }

  void flush() override {
    if (buffer_.empty()) return;
    const auto written = std::fwrite(buffer_.data(), 1, buffer_.size(), stream_);
    buffer_.clear();
    if (std::fflush(stream_) != 0 || written == 0) {
      throw resource_error(std::string(stream_ == stderr ? "stderr" : "stdout") +
                           ": cannot write: " + system_reason());
    }
  }

 private:
  static constexpr std::size_t flush_bytes = 1 << 16;
  std::FILE* stream_;
  sink_format format_;
  bool colour_;
  std::string buffer_;
};

// "20261127234000" for the second `time` falls in, UTC.
std::string name_stamp(std::chrono::system_clock::time_point time) {
  const auto seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 16> text{};
  std::strftime(text.data(), text.size(), "%Y%m%d%H%M%S", &utc);
  return text.data();
}

// The time a stamp names, or nothing when `stamp` is not 14 digits of a valid time.
std::optional<std::chrono::system_clock::time_point> parse_stamp(std::string_view stamp) {
  if (stamp.size() != 14 || stamp.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (stamp[i] - '0');
    return value;
  };
  std::tm utc{};
  utc.tm_year = number(0, 4) - 1900;
  utc.tm_mon = number(4, 2) - 1;
  utc.tm_mday = number(6, 2);
  utc.tm_hour = number(8, 2);
  utc.tm_min = number(10, 2);
  utc.tm_sec = number(12, 2);
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

// Writes `stem-YYYYMMDDHHMMSS.ext` files next to the plain path, which links to the current one.
class file_sink final : public log_sink {
 public:
  file_sink(std::filesystem::path path, sink_format format, const rotation_policy& policy,
            wall_clock clock)
      : path_(std::move(path)),
        format_(format),
        policy_(policy),
        clock_(std::move(clock)),
        rotating_(policy.max_bytes != 0 || policy.max_age.count() != 0 || policy.keep != 0) {
    stem_ = path_.stem().string();
    extension_ = path_.extension().string();
    directory_ = path_.parent_path();
    if (!directory_.empty()) {
      std::error_code ignored;
      std::filesystem::create_directories(directory_, ignored);
    }
    if (!rotating_) {
      open(path_);
      return;
    }
    std::error_code status_error;
    const auto status = std::filesystem::symlink_status(path_, status_error);
    if (std::filesystem::exists(status) && !std::filesystem::is_symlink(status)) {
      throw resource_error(path_.string() +
                           ": exists and is not a link; a rotated log keeps a link there — move "
                           "the file away or choose another path");
    }
    const auto files = rotated_files();
    if (!files.empty()) {
      const auto& newest = files.back();
      std::error_code size_error;
      const auto size = std::filesystem::file_size(newest.path, size_error);
      const bool young =
          policy_.max_age.count() == 0 || clock_() - newest.started < policy_.max_age;
      const bool small = policy_.max_bytes == 0 || (!size_error && size < policy_.max_bytes);
      if (young && small && !size_error) {
        started_ = newest.started;
        open(newest.path);
        link_to(newest.path);
        return;
      }
    }
    start_new_file();
  }

  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;

  ~file_sink() override {
    if (file_ == nullptr) return;
    std::fwrite(pending_.data(), 1, pending_.size(), file_);
    std::fclose(file_);
  }

  void write(const log_object& record) override {
    const std::size_t start = pending_.size();
    append_line(pending_, record, format_, false);
    take_line(start);
  }

  [[nodiscard]] bool takes_rendered_payload() const noexcept override { return true; }

  void write_rendered(const log_object& record, std::string_view payload_json) override {
    const std::size_t start = pending_.size();
    append_rendered_line(pending_, record, payload_json, format_, false);
    take_line(start);
  }

  void flush() override {
    write_pending(pending_.size());
    if (std::fflush(file_) != 0) {
      throw resource_error(current_.string() + ": cannot write: " + system_reason());
    }
  }

 private:
  struct rotated_file {
    std::filesystem::path path;
    std::chrono::system_clock::time_point started;
  };

  // Accounts for the line just appended to pending_ at `start`: the lines before it go to the
  // current file first when it must rotate, and the buffer is written out once it is large.
  void take_line(std::size_t start) {
    const std::size_t line = pending_.size() - start;
    if (rotating_ && bytes_ != 0 && due_for_rotation(line)) {
      write_pending(start);
      start_new_file();
    }
    bytes_ += line;
    if (pending_.size() >= write_bytes) write_pending(pending_.size());
  }

  // Writes the first `count` bytes of pending_ to the current file and drops them.
  void write_pending(std::size_t count) {
    if (count == 0) return;
    const bool whole = std::fwrite(pending_.data(), 1, count, file_) == count;
    pending_.erase(0, count);
    if (!whole) throw resource_error(current_.string() + ": cannot write: " + system_reason());
  }

  bool due_for_rotation(std::size_t next_line) const {
    if (policy_.max_bytes != 0 && bytes_ + next_line > policy_.max_bytes) return true;
    return policy_.max_age.count() != 0 && clock_() - started_ >= policy_.max_age;
  }

  // Oldest first; names sort by time since the stamp is fixed-width.
  std::vector<rotated_file> rotated_files() const {
    std::vector<rotated_file> files;
    std::error_code list_error;
    const auto folder = directory_.empty() ? std::filesystem::path(".") : directory_;
    for (const auto& entry : std::filesystem::directory_iterator(folder, list_error)) {
      const auto name = entry.path().filename().string();
      const auto prefix = stem_ + "-";
      if (!name.starts_with(prefix) || !name.ends_with(extension_) ||
          name.size() != prefix.size() + 14 + extension_.size()) {
        continue;
      }
      if (const auto started = parse_stamp(std::string_view(name).substr(prefix.size(), 14))) {
        files.push_back({entry.path(), *started});
      }
    }
    std::sort(files.begin(), files.end(),
              [](const rotated_file& a, const rotated_file& b) { return a.path < b.path; });
    return files;
  }

  std::filesystem::path file_named(std::chrono::system_clock::time_point started) const {
    return directory_ / (stem_ + "-" + name_stamp(started) + extension_);
  }

  void start_new_file() {
    auto started = std::chrono::time_point_cast<std::chrono::seconds>(clock_());
    if (file_ != nullptr && started <= started_) {
      started =
          std::chrono::time_point_cast<std::chrono::seconds>(started_) + std::chrono::seconds(1);
    }
    std::error_code exists_error;
    while (std::filesystem::exists(file_named(started), exists_error)) {
      started += std::chrono::seconds(1);
    }
    const auto next = file_named(started);
    if (file_ != nullptr) {
      const bool closed = std::fclose(file_) == 0;
      file_ = nullptr;
      if (!closed) throw resource_error(current_.string() + ": cannot write: " + system_reason());
    }
    started_ = started;
    open(next);
    link_to(next);
    remove_beyond_keep();
  }

  void open(const std::filesystem::path& file) {
    file_ = std::fopen(file.c_str(), "ab");
    if (file_ == nullptr) {
      throw resource_error(file.string() + ": cannot open for appending: " + system_reason());
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);
    current_ = file;
    std::error_code size_error;
    const auto size = std::filesystem::file_size(file, size_error);
    bytes_ = size_error ? 0 : size;
  }

  // Replaces the link atomically: a reader following it never finds it missing.
  void link_to(const std::filesystem::path& file) {
    const auto temporary = std::filesystem::path(path_.string() + ".link");
    std::error_code link_error;
    std::filesystem::remove(temporary, link_error);
    std::filesystem::create_symlink(file.filename(), temporary, link_error);
    if (!link_error) std::filesystem::rename(temporary, path_, link_error);
    if (link_error) {
      throw resource_error(path_.string() + ": cannot link to " + file.filename().string() + ": " +
                           link_error.message());
    }
  }

  void remove_beyond_keep() {
    if (policy_.keep == 0) return;
    const auto files = rotated_files();
    if (files.size() <= policy_.keep) return;
    for (std::size_t i = 0; i + policy_.keep < files.size(); ++i) {
      std::error_code ignored;
      std::filesystem::remove(files[i].path, ignored);
    }
  }

  std::filesystem::path path_;
  sink_format format_;
  rotation_policy policy_;
  wall_clock clock_;
  bool rotating_;
  std::string stem_;
  std::string extension_;
  std::filesystem::path directory_;
  std::filesystem::path current_;
  std::FILE* file_ = nullptr;
  std::uint64_t bytes_ = 0;
  std::chrono::system_clock::time_point started_;
  // Whole lines not yet handed to the file; bytes_ counts them already.
  std::string pending_;
  static constexpr std::size_t write_bytes = 1 << 16;
};

}  // namespace

std::unique_ptr<log_sink> make_stream_sink(std::FILE* stream, sink_format format) {
  return std::make_unique<stream_sink>(stream, format);
}

std::unique_ptr<log_sink> make_file_sink(const std::filesystem::path& path, sink_format format,
                                         const rotation_policy& policy, wall_clock clock) {
  return std::make_unique<file_sink>(path, format, policy, std::move(clock));
}

}  // namespace metron
