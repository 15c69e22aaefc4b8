// The one place numbers become text: three significant digits in an adapted unit.
#include <metron/report/format.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <span>
#include <utility>

namespace metron::report {

namespace {

constexpr std::string_view missing_value_text = "–";
// Beyond 2^53 a double holds no fraction: a whole mantissa there means nothing.
constexpr double exact_integers = 9.007199254740992e15;

/// A unit of a scale: its power of ten and how it is written.
struct scale_step {
  int exponent = 0;
  std::string_view name;
};

constexpr std::array<scale_step, 7> si_prefixes = {
    {{0, ""}, {3, "k"}, {6, "M"}, {9, "G"}, {12, "T"}, {15, "P"}, {18, "E"}}};
constexpr std::array<scale_step, 5> time_units = {
    {{-3, "ps"}, {0, "ns"}, {3, "µs"}, {6, "ms"}, {9, "s"}}};

/// A value rounded to three significant digits, and the power of ten of its first digit.
struct rounded {
  double value = 0;
  int exponent = 0;
};

rounded round_to_three_digits(double value) {
  if (!std::isfinite(value)) {
    return {value, 0};
  }
  // The decimal text is the correctly rounded value: parse it back rather than round twice.
  std::array<char, 32> text{};
  const char* const end =
      std::to_chars(text.data(), text.data() + text.size(), value, std::chars_format::scientific, 2)
          .ptr;
  rounded result;
  const char* const e = std::find(static_cast<const char*>(text.data()), end, 'e');
  std::from_chars(text.data(), end, result.value);
  const char* exponent = e + 1;
  exponent += *exponent == '+' ? 1 : 0;
  std::from_chars(exponent, end, result.exponent);
  return result;
}

/// `value` with `decimals` digits after the point, correctly rounded ("{:.2f}"), and a '+'
/// before a value without a minus sign when `sign` asks for it.
std::string fixed(double value, int decimals, bool sign = false) {
  // Room for the 309 digits of the largest double, its decimals, the sign and the point.
  std::array<char, 400> text{};
  char* begin = text.data() + 1;
  const char* const end =
      std::to_chars(begin, text.data() + text.size(), value, std::chars_format::fixed, decimals)
          .ptr;
  if (sign && !std::signbit(value)) {
    *--begin = '+';
  }
  return std::string(begin, static_cast<std::size_t>(end - begin));
}

double power_of_ten(int exponent) { return std::pow(10.0, exponent); }

double scaled_by(double value, int exponent) {
  // Multiplying by 1000 is exact where dividing by 0.001 is not.
  return exponent >= 0 ? value / power_of_ten(exponent) : value * power_of_ten(-exponent);
}

bool is_whole(double value) {
  return value == std::trunc(value) && std::fabs(value) < exact_integers;
}

/// The mantissa of a finite, non-zero `value` in the step of `steps` its rounded value reaches
/// (the first step below them all), and that step's name.
std::pair<std::string, std::string_view> in_steps(double value, std::span<const scale_step> steps) {
  const rounded r = round_to_three_digits(value);
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].exponent <= r.exponent) {
      chosen = i;
    }
  }
  const int step = steps[chosen].exponent;
  const double exact = scaled_by(value, step);
  if (is_whole(exact)) {
    return {fixed(exact, 0), steps[chosen].name};
  }
  const int decimals = std::max(0, 2 - (r.exponent - step));
  return {fixed(scaled_by(r.value, step), decimals), steps[chosen].name};
}

std::string non_finite(double value) {
  if (std::isnan(value)) {
    return std::string(missing_value_text);
  }
  return value > 0 ? "∞" : "−∞";
}

/// A percentage with three significant digits and at most two decimals.
std::string percent_digits(double percent, bool sign) {
  const rounded r = round_to_three_digits(percent);
  // Below 1 % the two decimals are all there is: round once, from the value itself.
  const double shown = r.exponent < 0 ? percent : r.value;
  const int decimals = r.exponent < 0 ? 2 : std::max(0, 2 - r.exponent);
  return fixed(shown, decimals, sign);
}

/// The factor from `unit` to nanoseconds, or 0 when `unit` is no unit of time.
double nanoseconds_per(std::string_view unit) {
  if (unit == "ns") {
    return 1;
  }
  if (unit == "us" || unit == "µs") {
    return 1e3;
  }
  if (unit == "ms") {
    return 1e6;
  }
  if (unit == "s") {
    return 1e9;
  }
  return 0;
}

}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  if (value == 0) {
    return "0";
  }
  if (!is_whole(value) && round_to_three_digits(value).exponent < -3) {
    return fmt::format("{:.2e}", value);
  }
  const auto [mantissa, prefix] = in_steps(value, si_prefixes);
  return prefix.empty() ? mantissa : fmt::format("{} {}", mantissa, prefix);
}

std::string format_duration(double nanoseconds) {
  if (!std::isfinite(nanoseconds)) {
    return non_finite(nanoseconds);
  }
  if (nanoseconds == 0) {
    return "0 ns";
  }
  const auto [mantissa, unit] = in_steps(nanoseconds, time_units);
  return fmt::format("{} {}", mantissa, unit);
}

std::string format_bytes(double bytes) {
  if (!std::isfinite(bytes)) {
    return non_finite(bytes);
  }
  constexpr std::array<std::string_view, 6> units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t unit = 0;
  double mantissa = bytes;
  while (std::fabs(mantissa) >= 1024 && unit + 1 < units.size()) {
    mantissa /= 1024;
    ++unit;
  }
  if (is_whole(mantissa)) {
    return fmt::format("{} {}", fixed(mantissa, 0), units[unit]);
  }
  for (;;) {
    const double magnitude = std::fabs(mantissa);
    const int decimals = magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
    std::string text = fixed(mantissa, decimals);
    const double shown = std::fabs(std::strtod(text.c_str(), nullptr));
    // Rounding may carry into one more digit (9.996 → "10.00"), or up to the next unit.
    if (shown >= 1024 && unit + 1 < units.size()) {
      mantissa /= 1024;
      ++unit;
    } else if ((decimals == 2 && shown >= 10) || (decimals == 1 && shown >= 100)) {
      text = fixed(mantissa, decimals - 1);
      return fmt::format("{} {}", text, units[unit]);
    } else {
      return fmt::format("{} {}", text, units[unit]);
    }
  }
}

std::string format_rate(double per_second) { return format_amount(per_second, "/s"); }

std::string format_amount(double value, std::string_view unit) {
  if (!std::isfinite(value)) {
    return non_finite(value);
  }
  if (const double factor = nanoseconds_per(unit); factor > 0) {
    return format_duration(value * factor);
  }
  if (unit == "B" || unit == "bytes") {
    return format_bytes(value);
  }
  if (unit.empty()) {
    return format_number(value);
  }
  if (unit == "1/s") {
    unit = "/s";  // so that a prefix joins it: "12.3 k/s", not "12.3 k1/s"
  }
  if (value == 0) {
    return fmt::format("0 {}", unit);
  }
  if (!is_whole(value) && round_to_three_digits(value).exponent < -3) {
    return fmt::format("{:.2e} {}", value, unit);
  }
  const auto [mantissa, prefix] = in_steps(value, si_prefixes);
  return fmt::format("{} {}{}", mantissa, prefix, unit);
}

std::string format_percent(double fraction) {
  if (std::isnan(fraction)) {
    return std::string(missing_value_text);
  }
  if (std::isinf(fraction)) {
    return fraction > 0 ? "+∞ %" : "−∞ %";
  }
  return percent_digits(100.0 * fraction, true) + " %";
}

std::string format_share(double fraction) {
  if (!std::isfinite(fraction)) {
    return std::isnan(fraction) ? std::string(missing_value_text) : non_finite(fraction) + " %";
  }
  return percent_digits(100.0 * fraction, false) + " %";
}

std::string format_interval(const analysis::interval& range) {
  if (!std::isfinite(range.low) || !std::isfinite(range.high)) {
    return std::string(missing_value_text);
  }
  return fmt::format("[{}, {}] %", percent_digits(100.0 * range.low, true),
                     percent_digits(100.0 * range.high, true));
}

std::string format_p(double p) { return format_number(p); }

}  // namespace metron::report
