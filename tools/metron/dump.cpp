// `metron dump`: a capture as JSON lines, to stdout or a file.
#include "commands.hpp"

#include <metron/capture/render.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace metron::tool {

namespace {

struct dump_options {
  std::string path;
  std::string output;
};

constexpr std::string_view dump_details =
    "Writes every part of a capture as one JSON object per line, in file order: metadata, sites,\n"
    "threads, records (observable deltas as \"observable\" lines), resource samples, the footer,\n"
    "and last a status line saying whether the file was complete. specs/capture-dump.schema.json\n"
    "describes the lines. Memory stays bounded whatever the capture's size. With -o the file\n"
    "appears only once it is complete.\n";

constexpr std::string_view dump_examples =
    "  metron dump run.mtr | head\n"
    "  metron dump run.mtr -o run.jsonl\n"
    "  metron dump run.mtr | jq -c 'select(.type == \"record\" and .kind == \"bracket\")'\n";

}  // namespace

command register_dump(CLI::App& app) {
  auto options = std::make_shared<dump_options>();
  CLI::App* sub = app.add_subcommand("dump", "Print a capture as JSON lines");
  sub->footer(help_footer(dump_details, dump_examples, reader_exit_codes()));
  add_capture_argument(*sub, options->path);
  add_output_option(*sub, options->output);
  return {sub,
          [options] { return render_capture(options->path, options->output, render_json_lines); }};
}

}  // namespace metron::tool
