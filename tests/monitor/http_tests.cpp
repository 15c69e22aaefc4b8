// Tests of the HTTP exporter against a real client: what it serves, and what it refuses while
// going on serving.
#include <metron/monitor/monitor.hpp>

#include <httplib.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

TEST_CASE("the HTTP exporter refuses what it does not serve and goes on",
          "[monitor][http][security]") {
  metron::monitoring hub(http_config());
  hub.start();
  REQUIRE(hub.http_port());
  httplib::Client client("127.0.0.1", *hub.http_port());

  for (const char* path :
       {"/nope", "/metrics/extra", "/../../etc/passwd", "/etc/passwd", "/index.html"}) {
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
  CHECK((!oversized || oversized->status == 405));
  const auto long_path = client.Get(("/" + std::string(20000, 'a')).c_str());
  CHECK((!long_path || long_path->status == 414));

  httplib::Client again("127.0.0.1", *hub.http_port());
  const auto still = again.Get("/metrics");
  REQUIRE(still);
  CHECK(still->status == 200);
}

namespace {

// A raw connection to the exporter, for what an HTTP client library would not send.
class raw_client {
 public:
  explicit raw_client(std::uint16_t port) : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        ::connect(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    const timeval limit{5, 0};
    ::setsockopt(socket_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;
  ~raw_client() { ::close(socket_); }

  [[nodiscard]] bool connected() const { return connected_; }
  void send(const std::string& text) {
    [[maybe_unused]] const auto sent = ::send(socket_, text.data(), text.size(), MSG_NOSIGNAL);
  }
  // Everything the server sends until it closes the connection (or 5 s pass).
  std::string until_closed() {
    std::string got;
    char buffer[4096];
    for (;;) {
      const auto size = ::recv(socket_, buffer, sizeof buffer, 0);
      if (size <= 0) return got;
      got.append(buffer, static_cast<std::size_t>(size));
    }
  }

 private:
  int socket_;
  bool connected_ = false;
};

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("the HTTP exporter answers pipelined requests in order and keeps HTTP/1.0 short",
          "[monitor][http]") {
  metron::monitoring hub(http_config());
  hub.start();
  REQUIRE(hub.http_port());
  raw_client pipelined(*hub.http_port());
  REQUIRE(pipelined.connected());
  pipelined.send(
      "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  const auto answers = pipelined.until_closed();
  CHECK(answers.find("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4") == 0);
  CHECK(count_of(answers, "HTTP/1.1 200 OK") == 2);
  CHECK(answers.find("HTTP/1.1 404 Not Found") != std::string::npos);
  CHECK(answers.find("Keep-Alive: timeout=2\r\n") != std::string::npos);
  CHECK(answers.find("<!DOCTYPE html>") == std::string::npos);  // HEAD has no body

  raw_client old(*hub.http_port());
  old.send("GET /metrics HTTP/1.0\r\n\r\n");
  const auto answer = old.until_closed();
  CHECK(answer.find("HTTP/1.1 200 OK") == 0);
  CHECK(answer.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("the HTTP exporter refuses bad heads and oversized bodies and closes",
          "[monitor][http][security]") {
  metron::monitoring hub(http_config());
  hub.start();
  REQUIRE(hub.http_port());
  const auto answer = [&](const std::string& request) {
    raw_client client(*hub.http_port());
    client.send(request);
    return client.until_closed();
  };
  CHECK(answer("GET /metrics HTTP/1.1\r\nContent-Length: 5000\r\n\r\n").find("HTTP/1.1 413 ") == 0);
  CHECK(answer("GET /metrics HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
            .find("HTTP/1.1 200 ") == 0);
  CHECK(
      answer("GET /metrics HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").find("HTTP/1.1 501 ") ==
      0);
  CHECK(answer("GET /metrics HTTP/1.1\r\nContent-Length: x\r\n\r\n").find("HTTP/1.1 400 ") == 0);
  CHECK(answer("GET /metrics HTTP/2.0\r\n\r\n").find("HTTP/1.1 505 ") == 0);
  CHECK(answer("nonsense\r\n\r\n").find("HTTP/1.1 400 ") == 0);
  CHECK(answer("GET /metrics HTTP/1.1\r\nno colon\r\n\r\n").find("HTTP/1.1 400 ") == 0);
  CHECK(answer("GET /metrics HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n")
            .find("HTTP/1.1 431 ") == 0);
  CHECK(answer("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n").find("HTTP/1.1 414 ") == 0);
  const auto refused = answer("PUT /metrics HTTP/1.1\r\n");
  CHECK(refused.find("HTTP/1.1 405 Method Not Allowed\r\n") == 0);
  CHECK(refused.find("Allow: GET, HEAD\r\n") != std::string::npos);
}

TEST_CASE("the HTTP exporter bounds a request's whole time and an idle connection's wait",
          "[monitor][http][security]") {
  auto config = http_config();
  config.http->request_timeout = std::chrono::milliseconds(300);
  config.http->idle_timeout = std::chrono::milliseconds(200);
  metron::monitoring hub(config);
  hub.start();
  REQUIRE(hub.http_port());

  raw_client slow(*hub.http_port());
  const auto started = std::chrono::steady_clock::now();
  for (const char byte : std::string("GET /metrics HTTP/1.1\r\nHost: a\r\n")) {
    slow.send(std::string(1, byte));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto cut_off = slow.until_closed();
  CHECK(cut_off.find("HTTP/1.1 408 Request Timeout") == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));

  raw_client idle(*hub.http_port());
  idle.send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto kept = std::chrono::steady_clock::now();
  CHECK(idle.until_closed().find("HTTP/1.1 200 OK") == 0);
  CHECK(std::chrono::steady_clock::now() - kept < std::chrono::seconds(2));
}

TEST_CASE("the HTTP exporter caps connections per client and in total",
          "[monitor][http][security]") {
  auto config = http_config();
  config.http->max_connections = 4;
  config.http->max_connections_per_client = 2;
  metron::monitoring hub(config);
  hub.start();
  REQUIRE(hub.http_port());
  std::vector<std::unique_ptr<raw_client>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(std::make_unique<raw_client>(*hub.http_port()));
    busy.back()->send("GET /metrics HTTP/1.1\r\n");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  raw_client third(*hub.http_port());
  CHECK(third.until_closed().find("HTTP/1.1 503 Service Unavailable") == 0);
  busy.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  raw_client again(*hub.http_port());
  again.send("GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK(again.until_closed().find("HTTP/1.1 200 OK") == 0);
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
  CHECK(second.problems()[0] == "HTTP exporter: cannot listen on 127.0.0.1:" +
                                    std::to_string(*first.http_port()) + "; it is disabled");
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
