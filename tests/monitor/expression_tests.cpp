// Tests of monitor expressions: precedence, units, metric references, three-valued logic, errors.
#include "monitor/src/expression.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using metron::detail::expression;
constexpr double unknown = std::numeric_limits<double>::quiet_NaN();

double value_of(const char* text, std::vector<double> values = {}) {
  return expression::parse(text).evaluate(values);
}

std::size_t error_offset(const char* text) {
  try {
    static_cast<void>(expression::parse(text));
  } catch (const metron::detail::expression_syntax_error& problem) {
    return problem.offset;
  }
  FAIL("no syntax error in '" << text << "'");
  return 0;
}

}  // namespace

TEST_CASE("arithmetic and comparisons follow the usual precedence", "[monitor][expression]") {
  CHECK(value_of("1 + 2 * 3") == 7);
  CHECK(value_of("(1 + 2) * 3") == 9);
  CHECK(value_of("10 - 4 - 3") == 3);
  CHECK(value_of("8 / 4 / 2") == 1);
  CHECK(value_of("-3 + 1") == -2);
  CHECK(value_of("1 + 2 * 3 == 7") == 1);
  CHECK(value_of("2 < 1 or 3 >= 3 and not 0") == 1);
  CHECK(value_of("!(1 != 1) && 2 <= 2 || 0") == 1);
}

TEST_CASE("units scale to nanoseconds and bytes", "[monitor][expression]") {
  CHECK(value_of("2ms") == 2e6);
  CHECK(value_of("1.5us") == 1500);
  CHECK(value_of("3s == 3000ms") == 1);
  CHECK(value_of("7ns") == 7);
  CHECK(value_of("1GB == 1000MB") == 1);
  CHECK(value_of("4kB") == 4000);
  CHECK(value_of("12B") == 12);
}

TEST_CASE("metric references name a series, a family and a statistic", "[monitor][expression]") {
  const auto parsed = expression::parse("(ledger.apply_block.p99 > 2ms) or (mempool.size >= 10000)");
  REQUIRE(parsed.refs().size() == 2);
  CHECK(parsed.refs()[0].series == "ledger.apply_block");
  CHECK(parsed.refs()[0].which == metron::statistic::p99);
  CHECK(parsed.refs()[0].family == metron::series_family::values);
  CHECK(parsed.refs()[1].series == "mempool.size");
  CHECK(parsed.refs()[1].which == metron::statistic::last);
  const std::vector<double> slow{3e6, 5};
  const std::vector<double> fine{1e6, 5};
  const std::vector<double> full{unknown, 20000};
  const std::vector<double> blind{unknown, 5};
  CHECK(parsed.evaluate(slow) == 1);
  CHECK(parsed.evaluate(fine) == 0);
  CHECK(parsed.evaluate(full) == 1);
  CHECK(std::isnan(parsed.evaluate(blind)));

  const auto families = expression::parse("a.b.delta.mean + a.b.interval.p50 + a.b.mean + a.b.mean");
  REQUIRE(families.refs().size() == 3);
  CHECK(families.refs()[0].family == metron::series_family::differences);
  CHECK(families.refs()[0].series == "a.b");
  CHECK(families.refs()[1].family == metron::series_family::intervals);
  CHECK(families.refs()[2].family == metron::series_family::values);
}

TEST_CASE("unknown values propagate unless the other side decides", "[monitor][expression]") {
  CHECK(std::isnan(value_of("not (x.count > 1)", {unknown})));
  CHECK(value_of("not (x.count > 1)", {0}) == 1);
  CHECK(value_of("x.count > 1 and y.count > 1", {0, unknown}) == 0);
  CHECK(std::isnan(value_of("x.count > 1 and y.count > 1", {5, unknown})));
  CHECK(value_of("x.count > 1 or y.count > 1", {unknown, 5}) == 1);
  CHECK_FALSE(metron::detail::is_true(unknown));
  CHECK_FALSE(metron::detail::is_true(0));
  CHECK(metron::detail::is_true(-1));
}

TEST_CASE("syntax errors say where", "[monitor][expression]") {
  CHECK(error_offset("a.p99 >") == 7);
  CHECK(error_offset("2xs > 1") == 1);
  CHECK(error_offset("(1 + 2") == 0);
  CHECK(error_offset("1 $ 2") == 2);
  CHECK(error_offset("a. > 1") == 2);
  CHECK(error_offset("") == 0);
  CHECK(error_offset("1 2") == 2);
}
