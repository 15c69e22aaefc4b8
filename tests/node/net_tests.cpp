// The demo node's network layer and topology files: framing, malformed frames, a loopback fetch,
// topology validation with file:line.
#include "cluster.hpp"
#include "net.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& text) { return {text.begin(), text.end()}; }

std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& problem) {
    return problem.what();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("frames round-trip through the decoder, whole and byte by byte", "[node][net]") {
  const std::vector<demo::frame> frames = {
      {demo::frame_kind::hello, demo::encode_hello(7)},
      {demo::frame_kind::announce, demo::encode_announcement({42, bytes_of("hash-bytes")})},
      {demo::frame_kind::request, bytes_of("hash-bytes")},
      {demo::frame_kind::block, std::vector<std::uint8_t>(100000, 0xab)},
      {demo::frame_kind::not_found, bytes_of("x")},
      {demo::frame_kind::transaction, {}},
  };
  std::vector<std::uint8_t> stream;
  for (const demo::frame& f : frames) {
    const std::vector<std::uint8_t> wire = demo::encode_frame(f);
    CHECK(wire.size() == demo::frame_header_bytes + f.payload.size());
    stream.insert(stream.end(), wire.begin(), wire.end());
  }

  SECTION("whole") {
    demo::frame_decoder decoder;
    decoder.feed(stream);
    for (const demo::frame& f : frames) {
      const std::optional<demo::frame> got = decoder.next();
      REQUIRE(got);
      CHECK(*got == f);
    }
    CHECK_FALSE(decoder.next());
    CHECK(decoder.buffered() == 0);
  }
  SECTION("byte by byte") {
    demo::frame_decoder decoder;
    std::vector<demo::frame> got;
    for (const std::uint8_t byte : stream) {
      decoder.feed({&byte, 1});
      while (std::optional<demo::frame> f = decoder.next()) {
        got.push_back(std::move(*f));
      }
    }
    CHECK(got == frames);
  }
  CHECK(demo::decode_hello(frames[0].payload) == 7);
  CHECK(demo::decode_announcement(frames[1].payload) ==
        demo::announcement{42, bytes_of("hash-bytes")});
  CHECK(demo::kind_name(demo::frame_kind::not_found) == "not_found");
}

TEST_CASE("malformed and oversized frames are refused with a clear error", "[node][net]") {
  SECTION("length zero") {
    demo::frame_decoder decoder;
    decoder.feed(std::vector<std::uint8_t>{0, 0, 0, 0, 1});
    CHECK(message_of([&] { (void)decoder.next(); }).find("length 0") != std::string::npos);
  }
  SECTION("unknown kind") {
    demo::frame_decoder decoder;
    decoder.feed(std::vector<std::uint8_t>{0, 0, 0, 1, 99});
    CHECK(message_of([&] { (void)decoder.next(); }).find("unknown kind 99") != std::string::npos);
  }
  SECTION("a declared length beyond the limit fails before the body arrives") {
    demo::frame_decoder decoder(1000);
    decoder.feed(std::vector<std::uint8_t>{0, 0, 0x03, 0xe9, 4});
    CHECK(message_of([&] { (void)decoder.next(); }) ==
          "frame of 1001 bytes exceeds the limit of 1000");
  }
  SECTION("the default limit") {
    demo::frame_decoder decoder;
    decoder.feed(std::vector<std::uint8_t>{0xff, 0xff, 0xff, 0xff, 4});
    CHECK_THROWS_AS(decoder.next(), demo::net_error);
  }
  SECTION("a payload too large to send") {
    const demo::frame big{demo::frame_kind::block,
                          std::vector<std::uint8_t>(demo::max_frame_bytes, 0)};
    CHECK_THROWS_AS(demo::encode_frame(big), demo::net_error);
  }
  SECTION("payloads of the wrong size") {
    CHECK(message_of([] {
            (void)demo::decode_hello(std::vector<std::uint8_t>{1, 2});
          }) == "hello payload of 2 bytes; expected 4 (the node index)");
    CHECK_THROWS_AS(demo::decode_announcement(std::vector<std::uint8_t>(8, 0)), demo::net_error);
    CHECK_THROWS_AS(demo::decode_announcement(std::vector<std::uint8_t>(80, 0)), demo::net_error);
    CHECK_THROWS_AS(demo::encode_announcement({1, {}}), demo::net_error);
  }
  SECTION("an incomplete frame waits") {
    demo::frame_decoder decoder;
    decoder.feed(std::vector<std::uint8_t>{0, 0, 0, 3, 3, 1});
    CHECK_FALSE(decoder.next());
    CHECK(decoder.buffered() == 6);
  }
}

TEST_CASE("a client fetches a block from a server over loopback TCP", "[node][net]") {
  demo::listener server(0);
  REQUIRE(server.port() != 0);
  const std::vector<std::uint8_t> block(20000, 0x5a);
  std::thread serving([&] {
    int fd = -1;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (fd < 0 && std::chrono::steady_clock::now() < deadline) {
      fd = server.accept_fd();
      std::this_thread::sleep_for(1ms);
    }
    REQUIRE(fd >= 0);
    demo::connection peer(fd);
    for (int round = 0; round < 2; ++round) {
      const demo::frame request = peer.receive_blocking(5s);
      if (request.payload == bytes_of("known")) {
        peer.send({demo::frame_kind::block, block});
      } else {
        peer.send({demo::frame_kind::not_found, request.payload});
      }
      peer.flush_blocking(5s);
    }
  });

  demo::connection client = demo::connect_to(server.port(), 5s);
  client.send({demo::frame_kind::request, bytes_of("known")});
  client.flush_blocking(5s);
  const demo::frame answer = client.receive_blocking(5s);
  CHECK(answer.kind == demo::frame_kind::block);
  CHECK(answer.payload == block);

  client.send({demo::frame_kind::request, bytes_of("unknown")});
  client.flush_blocking(5s);
  const demo::frame missing = client.receive_blocking(5s);
  CHECK(missing.kind == demo::frame_kind::not_found);
  CHECK(missing.payload == bytes_of("unknown"));
  serving.join();

  // The server is gone: the client sees the close.
  CHECK(message_of([&] { (void)client.receive_blocking(2s); }).find("closed") != std::string::npos);
}

TEST_CASE("a port in use is reported, a free one is not", "[node][net]") {
  const demo::listener holder(0);
  CHECK_FALSE(demo::port_available(holder.port()));
  CHECK(message_of([&] { const demo::listener again(holder.port()); }).find("already in use") !=
        std::string::npos);
  CHECK(message_of([] {
          (void)demo::connect_to(demo::pick_free_port(), 100ms);
        }).find("cannot connect to 127.0.0.1:") != std::string::npos);
}

TEST_CASE("topologies are read and their errors name file and line", "[node][topology]") {
  const std::string good =
      "nodes:\n"
      "  - name: a\n"
      "    port: 23001\n"
      "    metrics_port: 23011\n"
      "    stake: 3\n"
      "    peers: [b]\n"
      "  - {name: b, port: 23002, metrics_port: 23012}\n"
      "  - {name: c, port: 23003, metrics_port: 23013, peers: [a, b]}\n";
  const demo::topology t = demo::parse_topology(good, "t.yaml");
  REQUIRE(t.nodes.size() == 3);
  CHECK(t.nodes[0].stake == 3);
  CHECK(t.nodes[1].stake == 1);
  CHECK(t.nodes[2].line == 8);
  CHECK(demo::neighbours(t, 0) == std::vector<std::size_t>{1, 2});
  CHECK(demo::neighbours(t, 1) == std::vector<std::size_t>{0, 2});
  const demo::topology again = demo::parse_topology(demo::to_yaml(t), "again");
  CHECK(again.nodes[2].peers == t.nodes[2].peers);

  const auto error_of = [](const std::string& yaml) {
    return message_of([&] { (void)demo::parse_topology(yaml, "t.yaml"); });
  };
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1, metrics_port: 2, peers: [b]}\n"
                 "  - name: b\n"
                 "    port: 3\n"
                 "    metrics_port: 4\n"
                 "    peers:\n"
                 "      - a\n"
                 "      - z\n") == "t.yaml:8: node 'b' names unknown peer 'z'; known nodes: a, b");
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1, metrics_port: 2}\n"
                 "  - {name: b, port: 3, metrics_port: 1}\n") ==
        "t.yaml:3: duplicate port 1: metrics_port of node 'b' is also the port of node 'a' (line "
        "2)");
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1, metrics_port: 2}\n"
                 "  - {name: a, port: 3, metrics_port: 4}\n") ==
        "t.yaml:3: duplicate node name 'a' (first at line 2)");
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1, metrics_port: 2}\n"
                 "  - {name: b, port: 70000, metrics_port: 4}\n")
            .starts_with("t.yaml:3: 'port' must be a whole number from 1 to 65535"));
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1, metrics_port: 2, colour: red}\n"
                 "  - {name: b, port: 3, metrics_port: 4}\n")
            .starts_with("t.yaml:2: unknown key 'colour'"));
  CHECK(error_of("nodes:\n"
                 "  - {name: a, port: 1}\n"
                 "  - {name: b, port: 3, metrics_port: 4}\n") ==
        "t.yaml:2: the node has no 'metrics_port'");
  CHECK(error_of("nodes: [\n").starts_with("t.yaml:"));
  CHECK(error_of("nodes:\n  - {name: a, port: 1, metrics_port: 2}\n")
            .starts_with("t.yaml:2: 'nodes' must be a list of at least two nodes"));
}

TEST_CASE("a port already in use is named with its node and line", "[node][topology]") {
  const demo::listener holder(0);
  demo::topology t = demo::ring_topology(3);
  CHECK(t.nodes[2].peers == std::vector<std::string>{"node-1"});
  CHECK_NOTHROW(demo::check_ports(t));
  t.source = "ring.yaml";
  t.nodes[1].metrics_port = holder.port();
  CHECK(message_of([&] { demo::check_ports(t); }) ==
        "ring.yaml:3: metrics_port " + std::to_string(holder.port()) +
            " of node 'node-2' is already in use on 127.0.0.1; stop what holds it or choose "
            "another port");
}
