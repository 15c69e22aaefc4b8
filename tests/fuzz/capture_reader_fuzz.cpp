// libFuzzer target: the capture reader and every rendering of it, on arbitrary bytes.
//
// The input goes into an in-memory file that the reader opens by path, exactly as it opens a
// capture on disk. Only input_error may escape the library; every rendering must be valid JSON
// and the read status must be consistent, or the target aborts.
#include <metron/capture/detail/json_text.hpp>

#include <metron/capture/capture.hpp>
#include <metron/capture/render.hpp>
#include <metron/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "capture_reader_fuzz: %s\n", what);
    std::abort();
  }
}

/// An anonymous in-memory file, reachable by a path through /proc/self/fd.
class memory_file {
 public:
  memory_file() : fd_(::memfd_create("capture", MFD_CLOEXEC)) {
    require(fd_ >= 0, "memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~memory_file() { ::close(fd_); }
  memory_file(const memory_file&) = delete;
  memory_file& operator=(const memory_file&) = delete;

  void assign(const std::uint8_t* data, std::size_t size) {
    require(::ftruncate(fd_, 0) == 0, "ftruncate failed");
    std::size_t done = 0;
    while (done < size) {
      const ssize_t written = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      require(written > 0, "pwrite failed");
      done += static_cast<std::size_t>(written);
    }
  }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  int fd_;
  std::string path_;
};

void check_status(const metron::read_status& status, std::size_t size) {
  require(status.file_bytes == size, "file_bytes differs from the input size");
  require(status.valid_bytes <= status.file_bytes, "valid_bytes beyond the end of the file");
  require(status.complete == status.problem.empty(), "complete and problem disagree");
  require(!status.complete || status.valid_bytes == status.file_bytes,
          "a complete capture with bytes left over");
}

void check_json_lines(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    require(end != std::string::npos, "a JSON line without its newline");
    const std::string_view line(text.data() + start, end - start);
    require(metron::detail::parse_json_object(line).has_value(), "a dump line is not JSON");
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static memory_file file;
  file.assign(data, size);
  try {
    const metron::capture loaded = metron::load_capture(file.path());
    check_status(loaded.status, size);
    require(!loaded.status.complete || loaded.has_footer, "complete without a footer");
    for (const metron::thread_info& thread : loaded.threads) {
      require(thread.index < loaded.records.size(), "a thread without its records slot");
    }
  } catch (const metron::input_error&) {
    return 0;  // refused before the metadata: the renderings would refuse it too
  }
  std::ostringstream lines;
  check_status(metron::render_json_lines(file.path(), lines), size);
  check_json_lines(lines.str());
  std::ostringstream trace;
  check_status(metron::render_chrome_trace(file.path(), trace), size);
  require(metron::detail::parse_json_object(trace.str()).has_value(), "the trace is not JSON");
  check_status(metron::summarize_capture(file.path()).status, size);
  return 0;
}
