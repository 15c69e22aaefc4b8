// The metron tool's entry point: parses arguments, runs a subcommand, maps errors to exit codes.
#include "commands.hpp"

#include <metron/error.hpp>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// Every subcommand, in the order --help lists them: adding one is a file and a line here.
constexpr metron::tool::command_registrar registrars[] = {
    metron::tool::register_record,
    metron::tool::register_info,
    metron::tool::register_dump,
    metron::tool::register_export,
    metron::tool::register_stats,
    metron::tool::register_postmortem,
    metron::tool::register_kpi,
    metron::tool::register_compare,
    metron::tool::register_report,
    metron::tool::register_history,
    metron::tool::register_ab,
    metron::tool::register_serve,
};

constexpr std::string_view top_level_footer = R"(Examples:
  metron record -o run.mtr -- ./app --threads 4
  metron info run.mtr
  metron export --format chrome-trace run.mtr -o trace.json
  metron stats run.mtr bench.json
  metron postmortem logs/
  metron kpi --spec specs/quickstart.yaml run.mtr
  metron compare --baseline base1.json base2.json --candidate head1.json head2.json
  metron report --spec specs/probe-bench.yaml head.json --baseline base.json -o report.md

Exit codes:
  0  success
  1  a regression or KPI breach
  2  bad input or usage: a missing, foreign or truncated file, an unknown option
  3  inconclusive, where the user asked for that to fail
  metron record exits with the recorded program's own status (128+N when signal N killed it).

Run 'metron <subcommand> --help' for a subcommand's arguments.
)";

// The one-line message for a command line CLI11 refused, with where to look for help.
std::string usage_error_message(const CLI::App& app, const CLI::ParseError& error, int argc,
                                char** argv) {
  std::string help_command = "metron";
  for (const CLI::App* subcommand : app.get_subcommands()) {
    help_command += " " + subcommand->get_name();
  }
  // CLI11 reports a misspelt subcommand as a missing one; naming the word is clearer.
  if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
    std::string known;
    for (const CLI::App* subcommand : app.get_subcommands({})) {
      known += (known.empty() ? "" : ", ") + subcommand->get_name();
    }
    return fmt::format("unknown subcommand '{}'; expected one of {} (see 'metron --help')", argv[1],
                       known);
  }
  return fmt::format("{} (see '{} --help')", error.what(), help_command);
}

// Parses the command line and runs the chosen subcommand; returns the exit code.
int run_tool(int argc, char** argv) {
  CLI::App app{"metron: bracket probes, captures, KPIs and regression gates for C++ programs.",
               "metron"};
  app.footer(std::string(top_level_footer));
  app.set_version_flag("--version", std::string(METRON_VERSION));
  app.require_subcommand(1);
  std::vector<metron::tool::command> commands;
  for (const metron::tool::command_registrar registrar : registrars) {
    commands.push_back(registrar(app));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(error);  // --help, --version
    }
    metron::tool::print_error(usage_error_message(app, error, argc, argv));
    return metron::tool::exit_bad_input;
  }

  try {
    for (const metron::tool::command& command : commands) {
      if (command.app->parsed()) {
        return command.run();
      }
    }
  } catch (const metron::error& error) {
    // input_error and resource_error alike: the message names the file and the place.
    metron::tool::print_error(error.what());
  }
  return metron::tool::exit_bad_input;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    return run_tool(argc, argv);
  } catch (const std::exception& error) {
    // Anything unforeseen (out of memory, a failing stream); plain stdio, which cannot throw.
    std::fprintf(stderr, "metron: unexpected error: %s\n", error.what());
  }
  return metron::tool::exit_bad_input;
}
