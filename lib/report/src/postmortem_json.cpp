// `metron postmortem --json`: a post-mortem report as one JSON document.
#include <metron/report/postmortem_output.hpp>

#include "json_document.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <optional>

namespace metron::report {

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json nullable(double value) {
  return std::isfinite(value) ? ordered_json(value) : ordered_json(nullptr);
}

ordered_json nullable(const std::optional<double>& value) {
  return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json ms(const std::optional<std::int64_t>& ns) {
  return ns ? ordered_json(static_cast<double>(*ns) / 1e6) : ordered_json(nullptr);
}

/// A summary of times in ns, rendered in ms.
ordered_json summary_ms(const analysis::summary& s) {
  const auto in_ms = [](double ns) { return nullable(ns / 1e6); };
  return {{"n", s.n},
          {"min_ms", in_ms(s.min)},
          {"mean_ms", in_ms(s.mean)},
          {"median_ms", in_ms(s.median)},
          {"p90_ms", in_ms(s.p90)},
          {"p99_ms", in_ms(s.p99)},
          {"max_ms", in_ms(s.max)}};
}

}  // namespace

void write_json(std::ostream& out, const analysis::postmortem_report& report,
                const analysis::postmortem_options& options) {
  const auto offset_ms = [&](std::int64_t ns) {
    return static_cast<double>(ns - report.start_ns) / 1e6;
  };
  ordered_json files = ordered_json::array();
  for (const analysis::postmortem_file& file : report.files) {
    files.push_back({{"path", file.path}, {"node", file.node}, {"records", file.records}});
  }
  ordered_json nodes = ordered_json::array();
  ordered_json ends_early = ordered_json::array();
  for (const analysis::node_summary& node : report.nodes) {
    ordered_json per_span = ordered_json::object();
    for (std::size_t s = 0; s < report.spans.size(); ++s) {
      per_span[report.spans[s].definition.name] = {{"started", node.started[s]},
                                                   {"reached", node.reached[s]},
                                                   {"delay", summary_ms(node.delay[s])}};
    }
    nodes.push_back({{"node", node.node},
                     {"files", node.files},
                     {"records", node.records},
                     {"warnings", node.warnings},
                     {"first_ms", offset_ms(node.first_ns)},
                     {"last_ms", offset_ms(node.last_ns)},
                     {"spans", std::move(per_span)},
                     {"mempool_last", nullable(node.mempool_last)},
                     {"mempool_max", nullable(node.mempool_max)},
                     {"ends_early", node.ends_early}});
    if (node.ends_early) {
      ends_early.push_back(node.node);
    }
  }
  ordered_json spans = ordered_json::array();
  for (const analysis::span_report& span : report.spans) {
    ordered_json keys = ordered_json::array();
    for (const analysis::keyed_span& key : span.keys) {
      ordered_json until = ordered_json::array();
      for (std::size_t f = 0; f < key.until_fraction_ns.size(); ++f) {
        until.push_back({{"fraction", options.fractions[f]}, {"ms", ms(key.until_fraction_ns[f])}});
      }
      keys.push_back({{"key", key.key},
                      {"origin_node", key.origin_node},
                      {"start_ns", key.start_ns},
                      {"start_ms", offset_ms(key.start_ns)},
                      {"first_end_ms", ms(key.first_end_ns)},
                      {"nodes_reached", key.nodes_reached},
                      {"until", std::move(until)}});
    }
    ordered_json until = ordered_json::array();
    for (std::size_t f = 0; f < span.until_fraction.size(); ++f) {
      until.push_back({{"fraction", options.fractions[f]},
                       {"never", span.never_reached[f]},
                       {"summary", summary_ms(span.until_fraction[f])}});
    }
    spans.push_back({{"name", span.definition.name},
                     {"start", span.definition.start},
                     {"end", span.definition.end},
                     {"key_field", span.definition.key_field},
                     {"keys", std::move(keys)},
                     {"ends_without_start", span.ends_without_start},
                     {"first_end", summary_ms(span.first_end)},
                     {"until", std::move(until)}});
  }
  ordered_json windows = ordered_json::array();
  for (const analysis::throughput_window& window : report.windows) {
    ordered_json per_span = ordered_json::object();
    for (std::size_t s = 0; s < report.spans.size(); ++s) {
      per_span[report.spans[s].definition.name] = {{"started", window.started[s]},
                                                   {"reached", window.reached[s]}};
    }
    windows.push_back({{"start_ms", offset_ms(window.start_ns)},
                       {"records", window.records},
                       {"spans", std::move(per_span)},
                       {"mempool_max", nullable(window.mempool_max)}});
  }
  ordered_json mempool = ordered_json::array();
  for (const analysis::mempool_sample& sample : report.mempool) {
    mempool.push_back(
        {{"ms", offset_ms(sample.time_ns)}, {"node", sample.node}, {"size", sample.size}});
  }
  ordered_json timeline = ordered_json::array();
  for (const analysis::timeline_entry& entry : report.timeline) {
    timeline.push_back(
        {{"ms", offset_ms(entry.time_ns)},
         {"node", entry.node},
         {"namespace", entry.name},
         {"severity", entry.severity},
         {"key", entry.key.empty() ? ordered_json(nullptr) : ordered_json(entry.key)},
         {"file", entry.where.file},
         {"place", entry.where.place}});
  }
  const ordered_json document = {
      {"format", "metron-postmortem"},
      {"version", 1},
      {"start_ns", report.start_ns},
      {"end_ns", report.end_ns},
      {"window_ms", static_cast<double>(options.window_ns) / 1e6},
      {"early_end_ms", static_cast<double>(options.early_end_ns) / 1e6},
      {"files", std::move(files)},
      {"nodes", std::move(nodes)},
      {"ends_early", std::move(ends_early)},
      {"spans", std::move(spans)},
      {"windows", std::move(windows)},
      {"mempool", std::move(mempool)},
      {"timeline", std::move(timeline)},
  };
  detail::write_json_document(out, document);
}

}  // namespace metron::report
