// `metron postmortem`: several processes' JSON-lines logs related: nodes, keyed spans, windows,
// timeline.
#include "commands.hpp"

#include <metron/error.hpp>
#include <metron/postmortem/postmortem.hpp>
#include <metron/report/format.hpp>
#include <metron/report/output_file.hpp>

#include <fmt/core.h>

#include <cmath>
#include <ctime>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace metron::tool {

namespace {

struct postmortem_cli_options {
  std::vector<std::string> inputs;
  std::string output;
  bool json = false;
  bool summary_only = false;
  double window_s = 1.0;
  double early_end_s = 2.0;
  analysis::postmortem_options library;
};

constexpr std::string_view postmortem_details =
    "Reads the JSON-lines logs of several processes (a directory stands for its *.jsonl and *.log\n"
    "files) and relates their records by time, node and key. A record's node is its host; when\n"
    "two files share a host, each file is a node named after the file. The report has the nodes\n"
    "(records, warnings, spans opened and reached, delays, mempool), the keyed spans with the "
    "time\n"
    "until 50 %, 80 %, 96 % and 100 % of the nodes were reached (blocks: forged → adopted; \n"
    "transactions: submitted → included), records per time window, the mempool size over time\n"
    "and the merged timeline. A node whose log stops more than --early-end seconds before the\n"
    "others' (it crashed or was killed) is named first: its data ends there. docs/postmortem.md\n"
    "lists the namespaces and payload fields read and the JSON form (--json).\n";

constexpr std::string_view postmortem_examples =
    "  metron postmortem logs/\n"
    "  metron postmortem node-*.jsonl --json -o postmortem.json\n"
    "  metron postmortem logs/ --forged chain.forge --adopted chain.adopt --block-key hash\n";

constexpr std::string_view postmortem_exit_codes =
    "  0  success\n"
    "  2  bad input or usage: a missing file, a directory without logs, a malformed record (the\n"
    "     one-line error names the file and line), logs without records, a bad option\n";

std::string offset(std::int64_t ns, std::int64_t start) {
  return "+" + report::format_duration(static_cast<double>(ns - start));
}

std::string iso_time(std::int64_t unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     (unix_ns / 1'000'000) % 1000);
}

std::string duration_or_dash(double ns) {
  return std::isfinite(ns) ? report::format_duration(ns) : "-";
}

std::string duration_or_dash(const std::optional<std::int64_t>& ns) {
  return ns ? report::format_duration(static_cast<double>(*ns)) : "-";
}

std::string percent(double fraction) { return fmt::format("{:g} %", fraction * 100); }

// The nodes that stopped logging before the others, said first: their data is partial.
void write_early_ends(const analysis::postmortem_report& report,
                      const analysis::postmortem_options& options, std::ostream& out) {
  for (const analysis::node_summary& node : report.nodes) {
    if (node.ends_early) {
      out << fmt::format(
          "{}'s log ends early: its last record is {} before the last of all (more than {})\n",
          node.node, report::format_duration(static_cast<double>(report.end_ns - node.last_ns)),
          report::format_duration(static_cast<double>(options.early_end_ns)));
    }
  }
}

void write_text(const analysis::postmortem_report& report,
                const analysis::postmortem_options& options, bool summary_only, std::ostream& out) {
  std::uint64_t records = 0;
  for (const analysis::postmortem_file& file : report.files) {
    records += file.records;
  }
  out << fmt::format("{} files, {} nodes, {} records from {} over {}\n", report.files.size(),
                     report.nodes.size(), records, iso_time(report.start_ns),
                     report::format_duration(static_cast<double>(report.end_ns - report.start_ns)));
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
      out << fmt::format("  mempool last {} max {}", report::format_number(*node.mempool_last),
                         report::format_number(*node.mempool_max));
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
                     report::format_duration(static_cast<double>(options.window_ns)));
  for (const analysis::throughput_window& window : report.windows) {
    std::string spans;
    for (std::size_t s = 0; s < report.spans.size(); ++s) {
      spans += fmt::format("  {} {}/{}", report.spans[s].definition.name, window.started[s],
                           window.reached[s]);
    }
    out << fmt::format(
        "  {}  {} records{}{}\n", offset(window.start_ns, report.start_ns), window.records, spans,
        window.mempool_max ? "  mempool max " + report::format_number(*window.mempool_max)
                           : std::string());
  }
  out << "  (per span: keys opened / end events)\n";

  if (!report.mempool.empty()) {
    out << "\nmempool\n";
    for (const analysis::mempool_sample& sample : report.mempool) {
      out << fmt::format("  {}  {}  {}\n", offset(sample.time_ns, report.start_ns), sample.node,
                         report::format_number(sample.size));
    }
  }

  out << "\ntimeline\n";
  for (const analysis::timeline_entry& entry : report.timeline) {
    out << fmt::format("  {}  {}  {}{}{}\n", offset(entry.time_ns, report.start_ns), entry.node,
                       entry.name, entry.key.empty() ? "" : "  " + entry.key,
                       entry.severity == "info" ? "" : "  [" + entry.severity + "]");
  }
}

int run_postmortem(postmortem_cli_options& cli) {
  if (!(cli.window_s > 0) || !std::isfinite(cli.window_s)) {
    throw input_error(
        fmt::format("--window {}: the window must be a positive number of seconds", cli.window_s));
  }
  cli.library.window_ns = static_cast<std::int64_t>(std::llround(cli.window_s * 1e9));
  if (!(cli.early_end_s > 0) || !std::isfinite(cli.early_end_s)) {
    throw input_error(fmt::format(
        "--early-end {}: the allowance must be a positive number of seconds", cli.early_end_s));
  }
  cli.library.early_end_ns = static_cast<std::int64_t>(std::llround(cli.early_end_s * 1e9));
  report::output_file output(cli.output, cli.inputs.front());
  const analysis::postmortem_report report = analysis::analyse_logs(cli.inputs, cli.library);
  if (cli.json) {
    output.stream() << analysis::to_json(report, cli.library);
  } else {
    write_text(report, cli.library, cli.summary_only, output.stream());
  }
  output.commit();
  return exit_ok;
}

}  // namespace

command register_postmortem(CLI::App& app) {
  auto options = std::make_shared<postmortem_cli_options>();
  analysis::span_definition& block = options->library.spans[0];
  analysis::span_definition& tx = options->library.spans[1];
  CLI::App* sub = app.add_subcommand(
      "postmortem", "Relate the JSON-lines logs of several processes: spans, nodes, timeline");
  sub->footer(help_footer(postmortem_details, postmortem_examples, postmortem_exit_codes));
  sub->add_option("logs", options->inputs, "Log files (JSON lines) or directories of them")
      ->required()
      ->type_name("PATH...");
  sub->add_flag("--json", options->json, "Write JSON (docs/postmortem.md) instead of text");
  sub->add_option("-o,--output", options->output, "Write to this file instead of stdout")
      ->type_name("FILE");
  sub->add_option("--window", options->window_s, "Throughput window in seconds (default 1)")
      ->type_name("SECONDS");
  sub->add_option("--early-end", options->early_end_s,
                  "A node whose last record is more than this many seconds before the last of "
                  "all ends early (default 2)")
      ->type_name("SECONDS");
  sub->add_flag("--summary", options->summary_only,
                "Text: only the files, nodes and span centiles (no per-key lines, windows, "
                "mempool samples or timeline)");
  sub->add_option("--forged", block.start, "Namespace suffix of a block's forging")
      ->default_str(block.start);
  sub->add_option("--adopted", block.end, "Namespace suffix of a block's adoption")
      ->default_str(block.end);
  sub->add_option("--block-key", block.key_field, "Payload field naming the block")
      ->default_str(block.key_field);
  sub->add_option("--tx-submitted", tx.start, "Namespace suffix of a transaction's submission")
      ->default_str(tx.start);
  sub->add_option("--tx-included", tx.end, "Namespace suffix of a transaction's inclusion")
      ->default_str(tx.end);
  sub->add_option("--tx-key", tx.key_field, "Payload field naming the transaction")
      ->default_str(tx.key_field);
  sub->add_option("--mempool", options->library.mempool, "Namespace suffix of mempool records")
      ->default_str(options->library.mempool);
  sub->add_option("--mempool-field", options->library.mempool_field,
                  "Payload field holding the mempool size")
      ->default_str(options->library.mempool_field);
  return {sub, [options] { return run_postmortem(*options); }};
}

}  // namespace metron::tool
