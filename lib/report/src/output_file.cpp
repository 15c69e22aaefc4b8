// Output to standard output, or to a temporary file renamed over its target when complete.
#include <metron/report/output_file.hpp>

#include "temporary_files.hpp"

#include <metron/error.hpp>

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace metron::report {

namespace {

bool is_standard_output(std::string_view path) { return path.empty() || path == "-"; }

// Makes what was written to `path` durable; `directory` opens it as a directory.
int sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) {
    return errno;
  }
  const int result = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return result;
}

std::string reason_text(int reason, const char* otherwise) {
  return reason != 0 ? std::generic_category().message(reason) : otherwise;
}

}  // namespace

std::string temporary_path_for(const std::string& target) {
  const std::filesystem::path path(target);
  // The process id keeps two metron processes writing the same target out of each other's way.
  // Formatted, not joined with +: GCC 12 at -O3 warns falsely (-Wrestrict) inside operator+.
  const std::string name = fmt::format(".{}.{}.tmp", path.filename().string(), getpid());
  return (path.parent_path() / name).string();
}

output_file::output_file(std::string path, const std::string& input) : path_(std::move(path)) {
  if (is_standard_output(path_)) {
    return;
  }
  std::error_code ignored;  // an output that does not exist yet is not the input
  if (std::filesystem::equivalent(path_, input, ignored)) {
    throw input_error(path_ + " is the file being read; write the output to another file");
  }
  errno = 0;
  std::error_code status_error;
  const std::filesystem::file_type kind = std::filesystem::status(path_, status_error).type();
  if (kind != std::filesystem::file_type::not_found &&
      kind != std::filesystem::file_type::regular && !status_error) {
    // A device or a pipe (/dev/null, a FIFO a reader waits on): renaming over it would replace
    // it with a plain file, so it is written in place.
    file_.open(path_, std::ios::binary | std::ios::out);
  } else {
    temporary_path_ = temporary_path_for(path_);
    // Remembered before it exists, so that no moment leaves it behind a signal.
    registration_ = detail::remember_temporary(temporary_path_);
    file_.open(temporary_path_, std::ios::binary | std::ios::trunc);
  }
  if (!file_) {
    const int reason = errno;
    detail::forget_temporary(registration_);
    throw resource_error("cannot create " + path_ + ": " + reason_text(reason, "unknown error"));
  }
}

output_file::~output_file() {
  if (!temporary_path_.empty() && !committed_) {
    file_.close();
    std::remove(temporary_path_.c_str());
  }
  detail::forget_temporary(registration_);
}

std::ostream& output_file::stream() noexcept {
  if (is_standard_output(path_)) {
    return std::cout;
  }
  return file_;
}

void output_file::commit() {
  if (is_standard_output(path_)) {
    std::cout.flush();
    if (!std::cout) {
      throw resource_error("cannot write to standard output");
    }
    return;
  }
  errno = 0;
  file_.close();
  if (!file_) {
    const int reason = errno;
    throw resource_error("cannot write " + path_ + ": " + reason_text(reason, "write failed"));
  }
  if (!temporary_path_.empty()) {
    if (const int reason = sync_path(temporary_path_, false); reason != 0) {
      throw resource_error("cannot write " + path_ + ": " + reason_text(reason, ""));
    }
    std::error_code error;
    std::filesystem::rename(temporary_path_, path_, error);
    if (error) {
      throw resource_error("cannot write " + path_ + ": " + error.message());
    }
    // The rename is durable once the directory is; file systems that cannot sync a directory
    // (EINVAL) make renames durable on their own.
    const std::filesystem::path directory = std::filesystem::path(path_).parent_path();
    if (const int reason = sync_path(directory.empty() ? "." : directory.string(), true);
        reason != 0 && reason != EINVAL) {
      throw resource_error("cannot write " + path_ +
                           ": syncing its directory: " + reason_text(reason, ""));
    }
  }
  committed_ = true;
}

void write_output(const std::string& path, const std::string& input,
                  const std::function<void(std::ostream&)>& render) {
  output_file output(path, input);
  render(output.stream());
  output.commit();
}

}  // namespace metron::report
