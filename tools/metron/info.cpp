// `metron info`: a capture's metadata, threads, per-site totals and drops, as text or JSON.
#include "commands.hpp"

#include <metron/capture/render.hpp>
#include <metron/report/capture_info.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

struct info_options {
  std::string path;
  bool json = false;
};

constexpr std::string_view info_details =
    "Shows what a capture holds: format version, host, CPU, clock, the recorded command line,\n"
    "start time and duration; each thread with its records and drops; each probe site with its\n"
    "kind and count, the total and mean duration of brackets, the sum of counters and the last\n"
    "value of gauges; the number of resource samples and the records lost to full rings.\n"
    "With --json the same comes as one JSON object.\n";

constexpr std::string_view info_examples =
    "  metron info run.mtr\n"
    "  metron info --json run.mtr | jq '.sites[] | select(.kind == \"bracket\")'\n";

int run_info(const info_options& options) {
  const capture_summary summary = summarize_capture(options.path);
  (options.json ? report::write_capture_info_json : report::write_capture_info_text)(
      std::cout, options.path, summary);
  std::cout.flush();
  if (summary.dropped > 0) {
    print_error("warning: " + report::capture_drops_warning(summary.dropped));
  }
  return finish_read(options.path, summary.status);
}

}  // namespace

command register_info(CLI::App& app) {
  auto options = std::make_shared<info_options>();
  CLI::App* sub =
      app.add_subcommand("info", "Summarise a capture: metadata, threads, sites, drops");
  sub->footer(help_footer(info_details, info_examples, reader_exit_codes()));
  add_capture_argument(*sub, options->path);
  sub->add_flag("--json", options->json, "Print one JSON object instead of text");
  return {sub, [options] { return run_info(*options); }};
}

}  // namespace metron::tool
