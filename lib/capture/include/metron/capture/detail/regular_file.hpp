// Opening an input file that must be a regular file: the one check every reader of files shares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace metron::detail {

/// A regular file open for reading, closed on destruction. A FIFO, a device, a socket or a
/// directory is refused at opening, before anything is read, so that a reader never blocks
/// waiting for a writer that may never come. Not thread-safe; one reader at a time.
class regular_file {
 public:
  /// Opens `path` without blocking (even when it is a FIFO) and checks what it is.
  /// @param path the file to open
  /// @throws input_error "PATH: no such file", "PATH: not a regular file (a FIFO)" or
  ///         "PATH: cannot open: REASON"
  explicit regular_file(const std::string& path);
  ~regular_file();
  regular_file(const regular_file&) = delete;
  regular_file& operator=(const regular_file&) = delete;

  /// The file descriptor, for callers that read it themselves.
  [[nodiscard]] int descriptor() const noexcept { return fd_; }
  /// The size of the file when it was opened.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// Reads up to `size` bytes into `out`, fewer only at the end of the file.
  /// @param out where the bytes go
  /// @param size how many bytes to read
  /// @returns how many bytes were read
  /// @throws resource_error "PATH: cannot read at byte N: REASON"
  std::size_t read(char* out, std::size_t size);

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t position_ = 0;
};

}  // namespace metron::detail
