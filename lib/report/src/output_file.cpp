// Output to standard output, or to a temporary file renamed over its target when complete.
#include <metron/report/output_file.hpp>

#include <metron/error.hpp>

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <system_error>
#include <utility>

#include <unistd.h>

namespace metron::report {

namespace {

bool is_standard_output(std::string_view path) { return path.empty() || path == "-"; }

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
    file_.open(temporary_path_, std::ios::binary | std::ios::trunc);
  }
  if (!file_) {
    const int reason = errno;
    throw resource_error("cannot create " + path_ + ": " +
                         (reason != 0 ? std::generic_category().message(reason) : "unknown error"));
  }
}

output_file::~output_file() {
  if (!temporary_path_.empty() && !committed_) {
    file_.close();
    std::remove(temporary_path_.c_str());
  }
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
    throw resource_error("cannot write " + path_ + ": " +
                         (reason != 0 ? std::generic_category().message(reason) : "write failed"));
  }
  if (!temporary_path_.empty()) {
    std::error_code error;
    std::filesystem::rename(temporary_path_, path_, error);
    if (error) {
      throw resource_error("cannot write " + path_ + ": " + error.message());
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
