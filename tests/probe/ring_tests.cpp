// Tests of the SPSC ring: edges, wrap-around with a small index type, groups, real threads.
#include <metron/probe/detail/spsc_ring.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <thread>
#include <vector>

using metron::detail::spsc_ring;

TEST_CASE("an empty ring pops nothing and a full ring refuses pushes", "[probe][ring]") {
  std::vector<int> storage(8);
  spsc_ring<int> ring(storage.data(), 8);
  int out[8] = {};
  CHECK(ring.pop(out, 8) == 0);
  CHECK(ring.capacity() == 8);
  for (int i = 0; i < 8; ++i) {
    REQUIRE(ring.try_push(i));
  }
  CHECK(ring.size_approx() == 8);
  CHECK_FALSE(ring.try_push(99));
  REQUIRE(ring.pop(out, 3) == 3);
  CHECK(out[0] == 0);
  CHECK(out[2] == 2);
  CHECK(ring.try_push(8));
  CHECK(ring.try_push(9));
  CHECK(ring.try_push(10));
  CHECK_FALSE(ring.try_push(11));
  REQUIRE(ring.pop(out, 8) == 8);
  for (int i = 0; i < 8; ++i) {
    CHECK(out[i] == i + 3);
  }
  CHECK(ring.pop(out, 8) == 0);
}

TEST_CASE("indices wrap around a small index type without losing order", "[probe][ring]") {
  // With an 8-bit index the head and tail pass 255 -> 0 many times in this loop.
  std::vector<std::uint32_t> storage(16);
  spsc_ring<std::uint32_t, std::uint8_t> ring(storage.data(), 16);
  std::uint32_t next_in = 0;
  std::uint32_t next_out = 0;
  std::uint32_t out[16] = {};
  for (int round = 0; round < 1000; ++round) {
    const int pushes = 1 + round % 16;
    for (int i = 0; i < pushes; ++i) {
      if (!ring.try_push(next_in)) {
        break;
      }
      ++next_in;
    }
    CHECK(ring.size_approx() == next_in - next_out);
    const std::size_t popped = ring.pop(out, static_cast<std::size_t>(1 + round % 7));
    for (std::size_t i = 0; i < popped; ++i) {
      REQUIRE(out[i] == next_out);
      ++next_out;
    }
  }
  CHECK(next_in > 1000);
  CHECK(next_in - next_out <= 16);
}

TEST_CASE("a full ring with a small index type stays exactly full across the wrap", "[probe][ring]") {
  std::vector<int> storage(128);
  spsc_ring<int, std::uint8_t> ring(storage.data(), 128);
  int out[128] = {};
  for (int lap = 0; lap < 5; ++lap) {
    int pushed = 0;
    while (ring.try_push(pushed)) {
      ++pushed;
    }
    REQUIRE(pushed == 128);
    REQUIRE(ring.pop(out, 128) == 128);
    CHECK(out[127] == 127);
  }
}

TEST_CASE("a group goes in whole or not at all", "[probe][ring]") {
  std::vector<int> storage(8);
  spsc_ring<int> ring(storage.data(), 8);
  const int group[5] = {1, 2, 3, 4, 5};
  REQUIRE(ring.try_push_n(group, 5));
  CHECK_FALSE(ring.try_push_n(group, 4));
  CHECK(ring.size_approx() == 5);
  REQUIRE(ring.try_push_n(group, 3));
  int out[8] = {};
  REQUIRE(ring.pop(out, 8) == 8);
  CHECK(out[4] == 5);
  CHECK(out[7] == 3);
}

TEST_CASE("clear discards what the ring holds", "[probe][ring]") {
  std::vector<int> storage(4);
  spsc_ring<int> ring(storage.data(), 4);
  REQUIRE(ring.try_push(1));
  REQUIRE(ring.try_push(2));
  CHECK(ring.clear() == 2);
  int out[4] = {};
  CHECK(ring.pop(out, 4) == 0);
  CHECK(ring.try_push(3));
  REQUIRE(ring.pop(out, 4) == 1);
  CHECK(out[0] == 3);
}

TEST_CASE("many producer threads each with a ring and one consumer lose nothing", "[probe][ring][mt]") {
  constexpr int producers = 4;
  constexpr std::uint32_t per_producer = 200'000;
  std::vector<std::vector<std::uint64_t>> storage(producers, std::vector<std::uint64_t>(256));
  std::vector<std::unique_ptr<spsc_ring<std::uint64_t>>> rings;
  for (auto& memory : storage) {
    rings.push_back(std::make_unique<spsc_ring<std::uint64_t>>(memory.data(), 256));
  }
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&ring = *rings[static_cast<std::size_t>(p)], p] {
      for (std::uint32_t i = 0; i < per_producer; ++i) {
        const std::uint64_t value = (static_cast<std::uint64_t>(p) << 32) | i;
        while (!ring.try_push(value)) {
          std::this_thread::yield();
        }
      }
    });
  }
  std::vector<std::uint32_t> expected(producers, 0);
  std::uint64_t received = 0;
  bool in_order = true;
  std::uint64_t out[64];
  while (received < std::uint64_t{producers} * per_producer) {
    for (int p = 0; p < producers; ++p) {
      const std::size_t n = rings[static_cast<std::size_t>(p)]->pop(out, 64);
      for (std::size_t i = 0; i < n; ++i) {
        in_order = in_order && (out[i] >> 32) == static_cast<std::uint64_t>(p) &&
                   (out[i] & 0xffffffffU) == expected[static_cast<std::size_t>(p)];
        ++expected[static_cast<std::size_t>(p)];
      }
      received += n;
    }
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(in_order);
  CHECK(received == std::uint64_t{producers} * per_producer);
}
