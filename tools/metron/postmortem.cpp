// `metron postmortem`: several processes' JSON-lines logs related: nodes, keyed spans, windows,
// timeline.
#include "commands.hpp"

#include <metron/postmortem/postmortem.hpp>
#include <metron/report/output_file.hpp>
#include <metron/report/postmortem_output.hpp>

#include <memory>
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

int run_postmortem(const postmortem_cli_options& cli) {
  report::output_file output(cli.output, cli.inputs.front());
  const analysis::postmortem_report report = analysis::analyse_logs(cli.inputs, cli.library);
  if (cli.json) {
    report::write_json(output.stream(), report, cli.library);
  } else {
    report::write_text(output.stream(), report, cli.library, cli.summary_only);
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
  add_output_option(*sub, options->output);
  sub->add_option("--window", options->library.window_ns,
                  "Throughput window in seconds (default 1)")
      ->transform(seconds_to_nanoseconds())
      ->type_name("SECONDS");
  sub->add_option("--early-end", options->library.early_end_ns,
                  "A node whose last record is more than this many seconds before the last of "
                  "all ends early (default 2)")
      ->transform(seconds_to_nanoseconds())
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
