// The built-in sinks: lines to stdout or stderr, and JSON-lines or text files with rotation.
#include <metron/error.hpp>
#include <metron/log/sink.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <new>
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
    if (fd_ < 0) return;
    write_pending(pending_.size());
    ::close(fd_);
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

  void flush() override { write_pending(pending_.size()); }

  sink_losses take_losses() override {
    sink_losses taken{lost_, std::move(lost_reason_)};
    lost_ = 0;
    lost_reason_.clear();
    return taken;
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

  // Writes the first `count` bytes of pending_ to the current file and drops them from
  // pending_; what the file does not take is dropped and counted, whole lines only.
  void write_pending(std::size_t count) noexcept {
    std::size_t done = 0;
    while (done < count) {
      const ssize_t got = ::write(fd_, pending_.data() + done, count - done);
      if (got > 0) {
        done += static_cast<std::size_t>(got);
      } else if (got < 0 && errno == EINTR) {
        continue;
      } else {
        // A write that takes nothing without an error cannot make progress either.
        drop_unwritten(done, count, got < 0 ? errno : ENOSPC);
        break;
      }
    }
    pending_.erase(0, count);
  }

  // The file took `done` of the `count` bytes of pending_ it was given, then failed with
  // `failure`: the lines from the last whole one on are dropped, and the part of a line that did
  // reach the file is cut off it again, so that the file holds whole lines only.
  void drop_unwritten(std::size_t done, std::size_t count, int failure) noexcept {
    const std::size_t last_newline = done == 0 ? std::string::npos : pending_.rfind('\n', done - 1);
    const std::size_t kept = last_newline == std::string::npos ? 0 : last_newline + 1;
    bool cut_short = false;
    if (kept < done) {
      const off_t end = ::lseek(fd_, 0, SEEK_END);
      cut_short = end < 0 || ::ftruncate(fd_, end - static_cast<off_t>(done - kept)) != 0;
    }
    const auto first = pending_.begin() + static_cast<std::ptrdiff_t>(kept);
    lost_ += static_cast<std::uint64_t>(
        std::count(first, pending_.begin() + static_cast<std::ptrdiff_t>(count), '\n'));
    bytes_ -= std::min<std::uint64_t>(bytes_, count - kept);
    if (!lost_reason_.empty()) return;
    try {
      lost_reason_ = current_.string() + ": cannot write: " + std::strerror(failure) +
                     (cut_short ? "; a line is left cut short" : "");
    } catch (const std::bad_alloc&) {
      return;  // the count stands without its reason
    }
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
    if (fd_ >= 0 && started <= started_) {
      started =
          std::chrono::time_point_cast<std::chrono::seconds>(started_) + std::chrono::seconds(1);
    }
    std::error_code exists_error;
    while (std::filesystem::exists(file_named(started), exists_error)) {
      started += std::chrono::seconds(1);
    }
    const auto next = file_named(started);
    if (fd_ >= 0) {
      // Every byte went out with write(2) already; close reports nothing more for a local file.
      ::close(fd_);
      fd_ = -1;
    }
    started_ = started;
    open(next);
    link_to(next);
    remove_beyond_keep();
  }

  void open(const std::filesystem::path& file) {
    fd_ = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) {
      throw resource_error(file.string() + ": cannot open for appending: " + system_reason());
    }
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
  int fd_ = -1;
  std::uint64_t bytes_ = 0;
  std::uint64_t lost_ = 0;   // lines dropped since take_losses()
  std::string lost_reason_;  // why the first of them was
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
