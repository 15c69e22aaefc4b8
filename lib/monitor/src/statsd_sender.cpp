// Sending statsd lines over UDP, packed into datagrams below the 1432-byte limit.
#include "exporters.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace metron::detail {

statsd_sender::~statsd_sender() {
  if (socket_ >= 0) ::close(socket_);
}

bool statsd_sender::open(const statsd_exporter_config& config, std::string& problem) {
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(config.port);
  if (::inet_pton(AF_INET, config.host.c_str(), &target.sin_addr) != 1) {
    problem = "statsd exporter: '" + config.host + "' is not an IPv4 address; it is disabled";
    return false;
  }
  socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (socket_ < 0) {
    problem = std::string("statsd exporter: cannot open a UDP socket: ") + std::strerror(errno) +
              "; it is disabled";
    return false;
  }
  address_.resize(sizeof target);
  std::memcpy(address_.data(), &target, sizeof target);
  return true;
}

bool statsd_sender::send_datagram(const std::string& payload, std::string& problem) {
  sockaddr_in target{};
  std::memcpy(&target, address_.data(), sizeof target);
  const auto sent = ::sendto(socket_, payload.data(), payload.size(), MSG_DONTWAIT,
                             static_cast<const sockaddr*>(static_cast<const void*>(&target)),
                             sizeof target);
  if (sent < 0) {
    problem = std::string("statsd exporter: cannot send: ") + std::strerror(errno) +
              "; it is disabled";
    return false;
  }
  ++datagrams_;
  return true;
}

bool statsd_sender::send(const std::vector<std::string>& lines, std::string& problem) {
  std::string payload;
  for (const auto& line : lines) {
    if (line.size() > max_datagram) continue;
    if (!payload.empty() && payload.size() + 1 + line.size() > max_datagram) {
      if (!send_datagram(payload, problem)) return false;
      payload.clear();
    }
    if (!payload.empty()) payload += '\n';
    payload += line;
  }
  return payload.empty() || send_datagram(payload, problem);
}

std::string statsd_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (const char c : name) {
    const auto code = static_cast<unsigned char>(c);
    const bool bad = c == ':' || c == '|' || c == '@' || c == '/' || code <= ' ' || code == 127;
    out += bad ? '_' : c;
  }
  return out;
}

}  // namespace metron::detail
