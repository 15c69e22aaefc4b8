// `metron record`: runs a program with a capture switched on, then summarises what it wrote.
#include "commands.hpp"

#include <metron/recorder/recorder.hpp>
#include <metron/report/record_output.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

constexpr std::string_view record_details =
    "The program must be linked with metron::probe: at load time it reads METRON_CAPTURE (and\n"
    "METRON_POLICY, METRON_RING_BYTES, METRON_RESOURCE_INTERVAL_MS, METRON_CAPTURE_MAX_BYTES),\n"
    "which metron record sets, and it finishes the capture when it exits normally or by SIGINT,\n"
    "SIGTERM, SIGHUP or SIGQUIT. Those and SIGUSR1, SIGUSR2 sent to metron are passed on to\n"
    "the program, which is killed if metron itself dies. A capture that reaches --max-size\n"
    "stops there (it says so, and keeps its footer). How the program ended, its exit status or\n"
    "signal, is appended to the capture (metron info shows it). Afterwards a summary goes to\n"
    "stderr: records, threads, drops and size, with a warning if the program wrote no capture,\n"
    "left it truncated or reached the bound. Options left out keep the values the environment\n"
    "gives, else the library's defaults.\n";

constexpr std::string_view record_examples =
    "  metron record -- ./quickstart\n"
    "  metron record -o ledger.mtr --policy drop --ring-bytes 4M -- ./ledger_bench --blocks 100\n";

constexpr std::string_view record_exit_codes =
    "  N    the program's own exit status; 128+N when signal N killed it\n"
    "  2    bad usage, an output path that cannot be written, or a program that cannot be\n"
    "       started (metron's own errors)\n";

int run_record(const record_request& request) {
  const record_result result = record_program(request, print_error);
  if (result.capture) {
    for (const std::string& line : report::capture_summary_lines(request.output, *result.capture)) {
      print_error(line);
    }
  }
  return result.exit_status;
}

// CLI11 converts "-1" to a huge unsigned number; a count must start with a digit.
CLI::Validator unsigned_number() {
  return {[](const std::string& text) {
            return !text.empty() && text.front() >= '0' && text.front() <= '9'
                       ? std::string{}
                       : "expected a non-negative whole number, not '" + text + "'";
          },
          ""};
}

}  // namespace

command register_record(CLI::App& app) {
  auto request = std::make_shared<record_request>();
  CLI::App* sub = app.add_subcommand("record", "Run a program and write its capture (.mtr)");
  sub->footer(help_footer(record_details, record_examples, record_exit_codes));
  sub->add_option("-o,--output", request->output, "Capture file to write")
      ->capture_default_str()
      ->type_name("FILE");
  sub->add_option("--policy", request->policy,
                  "What a full ring does: block (lossless, the default) or drop (count and go on)")
      ->check(CLI::IsMember({"block", "drop"}))
      ->type_name("POLICY");
  sub->add_option("--ring-bytes", request->ring_bytes,
                  "Size of each thread's ring, rounded up to a power of two (default 1M); "
                  "accepts suffixes k, M, G")
      ->transform(CLI::Validator(CLI::AsSizeValue(false)).description(""))
      ->transform(unsigned_number())  // transforms run in reverse order: this one first
      ->check(CLI::Validator(
          [](const std::string& bytes) {
            return bytes == "0" ? "a ring needs at least one byte" : "";
          },
          ""))
      ->type_name("BYTES");
  sub->add_option("--max-size", request->max_bytes,
                  "Size bound of the capture (default 1G; 0 for none): past it nothing more is "
                  "written but the footer; accepts suffixes k, M, G")
      ->transform(CLI::Validator(CLI::AsSizeValue(false)).description(""))
      ->transform(unsigned_number())  // transforms run in reverse order: this one first
      ->type_name("BYTES");
  sub->add_option("--resource-interval-ms", request->resource_interval_ms,
                  "Period of the process resource samples in ms (default 100; 0 turns them off)")
      ->check(unsigned_number())
      ->type_name("MS");
  sub->add_option("program", request->command,
                  "The program and its arguments, after '--' so that its options stay its own")
      ->required()
      ->type_name("ARGS");
  return {sub, [request] { return run_record(*request); }};
}

}  // namespace metron::tool
