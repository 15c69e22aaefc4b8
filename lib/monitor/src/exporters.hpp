// The HTTP and statsd exporters the monitoring hub drives.
#pragma once

#include "http_server.hpp"

#include <metron/monitor/monitor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace metron::detail {

/// What the HTTP exporter serves, rendered on demand on its own threads.
struct http_content {
  std::function<std::string()> metrics;  ///< /metrics
  std::function<std::string()> json;     ///< /api/metrics
};

/// Serves /metrics, /api/metrics and / over HTTP on its own thread (http_server).
class http_exporter {
 public:
  /// Binds and starts serving; returns the port, or an error message when it cannot bind.
  std::optional<std::uint16_t> start(const http_exporter_config& config, http_content content,
                                     std::string& problem);
  /// Stops serving and joins its thread.
  void stop();

 private:
  http_server server_;
};

/// The dashboard page: self-contained HTML, CSS and JavaScript polling /api/metrics.
[[nodiscard]] const std::string& dashboard_page();

/// One statsd line to send: `name:value|type` with an optional `|@rate`.
struct statsd_line {
  std::string text;
};

/// Sends statsd lines over UDP, batched into datagrams of less than 1432 bytes.
class statsd_sender {
 public:
  statsd_sender() = default;
  statsd_sender(const statsd_sender&) = delete;
  statsd_sender& operator=(const statsd_sender&) = delete;
  ~statsd_sender();

  /// Opens the socket; false with `problem` set when the address is bad or no socket is had.
  bool open(const statsd_exporter_config& config, std::string& problem);
  /// Sends `lines`, packing as many into each datagram as fit. False with `problem` set when a
  /// datagram could not be sent.
  bool send(const std::vector<std::string>& lines, std::string& problem);
  /// Datagrams sent so far.
  [[nodiscard]] std::uint64_t datagrams() const noexcept { return datagrams_; }

  /// The largest datagram payload it sends, in bytes.
  static constexpr std::size_t max_datagram = 1431;

 private:
  bool send_datagram(const std::string& payload, std::string& problem);
  int socket_ = -1;
  std::vector<unsigned char> address_;
  std::uint64_t datagrams_ = 0;
};

/// `name` as statsd accepts it: ':', '|', '@', '/', whitespace and control characters become '_'.
[[nodiscard]] std::string statsd_name(std::string_view name);

}  // namespace metron::detail
