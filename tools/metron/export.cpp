// `metron export`: a capture in another tool's format; for now the Chrome/Perfetto trace format.
#include "commands.hpp"

#include <metron/capture/render.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

struct export_options {
  std::string format = "chrome-trace";
  std::string path;
  std::string output;
};

constexpr std::string_view export_details =
    "Formats:\n"
    "  chrome-trace  Chrome trace event JSON that loads in https://ui.perfetto.dev and\n"
    "                chrome://tracing: brackets become complete events (with their observables\n"
    "                as args), events instant events, counters and gauges counter tracks.\n"
    "                Times are microseconds since the capture started.\n"
    "With -o the file appears only once it is complete; without it the trace goes to stdout.\n";

constexpr std::string_view export_examples =
    "  metron export --format chrome-trace run.mtr -o trace.json\n";

}  // namespace

command register_export(CLI::App& app) {
  auto options = std::make_shared<export_options>();
  CLI::App* sub =
      app.add_subcommand("export", "Convert a capture to another format (Chrome/Perfetto trace)");
  sub->footer(help_footer(export_details, export_examples, reader_exit_codes()));
  sub->add_option("-f,--format", options->format, "Output format; one of: chrome-trace")
      ->capture_default_str()
      ->check(CLI::IsMember({"chrome-trace"}))
      ->type_name("FORMAT");
  add_capture_argument(*sub, options->path);
  add_output_option(*sub, options->output);
  return {sub, [options] {
            return render_capture(options->path, options->output, render_chrome_trace);
          }};
}

}  // namespace metron::tool
