// The HTTP exporter: /metrics (Prometheus), /api/metrics (JSON) and the dashboard, GET and HEAD
// only.
#include "exporters.hpp"

namespace metron::detail {

std::optional<std::uint16_t> http_exporter::start(const http_exporter_config& config,
                                                  http_content content, std::string& problem) {
  auto route = [content = std::move(content)](const http_request& request) {
    if (request.path == "/metrics") {
      return http_response{200, "text/plain; version=0.0.4; charset=utf-8", content.metrics(), {}};
    }
    if (request.path == "/api/metrics") {
      return http_response{
          200, "application/json", content.json(), {{"Cache-Control", "no-store"}}};
    }
    if (request.path == "/")
      return http_response{200, "text/html; charset=utf-8", dashboard_page(), {}};
    return http_response{404, "text/plain", "not found; try /, /metrics or /api/metrics\n", {}};
  };
  return server_.start(config, std::move(route), problem);
}

void http_exporter::stop() { server_.stop(); }

}  // namespace metron::detail
