// The Prometheus text exposition format 0.0.4 of an aggregates snapshot.
#include <metron/monitor/monitor.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iterator>
#include <unordered_set>

namespace metron {
namespace {

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_help_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string_view strip(std::string_view text, std::string_view suffix) {
  return text.ends_with(suffix) ? text.substr(0, text.size() - suffix.size()) : text;
}

std::string_view unit_suffix(metric_unit unit) {
  switch (unit) {
    case metric_unit::none: return "";
    case metric_unit::nanoseconds: return "_seconds";
    case metric_unit::bytes: return "_bytes";
  }
  return "";
}

// Dividing (rather than multiplying by 1e-9) keeps 5500 ns an exact-looking 5.5e-06 s.
double divisor(metric_unit unit) { return unit == metric_unit::nanoseconds ? 1e9 : 1.0; }

class exposition {
 public:
  exposition(std::string_view prefix, std::size_t series) : prefix_(prefix) {
    out_.reserve(series * 900);
  }

  // The exported base name of `metric` with `family` ("", "_delta", "_interval") before its unit.
  std::string base_name(const metric_snapshot& metric, std::string_view family, metric_unit unit) {
    const std::string name = prometheus_name(std::string(prefix_) + metric.name);
    std::string_view stem = name;
    if (unit == metric_unit::nanoseconds) stem = strip(stem, "_ns");
    stem = strip(stem, unit_suffix(unit));
    if (metric.kind == metric_kind::counter) stem = strip(stem, "_total");
    std::string made(stem);
    made += family;
    made += unit_suffix(unit);
    return made;
  }

  // Reserves `name` (and what a summary adds to it); false when an earlier series took it.
  bool claim(const std::string& name) { return taken_.insert(name).second; }

  void header(const std::string& name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_help_text(out_, help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, std::string_view labels, double value) {
    out_ += name;
    out_ += labels;
    out_ += ' ';
    append_number(out_, value);
    out_ += '\n';
  }

  void summary(const std::string& name, const statistics& values, metric_unit unit,
               const std::string& help) {
    const double factor = divisor(unit);
    header(name, "summary", help);
    sample(name, "{quantile=\"0.5\"}", values.p50 / factor);
    sample(name, "{quantile=\"0.9\"}", values.p90 / factor);
    sample(name, "{quantile=\"0.99\"}", values.p99 / factor);
    sample(name + "_sum", "", values.count == 0 ? 0.0 : values.sum / factor);
    sample(name + "_count", "", static_cast<double>(values.count));
  }

  void metric(const metric_snapshot& metric) {
    const std::string unit_note = metric.unit == metric_unit::nanoseconds ? " (seconds)"
                                  : metric.unit == metric_unit::bytes    ? " (bytes)"
                                                                         : "";
    switch (metric.kind) {
      case metric_kind::counter: {
        auto name = base_name(metric, "", metric.unit);
        name += "_total";
        if (!claim(name)) return;
        header(name, "counter", "metron counter " + metric.name + unit_note);
        sample(name, "", metric.values.count == 0 ? 0.0 : metric.values.sum / divisor(metric.unit));
        return;
      }
      case metric_kind::gauge: {
        const auto name = base_name(metric, "", metric.unit);
        if (!claim(name)) return;
        header(name, "gauge", "metron gauge " + metric.name + unit_note);
        sample(name, "", metric.values.last / divisor(metric.unit));
        return;
      }
      case metric_kind::summary: break;
    }
    const auto name = base_name(metric, "", metric.unit);
    if (claim(name) && claim(name + "_sum") && claim(name + "_count")) {
      summary(name, metric.values, metric.unit, "metron " + metric.name + unit_note);
    }
    if (metric.differences) {
      const auto delta = base_name(metric, "_delta", metric.unit);
      if (claim(delta) && claim(delta + "_sum") && claim(delta + "_count")) {
        summary(delta, *metric.differences, metric.unit,
                "differences between successive values of metron " + metric.name + unit_note);
      }
    }
    if (metric.intervals) {
      const auto interval = base_name(metric, "_interval", metric_unit::nanoseconds);
      if (claim(interval) && claim(interval + "_sum") && claim(interval + "_count")) {
        summary(interval, *metric.intervals, metric_unit::nanoseconds,
                "time between successive observations of metron " + metric.name + " (seconds)");
      }
    }
  }

  std::string take() { return std::move(out_); }

 private:
  std::string_view prefix_;
  std::string out_;
  std::unordered_set<std::string> taken_;
};

}  // namespace

std::string prometheus_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 1);
  for (const char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_';
    out += allowed ? c : '_';
  }
  if (out.empty() || (out.front() >= '0' && out.front() <= '9')) out.insert(out.begin(), '_');
  return out;
}

std::string to_prometheus_text(const metrics_snapshot& snapshot, std::string_view prefix) {
  exposition out(prefix, snapshot.metrics.size());
  for (const auto& metric : snapshot.metrics) out.metric(metric);
  return out.take();
}

}  // namespace metron
