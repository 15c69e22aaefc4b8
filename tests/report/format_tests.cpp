// metron::report's number formatting: known answers for every kind, unit boundaries, negatives,
// sub-nanosecond values, NaN and infinities.
#include <metron/report/format.hpp>

#include <catch2/catch.hpp>

#include <limits>

namespace {

using metron::report::format_amount;
using metron::report::format_bytes;
using metron::report::format_duration;
using metron::report::format_interval;
using metron::report::format_number;
using metron::report::format_p;
using metron::report::format_percent;
using metron::report::format_rate;
using metron::report::format_share;

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("durations have three significant digits in ps, ns, µs, ms or s", "[report][format]") {
  CHECK(format_duration(2.85) == "2.85 ns");
  CHECK(format_duration(1.96) == "1.96 ns");
  CHECK(format_duration(12.34) == "12.3 ns");
  CHECK(format_duration(850) == "850 ns");
  CHECK(format_duration(42) == "42 ns");
  CHECK(format_duration(5) == "5 ns");
  CHECK(format_duration(123.4) == "123 ns");
  CHECK(format_duration(12345) == "12.3 µs");
  CHECK(format_duration(300000) == "300 µs");
  CHECK(format_duration(1.2e6) == "1.20 ms");
  CHECK(format_duration(2e6) == "2 ms");
  CHECK(format_duration(1.5e9) == "1.50 s");
  CHECK(format_duration(2.5e11) == "250 s");
  CHECK(format_duration(1.2345e12) == "1230 s");
  CHECK(format_duration(0) == "0 ns");
}

TEST_CASE("sub-nanosecond durations are shown in picoseconds", "[report][format]") {
  CHECK(format_duration(0.4) == "400 ps");
  CHECK(format_duration(0.285) == "285 ps");
  CHECK(format_duration(0.0123) == "12.3 ps");
  CHECK(format_duration(0.25) == "250 ps");
  CHECK(format_duration(0.0001) == "0.100 ps");
  CHECK(format_duration(0.9994) == "999 ps");
  CHECK(format_duration(0.9996) == "1.00 ns");
}

TEST_CASE("rounding happens before the unit is chosen", "[report][format]") {
  CHECK(format_duration(999.4) == "999 ns");
  CHECK(format_duration(999.5) == "1.00 µs");
  CHECK(format_duration(999.9) == "1.00 µs");
  CHECK(format_duration(1000) == "1 µs");
  CHECK(format_duration(9.996) == "10.0 ns");
  CHECK(format_duration(99.96) == "100 ns");
  CHECK(format_duration(999'600) == "1.00 ms");
  CHECK(format_duration(999'999'999) == "1.00 s");
  CHECK(format_number(999.5) == "1.00 k");
  CHECK(format_number(999'999) == "1.00 M");
  CHECK(format_number(9.996) == "10.0");
}

TEST_CASE("plain numbers are integers below 1000, else three digits with a prefix",
          "[report][format]") {
  CHECK(format_number(0) == "0");
  CHECK(format_number(42) == "42");
  CHECK(format_number(999) == "999");
  CHECK(format_number(25.6667) == "25.7");
  CHECK(format_number(0.925) == "0.925");
  CHECK(format_number(0.5) == "0.500");
  CHECK(format_number(0.0123) == "0.0123");
  CHECK(format_number(1000) == "1 k");
  CHECK(format_number(1234) == "1.23 k");
  CHECK(format_number(1537.5) == "1.54 k");
  CHECK(format_number(12345) == "12.3 k");
  CHECK(format_number(123456) == "123 k");
  CHECK(format_number(1.23e6) == "1.23 M");
  CHECK(format_number(2e6) == "2 M");
  CHECK(format_number(4.56e9) == "4.56 G");
  CHECK(format_number(7.89e12) == "7.89 T");
  CHECK(format_number(0.000123) == "1.23e-04");
}

TEST_CASE("negative values keep the rule and take a minus sign", "[report][format]") {
  CHECK(format_number(-7) == "-7");
  CHECK(format_number(-1234) == "-1.23 k");
  CHECK(format_number(-0.5) == "-0.500");
  CHECK(format_duration(-12345) == "-12.3 µs");
  CHECK(format_duration(-0.4) == "-400 ps");
  CHECK(format_duration(-999.5) == "-1.00 µs");
  CHECK(format_percent(-0.125) == "-12.5 %");
}

TEST_CASE("NaN is a dash and infinities are shown as such, without a unit", "[report][format]") {
  CHECK(format_number(not_a_number) == "–");
  CHECK(format_number(infinity) == "∞");
  CHECK(format_number(-infinity) == "−∞");
  CHECK(format_duration(not_a_number) == "–");
  CHECK(format_duration(infinity) == "∞");
  CHECK(format_amount(not_a_number, "ns") == "–");
  CHECK(format_amount(infinity, "/s") == "∞");
  CHECK(format_amount(-infinity, "ms") == "−∞");
  CHECK(format_bytes(not_a_number) == "–");
  CHECK(format_percent(not_a_number) == "–");
  CHECK(format_percent(infinity) == "+∞ %");
  CHECK(format_share(not_a_number) == "–");
  CHECK(format_p(not_a_number) == "–");
  CHECK(format_interval({not_a_number, 0.1, 0.95}) == "–");
  CHECK(format_interval({-infinity, 0.1, 0.95}) == "–");
}

TEST_CASE("amounts are scaled as their unit asks", "[report][format]") {
  CHECK(format_amount(2.85, "ns") == "2.85 ns");
  CHECK(format_amount(250, "us") == "250 µs");
  CHECK(format_amount(12.5, "µs") == "12.5 µs");
  CHECK(format_amount(1000, "ms") == "1 s");
  CHECK(format_amount(1.2, "ms") == "1.20 ms");
  CHECK(format_amount(0.0025, "s") == "2.50 ms");
  CHECK(format_amount(1536, "B") == "1.50 KiB");
  CHECK(format_amount(512, "bytes") == "512 B");
  CHECK(format_amount(42, "") == "42");
  CHECK(format_amount(1.23e6, "") == "1.23 M");
  CHECK(format_amount(12345, "/s") == "12.3 k/s");
  CHECK(format_amount(0.5, "/s") == "0.500 /s");
  CHECK(format_amount(0, "/s") == "0 /s");
  CHECK(format_amount(2.9e9, "Hz") == "2.90 GHz");
  CHECK(format_amount(3, "items") == "3 items");
  CHECK(format_amount(6.2e8, "1/s") == "620 M/s");
}

TEST_CASE("rates are amounts per second", "[report][format]") {
  CHECK(format_rate(25) == "25 /s");
  CHECK(format_rate(12345) == "12.3 k/s");
  CHECK(format_rate(2.5e7) == "25 M/s");
  CHECK(format_rate(2.53e7) == "25.3 M/s");
  CHECK(format_rate(0.25) == "0.250 /s");
}

TEST_CASE("byte counts use binary units with three significant digits", "[report][format]") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1024) == "1 KiB");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(65536) == "64 KiB");
  CHECK(format_bytes(257'331) == "251 KiB");
  CHECK(format_bytes(10'234) == "9.99 KiB");
  CHECK(format_bytes(10'238) == "10.0 KiB");
  CHECK(format_bytes(1'047'552) == "1023 KiB");
  CHECK(format_bytes(1'048'575) == "1.00 MiB");
  CHECK(format_bytes(1'048'576) == "1 MiB");
  CHECK(format_bytes(3.5 * 1024 * 1024 * 1024) == "3.50 GiB");
  CHECK(format_bytes(12.5) == "12.5 B");
}

TEST_CASE("percents have three significant digits and at most two decimals", "[report][format]") {
  CHECK(format_percent(0.125) == "+12.5 %");
  CHECK(format_percent(0.0285) == "+2.85 %");
  CHECK(format_percent(0.0003) == "+0.03 %");
  CHECK(format_percent(0) == "+0.00 %");
  CHECK(format_percent(1.5) == "+150 %");
  CHECK(format_percent(-0.0999) == "-9.99 %");
  CHECK(format_percent(0.09996) == "+10.0 %");
  CHECK(format_percent(0.9996) == "+100 %");
  CHECK(format_percent(12.345) == "+1230 %");
  CHECK(format_share(0.72) == "72.0 %");
  CHECK(format_share(0.998) == "99.8 %");
  CHECK(format_share(0.005) == "0.50 %");
  CHECK(format_share(1) == "100 %");
}

TEST_CASE("intervals show both bounds as percents and the unit once", "[report][format]") {
  CHECK(format_interval({0.01, 0.09, 0.95}) == "[+1.00, +9.00] %");
  CHECK(format_interval({-0.125, 0.032, 0.95}) == "[-12.5, +3.20] %");
  CHECK(format_interval({0, 0, 0.95}) == "[+0.00, +0.00] %");
}

TEST_CASE("p-values have three significant digits, scientific below 0.001", "[report][format]") {
  CHECK(format_p(0.5) == "0.500");
  CHECK(format_p(0.0123) == "0.0123");
  CHECK(format_p(0.00123) == "0.00123");
  CHECK(format_p(1) == "1");
  CHECK(format_p(0) == "0");
  CHECK(format_p(0.04999) == "0.0500");
  CHECK(format_p(2.346e-5) == "2.35e-05");
}
