// The exporter's HTTP/1.1 server. One thread polls the listener and every connection, and never
// waits on any one client: a slow or silent client holds a connection slot, never a worker, and
// only until its deadline. Requests are answered in order, one at a time per connection.
#include "http_server.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string_view>

namespace metron::detail {
namespace {

using steady = std::chrono::steady_clock;

// The request line and the whole head may not grow beyond these (414, 431).
constexpr std::size_t max_request_line = 8192;
constexpr std::size_t max_head = 16384;
// After a response that ends its connection, what the client still sends is read and dropped
// for this long before closing: closing with unread data resets the connection, and a reset can
// destroy the response before the client reads it.
constexpr std::chrono::milliseconds linger{1000};
// When accept fails for want of file descriptors, the listener rests this long rather than
// spinning on a listener that stays readable.
constexpr std::chrono::milliseconds accept_pause{100};
constexpr std::size_t max_requests_per_connection = 100;
constexpr std::size_t receive_chunk = 16384;

enum class phase : std::uint8_t {
  request,   // receiving a request: its head, then any body
  idle,      // kept alive, waiting for the next request
  writing,   // sending a response
  draining,  // the response sent and the write side shut, dropping input until the client closes
};

struct connection {
  int fd = -1;
  std::string client;  // the peer's address, for the per-client cap
  phase state = phase::request;
  steady::time_point deadline;
  steady::time_point quiet_since;  // since when nothing of a request has arrived, when quiet
  bool quiet = true;               // no byte of a request is here: closing it loses nothing
  std::string in;
  std::string out;
  std::size_t sent = 0;
  bool close_after = false;
  std::size_t served = 0;
  std::size_t body_left = 0;  // bytes of the current request's body still to drop
  http_request pending;       // the request whose body is being dropped
  bool keep_alive = false;    // whether the pending request lets the connection live on
};

struct request_line {
  int refusal = 0;  // a status to refuse with, 0 when it can go on
  http_request request;
  bool http11 = false;
};

struct header_fields {
  int refusal = 0;
  std::optional<bool> keep_alive;  // what a Connection header says
  std::size_t body = 0;
};

bool iequals(std::string_view left, std::string_view right) {
  return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
    const auto lower = [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return lower(a) == lower(b);
  });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Whether comma-separated `list` holds `token`, ignoring case.
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

request_line parse_request_line(std::string_view line) {
  request_line parsed;
  const auto first = line.find(' ');
  const auto last = line.rfind(' ');
  if (first == std::string_view::npos || first == 0 || first == last) {
    parsed.refusal = 400;
    return parsed;
  }
  const auto method = line.substr(0, first);
  const auto target = line.substr(first + 1, last - first - 1);
  const auto version = line.substr(last + 1);
  if (method != "GET" && method != "HEAD") {
    parsed.refusal = 405;
  } else if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    parsed.refusal = version.substr(0, 5) == "HTTP/" ? 505 : 400;
  } else if (target.empty() || target.front() != '/' ||
             target.find(' ') != std::string_view::npos) {
    parsed.refusal = 400;
  }
  parsed.request.head = method == "HEAD";
  parsed.request.path = std::string(target.substr(0, target.find('?')));
  parsed.http11 = version == "HTTP/1.1";
  return parsed;
}

header_fields parse_fields(std::string_view fields, std::size_t max_body) {
  header_fields parsed;
  bool has_length = false;
  while (!fields.empty()) {
    const auto end = fields.find("\r\n");
    const auto field = fields.substr(0, end);
    fields = end == std::string_view::npos ? std::string_view{} : fields.substr(end + 2);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      parsed.refusal = 400;
      return parsed;
    }
    const auto name = field.substr(0, colon);
    const auto value = trim(field.substr(colon + 1));
    if (iequals(name, "Connection")) {
      if (has_token(value, "close")) {
        parsed.keep_alive = false;
      } else if (has_token(value, "keep-alive")) {
        parsed.keep_alive = true;
      }
    } else if (iequals(name, "Transfer-Encoding")) {
      parsed.refusal = 501;  // a GET or HEAD has no use for a chunked body
      return parsed;
    } else if (iequals(name, "Content-Length")) {
      std::size_t length = 0;
      const auto [end_of_number, error] =
          std::from_chars(value.data(), value.data() + value.size(), length);
      if (error != std::errc{} || end_of_number != value.data() + value.size() || value.empty() ||
          (has_length && length != parsed.body)) {
        parsed.refusal = error == std::errc::result_out_of_range ? 413 : 400;
        return parsed;
      }
      has_length = true;
      parsed.body = length;
    }
  }
  if (parsed.body > max_body) parsed.refusal = 413;
  return parsed;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
  }
}

std::string refusal_text(int status) {
  switch (status) {
    case 405: return "method not allowed; this server answers GET and HEAD only\n";
    case 408: return "request timeout; a request must arrive whole within the server's limit\n";
    case 503: return "too many connections; try again later\n";
    default: return "request refused (HTTP " + std::to_string(status) + ")\n";
  }
}

std::string render(const http_response& response, bool head, bool keep_alive,
                   std::chrono::milliseconds idle_timeout) {
  std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " + reason(response.status) +
                     "\r\nContent-Type: " + response.content_type +
                     "\r\nContent-Length: " + std::to_string(response.body.size()) + "\r\n";
  for (const auto& [name, value] : response.headers) text += name + ": " + value + "\r\n";
  if (keep_alive) {
    const auto seconds = std::max<std::int64_t>(1, idle_timeout.count() / 1000);
    text += "Connection: keep-alive\r\nKeep-Alive: timeout=" + std::to_string(seconds) + "\r\n";
  } else {
    text += "Connection: close\r\n";
  }
  text += "\r\n";
  if (!head) text += response.body;
  return text;
}

http_response refusal(int status) {
  http_response response{status, "text/plain", refusal_text(status), {}};
  if (status == 405) response.headers.emplace_back("Allow", "GET, HEAD");
  if (status == 503) response.headers.emplace_back("Retry-After", "1");
  return response;
}

// Sends what fits now, for a connection about to be closed; what does not fit is lost.
void send_once(int fd, const std::string& text) {
  [[maybe_unused]] const auto sent =
      ::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string client_address(const sockaddr_storage& peer) {
  if (peer.ss_family == AF_INET) {
    const auto& address = reinterpret_cast<const sockaddr_in&>(peer);
    return {reinterpret_cast<const char*>(&address.sin_addr), sizeof address.sin_addr};
  }
  if (peer.ss_family == AF_INET6) {
    const auto& address = reinterpret_cast<const sockaddr_in6&>(peer);
    return {reinterpret_cast<const char*>(&address.sin6_addr), sizeof address.sin6_addr};
  }
  return {};
}

}  // namespace

struct http_server::loop {
  http_exporter_config config;
  http_handler handler;
  int listener = -1;
  int wake_read = -1;
  int wake_write = -1;
  std::vector<connection> connections;
  steady::time_point paused_until;

  ~loop() {
    for (auto& open : connections) close(open);
    for (const int fd : {listener, wake_read, wake_write}) {
      if (fd >= 0) ::close(fd);
    }
  }

  static void close(connection& open) {
    if (open.fd >= 0) ::close(open.fd);
    open.fd = -1;
  }

  void run() {
    std::vector<pollfd> polled;
    for (;;) {
      expire(steady::now());
      polled.clear();
      polled.push_back({wake_read, POLLIN, 0});
      const bool listening = steady::now() >= paused_until;
      polled.push_back({listening ? listener : -1, POLLIN, 0});
      for (const auto& open : connections) {
        const short events = open.state == phase::writing ? POLLOUT : POLLIN;
        polled.push_back({open.fd, events, 0});
      }
      if (::poll(polled.data(), polled.size(), wait_ms(listening)) < 0 && errno != EINTR) return;
      if (polled[0].revents != 0) return;
      const auto now = steady::now();
      for (std::size_t i = 0; i < connections.size(); ++i) {
        if (polled[i + 2].revents != 0) serve(connections[i], now);
      }
      std::erase_if(connections, [](const connection& open) { return open.fd < 0; });
      if (polled[1].revents != 0) accept_all(now);
    }
  }

  // Until the nearest deadline, rounded up, so that a wake-up finds it passed.
  int wait_ms(bool listening) const {
    auto nearest = steady::time_point::max();
    for (const auto& open : connections) nearest = std::min(nearest, open.deadline);
    if (!listening) nearest = std::min(nearest, paused_until);
    if (nearest == steady::time_point::max()) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(nearest - steady::now());
    return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60000));
  }

  void expire(steady::time_point now) {
    for (auto& open : connections) {
      if (open.deadline > now) continue;
      // A client that began a request and did not finish it in time is told so, once.
      if (open.state == phase::request && !open.quiet) {
        send_once(open.fd, render(refusal(408), false, false, config.idle_timeout));
      }
      close(open);
    }
    std::erase_if(connections, [](const connection& open) { return open.fd < 0; });
  }

  void accept_all(steady::time_point now) {
    for (;;) {
      sockaddr_storage peer{};
      socklen_t size = sizeof peer;
      const int fd = ::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &size,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          paused_until = now + accept_pause;
        }
        return;
      }
      admit(fd, client_address(peer), now);
    }
  }

  // Makes room under the caps by closing the connection quiet the longest among those `among`
  // selects; false when every one of them is busy with a request.
  template <class Selector>
  bool make_room(Selector among) {
    connection* oldest = nullptr;
    for (auto& open : connections) {
      if (open.quiet && among(open) && (!oldest || open.quiet_since < oldest->quiet_since)) {
        oldest = &open;
      }
    }
    if (!oldest) return false;
    close(*oldest);
    std::erase_if(connections, [](const connection& open) { return open.fd < 0; });
    return true;
  }

  void admit(int fd, std::string client, steady::time_point now) {
    const auto same_client = [&client](const connection& open) { return open.client == client; };
    const auto anyone = [](const connection&) { return true; };
    const auto of_client = static_cast<std::size_t>(
        std::count_if(connections.begin(), connections.end(), same_client));
    const bool room = (of_client < config.max_connections_per_client || make_room(same_client)) &&
                      (connections.size() < config.max_connections || make_room(anyone));
    if (!room) {
      send_once(fd, render(refusal(503), false, false, config.idle_timeout));
      ::close(fd);
      return;
    }
    connection& open = connections.emplace_back();
    open.fd = fd;
    open.client = std::move(client);
    open.deadline = now + config.request_timeout;
    open.quiet_since = now;
  }

  void serve(connection& open, steady::time_point now) {
    if (open.state == phase::writing) {
      write(open, now);
      return;
    }
    char buffer[receive_chunk];
    const auto got = ::recv(open.fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (got <= 0) {
      close(open);
      return;
    }
    if (open.state == phase::draining) return;
    open.in.append(buffer, static_cast<std::size_t>(got));
    advance(open, now);
  }

  // Takes the requests that have arrived whole, in order, as long as the connection may read.
  void advance(connection& open, steady::time_point now) {
    while ((open.state == phase::request || open.state == phase::idle) && !open.in.empty()) {
      if (open.quiet) {
        open.quiet = false;
        if (open.state == phase::idle) open.deadline = now + config.request_timeout;
        open.state = phase::request;
      }
      if (open.body_left > 0) {
        const auto dropped = std::min(open.body_left, open.in.size());
        open.in.erase(0, dropped);
        open.body_left -= dropped;
        if (open.body_left == 0) respond(open, now);
        continue;
      }
      if (open.in.starts_with("\r\n")) {  // empty lines before a request line are ignored
        open.in.erase(0, 2);
        continue;
      }
      const auto line_end = open.in.find("\r\n");
      if (line_end == std::string::npos || line_end > max_request_line) {
        if (open.in.size() > max_request_line) refuse(open, 414, now);
        return;
      }
      const auto line = parse_request_line(std::string_view(open.in).substr(0, line_end));
      if (line.refusal != 0) {
        refuse(open, line.refusal, now);
        return;
      }
      const auto head_end = open.in.find("\r\n\r\n", line_end);
      if (head_end == std::string::npos || head_end + 4 > max_head) {
        if (open.in.size() > max_head) refuse(open, 431, now);
        return;
      }
      const auto fields_text = head_end == line_end ? std::string_view{}
                                                    : std::string_view(open.in).substr(
                                                          line_end + 2, head_end - line_end - 2);
      const auto fields = parse_fields(fields_text, config.max_request_bytes);
      if (fields.refusal != 0) {
        refuse(open, fields.refusal, now);
        return;
      }
      open.in.erase(0, head_end + 4);
      open.pending = line.request;
      open.keep_alive = fields.keep_alive.value_or(line.http11);
      open.body_left = fields.body;
      if (open.body_left == 0) respond(open, now);
    }
  }

  void respond(connection& open, steady::time_point now) {
    http_response response;
    try {
      response = handler(open.pending);
    } catch (...) {
      response = http_response{500, "text/plain", "internal error\n", {}};
    }
    ++open.served;
    const bool keep = open.keep_alive && open.served < max_requests_per_connection;
    queue(open, render(response, open.pending.head, keep, config.idle_timeout), !keep, now);
  }

  // Refuses the request being read and ends the connection: what follows it is not read.
  void refuse(connection& open, int status, steady::time_point now) {
    open.in.clear();
    queue(open, render(refusal(status), false, false, config.idle_timeout), true, now);
  }

  void queue(connection& open, std::string text, bool close_after, steady::time_point now) {
    open.out = std::move(text);
    open.sent = 0;
    open.close_after = close_after;
    open.state = phase::writing;
    open.deadline = now + config.request_timeout;
    write(open, now);
  }

  void write(connection& open, steady::time_point now) {
    while (open.sent < open.out.size()) {
      const auto sent = ::send(open.fd, open.out.data() + open.sent, open.out.size() - open.sent,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0) {
        close(open);
        return;
      }
      open.sent += static_cast<std::size_t>(sent);
    }
    open.out.clear();
    if (open.close_after) {
      ::shutdown(open.fd, SHUT_WR);
      open.state = phase::draining;
      open.deadline = now + linger;
      return;
    }
    open.state = phase::idle;
    open.quiet = true;
    open.quiet_since = now;
    open.deadline = now + config.idle_timeout;
    advance(open, now);
  }
};

http_server::http_server() = default;
http_server::~http_server() { stop(); }

std::optional<std::uint16_t> http_server::start(const http_exporter_config& config,
                                                http_handler handler, std::string& problem) {
  auto made = std::make_unique<loop>();
  made->config = config;
  made->handler = std::move(handler);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port_text = std::to_string(config.port);
  const auto cannot_listen = [&](const std::string& why) {
    problem = "HTTP exporter: cannot listen on " + config.bind + ":" + port_text + why +
              "; it is disabled";
    return std::nullopt;
  };
  if (::getaddrinfo(config.bind.c_str(), port_text.c_str(), &hints, &found) != 0) {
    return cannot_listen("");
  }
  for (const addrinfo* address = found; address && made->listener < 0; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR alone, not SO_REUSEPORT: a port another live server of this user holds is
    // refused (and reported), while one whose last connections linger in TIME_WAIT, as after a
    // restart, is taken again at once.
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, address->ai_addr, address->ai_addrlen) == 0 &&
        ::listen(fd, config.backlog) == 0) {
      made->listener = fd;
    } else {
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (made->listener < 0) return cannot_listen("");
  sockaddr_storage bound{};
  socklen_t size = sizeof bound;
  ::getsockname(made->listener, reinterpret_cast<sockaddr*>(&bound), &size);
  const auto port = bound.ss_family == AF_INET6
                        ? ntohs(reinterpret_cast<const sockaddr_in6&>(bound).sin6_port)
                        : ntohs(reinterpret_cast<const sockaddr_in&>(bound).sin_port);
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    return cannot_listen(std::string(": ") + std::strerror(errno));
  }
  made->wake_read = wake[0];
  made->wake_write = wake[1];
  loop_ = std::move(made);
  thread_ = std::thread([running = loop_.get()] { running->run(); });
  return port;
}

void http_server::stop() {
  if (!loop_) return;
  const char byte = 1;
  [[maybe_unused]] const auto woken = ::write(loop_->wake_write, &byte, 1);
  if (thread_.joinable()) thread_.join();
  loop_.reset();
}

}  // namespace metron::detail
