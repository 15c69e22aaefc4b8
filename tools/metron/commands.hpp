// The metron tool's subcommands as main.cpp sees them, and the few helpers they share.
#pragma once

#include <metron/capture/capture.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace metron::tool {

/// Success (STYLE.md's exit codes; every --help lists them).
inline constexpr int exit_ok = 0;
/// Bad input or usage: an unknown option, a missing, foreign or truncated file.
inline constexpr int exit_bad_input = 2;

/// A registered subcommand: its CLI11 node and what runs it once arguments are parsed.
struct command {
  CLI::App* app = nullptr;   ///< owned by the top-level CLI::App
  std::function<int()> run;  ///< runs the subcommand and returns the exit code; may throw
};

/// Adds one subcommand (its options, help and runner) to the top-level application.
using command_registrar = command (*)(CLI::App& app);

/// `metron record`: runs a program with a capture switched on.
command register_record(CLI::App& app);
/// `metron info`: a capture's metadata, threads, sites and drops.
command register_info(CLI::App& app);
/// `metron dump`: a capture as JSON lines.
command register_dump(CLI::App& app);
/// `metron export`: a capture in another tool's format (Chrome/Perfetto trace).
command register_export(CLI::App& app);
/// `metron stats`: per-metric summaries of captures, Google Benchmark JSON and logs.
command register_stats(CLI::App& app);
/// `metron postmortem`: the JSON-lines logs of several processes related by time, node and key.
command register_postmortem(CLI::App& app);
/// `metron history`: results by commit in SQLite or PostgreSQL, and their change points.
command register_history(CLI::App& app);
/// `metron ab`: two programs run interleaved (ABBA) and compared by paired log-ratios.
command register_ab(CLI::App& app);
/// `metron kpi`: a benchmark specification's KPIs over captures, benchmark results and logs.
command register_kpi(CLI::App& app);
/// `metron compare`: a candidate against a baseline, per metric or KPI, as a CI gate.
command register_compare(CLI::App& app);
/// `metron report`: KPIs, changes and history as HTML, Markdown, JUnit XML, CSV or JSON.
command register_report(CLI::App& app);
/// `metron serve`: a capture's aggregates over HTTP (Prometheus, JSON, dashboard).
command register_serve(CLI::App& app);

/// The help footer of a subcommand: what it does in detail, examples, and its exit codes.
/// (The description stays one line because the top-level --help lists it.)
/// @param details paragraphs explaining the subcommand, ending in '\n'
/// @param examples lines of example invocations, each ending in '\n'
/// @param exit_codes the subcommand's exit code table, each line ending in '\n'
[[nodiscard]] std::string help_footer(std::string_view details, std::string_view examples,
                                      std::string_view exit_codes);

/// Adds the required positional argument naming the capture (.mtr) a subcommand reads.
void add_capture_argument(CLI::App& sub, std::string& path);

/// Adds `-o,--output FILE`, the file a subcommand writes instead of standard output.
void add_output_option(CLI::App& sub, std::string& output);

/// Writes `path`'s capture through `render` to `output` (standard output when empty), then ends
/// as finish_read() does; the file appears only once complete.
[[nodiscard]] int render_capture(const std::string& path, const std::string& output,
                                 read_status (*render)(const std::string&, std::ostream&));

/// The exit code table of the subcommands that read one capture (info, dump, export).
[[nodiscard]] std::string_view reader_exit_codes();

/// Ends a subcommand that read the capture at `path` after its output is written: for an
/// incomplete capture prints `metron: <path>: <problem>` on stderr and returns exit_bad_input,
/// else returns exit_ok. Whatever was recovered has been written by then, so nothing is lost.
[[nodiscard]] int finish_read(const std::string& path, const read_status& status);

/// A CLI11 transform of a positive, finite number of seconds ("1.5") into whole nanoseconds
/// ("1500000000"), for options bound to an integer of ns; anything else is refused.
[[nodiscard]] CLI::Validator seconds_to_nanoseconds();

/// Prints `metron: <message>` on stderr, after flushing what is pending on stdout.
void print_error(std::string_view message);

}  // namespace metron::tool
