// Tracers shared by real threads: counting, folding and eliding keep their contracts under load.
#include "recorder.hpp"

#include <metron/trace/trace.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <set>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 4;
constexpr int values_per_thread = 5000;

// Runs `body(thread_index)` on `thread_count` threads at once and waits for them all.
template <class Body>
void on_threads(Body body) {
  std::vector<std::thread> threads;
  threads.reserve(thread_count);
  for (int index = 0; index < thread_count; ++index) threads.emplace_back(body, index);
  for (std::thread& thread : threads) thread.join();
}

}  // namespace

TEST_CASE("counting from many threads gives every value its own number", "[trace][mt]") {
  metron::test::recorder<std::uint64_t> counts;
  const auto tr = metron::counting<int>(counts.tracer());
  on_threads([tr](int index) {
    for (int v = 0; v < values_per_thread; ++v) tr(index);
  });
  std::vector<std::uint64_t> seen = counts.values();
  std::sort(seen.begin(), seen.end());
  std::vector<std::uint64_t> expected(static_cast<std::size_t>(thread_count * values_per_thread));
  std::iota(expected.begin(), expected.end(), std::uint64_t{1});
  CHECK(seen == expected);
}

TEST_CASE("folding from many threads loses no step and reports accumulators in order",
          "[trace][mt]") {
  metron::test::recorder<std::int64_t> sums;
  const auto tr =
      metron::folding([](std::int64_t sum, int v) { return sum + v; }, std::int64_t{0},
                      sums.tracer());
  on_threads([tr](int index) {
    for (int v = 1; v <= values_per_thread; ++v) tr(v + index);
  });
  const std::vector<std::int64_t> seen = sums.values();
  REQUIRE(seen.size() == static_cast<std::size_t>(thread_count * values_per_thread));
  std::int64_t expected_total = 0;
  for (int index = 0; index < thread_count; ++index) {
    for (int v = 1; v <= values_per_thread; ++v) expected_total += v + index;
  }
  CHECK(seen.back() == expected_total);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("eliding from many threads accounts for every value", "[trace][mt]") {
  metron::test::recorder<metron::elided<int>> out;
  {
    const auto tr = metron::eliding([](int a, int b) { return a == b; }, out.tracer());
    on_threads([tr](int index) {
      for (int v = 0; v < values_per_thread; ++v) tr(index);
    });
  }
  std::uint64_t accounted = 0;
  for (const metron::elided<int>& item : out.values()) {
    if (const auto* notice = std::get_if<metron::elision>(&item)) {
      accounted += notice->count;
    } else {
      ++accounted;
    }
  }
  CHECK(accounted == static_cast<std::uint64_t>(thread_count * values_per_thread));
}

TEST_CASE("a tracer copied to many threads delivers everything, stamped per thread",
          "[trace][mt]") {
  metron::test::recorder<metron::stamped<int>> out;
  const auto tr = metron::with_time_and_thread(out.tracer());
  on_threads([tr](int index) {
    for (int v = 0; v < values_per_thread; ++v) tr(index);
  });
  const auto stamps = out.values();
  REQUIRE(stamps.size() == static_cast<std::size_t>(thread_count * values_per_thread));
  std::set<std::pair<int, std::uint64_t>> pairs;
  std::set<std::uint64_t> threads;
  for (const auto& stamp : stamps) {
    pairs.emplace(stamp.value, stamp.thread);
    threads.insert(stamp.thread);
  }
  // Each traced index came from one thread, and each thread had an id of its own.
  CHECK(pairs.size() == static_cast<std::size_t>(thread_count));
  CHECK(threads.size() == static_cast<std::size_t>(thread_count));
  CHECK(threads.count(metron::current_thread_id()) == 0);
}
