// The exporter's HTTP/1.1 server: one thread polls every connection, each bounded in time and
// count.
#pragma once

#include <metron/monitor/monitor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace metron::detail {

/// A GET or HEAD request whose head arrived whole (and whose body, if any, was read and dropped).
struct http_request {
  bool head = false;  ///< HEAD: the response's body is not sent
  std::string path;   ///< the request target up to its '?'
};

/// What a handler answers.
struct http_response {
  int status = 200;                                          ///< the status code
  std::string content_type;                                  ///< the Content-Type header
  std::string body;                                          ///< the content
  std::vector<std::pair<std::string, std::string>> headers;  ///< further headers
};

/// Answers one request, on the server's thread; it should be quick, as every client waits on it.
using http_handler = std::function<http_response(const http_request&)>;

/// Serves HTTP/1.1 on one thread that never blocks on a client: requests must arrive whole within
/// http_exporter_config::request_timeout, idle keep-alive connections close after idle_timeout,
/// connections are capped in total and per client address, and methods other than GET and HEAD
/// get 405 as soon as the request line is read.
class http_server {
 public:
  http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;
  ~http_server();

  /// Binds `config.bind`:`config.port`, listens and starts the thread; returns the port, or none
  /// with `problem` set when it cannot listen.
  std::optional<std::uint16_t> start(const http_exporter_config& config, http_handler handler,
                                     std::string& problem);
  /// Closes every connection and the listener and joins the thread. Calling it again does nothing.
  void stop();

  struct loop;

 private:
  std::unique_ptr<loop> loop_;
  std::thread thread_;
};

}  // namespace metron::detail
