// What every subcommand shares: help footers, common arguments, the end of a read, error lines.
#include "commands.hpp"

#include <metron/report/output_file.hpp>

#include <fmt/core.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace metron::tool {

std::string help_footer(std::string_view details, std::string_view examples,
                        std::string_view exit_codes) {
  return fmt::format("{}\nExamples:\n{}\nExit codes:\n{}", details, examples, exit_codes);
}

std::string_view reader_exit_codes() {
  return "  0  success\n"
         "  2  bad input or usage: a missing, empty, foreign or truncated capture (what could be\n"
         "     recovered is written first, then a one-line error names the file and byte offset),\n"
         "     an unknown option, an output file that cannot be written\n";
}

void add_capture_argument(CLI::App& sub, std::string& path) {
  sub.add_option("capture", path, "The capture file (.mtr)")->required()->type_name("FILE");
}

void add_output_option(CLI::App& sub, std::string& output) {
  sub.add_option("-o,--output", output, "Write to this file instead of stdout")->type_name("FILE");
}

int render_capture(const std::string& path, const std::string& output,
                   read_status (*render)(const std::string&, std::ostream&)) {
  report::output_file file(output, path);
  const read_status status = render(path, file.stream());
  file.commit();
  return finish_read(path, status);
}

int finish_read(const std::string& path, const read_status& status) {
  if (status.complete) {
    return exit_ok;
  }
  print_error(fmt::format("{}: {}", path, status.problem));
  return exit_bad_input;
}

CLI::Validator seconds_to_nanoseconds() {
  return {[](std::string& text) {
            char* end = nullptr;
            const double seconds = std::strtod(text.c_str(), &end);
            constexpr double longest_seconds = 1e9;  // whole ns of it fit in 64 bits
            if (text.empty() || *end != '\0' || !(seconds > 0) || seconds > longest_seconds) {
              return fmt::format("'{}' is not a positive number of seconds", text);
            }
            text = std::to_string(std::llround(seconds * 1e9));
            return std::string{};
          },
          ""};
}

void print_error(std::string_view message) {
  // Whatever the subcommand already printed comes first, so the error ends the output.
  std::cout.flush();
  fmt::print(stderr, "metron: {}\n", message);
}

}  // namespace metron::tool
