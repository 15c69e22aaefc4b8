// Inline SVG charts of the HTML report: distributions, box plots, changes, trends, resources, fits.
#include "charts.hpp"

#include "box_summary.hpp"
#include "commit.hpp"
#include "xml.hpp"

#include <metron/report/format.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace metron::report::detail {

namespace {

constexpr double width = 440;
constexpr double height = 230;
constexpr double margin_left = 62;
constexpr double margin_right = 14;
constexpr double margin_top = 30;
constexpr double margin_bottom = 42;

/// A linear map from data to pixels.
struct scale {
  double low = 0;
  double high = 1;
  double pixel_low = 0;
  double pixel_high = 1;
  [[nodiscard]] double at(double value) const {
    return pixel_low + (value - low) / (high - low) * (pixel_high - pixel_low);
  }
};

/// A range that is never empty: equal ends are widened around their value.
std::pair<double, double> padded(double low, double high) {
  if (!(high > low)) {
    const double spread = low == 0 ? 1.0 : std::fabs(low) * 0.05;
    return {low - spread, high + spread};
  }
  return {low, high};
}

/// About `wanted` round tick values (1, 2 or 5 times a power of ten) covering [low, high].
std::vector<double> ticks_for(double low, double high, int wanted = 5) {
  std::vector<double> ticks;
  if (!(high > low) || !std::isfinite(low) || !std::isfinite(high)) {
    return ticks;
  }
  const double raw = (high - low) / wanted;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * power;
    if (raw <= step) {
      break;
    }
  }
  const double first = std::ceil(low / step);
  for (int index = 0; index < 40 && (first + index) * step <= high + step * 1e-9; ++index) {
    const double tick = (first + index) * step;
    ticks.push_back(std::fabs(tick) < step * 1e-9 ? 0.0 : tick);
  }
  return ticks;
}

std::string tick_text(double value) { return fmt::format("{:.4g}", value); }

/// The unit samples are drawn in: durations in ns scaled to µs, ms or s by their magnitude.
struct display_unit {
  double divisor = 1;
  std::string label;
};

display_unit display_unit_for(std::string_view unit, double magnitude) {
  if (unit != "ns") {
    return {1, std::string(unit)};
  }
  if (magnitude >= 1e9) {
    return {1e9, "s"};
  }
  if (magnitude >= 1e6) {
    return {1e6, "ms"};
  }
  if (magnitude >= 1e3) {
    return {1e3, "µs"};
  }
  return {1, "ns"};
}

std::string axis_title(std::string_view what, const display_unit& unit) {
  return unit.label.empty() ? std::string(what) : fmt::format("{} ({})", what, unit.label);
}

/// A pixel coordinate as short text: rounded to a tenth, no trailing zeros ("12.5", "40").
std::string px(double value) { return fmt::format("{:g}", std::round(value * 10) / 10); }

/// An SVG document being drawn. Markup is kept short (a report holds thousands of charts): text
/// anchors and styles are classes of the page's style sheet, coordinates have one decimal at most.
class canvas {
 public:
  canvas(std::string_view label, double w = width, double h = height) {
    svg_ = fmt::format(
        "<svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\">"
        "<title>{2}</title>",
        w, h, xml_escaped(label));
  }
  void line(double x1, double y1, double x2, double y2, std::string_view style) {
    svg_ += fmt::format(R"(<path d="M{},{}L{},{}" class="{}"/>)", px(x1), px(y1), px(x2), px(y2),
                        style);
  }
  void rect(double x, double y, double w, double h, std::string_view style) {
    svg_ += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" class="{}"/>)", px(x), px(y),
                        px(std::max(w, 0.0)), px(std::max(h, 0.0)), style);
  }
  void circle(double x, double y, double r, std::string_view style) {
    svg_ +=
        fmt::format(R"(<circle cx="{}" cy="{}" r="{}" class="{}"/>)", px(x), px(y), px(r), style);
  }
  void path(const std::string& d, std::string_view style) {
    if (!d.empty()) {
      svg_ += fmt::format(R"(<path d="{}" class="{}"/>)", d, style);
    }
  }
  /// Text; `style` names its classes, "m" centring it and "e" ending it at x.
  void text(double x, double y, std::string_view content, std::string_view style) {
    svg_ += fmt::format(R"(<text x="{}" y="{}" class="{}">{}</text>)", px(x), px(y), style,
                        xml_escaped(content));
  }
  void raw(std::string_view markup) { svg_ += markup; }
  /// A legend of coloured swatches in a row at the top right.
  void legend(const std::vector<std::pair<std::string, std::string>>& entries,
              double right = width - margin_right) {
    double x = right;
    // Laid out from the right edge leftwards, the last entry first.
    for (std::size_t index = entries.size(); index-- > 0;) {
      const auto& [name, style] = entries[index];
      x -= 7.0 * static_cast<double>(name.size()) + 26;
      rect(x, 9, 12, 12, style);
      text(x + 16, 19, name, "lg");
    }
  }
  [[nodiscard]] std::string finish() { return std::move(svg_) + "</svg>"; }

 private:
  std::string svg_;
};

/// The plot area's axes: ticks, grid lines, tick labels and titles. Grid lines and ticks are one
/// path each.
void draw_axes(canvas& svg, const scale& x, const scale& y, const std::vector<double>& x_ticks,
               const std::vector<double>& y_ticks, const std::string& x_title,
               const std::string& y_title, double x_divisor = 1) {
  const double bottom = y.pixel_low;
  const double left = x.pixel_low;
  std::string grid;
  for (const double tick : y_ticks) {
    grid += fmt::format("M{},{}H{}", px(left), px(y.at(tick)), px(x.pixel_high));
  }
  svg.path(grid, "grid");
  std::string axes =
      fmt::format("M{},{}V{}H{}", px(left), px(y.pixel_high), px(bottom), px(x.pixel_high));
  for (const double tick : x_ticks) {
    axes += fmt::format("M{},{}v5", px(x.at(tick)), px(bottom));
  }
  svg.path(axes, "axis");
  for (const double tick : y_ticks) {
    svg.text(left - 6, y.at(tick) + 4, tick_text(tick), "t e");
  }
  for (const double tick : x_ticks) {
    svg.text(x.at(tick), bottom + 18, tick_text(tick / x_divisor), "t m");
  }
  svg.text((left + x.pixel_high) / 2, bottom + 36, x_title, "ti m");
  svg.raw(fmt::format(
      "<text x=\"14\" y=\"{0}\" class=\"ti m\" transform=\"rotate(-90 14 {0})\">{1}</text>",
      px((y.pixel_low + y.pixel_high) / 2), xml_escaped(y_title)));
}

std::vector<double> finite_values(std::span<const double> values, double divisor) {
  std::vector<double> kept;
  kept.reserve(values.size());
  for (const double value : values) {
    if (std::isfinite(value)) {
      kept.push_back(value / divisor);
    }
  }
  return kept;
}

std::string empty_chart(std::string_view label, std::string_view message) {
  canvas svg(label);
  svg.rect(margin_left, margin_top, width - margin_left - margin_right,
           height - margin_top - margin_bottom, "empty");
  svg.text(width / 2, height / 2, message, "n m");
  return svg.finish();
}

/// Largest finite magnitude of the values, for choosing the display unit.
double magnitude_of(std::span<const double> a, std::span<const double> b = {}) {
  double largest = 0;
  for (const auto side : {a, b}) {
    for (const double value : side) {
      if (std::isfinite(value)) {
        largest = std::max(largest, std::fabs(value));
      }
    }
  }
  return largest;
}

/// A histogram's outline as a closed path: steps over the bins, back along the zero line.
std::string histogram_path(const std::vector<double>& shares, const scale& x, const scale& y,
                           double low, double bin_width) {
  std::string d = fmt::format("M{},{}", px(x.at(low)), px(y.at(0)));
  for (std::size_t bin = 0; bin < shares.size(); ++bin) {
    d += fmt::format("V{}H{}", px(y.at(shares[bin])),
                     px(x.at(low + bin_width * static_cast<double>(bin + 1))));
  }
  d += fmt::format("V{}Z", px(y.at(0)));
  return d;
}

std::vector<double> shares_of(const std::vector<double>& values, double low, double bin_width,
                              std::size_t bins) {
  std::vector<double> shares(bins, 0.0);
  if (values.empty()) {
    return shares;
  }
  for (const double value : values) {
    const double position = (value - low) / bin_width;
    const auto bin =
        static_cast<std::size_t>(std::clamp(position, 0.0, static_cast<double>(bins - 1)));
    shares[bin] += 1;
  }
  for (double& share : shares) {
    share = 100.0 * share / static_cast<double>(values.size());
  }
  return shares;
}

/// Indices of the points to draw: all when few, else the first and last and, of each stretch of
/// the rest, the smallest and largest value — so that no spike disappears.
std::vector<std::size_t> kept_indices(std::span<const double> values, std::size_t max_points) {
  std::vector<std::size_t> kept;
  const std::size_t n = values.size();
  if (n <= max_points || max_points < 4) {
    for (std::size_t i = 0; i < n; ++i) {
      kept.push_back(i);
    }
    return kept;
  }
  const std::size_t buckets = max_points / 2;
  for (std::size_t bucket = 0; bucket < buckets; ++bucket) {
    const std::size_t begin = bucket * n / buckets;
    const std::size_t end = (bucket + 1) * n / buckets;
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = values.begin() + static_cast<std::ptrdiff_t>(end);
    const auto [smallest, largest] = std::minmax_element(first, last);
    const auto a = static_cast<std::size_t>(smallest - values.begin());
    const auto b = static_cast<std::size_t>(largest - values.begin());
    kept.push_back(std::min(a, b));
    if (a != b) {
      kept.push_back(std::max(a, b));
    }
  }
  return kept;
}

}  // namespace

std::string histogram_chart(const report_row& row, std::size_t bins) {
  const std::string label = fmt::format("Distribution of {}", row.name);
  const display_unit unit = display_unit_for(row.unit, magnitude_of(row.candidate, row.baseline));
  const std::vector<double> candidate = finite_values(row.candidate, unit.divisor);
  const std::vector<double> baseline = finite_values(row.baseline, unit.divisor);
  if (candidate.empty() && baseline.empty()) {
    return empty_chart(label, "no finite samples to draw");
  }
  bins = std::max<std::size_t>(bins, 1);
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const auto* side : {&candidate, &baseline}) {
    for (const double value : *side) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  std::tie(low, high) = padded(low, high);
  const double bin_width = (high - low) / static_cast<double>(bins);
  const std::vector<double> candidate_shares = shares_of(candidate, low, bin_width, bins);
  const std::vector<double> baseline_shares = shares_of(baseline, low, bin_width, bins);
  const double top = std::max(*std::max_element(candidate_shares.begin(), candidate_shares.end()),
                              *std::max_element(baseline_shares.begin(), baseline_shares.end()));
  const scale x{low, high, margin_left, width - margin_right};
  const std::vector<double> y_ticks = ticks_for(0, top * 1.05);
  const scale y{0, y_ticks.empty() ? top * 1.05 : std::max(top * 1.05, y_ticks.back()),
                height - margin_bottom, margin_top};
  canvas svg(label);
  draw_axes(svg, x, y, ticks_for(low, high), y_ticks,
            axis_title(row.name.size() > 40 ? "value" : row.name, unit), "share of samples (%)");
  std::vector<std::pair<std::string, std::string>> legend;
  if (!baseline.empty()) {
    svg.path(histogram_path(baseline_shares, x, y, low, bin_width), "base-fill");
    legend.emplace_back(fmt::format("baseline (n={})", baseline.size()), "base-fill");
  }
  if (!candidate.empty()) {
    svg.path(histogram_path(candidate_shares, x, y, low, bin_width), "cand-fill");
    legend.emplace_back(fmt::format("candidate (n={})", candidate.size()), "cand-fill");
  }
  svg.legend(legend);
  return svg.finish();
}

std::string box_chart(const report_row& row) {
  const std::string label = fmt::format("Box plots of {}", row.name);
  const box_summary candidate = box_of(row.candidate);
  const box_summary baseline = box_of(row.baseline);
  if (candidate.n == 0 && baseline.n == 0) {
    return empty_chart(label, "no finite samples to draw");
  }
  double magnitude = magnitude_of(row.candidate, row.baseline);
  if (row.threshold && std::isfinite(*row.threshold)) {
    magnitude = std::max(magnitude, std::fabs(*row.threshold));
  }
  const display_unit unit = display_unit_for(row.unit, magnitude);
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const box_summary* box : {&candidate, &baseline}) {
    if (box->n > 0) {
      low = std::min(low, box->min);
      high = std::max(high, box->max);
    }
  }
  if (row.threshold && std::isfinite(*row.threshold)) {
    low = std::min(low, *row.threshold);
    high = std::max(high, *row.threshold);
  }
  std::tie(low, high) = padded(low / unit.divisor, high / unit.divisor);
  const double slack = (high - low) * 0.05;
  const std::vector<double> y_ticks = ticks_for(low - slack, high + slack);
  const scale y{low - slack, high + slack, height - margin_bottom, margin_top};
  const double box_width = 300;
  const scale x{0, 2, margin_left, box_width - margin_right};
  canvas svg(label, box_width, height);
  draw_axes(svg, x, y, {}, y_ticks, "",
            axis_title(row.statistic == "median" ? "value" : "sample", unit));
  const auto draw = [&](const box_summary& box, double centre, std::string_view name,
                        std::string_view style) {
    svg.text(x.at(centre), height - margin_bottom + 18, name, "t m");
    if (box.n == 0) {
      svg.text(x.at(centre), y.at((low + high) / 2), "no samples", "n m");
      return;
    }
    const double d = unit.divisor;
    const double cx = x.at(centre);
    svg.line(cx, y.at(box.low_whisker / d), cx, y.at(box.q1 / d), "whisker");
    svg.line(cx, y.at(box.q3 / d), cx, y.at(box.high_whisker / d), "whisker");
    svg.line(cx - 12, y.at(box.low_whisker / d), cx + 12, y.at(box.low_whisker / d), "whisker");
    svg.line(cx - 12, y.at(box.high_whisker / d), cx + 12, y.at(box.high_whisker / d), "whisker");
    svg.rect(cx - 30, y.at(box.q3 / d), 60, y.at(box.q1 / d) - y.at(box.q3 / d), style);
    svg.line(cx - 30, y.at(box.median / d), cx + 30, y.at(box.median / d), "median");
    if (box.min < box.low_whisker) {
      svg.circle(cx, y.at(box.min / d), 2.5, "outlier");
    }
    if (box.max > box.high_whisker) {
      svg.circle(cx, y.at(box.max / d), 2.5, "outlier");
    }
  };
  // Without a baseline run there is nothing to set beside the candidate.
  if (row.baseline.empty() && !row.change) {
    draw(candidate, 1.0, "candidate", "cand-fill");
  } else {
    draw(baseline, 0.5, "baseline", "base-fill");
    draw(candidate, 1.5, "candidate", "cand-fill");
  }
  std::vector<std::pair<std::string, std::string>> legend = {{"median", "median-swatch"}};
  if (row.threshold && std::isfinite(*row.threshold)) {
    const double at = y.at(*row.threshold / unit.divisor);
    svg.line(margin_left, at, box_width - margin_right, at, "threshold");
    legend.insert(legend.begin(), {"threshold", "threshold-swatch"});
  }
  svg.legend(legend, box_width - margin_right);
  return svg.finish();
}

namespace {

/// Which side of a change chart is worse, as its caption says.
std::string_view worse_side(analysis::better direction) {
  switch (direction) {
    case analysis::better::lower: return "right is worse";
    case analysis::better::higher: return "left is worse";
    case analysis::better::unknown: break;
  }
  return "which way is better is unknown";
}

}  // namespace

std::string change_chart(const analysis::comparison& change) {
  const std::string label = fmt::format("Change of {} against the baseline", change.name);
  const double chart_height = 120;
  const double chart_width = 340;
  const double tolerance = 100.0 * change.tolerance;
  const bool has_interval =
      std::isfinite(change.change_interval.low) && std::isfinite(change.change_interval.high);
  if (!std::isfinite(change.change) && !has_interval) {
    canvas svg(label, chart_width, chart_height);
    svg.text(chart_width / 2, chart_height / 2, "no change could be computed", "n m");
    return svg.finish();
  }
  double low = -2 * tolerance;
  double high = 2 * tolerance;
  for (const double value :
       {change.change, change.change_interval.low, change.change_interval.high}) {
    if (std::isfinite(value)) {
      low = std::min(low, 100.0 * value);
      high = std::max(high, 100.0 * value);
    }
  }
  std::tie(low, high) = padded(low, high);
  const double slack = (high - low) * 0.05;
  const scale x{low - slack, high + slack, 20, chart_width - margin_right};
  const double axis_y = chart_height - margin_bottom;
  const double mid = (margin_top + axis_y) / 2 + 4;
  canvas svg(label, chart_width, chart_height);
  svg.rect(x.at(-tolerance), margin_top, x.at(tolerance) - x.at(-tolerance), axis_y - margin_top,
           "tolerance");
  for (const double tick : ticks_for(x.low, x.high)) {
    svg.line(x.at(tick), axis_y, x.at(tick), axis_y + 5, "axis");
    svg.text(x.at(tick), axis_y + 18, tick_text(tick), "t m");
  }
  svg.line(x.pixel_low, axis_y, x.pixel_high, axis_y, "axis");
  svg.line(x.at(0), margin_top, x.at(0), axis_y, "zero");
  svg.text(chart_width / 2, axis_y + 34,
           fmt::format("change of the median (%) — {}", worse_side(change.direction)), "ti m");
  const std::string_view style = change.result == analysis::verdict::regressed  ? "worse"
                                 : change.result == analysis::verdict::improved ? "better"
                                                                                : "neutral";
  if (has_interval) {
    const double a = x.at(100.0 * change.change_interval.low);
    const double b = x.at(100.0 * change.change_interval.high);
    svg.line(a, mid, b, mid, fmt::format("interval {}", style));
    svg.line(a, mid - 7, a, mid + 7, fmt::format("interval {}", style));
    svg.line(b, mid - 7, b, mid + 7, fmt::format("interval {}", style));
  }
  if (std::isfinite(change.change)) {
    svg.circle(x.at(100.0 * change.change), mid, 5, fmt::format("point {}", style));
  }
  svg.legend(
      {{fmt::format("±{:g} % tolerance", tolerance), "tolerance"},
       {fmt::format("{:g} % interval", 100.0 * change.change_interval.level), "neutral-swatch"}},
      chart_width - margin_right);
  return svg.finish();
}

std::string trend_chart(const history_trend& trend, std::size_t max_points) {
  const std::string label = fmt::format("History of {}", trend.metric);
  std::vector<double> values;
  values.reserve(trend.points.size());
  for (const analysis::history_point& point : trend.points) {
    values.push_back(point.value);
  }
  if (values.empty()) {
    return empty_chart(label, "no runs in the history");
  }
  const double trend_width = 900;
  const display_unit unit = display_unit_for(trend.unit, magnitude_of(values));
  const auto [smallest, largest] = std::minmax_element(values.begin(), values.end());
  auto [low, high] = padded(*smallest / unit.divisor, *largest / unit.divisor);
  const double slack = (high - low) * 0.1;
  const std::vector<double> y_ticks = ticks_for(low - slack, high + slack);
  const scale y{low - slack, high + slack, height - margin_bottom, margin_top + 14};
  const double last = static_cast<double>(std::max<std::size_t>(values.size() - 1, 1));
  const scale x{0, last, margin_left, trend_width - margin_right};
  canvas svg(label, trend_width, height);
  std::vector<double> x_ticks;
  for (const double tick : ticks_for(0, last)) {
    if (tick == std::floor(tick)) {
      x_ticks.push_back(tick);
    }
  }
  draw_axes(svg, x, y, x_ticks, y_ticks, "run (oldest to newest)", axis_title("value", unit));
  // The mean of each segment between change points, as the detector sees the series.
  std::vector<std::size_t> bounds = {0};
  for (const analysis::change_point& change : trend.changes) {
    bounds.push_back(change.index);
  }
  bounds.push_back(values.size());
  for (std::size_t segment = 0; segment + 1 < bounds.size(); ++segment) {
    const std::size_t begin = bounds[segment];
    const std::size_t end = bounds[segment + 1];
    if (end <= begin) {
      continue;
    }
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) {
      sum += values[i];
    }
    const double mean = sum / static_cast<double>(end - begin) / unit.divisor;
    svg.line(x.at(static_cast<double>(begin)), y.at(mean), x.at(static_cast<double>(end - 1)),
             y.at(mean), "segment");
  }
  std::string d;
  for (const std::size_t i : kept_indices(values, max_points)) {
    d += fmt::format("{}{},{}", d.empty() ? "M" : "L", px(x.at(static_cast<double>(i))),
                     px(y.at(values[i] / unit.divisor)));
  }
  svg.path(d, "trend");
  if (values.size() <= 60) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      svg.circle(x.at(static_cast<double>(i)), y.at(values[i] / unit.divisor), 2.5, "trend-point");
    }
  }
  for (const analysis::change_point& change : trend.changes) {
    const double at = x.at(static_cast<double>(change.index) - 0.5);
    svg.line(at, margin_top + 14, at, height - margin_bottom,
             change.weak ? "change weak" : "change");
    svg.text(at + 3, margin_top + 24,
             fmt::format("{} {}", short_commit(change.commit).substr(0, 8),
                         format_percent(change.magnitude)),
             "cl");
  }
  svg.legend({{"value per run", "trend-swatch"},
              {"segment mean", "segment-swatch"},
              {"change point (commit)", "change-swatch"}},
             trend_width - margin_right);
  return svg.finish();
}

std::string resource_chart(std::span<const resource_sample> samples, std::size_t max_points) {
  if (samples.size() < 2) {
    return empty_chart("Resources", "fewer than two resource samples");
  }
  std::vector<double> seconds;
  std::vector<double> cpu_percent;
  std::vector<double> rss_mib;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const double elapsed = static_cast<double>(samples[i].time_ns - samples[i - 1].time_ns);
    const double used =
        static_cast<double>(samples[i].cpu_user_ns + samples[i].cpu_system_ns -
                            samples[i - 1].cpu_user_ns - samples[i - 1].cpu_system_ns);
    seconds.push_back(static_cast<double>(samples[i].time_ns));
    cpu_percent.push_back(elapsed > 0 ? 100.0 * used / elapsed : 0.0);
    rss_mib.push_back(static_cast<double>(samples[i].rss_bytes) / (1024.0 * 1024.0));
  }
  // Short captures read better in milliseconds.
  const bool in_seconds = seconds.back() >= 1e9;
  for (double& time : seconds) {
    time /= in_seconds ? 1e9 : 1e6;
  }
  const std::string time_title =
      fmt::format("time since the capture started ({})", in_seconds ? "s" : "ms");
  std::string charts;
  const auto draw = [&](const std::vector<double>& values, std::string_view what,
                        std::string_view unit_label, std::string_view style) {
    const auto [smallest, largest] = std::minmax_element(values.begin(), values.end());
    auto [low, high] = padded(std::min(0.0, *smallest), *largest);
    const std::vector<double> y_ticks = ticks_for(low, high * 1.05);
    const scale y{low, y_ticks.empty() ? high * 1.05 : std::max(high * 1.05, y_ticks.back()),
                  height - margin_bottom, margin_top};
    auto [first, last] = padded(seconds.front(), seconds.back());
    const scale x{first, last, margin_left, width - margin_right};
    canvas svg(fmt::format("{} over the run", what));
    draw_axes(svg, x, y, ticks_for(first, last), y_ticks, time_title,
              fmt::format("{} ({})", what, unit_label));
    std::string d;
    for (const std::size_t i : kept_indices(values, max_points)) {
      d += fmt::format("{}{},{}", d.empty() ? "M" : "L", px(x.at(seconds[i])), px(y.at(values[i])));
    }
    svg.path(d, style);
    svg.legend({{std::string(what), fmt::format("{}-swatch", style)}});
    charts += svg.finish();
  };
  draw(cpu_percent, "CPU", "% of one core", "cpu");
  draw(rss_mib, "RSS", "MiB", "rss");
  return charts;
}

std::string complexity_chart(const analysis::family_complexity& family) {
  const std::string label = fmt::format("Complexity of {}", family.family);
  if (family.n.size() < 2) {
    return empty_chart(label, "fewer than two sizes");
  }
  const analysis::complexity_fit& best = family.result.best_fit();
  const auto curve = [&](double n) {
    const double log_n = std::log2(n);
    double shape = 1;
    switch (best.shape) {
      case analysis::complexity_class::constant: break;
      case analysis::complexity_class::logarithmic: shape = log_n; break;
      case analysis::complexity_class::linear: shape = n; break;
      case analysis::complexity_class::linearithmic: shape = n * log_n; break;
      case analysis::complexity_class::quadratic: shape = n * n; break;
      case analysis::complexity_class::cubic: shape = n * n * n; break;
    }
    return best.intercept + best.coefficient * shape;
  };
  const display_unit unit = display_unit_for("ns", magnitude_of(family.time));
  const double first = std::log2(family.n.front());
  const double last = std::log2(family.n.back());
  std::vector<std::pair<double, double>> fitted;
  constexpr int steps = 48;
  for (int step = 0; step <= steps; ++step) {
    const double log_n = first + (last - first) * step / steps;
    fitted.emplace_back(log_n, curve(std::exp2(log_n)) / unit.divisor);
  }
  double low = 0;
  double high = 0;
  for (const double time : family.time) {
    high = std::max(high, time / unit.divisor);
  }
  for (const auto& point : fitted) {
    if (std::isfinite(point.second)) {
      low = std::min(low, point.second);
      high = std::max(high, point.second);
    }
  }
  std::tie(low, high) = padded(low, high * 1.05);
  auto [x_low, x_high] = padded(first, last);
  const scale x{x_low, x_high, margin_left, width - margin_right};
  const std::vector<double> y_ticks = ticks_for(low, high);
  const scale y{low, high, height - margin_bottom, margin_top};
  // Powers of two, at most about seven of them.
  std::vector<double> x_ticks;
  const double stride = std::max(1.0, std::floor((x_high - x_low) / 6));
  for (int step = 0; std::ceil(x_low) + stride * step <= x_high; ++step) {
    x_ticks.push_back(std::ceil(x_low) + stride * step);
  }
  canvas svg(label);
  draw_axes(svg, x, y, {}, y_ticks,
            fmt::format("{}: size n (log₂ scale), {}", family.family, family.quantity),
            axis_title("mean time", unit));
  for (const double tick : x_ticks) {
    svg.line(x.at(tick), y.pixel_low, x.at(tick), y.pixel_low + 5, "axis");
    svg.text(x.at(tick), y.pixel_low + 18, tick_text(std::exp2(tick)), "t m");
  }
  std::string d;
  for (const auto& [log_n, time] : fitted) {
    if (std::isfinite(time)) {
      d += fmt::format("{}{},{}", d.empty() ? "M" : "L", px(x.at(log_n)), px(y.at(time)));
    }
  }
  svg.path(d, "fit");
  for (std::size_t i = 0; i < family.n.size(); ++i) {
    svg.circle(x.at(std::log2(family.n[i])), y.at(family.time[i] / unit.divisor), 3.5, "measured");
  }
  svg.legend({{"mean time", "measured"},
              {fmt::format("fit {}, R² {}", analysis::to_string(best.shape),
                           format_number(best.r_squared)),
               "fit-swatch"}});
  return svg.finish();
}

}  // namespace metron::report::detail
