// Tests of the HTTP exporter against a real client: what it serves, and what it refuses while
// going on serving.
#include <metron/monitor/monitor.hpp>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace {

metron::monitor_config http_config(std::uint16_t port = 0) {
  metron::monitor_config config;
  config.http = metron::http_exporter_config{};
  config.http->port = port;
  config.http->max_request_bytes = 4096;
  return config;
}

}  // namespace

TEST_CASE("the HTTP exporter serves metrics, JSON and the dashboard", "[monitor][http]") {
  metron::monitoring hub(http_config());
  hub.observe("work.step", 1500, metron::metric_kind::summary, metron::metric_unit::nanoseconds);
  hub.start();
  REQUIRE(hub.http_port());
  httplib::Client client("127.0.0.1", *hub.http_port());

  const auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(metrics->body.find("work_step_seconds_count 1\n") != std::string::npos);

  const auto api = client.Get("/api/metrics");
  REQUIRE(api);
  CHECK(api->status == 200);
  const auto document = nlohmann::json::parse(api->body);
  REQUIRE(document["metrics"].size() == 1);
  CHECK(document["metrics"][0]["name"] == "work.step");
  CHECK(document["metrics"][0]["values"]["p50"] == 1500.0);
  CHECK(document["metrics"][0]["values"]["stddev"] == 0.0);

  const auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<!DOCTYPE html>") == 0);
  CHECK(page->body.find("api/metrics") != std::string::npos);
  CHECK(page->body.find("src=") == std::string::npos);   // no external scripts or images
  CHECK(page->body.find("href=") == std::string::npos);  // no external style sheets

  const auto head = client.Head("/metrics");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
}

TEST_CASE("the HTTP exporter refuses what it does not serve and goes on", "[monitor][http][security]") {
  metron::monitoring hub(http_config());
  hub.start();
  REQUIRE(hub.http_port());
  httplib::Client client("127.0.0.1", *hub.http_port());

  for (const char* path : {"/nope", "/metrics/extra", "/../../etc/passwd", "/etc/passwd", "/index.html"}) {
    const auto missing = client.Get(path);
    REQUIRE(missing);
    INFO(path);
    CHECK(missing->status == 404);
  }
  const auto posted = client.Post("/metrics", "x=1", "application/x-www-form-urlencoded");
  REQUIRE(posted);
  CHECK(posted->status == 405);
  CHECK(posted->get_header_value("Allow") == "GET, HEAD");
  const auto put = client.Put("/", "x", "text/plain");
  REQUIRE(put);
  CHECK(put->status == 405);
  const auto deleted = client.Delete("/api/metrics");
  REQUIRE(deleted);
  CHECK(deleted->status == 405);

  const auto oversized = client.Post("/metrics", std::string(1 << 20, 'x'), "text/plain");
  CHECK((!oversized || oversized->status == 413));
  const auto long_path = client.Get(("/" + std::string(20000, 'a')).c_str());
  CHECK((!long_path || long_path->status == 414));

  httplib::Client again("127.0.0.1", *hub.http_port());
  const auto still = again.Get("/metrics");
  REQUIRE(still);
  CHECK(still->status == 200);
}

TEST_CASE("an exporter that cannot bind is reported and disabled", "[monitor][http]") {
  auto config = http_config();
  config.http->bind = "192.0.2.1";  // TEST-NET-1: no interface of this machine has it
  metron::monitoring second(config);
  second.observe("still.aggregated", 1);
  second.start();
  CHECK_FALSE(second.http_port());
  REQUIRE(second.problems().size() == 1);
  CHECK(second.problems()[0] == "HTTP exporter: cannot listen on 192.0.2.1:0; it is disabled");
  CHECK(second.snapshot().metrics.size() == 1);
  second.stop();
}

TEST_CASE("a port another exporter holds is refused, not shared", "[monitor][http]") {
  metron::monitoring first(http_config());
  first.start();
  REQUIRE(first.http_port());
  metron::monitoring second(http_config(*first.http_port()));
  second.start();
  CHECK_FALSE(second.http_port());
  REQUIRE(second.problems().size() == 1);
  CHECK(second.problems()[0] ==
        "HTTP exporter: cannot listen on 127.0.0.1:" + std::to_string(*first.http_port()) +
            "; it is disabled");
}

TEST_CASE("a port whose connections linger in TIME_WAIT can be bound again at once",
          "[monitor][http]") {
  std::uint16_t port = 0;
  {
    metron::monitoring hub(http_config());
    hub.start();
    REQUIRE(hub.http_port());
    port = *hub.http_port();
    httplib::Client client("127.0.0.1", port);
    // The server closes first, so its side of the connection waits in TIME_WAIT.
    const auto scraped = client.Get("/metrics", {{"Connection", "close"}});
    REQUIRE(scraped);
    CHECK(scraped->status == 200);
    hub.stop();
  }
  // What a restarted program's listener does (SO_REUSEADDR) must succeed on that port.
  const int socket = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(socket >= 0);
  const int yes = 1;
  ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CHECK(::bind(socket, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  ::close(socket);
}
