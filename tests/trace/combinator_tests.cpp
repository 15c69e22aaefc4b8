// The tracer combinators: null tracers, laziness, and the laws each combinator keeps.
#include "recorder.hpp"

#include <metron/trace/trace.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

namespace {

using metron::elided;
using metron::elision;
using metron::test::recorder;

const std::vector<int> sample = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5};

template <class T>
void trace_all(const metron::tracer<T>& tr, const std::vector<T>& values) {
  for (const T& value : values) tr(value);
}

std::vector<elided<int>> elide_equal(const std::vector<int>& input) {
  recorder<elided<int>> out;
  {
    const auto tr = metron::eliding([](int a, int b) { return a == b; }, out.tracer());
    trace_all(tr, input);
  }
  return out.values();
}

elided<int> value(int v) { return elided<int>(std::in_place_index<0>, v); }
elided<int> notice(std::uint64_t count) { return elided<int>(elision{count}); }

}  // namespace

TEST_CASE("a default tracer is the null tracer and ignores what it is given", "[trace]") {
  const metron::tracer<int> tr;
  CHECK(tr.is_null());
  CHECK(metron::null_tracer<int>().is_null());
  tr(1);
  recorder<int> out;
  CHECK_FALSE(out.tracer().is_null());
}

TEST_CASE("trace_with evaluates a lazy value only for a tracer that listens", "[trace]") {
  int calls = 0;
  const auto make = [&calls] {
    ++calls;
    return 42;
  };
  metron::trace_with(metron::null_tracer<int>(), make);
  CHECK(calls == 0);

  recorder<int> out;
  metron::trace_with(out.tracer(), make);
  metron::trace_with(out.tracer(), 7);
  CHECK(calls == 1);
  CHECK(out.values() == std::vector<int>{42, 7});
}

TEST_CASE("trace_with takes values convertible to the traced type", "[trace]") {
  recorder<std::string> out;
  metron::trace_with(out.tracer(), "literal");
  metron::trace_with(out.tracer(), [] { return "lazy literal"; });
  CHECK(out.values() == std::vector<std::string>{"literal", "lazy literal"});
}

TEST_CASE("copies of a tracer feed the same consumer", "[trace]") {
  recorder<int> out;
  const metron::tracer<int> original = out.tracer();
  const metron::tracer<int> copy = original;
  original(1);
  copy(2);
  CHECK(out.values() == std::vector<int>{1, 2});
}

TEST_CASE("contramap of the identity traces as the tracer itself", "[trace]") {
  recorder<int> direct;
  recorder<int> mapped;
  trace_all(direct.tracer(), sample);
  trace_all(metron::contramap([](const int& v) { return v; }, mapped.tracer()), sample);
  CHECK(mapped.values() == direct.values());
  CHECK(mapped.values() == sample);
}

TEST_CASE("contramap of a composition is the composition of contramaps", "[trace]") {
  const auto f = [](int v) { return std::to_string(v * 10); };  // int -> string
  const auto g = [](const std::string& s) { return s.size(); };  // string -> size_t
  recorder<std::size_t> nested;
  recorder<std::size_t> composed;
  trace_all(metron::contramap(f, metron::contramap(g, nested.tracer())), sample);
  trace_all(metron::contramap([&](int v) { return g(f(v)); }, composed.tracer()), sample);
  CHECK(nested.values() == composed.values());
  CHECK(nested.values().front() == 2);  // "30"
  CHECK(nested.values().at(5) == 2);    // "90"
}

TEST_CASE("contramap takes the traced type from a generic lambda when it is named", "[trace]") {
  recorder<int> out;
  const metron::tracer<std::string> lengths =
      metron::contramap<std::string>([](const auto& s) { return static_cast<int>(s.size()); },
                                     out.tracer());
  lengths("abc");
  lengths("");
  CHECK(out.values() == std::vector<int>{3, 0});
}

TEST_CASE("filter passes exactly the values its predicate accepts, in order", "[trace]") {
  recorder<int> out;
  trace_all(metron::filter([](int v) { return v % 2 == 1; }, out.tracer()), sample);
  CHECK(out.values() == std::vector<int>{3, 1, 1, 5, 9, 5, 3, 5});
}

TEST_CASE("fanout feeds every tracer, in the order given, value by value", "[trace]") {
  recorder<std::string> log;
  const auto tagged = [&log](std::string tag) {
    return metron::contramap([tag](int v) { return tag + std::to_string(v); }, log.tracer());
  };
  trace_all(metron::fanout(tagged("a"), tagged("b"), tagged("c")), std::vector<int>{1, 2});
  CHECK(log.values() == std::vector<std::string>{"a1", "b1", "c1", "a2", "b2", "c2"});
}

TEST_CASE("null tracers are absorbed: fanout leaves them out, the others give null back",
          "[trace]") {
  recorder<int> left;
  recorder<int> right;
  const auto null = metron::null_tracer<int>();
  trace_all(metron::fanout(null, left.tracer()), sample);
  trace_all(metron::fanout(right.tracer(), null), sample);
  CHECK(left.values() == sample);
  CHECK(right.values() == sample);
  CHECK(metron::fanout(null, null).is_null());

  CHECK(metron::contramap([](int v) { return v; }, null).is_null());
  CHECK(metron::filter([](int) { return true; }, null).is_null());
  CHECK(metron::counting<int>(metron::null_tracer<std::uint64_t>()).is_null());
  CHECK(metron::folding([](int acc, int v) { return acc + v; }, 0, null).is_null());
  CHECK(metron::eliding([](int a, int b) { return a == b; },
                        metron::null_tracer<elided<int>>())
            .is_null());
  CHECK(metron::with_time_and_thread(metron::null_tracer<metron::stamped<int>>()).is_null());
}

TEST_CASE("counting traces how many values it has consumed", "[trace]") {
  recorder<std::uint64_t> counts;
  const auto tr = metron::counting<std::string>(counts.tracer());
  tr("a");
  tr("b");
  tr("c");
  CHECK(counts.values() == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("folding traces each new accumulator", "[trace]") {
  recorder<long> sums;
  trace_all(metron::folding([](long sum, int v) { return sum + v; }, 100L, sums.tracer()),
            std::vector<int>{1, 2, 3, 4});
  CHECK(sums.values() == std::vector<long>{101, 103, 106, 110});

  recorder<std::string> joined;
  const auto join = metron::folding<int>(
      [](std::string acc, const auto& v) { return acc + std::to_string(v); }, std::string(">"),
      joined.tracer());
  join(4);
  join(2);
  CHECK(joined.values() == std::vector<std::string>{">4", ">42"});
}

TEST_CASE("eliding passes the first of a run, a notice, and the last of the run", "[trace]") {
  CHECK(elide_equal({1, 2, 2, 2, 2, 3}) ==
        std::vector{value(1), value(2), notice(2), value(2), value(3)});
  SECTION("a run of two has nothing in between to elide") {
    CHECK(elide_equal({7, 7, 8}) == std::vector{value(7), value(7), value(8)});
  }
  SECTION("values that differ pass untouched") {
    CHECK(elide_equal({1, 2, 3}) == std::vector{value(1), value(2), value(3)});
  }
  SECTION("a run still open when the tracer goes away ends there") {
    CHECK(elide_equal({5, 5, 5, 5}) == std::vector{value(5), notice(2), value(5)});
    CHECK(elide_equal({5}) == std::vector{value(5)});
  }
  SECTION("runs follow one another") {
    CHECK(elide_equal({1, 1, 1, 2, 2, 2, 1}) ==
          std::vector{value(1), notice(1), value(1), value(2), notice(1), value(2), value(1)});
  }
}

TEST_CASE("eliding compares each value with the one before it", "[trace]") {
  recorder<elided<int>> out;
  {
    const auto near = [](int a, int b) { return a - b <= 1 && b - a <= 1; };
    trace_all(metron::eliding(near, out.tracer()), std::vector<int>{1, 2, 3, 4, 10});
  }
  CHECK(out.values() == std::vector{value(1), notice(2), value(4), value(10)});
}

TEST_CASE("with_time_and_thread stamps each value with the UTC time and the thread", "[trace]") {
  recorder<metron::stamped<std::string>> out;
  const auto tr = metron::with_time_and_thread(out.tracer());
  const std::int64_t before = metron::utc_now_us();
  tr("first");
  const std::int64_t after = metron::utc_now_us();
  const auto stamps = out.values();
  REQUIRE(stamps.size() == 1);
  CHECK(stamps[0].value == "first");
  CHECK(stamps[0].timestamp_us >= before);
  CHECK(stamps[0].timestamp_us <= after);
  CHECK(stamps[0].thread == metron::current_thread_id());
  CHECK(stamps[0].thread == static_cast<std::uint64_t>(gettid()));
}

TEST_CASE("format_utc_timestamp writes ISO 8601 with microseconds", "[trace]") {
  CHECK(metron::format_utc_timestamp(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(metron::format_utc_timestamp(1'700'000'000'123'456) == "2023-11-14T22:13:20.123456Z");
  CHECK(metron::format_utc_timestamp(951'825'600'000'001) == "2000-02-29T12:00:00.000001Z");
  CHECK(metron::format_utc_timestamp(-1) == "1969-12-31T23:59:59.999999Z");
}
