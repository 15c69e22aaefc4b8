// The HTTP exporter: /metrics (Prometheus), /api/metrics (JSON) and the dashboard, GET and HEAD only.
#include "exporters.hpp"

#include <httplib.h>

namespace metron::detail {
namespace {

constexpr const char* allowed_methods = "GET, HEAD";

void refuse_method(const httplib::Request& /*request*/, httplib::Response& response) {
  response.status = 405;
  response.set_header("Allow", allowed_methods);
  response.set_content("method not allowed; this server answers GET and HEAD only\n", "text/plain");
}

}  // namespace

http_exporter::http_exporter() = default;
http_exporter::~http_exporter() { stop(); }

std::optional<std::uint16_t> http_exporter::start(const http_exporter_config& config,
                                                  http_content content, std::string& problem) {
  auto server = std::make_unique<httplib::Server>();
  // Two workers are plenty for scrapes and a dashboard, and bound what a flood of connections
  // can take from the monitored program.
  server->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server->set_payload_max_length(config.max_request_bytes);
  server->set_read_timeout(5, 0);
  server->set_write_timeout(5, 0);
  server->set_keep_alive_max_count(100);
  // SO_REUSEADDR alone, not cpp-httplib's default SO_REUSEPORT: a port another live server of
  // this user holds is refused (and reported), while one whose last connections linger in
  // TIME_WAIT, as after a restart, is taken again at once.
  server->set_socket_options([](socket_t socket) {
    const int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  server->Get("/metrics", [render = content.metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->Get("/api/metrics", [render = content.json](const httplib::Request&, httplib::Response& response) {
    response.set_header("Cache-Control", "no-store");
    response.set_content(render(), "application/json");
  });
  server->Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(dashboard_page(), "text/html; charset=utf-8");
  });
  server->Post(".*", refuse_method);
  server->Put(".*", refuse_method);
  server->Patch(".*", refuse_method);
  server->Delete(".*", refuse_method);
  server->Options(".*", refuse_method);
  server->set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 404) {
      response.set_content("not found; try /, /metrics or /api/metrics\n", "text/plain");
    } else if (response.body.empty()) {
      response.set_content("request refused (HTTP " + std::to_string(response.status) + ")\n",
                           "text/plain");
    }
  });

  int port = config.port;
  if (config.port == 0) {
    port = server->bind_to_any_port(config.bind);
    if (port < 0) port = 0;
  } else if (!server->bind_to_port(config.bind, config.port)) {
    port = 0;
  }
  if (port <= 0) {
    problem = "HTTP exporter: cannot listen on " + config.bind + ":" + std::to_string(config.port) +
              "; it is disabled";
    return std::nullopt;
  }
  server_ = std::move(server);
  listener_ = std::thread([server_ptr = server_.get()] { server_ptr->listen_after_bind(); });
  return static_cast<std::uint16_t>(port);
}

void http_exporter::stop() {
  if (server_) server_->stop();
  if (listener_.joinable()) listener_.join();
  server_.reset();
}

}  // namespace metron::detail
