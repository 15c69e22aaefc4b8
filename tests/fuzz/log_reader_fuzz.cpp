// libFuzzer target: the JSON-lines log reader on arbitrary text.
//
// Only input_error may escape the reader; every event it accepts names its line, and every
// message names the file and the line. Anything else aborts the target.
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "log_reader_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const metron::analysis::dataset read = metron::analysis::parse_log(text, "fuzz.log");
    for (const metron::analysis::event& happening : read.events) {
      require(happening.where.file == "fuzz.log", "event without its file");
      require(happening.where.place.starts_with("line "), "event without its line");
      require(happening.base == metron::analysis::time_base::unix_epoch, "log time not UTC");
    }
  } catch (const metron::input_error& problem) {
    require(std::string_view(problem.what()).starts_with("fuzz.log:"),
            "message does not name the file and line");
  }
  return 0;
}
