// Human-readable renderings of durations, sizes and values, and text tables, for the terminal.
#include "text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string_view>
#include <utility>

namespace metron::tool {

namespace {

// Three or four significant digits, whatever the magnitude within a unit.
std::string with_precision(double value, const char* unit) {
  const double magnitude = std::fabs(value);
  const int decimals = magnitude < 10 ? 3 : magnitude < 100 ? 2 : 1;
  return fmt::format("{:.{}f} {}", value, decimals, unit);
}

// Cells hold UTF-8 ("µs"): count code points, not bytes.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

}  // namespace

std::string format_duration(double nanoseconds) {
  const double magnitude = std::fabs(nanoseconds);
  if (magnitude < 1e3) {
    return fmt::format("{:.0f} ns", nanoseconds);
  }
  if (magnitude < 1e6) {
    return with_precision(nanoseconds / 1e3, "µs");
  }
  if (magnitude < 1e9) {
    return with_precision(nanoseconds / 1e6, "ms");
  }
  return with_precision(nanoseconds / 1e9, "s");
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  double scaled = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (scaled >= 1024 && unit + 1 < std::size(units)) {
    scaled /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", scaled, units[unit]);
}

std::string format_value(double value) {
  // Integers up to 2^53 are exact in a double; beyond that a fraction means nothing anyway.
  if (std::isfinite(value) && value == std::trunc(value) &&
      std::fabs(value) < 9.007199254740992e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{:.6g}", value);
}

text_table::text_table(std::vector<std::string> header, std::vector<bool> right_aligned)
    : right_aligned_(std::move(right_aligned)) {
  rows_.push_back(std::move(header));
}

void text_table::add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

void text_table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(right_aligned_.size(), 0);
  for (const auto& row : rows_) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      widths[column] = std::max(widths[column], display_width(row[column]));
    }
  }
  for (const auto& row : rows_) {
    std::string line = " ";
    for (std::size_t column = 0; column < row.size(); ++column) {
      const std::string padding(widths[column] - display_width(row[column]), ' ');
      line += "  ";
      line += right_aligned_[column] ? padding + row[column] : row[column] + padding;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

}  // namespace metron::tool
