// The text rendering of a post-mortem report: files, nodes, span centiles, windows, mempool and
// the merged timeline.
#include <metron/report/format.hpp>
#include <metron/report/postmortem_output.hpp>

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace metron::report {

namespace {

std::string offset(std::int64_t ns, std::int64_t start) {
  return "+" + format_duration(static_cast<double>(ns - start));
}

std::string iso_time(std::int64_t unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     (unix_ns / 1'000'000) % 1000);
}

std::string duration_or_dash(double ns) { return std::isfinite(ns) ? format_duration(ns) : "-"; }

std::string duration_or_dash(const std::optional<std::int64_t>& ns) {
  return ns ? format_duration(static_cast<double>(*ns)) : "-";
}

// A fraction of the nodes as the options give it, in percent with as many digits as it has
// ("50 %", "96 %", "12.5 %"): a label the user chose, not a measured share to round.
std::string percent(double fraction) { return fmt::format("{:g} %", fraction * 100); }

// The nodes that stopped logging before the others, said first: their data is partial.
void write_early_ends(const analysis::postmortem_report& report,
                      const analysis::postmortem_options& options, std::ostream& out) {
  for (const analysis::node_summary& node : report.nodes) {
    if (node.ends_early) {
      out << fmt::format(
          "{}'s log ends early: its last record is {} before the last of all (more than {})\n",
          node.node, format_duration(static_cast<double>(report.end_ns - node.last_ns)),
          format_duration(static_cast<double>(options.early_end_ns)));
    }
  }
}

}  // namespace

void write_text(std::ostream& out, const analysis::postmortem_report& report,
                const analysis::postmortem_options& options, bool summary_only) {
  std::uint64_t records = 0;
  for (const analysis::postmortem_file& file : report.files) {
    records += file.records;
  }
  out << fmt::format("{} files, {} nodes, {} records from {} over {}\n", report.files.size(),
                     report.nodes.size(), records, iso_time(report.start_ns),
                     format_duration(static_cast<double>(report.end_ns - report.start_ns)));
  for (const analysis::postmortem_file& file : report.files) {
    out << fmt::format("  {}: node {}, {} records\n", file.path, file.node, file.records);
  }
  write_early_ends(report, options, out);

  out << "\nnodes\n";
  for (const analysis::node_summary& node : report.nodes) {
    std::string spans;
    for (std::size_t s = 0; s < report.spans.size(); ++s) {
      spans += fmt::format("  {} {} opened, {} reached (median delay {})",
                           report.spans[s].definition.name, node.started[s], node.reached[s],
                           duration_or_dash(node.delay[s].median));
    }
    out << fmt::format("  {}: {} records, {} warnings, {} to {}{}", node.node, node.records,
                       node.warnings, offset(node.first_ns, report.start_ns),
                       offset(node.last_ns, report.start_ns), spans);
    if (node.mempool_last) {
      out << fmt::format("  mempool last {} max {}", format_number(*node.mempool_last),
                         format_number(*node.mempool_max));
    }
    out << (node.ends_early ? "  ENDS EARLY\n" : "\n");
  }

  for (const analysis::span_report& span : report.spans) {
    const analysis::span_definition& definition = span.definition;
    out << fmt::format("\n{}: {} → {} by '{}', {} keys, {} ends without a start\n", definition.name,
                       definition.start, definition.end, definition.key_field, span.keys.size(),
                       span.ends_without_start);
    if (span.keys.empty()) {
      continue;
    }
    out << fmt::format("  {:<14} {:>5} {:>6} {:>10} {:>10} {:>10}\n", "time until", "keys", "never",
                       "median", "p90", "max");
    out << fmt::format("  {:<14} {:>5} {:>6} {:>10} {:>10} {:>10}\n", "first end", span.first_end.n,
                       span.keys.size() - span.first_end.n, duration_or_dash(span.first_end.median),
                       duration_or_dash(span.first_end.p90), duration_or_dash(span.first_end.max));
    for (std::size_t f = 0; f < span.until_fraction.size(); ++f) {
      const analysis::summary& s = span.until_fraction[f];
      out << fmt::format("  {:<14} {:>5} {:>6} {:>10} {:>10} {:>10}\n",
                         percent(options.fractions[f]) + " nodes", s.n, span.never_reached[f],
                         duration_or_dash(s.median), duration_or_dash(s.p90),
                         duration_or_dash(s.max));
    }
    if (summary_only) {
      continue;
    }
    for (const analysis::keyed_span& key : span.keys) {
      std::string until;
      for (std::size_t f = 0; f < key.until_fraction_ns.size(); ++f) {
        until += fmt::format(", {} {}", percent(options.fractions[f]),
                             duration_or_dash(key.until_fraction_ns[f]));
      }
      out << fmt::format("  {} from {} at {}: {} nodes, first end {}{}\n", key.key, key.origin_node,
                         offset(key.start_ns, report.start_ns), key.nodes_reached,
                         duration_or_dash(key.first_end_ns), until);
    }
  }

  if (summary_only) {
    return;
  }
  out << fmt::format("\nthroughput per {} window\n",
                     format_duration(static_cast<double>(options.window_ns)));
  for (const analysis::throughput_window& window : report.windows) {
    std::string spans;
    for (std::size_t s = 0; s < report.spans.size(); ++s) {
      spans += fmt::format("  {} {}/{}", report.spans[s].definition.name, window.started[s],
                           window.reached[s]);
    }
    out << fmt::format(
        "  {}  {} records{}{}\n", offset(window.start_ns, report.start_ns), window.records, spans,
        window.mempool_max ? "  mempool max " + format_number(*window.mempool_max) : std::string());
  }
  out << "  (per span: keys opened / end events)\n";

  if (!report.mempool.empty()) {
    out << "\nmempool\n";
    for (const analysis::mempool_sample& sample : report.mempool) {
      out << fmt::format("  {}  {}  {}\n", offset(sample.time_ns, report.start_ns), sample.node,
                         format_number(sample.size));
    }
  }

  out << "\ntimeline\n";
  for (const analysis::timeline_entry& entry : report.timeline) {
    out << fmt::format("  {}  {}  {}{}{}\n", offset(entry.time_ns, report.start_ns), entry.node,
                       entry.name, entry.key.empty() ? "" : "  " + entry.key,
                       entry.severity == "info" ? "" : "  [" + entry.severity + "]");
  }
}

}  // namespace metron::report
