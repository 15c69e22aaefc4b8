// What every subcommand shares: help footers, the end of a read, error lines.
#include "commands.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <iostream>

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

int finish_read(const std::string& path, const read_status& status) {
  if (status.complete) {
    return exit_ok;
  }
  print_error(fmt::format("{}: {}", path, status.problem));
  return exit_bad_input;
}

void print_error(std::string_view message) {
  // Whatever the subcommand already printed comes first, so the error ends the output.
  std::cout.flush();
  fmt::print(stderr, "metron: {}\n", message);
}

}  // namespace metron::tool
