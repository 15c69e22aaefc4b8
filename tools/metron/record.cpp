// `metron record`: runs a program with a capture switched on, then summarises what it wrote.
#include "commands.hpp"

#include <metron/recorder/recorder.hpp>
#include <metron/report/record_output.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace metron::tool {

namespace {

struct record_options {
  std::string output = "run.mtr";
  std::string policy;
  std::uint64_t ring_bytes = 0;
  std::uint64_t resource_interval_ms = 0;
  std::vector<std::string> command;
  const CLI::Option* ring_bytes_option = nullptr;
  const CLI::Option* resource_interval_option = nullptr;
};

constexpr std::string_view record_details =
    "The program must be linked with metron::probe: at load time it reads METRON_CAPTURE (and\n"
    "METRON_POLICY, METRON_RING_BYTES, METRON_RESOURCE_INTERVAL_MS), which metron record sets,\n"
    "and it finishes the capture when it exits normally. SIGINT and SIGTERM sent to metron are\n"
    "passed on to the program. Afterwards a summary goes to stderr: records, threads, drops and\n"
    "size, with a warning if the program wrote no capture or left it truncated. Options left\n"
    "out keep the values the environment gives, else the library's defaults.\n";

constexpr std::string_view record_examples =
    "  metron record -- ./quickstart\n"
    "  metron record -o ledger.mtr --policy drop --ring-bytes 4M -- ./ledger_bench --blocks 100\n";

constexpr std::string_view record_exit_codes =
    "  N    the program's own exit status; 128+N when signal N killed it\n"
    "  2    bad usage, an output path that cannot be written, or a program that cannot be\n"
    "       started (metron's own errors)\n";

int run_record(const record_options& options) {
  record_request request;
  request.command = options.command;
  request.output = options.output;
  request.policy = options.policy;
  if (options.ring_bytes_option->count() > 0) {
    request.ring_bytes = options.ring_bytes;
  }
  if (options.resource_interval_option->count() > 0) {
    request.resource_interval_ms = options.resource_interval_ms;
  }
  const record_result result = record_program(request, print_error);
  if (result.capture) {
    for (const std::string& line : report::capture_summary_lines(options.output, *result.capture)) {
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
  auto options = std::make_shared<record_options>();
  CLI::App* sub = app.add_subcommand("record", "Run a program and write its capture (.mtr)");
  sub->footer(help_footer(record_details, record_examples, record_exit_codes));
  sub->add_option("-o,--output", options->output, "Capture file to write")
      ->capture_default_str()
      ->type_name("FILE");
  sub->add_option("--policy", options->policy,
                  "What a full ring does: block (lossless, the default) or drop (count and go on)")
      ->check(CLI::IsMember({"block", "drop"}))
      ->type_name("POLICY");
  options->ring_bytes_option =
      sub->add_option("--ring-bytes", options->ring_bytes,
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
  options->resource_interval_option =
      sub->add_option(
             "--resource-interval-ms", options->resource_interval_ms,
             "Period of the process resource samples in ms (default 100; 0 turns them off)")
          ->check(unsigned_number())
          ->type_name("MS");
  sub->add_option("program", options->command,
                  "The program and its arguments, after '--' so that its options stay its own")
      ->required()
      ->type_name("ARGS");
  return {sub, [options] { return run_record(*options); }};
}

}  // namespace metron::tool
