// to_object: the built-in renderings at each verbosity, user overloads found by ADL, and names.
#include <metron/trace/log_object.hpp>
#include <metron/trace/to_object.hpp>
#include <metron/trace/trace.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace shop {

struct order {
  std::string id;
  int quantity = 0;
};

nlohmann::json to_object(const order& value, metron::verbosity level) {
  if (level == metron::verbosity::minimal) return {{"id", value.id}};
  nlohmann::json out = {{"id", value.id}, {"quantity", value.quantity}};
  if (level == metron::verbosity::maximal) out["kind"] = "order";
  return out;
}

struct opaque {
  int secret = 0;
};

}  // namespace shop

namespace {

using json = nlohmann::json;
using metron::verbosity;

constexpr std::array all_levels = {verbosity::minimal, verbosity::normal, verbosity::maximal};

}  // namespace

TEST_CASE("loggable names the types to_object can render", "[trace]") {
  STATIC_REQUIRE(metron::loggable<int>);
  STATIC_REQUIRE(metron::loggable<const std::string&>);
  STATIC_REQUIRE(metron::loggable<shop::order>);
  STATIC_REQUIRE(metron::loggable<std::vector<std::map<std::string, shop::order>>>);
  STATIC_REQUIRE(metron::loggable<metron::elided<shop::order>>);
  STATIC_REQUIRE_FALSE(metron::loggable<shop::opaque>);
  STATIC_REQUIRE_FALSE(metron::loggable<std::vector<shop::opaque>>);
  STATIC_REQUIRE_FALSE(metron::loggable<std::optional<shop::opaque>>);
  STATIC_REQUIRE_FALSE(metron::loggable<std::map<std::string, shop::opaque>>);
  STATIC_REQUIRE_FALSE(metron::loggable<std::pair<int, shop::opaque>>);
}

TEST_CASE("arithmetic types render as numbers, bool as a boolean, char as text", "[trace]") {
  for (const verbosity level : all_levels) {
    CAPTURE(metron::to_string(level));
    CHECK(metron::to_object(-42, level) == json(-42));
    CHECK(metron::to_object(std::uint64_t{18'446'744'073'709'551'615U}, level) ==
          json(std::uint64_t{18'446'744'073'709'551'615U}));
    CHECK(metron::to_object(2.5, level) == json(2.5));
    CHECK(metron::to_object(1.5F, level) == json(1.5));
    CHECK(metron::to_object(true, level) == json(true));
    CHECK(metron::to_object('x', level) == json("x"));
    CHECK(metron::to_object(std::int8_t{-3}, level) == json(-3));
    CHECK(metron::to_object(std::uint8_t{200}, level) == json(200));
  }
}

TEST_CASE("strings of every kind render as text", "[trace]") {
  const char array[] = "array";
  const char* pointer = "pointer";
  for (const verbosity level : all_levels) {
    CHECK(metron::to_object(std::string("string"), level) == json("string"));
    CHECK(metron::to_object(std::string_view("view"), level) == json("view"));
    CHECK(metron::to_object(pointer, level) == json("pointer"));
    CHECK(metron::to_object(array, level) == json("array"));
  }
}

TEST_CASE("durations render as nanoseconds", "[trace]") {
  using namespace std::chrono_literals;
  for (const verbosity level : all_levels) {
    CHECK(metron::to_object(3ms, level) == json(3'000'000));
    CHECK(metron::to_object(2h, level) == json(7'200'000'000'000));
    CHECK(metron::to_object(std::chrono::duration<double>(0.25), level) == json(250'000'000.0));
    CHECK(metron::to_object(std::chrono::duration<double>(0.25), level).is_number_float());
  }
}

TEST_CASE("optional renders as null or its value", "[trace]") {
  for (const verbosity level : all_levels) {
    CHECK(metron::to_object(std::optional<int>{}, level) == json(nullptr));
    CHECK(metron::to_object(std::optional<int>{5}, level) == json(5));
  }
  CHECK(metron::to_object(std::optional<shop::order>{{"o-1", 2}}, verbosity::minimal) ==
        json{{"id", "o-1"}});
}

TEST_CASE("variant, pair and tuple render what they hold", "[trace]") {
  CHECK(metron::to_object(std::variant<int, std::string>("text")) == json("text"));
  CHECK(metron::to_object(std::variant<int, std::string>(4)) == json(4));
  CHECK(metron::to_object(std::pair<int, std::string>(1, "one")) == json::array({1, "one"}));
  CHECK(metron::to_object(std::tuple<int, bool, double>(1, false, 0.5)) ==
        json::array({1, false, 0.5}));
  CHECK(metron::to_object(std::tuple<>()) == json::array());
}

TEST_CASE("sequences and sets render as arrays, or their size at minimal", "[trace]") {
  const std::vector<int> numbers = {1, 2, 3};
  for (const verbosity level : {verbosity::normal, verbosity::maximal}) {
    CHECK(metron::to_object(numbers, level) == json::array({1, 2, 3}));
    CHECK(metron::to_object(std::deque<int>{4, 5}, level) == json::array({4, 5}));
    CHECK(metron::to_object(std::list<std::string>{"a"}, level) == json::array({"a"}));
    CHECK(metron::to_object(std::forward_list<int>{7, 8}, level) == json::array({7, 8}));
    CHECK(metron::to_object(std::array<int, 2>{9, 10}, level) == json::array({9, 10}));
    CHECK(metron::to_object(std::set<int>{3, 1, 2}, level) == json::array({1, 2, 3}));
    CHECK(metron::to_object(std::multiset<int>{1, 1}, level) == json::array({1, 1}));
    CHECK(metron::to_object(std::unordered_set<int>{6}, level) == json::array({6}));
    CHECK(metron::to_object(std::vector<bool>{true, false}, level) == json::array({true, false}));
    CHECK(metron::to_object(std::vector<std::vector<int>>{{1}, {}}, level) ==
          json::array({json::array({1}), json::array()}));
  }
  CHECK(metron::to_object(numbers, verbosity::minimal) == json{{"size", 3}});
  CHECK(metron::to_object(std::forward_list<int>{7, 8}, verbosity::minimal) == json{{"size", 2}});
  CHECK(metron::to_object(std::vector<int>{}, verbosity::minimal) == json{{"size", 0}});
}

TEST_CASE("maps render as objects when keyed by strings, else as pairs", "[trace]") {
  const std::map<std::string, int> by_name = {{"b", 2}, {"a", 1}};
  const std::map<int, std::string> by_number = {{2, "two"}, {1, "one"}};
  for (const verbosity level : {verbosity::normal, verbosity::maximal}) {
    CHECK(metron::to_object(by_name, level) == json{{"a", 1}, {"b", 2}});
    CHECK(metron::to_object(by_number, level) ==
          json::array({json::array({1, "one"}), json::array({2, "two"})}));
    CHECK(metron::to_object(std::unordered_map<std::string, bool>{{"k", true}}, level) ==
          json{{"k", true}});
    CHECK(metron::to_object(std::multimap<int, int>{{1, 1}, {1, 2}}, level) ==
          json::array({json::array({1, 1}), json::array({1, 2})}));
  }
  CHECK(metron::to_object(by_name, verbosity::minimal) == json{{"size", 2}});
  CHECK(metron::to_object(by_number, verbosity::minimal) == json{{"size", 2}});
}

TEST_CASE("a user's to_object is found by argument-dependent lookup, inside containers too",
          "[trace]") {
  const shop::order order{"o-7", 3};
  CHECK(metron::to_object(order, verbosity::minimal) == json{{"id", "o-7"}});
  CHECK(metron::to_object(order, verbosity::normal) == json{{"id", "o-7"}, {"quantity", 3}});
  CHECK(metron::to_object(order, verbosity::maximal) ==
        json{{"id", "o-7"}, {"quantity", 3}, {"kind", "order"}});
  CHECK(metron::to_object(order) == metron::to_object(order, verbosity::normal));
  CHECK(metron::to_object(std::vector<shop::order>{order}, verbosity::maximal) ==
        json::array({json{{"id", "o-7"}, {"quantity", 3}, {"kind", "order"}}}));
  CHECK(metron::to_object(std::map<std::string, shop::order>{{"x", order}}, verbosity::minimal) ==
        json{{"size", 1}});
}

TEST_CASE("json values pass through as they are", "[trace]") {
  const json value = {{"nested", json::array({1, "two"})}};
  CHECK(metron::to_object(value, verbosity::minimal) == value);
}

TEST_CASE("to_payload makes every rendering an object", "[trace]") {
  CHECK(metron::to_payload(shop::order{"o-1", 1}) == json{{"id", "o-1"}, {"quantity", 1}});
  CHECK(metron::to_payload(12) == json{{"value", 12}});
  CHECK(metron::to_payload(std::vector<int>{1}) == json{{"value", json::array({1})}});
  CHECK(metron::to_payload(std::vector<int>{1}, verbosity::minimal) == json{{"size", 1}});
}

TEST_CASE("elision notices and stamped values have renderings of their own", "[trace]") {
  CHECK(metron::to_object(metron::elision{4}) == json{{"elided", 4}});
  CHECK(metron::to_object(metron::elided<int>(metron::elision{2})) == json{{"elided", 2}});
  CHECK(metron::to_object(metron::elided<int>(std::in_place_index<0>, 9)) == json(9));
  const metron::stamped<shop::order> stamped{1'700'000'000'123'456, 77, {"o-2", 5}};
  CHECK(metron::to_object(stamped, verbosity::minimal) ==
        json{{"timestamp", "2023-11-14T22:13:20.123456Z"}, {"thread", 77},
             {"value", {{"id", "o-2"}}}});
}

TEST_CASE("severities, privacy levels and verbosities have names both ways", "[trace]") {
  const std::vector<std::pair<metron::severity, std::string_view>> severities = {
      {metron::severity::debug, "debug"},       {metron::severity::info, "info"},
      {metron::severity::notice, "notice"},     {metron::severity::warning, "warning"},
      {metron::severity::error, "error"},       {metron::severity::critical, "critical"},
      {metron::severity::alert, "alert"},       {metron::severity::emergency, "emergency"}};
  for (const auto& [level, name] : severities) {
    CHECK(metron::to_string(level) == name);
    CHECK(metron::parse_severity(name) == level);
  }
  CHECK(metron::severity::debug < metron::severity::emergency);
  CHECK(metron::to_string(metron::privacy::public_data) == "public");
  CHECK(metron::to_string(metron::privacy::confidential) == "confidential");
  CHECK(metron::parse_privacy("public") == metron::privacy::public_data);
  CHECK(metron::parse_privacy("confidential") == metron::privacy::confidential);
  for (const verbosity level : all_levels) {
    CHECK(metron::parse_verbosity(metron::to_string(level)) == level);
  }
  CHECK(metron::to_string(verbosity::maximal) == "maximal");
}

TEST_CASE("names that are not quite right parse to nothing", "[trace]") {
  CHECK_FALSE(metron::parse_severity("Info").has_value());
  CHECK_FALSE(metron::parse_severity("").has_value());
  CHECK_FALSE(metron::parse_severity("warn").has_value());
  CHECK_FALSE(metron::parse_privacy("public_data").has_value());
  CHECK_FALSE(metron::parse_verbosity("normal ").has_value());
  CHECK(metron::to_string(static_cast<metron::severity>(200)) == "unknown");
}
