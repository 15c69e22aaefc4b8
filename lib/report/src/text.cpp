// Numbers, units, verdict explanations and escaping shared by the report's renderings.
#include "text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

namespace metron::report::detail {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

std::string with_precision(double value, std::string_view unit) {
  const double magnitude = std::fabs(value);
  const int decimals = magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3;
  return fmt::format("{:.{}f} {}", value, decimals, unit);
}

std::string format_duration(double nanoseconds) {
  const double magnitude = std::fabs(nanoseconds);
  if (magnitude < 1e3) {
    return fmt::format("{} ns", format_number(nanoseconds));
  }
  if (magnitude < 1e6) {
    return with_precision(nanoseconds / 1e3, "µs");
  }
  if (magnitude < 1e9) {
    return with_precision(nanoseconds / 1e6, "ms");
  }
  return with_precision(nanoseconds / 1e9, "s");
}

}  // namespace

std::string format_number(double value) {
  if (std::isnan(value)) {
    return "–";
  }
  if (std::isinf(value)) {
    return value > 0 ? "∞" : "−∞";
  }
  // Integers up to 2^53 are exact in a double.
  if (value == std::trunc(value) && std::fabs(value) < 9.007199254740992e15) {
    return fmt::format("{:.0f}", value);
  }
  return fmt::format("{:.6g}", value);
}

std::string format_amount(double value, std::string_view unit) {
  if (!std::isfinite(value)) {
    return format_number(value);
  }
  if (unit == "ns") {
    return format_duration(value);
  }
  return unit.empty() ? format_number(value) : fmt::format("{} {}", format_number(value), unit);
}

std::string format_percent(double fraction) {
  return std::isfinite(fraction) ? fmt::format("{:+.2f} %", 100.0 * fraction) : "–";
}

std::string format_interval(const analysis::interval& range) {
  if (!std::isfinite(range.low) || !std::isfinite(range.high)) {
    return "–";
  }
  return fmt::format("[{:+.2f}, {:+.2f}] %", 100.0 * range.low, 100.0 * range.high);
}

std::string threshold_text(const report_row& row) {
  if (!row.threshold) {
    return "–";
  }
  return fmt::format("{} {}", row.direction == analysis::better::lower ? "≤" : "≥",
                     format_amount(*row.threshold, row.unit));
}

std::string explanation(const report_row& row) {
  std::string text;
  const auto append = [&text](const std::string& sentence) {
    text += text.empty() ? sentence : "; " + sentence;
  };
  if (row.kpi == analysis::kpi_status::breach && row.threshold) {
    const bool lower = row.direction == analysis::better::lower;
    append(fmt::format("{} {} is {} the threshold {}", row.statistic,
                       format_amount(row.value, row.unit), lower ? "above" : "below",
                       threshold_text(row)));
  } else if (row.kpi == analysis::kpi_status::pass && row.threshold) {
    append(fmt::format("{} {} meets the threshold {}", row.statistic,
                       format_amount(row.value, row.unit), threshold_text(row)));
  } else if (row.kpi == analysis::kpi_status::insufficient && !row.note.empty()) {
    append(row.note);
  }
  if (row.change) {
    const analysis::comparison& change = *row.change;
    switch (change.result) {
      case analysis::verdict::regressed:
      case analysis::verdict::improved:
        append(fmt::format("median {} → {}, {} {} ({} than the ±{:g} % tolerance), p = {:.3g} ({})",
                           format_amount(change.baseline.median, row.unit),
                           format_amount(change.candidate.median, row.unit),
                           format_percent(change.change), format_interval(change.change_interval),
                           change.result == analysis::verdict::regressed ? "worse" : "better",
                           100.0 * change.tolerance, change.p_adjusted,
                           analysis::to_string(change.test)));
        break;
      case analysis::verdict::unchanged:
        append(fmt::format("median {} → {}, {} {}: within ±{:g} %",
                           format_amount(change.baseline.median, row.unit),
                           format_amount(change.candidate.median, row.unit),
                           format_percent(change.change), format_interval(change.change_interval),
                           100.0 * change.tolerance));
        break;
      case analysis::verdict::inconclusive:
        append(fmt::format("change {} {} is inconclusive", format_percent(change.change),
                           format_interval(change.change_interval)));
        break;
    }
    if (change.indicative) {
      append("per-call samples of one run each: indicative only");
    }
    if (!change.note.empty()) {
      append(change.note);
    }
  }
  if (!row.note.empty() && row.kpi != analysis::kpi_status::insufficient) {
    append(row.note);
  }
  if (text.empty()) {
    append(fmt::format("{} {}", row.statistic, format_amount(row.value, row.unit)));
  }
  return text;
}

std::string short_commit(std::string_view commit) { return std::string(commit.substr(0, 12)); }

std::string xml_escaped(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default:
        // XML 1.0 allows no control characters but tab, line feed and carriage return.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          escaped += "\xEF\xBF\xBD";
        } else {
          escaped += c;
        }
    }
  }
  return escaped;
}

box_summary box_of(std::span<const double> values) {
  std::vector<double> sorted;
  sorted.reserve(values.size());
  for (const double value : values) {
    if (std::isfinite(value)) {
      sorted.push_back(value);
    }
  }
  box_summary box;
  box.n = sorted.size();
  box.non_finite = values.size() - sorted.size();
  if (sorted.empty()) {
    box.min = box.q1 = box.median = box.q3 = box.max = not_a_number;
    box.low_whisker = box.high_whisker = not_a_number;
    return box;
  }
  std::sort(sorted.begin(), sorted.end());
  box.min = sorted.front();
  box.max = sorted.back();
  box.q1 = analysis::quantile_sorted(sorted, 0.25);
  box.median = analysis::quantile_sorted(sorted, 0.5);
  box.q3 = analysis::quantile_sorted(sorted, 0.75);
  const double reach = 1.5 * (box.q3 - box.q1);
  box.low_whisker = *std::lower_bound(sorted.begin(), sorted.end(), box.q1 - reach);
  box.high_whisker = *std::prev(std::upper_bound(sorted.begin(), sorted.end(), box.q3 + reach));
  return box;
}

}  // namespace metron::report::detail
