// The demo node's framed block-fetch protocol and its POSIX TCP sockets.
#include "net.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace demo {

namespace {

constexpr std::size_t max_hash_bytes = 64;

std::string system_reason(int code) { return std::strerror(code); }

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> static_cast<unsigned>(shift)));
  }
}

std::uint64_t get_be(std::span<const std::uint8_t> bytes) {
  std::uint64_t value = 0;
  for (const std::uint8_t byte : bytes) {
    value = (value << 8U) | byte;
  }
  return value;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
    throw net_error("cannot make socket non-blocking: " + system_reason(errno));
  }
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int make_socket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw net_error("cannot create a TCP socket: " + system_reason(errno));
  }
  return fd;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string_view kind_name(frame_kind kind) noexcept {
  switch (kind) {
    case frame_kind::hello: return "hello";
    case frame_kind::announce: return "announce";
    case frame_kind::request: return "request";
    case frame_kind::block: return "block";
    case frame_kind::not_found: return "not_found";
    case frame_kind::transaction: return "transaction";
  }
  return "unknown";
}

std::vector<std::uint8_t> encode_frame(const frame& f) {
  if (f.payload.size() >= max_frame_bytes) {
    throw net_error("a " + std::string(kind_name(f.kind)) + " frame of " +
                    std::to_string(f.payload.size()) + " payload bytes exceeds the limit of " +
                    std::to_string(max_frame_bytes - 1));
  }
  std::vector<std::uint8_t> bytes;
  bytes.reserve(frame_header_bytes + f.payload.size());
  put_u32(bytes, static_cast<std::uint32_t>(f.payload.size() + 1));
  bytes.push_back(static_cast<std::uint8_t>(f.kind));
  bytes.insert(bytes.end(), f.payload.begin(), f.payload.end());
  return bytes;
}

void frame_decoder::feed(std::span<const std::uint8_t> bytes) {
  // Compact once the consumed prefix dominates, so the buffer does not grow without bound.
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
    start_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<frame> frame_decoder::next() {
  const std::span<const std::uint8_t> data(buffer_.data() + start_, buffer_.size() - start_);
  if (data.size() < 4) {
    return std::nullopt;
  }
  const auto length = static_cast<std::uint32_t>(get_be(data.first(4)));
  if (length == 0) {
    throw net_error("frame with length 0; a frame holds at least its kind byte");
  }
  if (length > limit_) {
    throw net_error("frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                    std::to_string(limit_));
  }
  if (data.size() < 4 + static_cast<std::size_t>(length)) {
    return std::nullopt;
  }
  const std::uint8_t kind = data[4];
  if (kind < static_cast<std::uint8_t>(frame_kind::hello) ||
      kind > static_cast<std::uint8_t>(frame_kind::transaction)) {
    throw net_error("frame of unknown kind " + std::to_string(kind) +
                    "; expected 1 (hello) to 6 (transaction)");
  }
  frame f{static_cast<frame_kind>(kind), {data.begin() + 5, data.begin() + 4 + length}};
  start_ += 4 + static_cast<std::size_t>(length);
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return f;
}

std::vector<std::uint8_t> encode_hello(std::uint32_t node) {
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, node);
  return bytes;
}

std::uint32_t decode_hello(std::span<const std::uint8_t> payload) {
  if (payload.size() != 4) {
    throw net_error("hello payload of " + std::to_string(payload.size()) +
                    " bytes; expected 4 (the node index)");
  }
  return static_cast<std::uint32_t>(get_be(payload));
}

std::vector<std::uint8_t> encode_announcement(const announcement& a) {
  if (a.hash.empty() || a.hash.size() > max_hash_bytes) {
    throw net_error("announced hash of " + std::to_string(a.hash.size()) +
                    " bytes; expected 1 to 64");
  }
  std::vector<std::uint8_t> bytes;
  put_u32(bytes, static_cast<std::uint32_t>(a.height >> 32U));
  put_u32(bytes, static_cast<std::uint32_t>(a.height & 0xffffffffU));
  bytes.insert(bytes.end(), a.hash.begin(), a.hash.end());
  return bytes;
}

announcement decode_announcement(std::span<const std::uint8_t> payload) {
  if (payload.size() < 9 || payload.size() > 8 + max_hash_bytes) {
    throw net_error("announce payload of " + std::to_string(payload.size()) +
                    " bytes; expected 8 (height) and 1 to 64 (hash)");
  }
  return {get_be(payload.first(8)), {payload.begin() + 8, payload.end()}};
}

listener::listener(std::uint16_t port) : fd_(make_socket()) {
  const int yes = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address = loopback(port);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0 ||
      ::listen(fd_, 64) < 0) {
    const int code = errno;
    ::close(fd_);
    fd_ = -1;
    throw net_error("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                    (code == EADDRINUSE ? "the port is already in use" : system_reason(code)));
  }
  socklen_t length = sizeof address;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  set_nonblocking(fd_);
}

listener::listener(listener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(other.port_) {}

listener& listener::operator=(listener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
  }
  return *this;
}

listener::~listener() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

int listener::accept_fd() {
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd >= 0) {
    return fd;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) {
    return -1;
  }
  throw net_error("accept on port " + std::to_string(port_) + " failed: " + system_reason(errno));
}

bool port_available(std::uint16_t port) {
  try {
    const listener probe(port);
    return true;
  } catch (const net_error&) {
    return false;
  }
}

std::uint16_t pick_free_port() { return listener(0).port(); }

connection::connection(int fd, std::uint32_t limit) : fd_(fd), decoder_(limit) {
  set_nonblocking(fd_);
  const int yes = 1;
  // Frames are small and latency is what the demo measures: no Nagle delay.
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
}

connection::connection(connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      outgoing_(std::move(other.outgoing_)),
      sent_(std::exchange(other.sent_, 0)),
      decoder_(std::move(other.decoder_)),
      pending_(std::move(other.pending_)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    outgoing_ = std::move(other.outgoing_);
    sent_ = std::exchange(other.sent_, 0);
    decoder_ = std::move(other.decoder_);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

connection::~connection() { close(); }

void connection::close() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void connection::send(const frame& f) {
  const std::vector<std::uint8_t> bytes = encode_frame(f);
  if (fd_ < 0) {
    return;
  }
  if (sent_ == outgoing_.size()) {
    outgoing_.clear();
    sent_ = 0;
  }
  outgoing_.insert(outgoing_.end(), bytes.begin(), bytes.end());
  flush();
}

void connection::flush() noexcept {
  while (fd_ >= 0 && sent_ < outgoing_.size()) {
    const ssize_t written =
        ::send(fd_, outgoing_.data() + sent_, outgoing_.size() - sent_, MSG_NOSIGNAL);
    if (written > 0) {
      sent_ += static_cast<std::size_t>(written);
    } else if (written < 0 && errno == EINTR) {
      continue;
    } else if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      close();
    }
  }
  if (sent_ == outgoing_.size()) {
    outgoing_.clear();
    sent_ = 0;
  }
}

std::vector<frame> connection::receive() {
  std::vector<frame> frames = std::move(pending_);
  pending_.clear();
  std::uint8_t chunk[65536];
  while (fd_ >= 0) {
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) {
      decoder_.feed({chunk, static_cast<std::size_t>(got)});
      continue;
    }
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    }
    close();  // an orderly close (0) or a reset
  }
  while (std::optional<frame> f = decoder_.next()) {
    frames.push_back(std::move(*f));
  }
  return frames;
}

void connection::flush_blocking(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  flush();
  while (wants_write()) {
    if (fd_ < 0) {
      throw net_error("connection closed while sending");
    }
    pollfd entry{fd_, POLLOUT, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) == 0) {
      throw net_error("timed out after " + std::to_string(timeout.count()) + " ms sending");
    }
    flush();
  }
  if (fd_ < 0) {
    throw net_error("connection closed while sending");
  }
}

frame connection::receive_blocking(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pending_.empty()) {
      pending_ = receive();
    }
    if (!pending_.empty()) {
      frame f = std::move(pending_.front());
      pending_.erase(pending_.begin());
      return f;
    }
    if (fd_ < 0) {
      throw net_error("connection closed by the peer while waiting for a frame");
    }
    pollfd entry{fd_, POLLIN, 0};
    if (::poll(&entry, 1, remaining_ms(deadline)) == 0) {
      throw net_error("timed out after " + std::to_string(timeout.count()) +
                      " ms waiting for a frame");
    }
  }
}

int connect_start(std::uint16_t port) {
  const int fd = make_socket();
  set_nonblocking(fd);
  const sockaddr_in address = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0 &&
      errno != EINPROGRESS) {
    const int code = errno;
    ::close(fd);
    throw net_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " +
                    system_reason(code));
  }
  return fd;
}

bool connect_finished(int fd) {
  pollfd entry{fd, POLLOUT, 0};
  if (::poll(&entry, 1, 0) == 0) {
    return false;
  }
  int code = 0;
  socklen_t length = sizeof code;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length);
  if (code != 0) {
    throw net_error("connect failed: " + system_reason(code));
  }
  return true;
}

connection connect_to(std::uint16_t port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last = "no attempt";
  do {
    int fd = -1;
    try {
      fd = connect_start(port);
      pollfd entry{fd, POLLOUT, 0};
      ::poll(&entry, 1, remaining_ms(deadline));
      if (connect_finished(fd)) {
        return connection(fd);
      }
      last = "timed out";
    } catch (const net_error& problem) {
      last = problem.what();
    }
    if (fd >= 0) {
      ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  throw net_error("cannot connect to 127.0.0.1:" + std::to_string(port) + " within " +
                  std::to_string(timeout.count()) + " ms: " + last);
}

}  // namespace demo
