// Opening an input file that must be a regular file, without blocking on a FIFO.
#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>

#include "system_reason.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace metron::detail {

namespace {


const char* kind_of(mode_t mode) noexcept {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "another kind of file";
}

}  // namespace

regular_file::regular_file(const std::string& path) : path_(path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It is cleared
  // again below for the regular file, where it changes nothing anyway.
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) {
    const int reason = errno;
    if (reason == ENOENT) {
      throw input_error(path + ": no such file");
    }
    throw input_error(path + ": cannot open: " + system_reason(reason));
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const int reason = errno;
    ::close(fd_);
    throw input_error(path + ": cannot open: " + system_reason(reason));
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd_);
    throw input_error(path + ": not a regular file (" + kind_of(info.st_mode) + ")");
  }
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
  }
  size_ = static_cast<std::uint64_t>(info.st_size);
}

regular_file::~regular_file() { ::close(fd_); }

std::size_t regular_file::read(char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t got = ::read(fd_, out + done, size - done);
    if (got == 0) {
      break;
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw resource_error(path_ + ": cannot read at byte " + std::to_string(position_) + ": " +
                           system_reason(errno));
    }
    done += static_cast<std::size_t>(got);
    position_ += static_cast<std::uint64_t>(got);
  }
  return done;
}

}  // namespace metron::detail
