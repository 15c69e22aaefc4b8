// The demo node's block-fetch protocol: length-prefixed frames over TCP on 127.0.0.1.
#pragma once

#include <metron/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace demo {

/// A frame on the wire:
///
///     u32 length (big-endian) | u8 kind | payload (length - 1 bytes)
///
/// `length` counts the kind byte and the payload, so it is at least 1 and at most
/// max_frame_bytes.
enum class frame_kind : std::uint8_t {
  hello = 1,        ///< first frame of a connection: the sender's node index (u32)
  announce = 2,     ///< a block the sender adopted: height (u64) and hash
  request = 3,      ///< asks for the block with this hash
  block = 4,        ///< an encoded block, the answer to a request
  not_found = 5,    ///< the answer to a request for a block the sender does not have: the hash
  transaction = 6,  ///< an encoded transaction, relayed
};

/// The largest `length` a frame may declare (kind byte and payload): 4 MiB.
inline constexpr std::uint32_t max_frame_bytes = 4U << 20U;

/// Bytes of the length prefix and the kind.
inline constexpr std::size_t frame_header_bytes = 5;

/// A bad frame or payload, a peer that broke the protocol, or a socket that failed. The message
/// says what was wrong and where (`peer 3: frame of 9000000 bytes exceeds the limit of …`).
class net_error : public metron::error {
 public:
  using metron::error::error;
};

/// One protocol frame.
struct frame {
  frame_kind kind = frame_kind::hello;  ///< what the payload is
  std::vector<std::uint8_t> payload;    ///< its bytes, at most max_frame_bytes - 1
  friend bool operator==(const frame&, const frame&) = default;
};

/// The name of a kind (`announce`), or `unknown` for a value outside the enumeration.
[[nodiscard]] std::string_view kind_name(frame_kind kind) noexcept;

/// The bytes of `f` on the wire. @throws net_error when the payload is too large.
[[nodiscard]] std::vector<std::uint8_t> encode_frame(const frame& f);

/// Splits a byte stream into frames. Feed it what the socket gave, then take frames until
/// next() returns none. Not thread-safe; one per connection.
class frame_decoder {
 public:
  /// A decoder refusing frames whose length exceeds `limit`.
  explicit frame_decoder(std::uint32_t limit = max_frame_bytes) : limit_(limit) {}

  /// Appends received bytes.
  void feed(std::span<const std::uint8_t> bytes);

  /// The next complete frame, or none while it is incomplete.
  /// @throws net_error on a zero or oversized length, or an unknown kind; the stream is then
  ///         unusable and the connection should be closed.
  [[nodiscard]] std::optional<frame> next();

  /// Bytes received but not yet returned as frames.
  [[nodiscard]] std::size_t buffered() const noexcept { return buffer_.size() - start_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t start_ = 0;
  std::uint32_t limit_;
};

/// The payload of a hello frame.
[[nodiscard]] std::vector<std::uint8_t> encode_hello(std::uint32_t node);
/// Reads a hello payload. @throws net_error unless it is exactly 4 bytes.
[[nodiscard]] std::uint32_t decode_hello(std::span<const std::uint8_t> payload);

/// What an announce frame says: the block's height and hash.
struct announcement {
  std::uint64_t height = 0;        ///< the block's height (genesis is 0)
  std::vector<std::uint8_t> hash;  ///< the block's hash, 1 to 64 bytes
  friend bool operator==(const announcement&, const announcement&) = default;
};

/// The payload of an announce frame. @throws net_error when the hash is empty or over 64 bytes.
[[nodiscard]] std::vector<std::uint8_t> encode_announcement(const announcement& a);
/// Reads an announce payload. @throws net_error when it is shorter than 9 bytes or the hash is
/// longer than 64.
[[nodiscard]] announcement decode_announcement(std::span<const std::uint8_t> payload);

/// A listening TCP socket on 127.0.0.1, non-blocking. Move-only; closes on destruction.
class listener {
 public:
  /// Binds 127.0.0.1:`port` (0 picks a free port) with SO_REUSEADDR and listens.
  /// @throws net_error naming the port and the system's reason (`port 23101 is already in use`).
  explicit listener(std::uint16_t port);
  listener(listener&& other) noexcept;
  listener& operator=(listener&& other) noexcept;
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;
  ~listener();

  /// The socket, for poll().
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// The port it listens on.
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  /// A pending connection's socket (non-blocking), or -1 when none is waiting.
  /// @throws net_error on a failure other than "none waiting".
  [[nodiscard]] int accept_fd();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

/// Whether 127.0.0.1:`port` can be bound now.
[[nodiscard]] bool port_available(std::uint16_t port);

/// A port that was free on 127.0.0.1 a moment ago (bound to port 0 and released).
[[nodiscard]] std::uint16_t pick_free_port();

/// One TCP connection carrying frames, non-blocking: frames to send are queued and written as
/// the socket takes them; received bytes are decoded into frames. For an event loop: poll for
/// POLLIN always and for POLLOUT while wants_write(). Move-only; closes on destruction.
class connection {
 public:
  /// Takes ownership of a connected socket (made non-blocking here).
  explicit connection(int fd, std::uint32_t limit = max_frame_bytes);
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// The socket, for poll().
  [[nodiscard]] int fd() const noexcept { return fd_; }
  /// Whether queued bytes wait for the socket.
  [[nodiscard]] bool wants_write() const noexcept { return sent_ < outgoing_.size(); }
  /// Whether the peer closed the connection (or it failed).
  [[nodiscard]] bool closed() const noexcept { return fd_ < 0; }

  /// Queues `f` and writes what the socket takes now. @throws net_error as encode_frame.
  void send(const frame& f);
  /// Writes queued bytes the socket takes now. A failure closes the connection.
  void flush() noexcept;
  /// Reads what the socket has and returns the complete frames received; an orderly close by
  /// the peer marks the connection closed. @throws net_error on a malformed frame.
  [[nodiscard]] std::vector<frame> receive();

  /// Blocks until every queued byte is written or `timeout` passes.
  /// @throws net_error on timeout or failure.
  void flush_blocking(std::chrono::milliseconds timeout);
  /// Blocks until one frame arrives or `timeout` passes; frames beyond the first stay buffered
  /// for the next call. @throws net_error on timeout, close or a malformed frame.
  [[nodiscard]] frame receive_blocking(std::chrono::milliseconds timeout);

  /// Closes the socket now.
  void close() noexcept;

 private:
  int fd_ = -1;
  std::vector<std::uint8_t> outgoing_;
  std::size_t sent_ = 0;
  frame_decoder decoder_;
  std::vector<frame> pending_;
};

/// Starts a non-blocking connect to 127.0.0.1:`port`; returns the socket (connected or in
/// progress). @throws net_error when no socket can be made or the connect fails at once.
[[nodiscard]] int connect_start(std::uint16_t port);

/// Whether a socket from connect_start() has finished connecting: true when connected, false
/// while in progress. @throws net_error when the connect failed (e.g. connection refused).
[[nodiscard]] bool connect_finished(int fd);

/// Connects to 127.0.0.1:`port`, retrying refused attempts until `timeout`.
/// @throws net_error naming the port when it does not succeed in time.
[[nodiscard]] connection connect_to(std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace demo
