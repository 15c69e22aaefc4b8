// libFuzzer target: the Google Benchmark JSON reader on arbitrary text.
//
// Only input_error may escape the reader, and what it accepts must hold to the model's promises:
// unique metric names, finite values, times in ns. Anything else aborts the target.
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

namespace {

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "google_benchmark_reader_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const metron::analysis::dataset read =
        metron::analysis::parse_google_benchmark(text, "fuzz.json");
    std::set<std::string> names;
    for (const metron::analysis::metric& sample : read.metrics) {
      require(names.insert(sample.name).second, "duplicate metric name");
      require(!sample.values.empty(), "metric without values");
      for (const double value : sample.values) {
        require(std::isfinite(value), "non-finite value");
      }
    }
    for (const auto& verdict : read.complexities) {
      require(!verdict.big_o.empty(), "complexity without a BigO verdict");
    }
  } catch (const metron::input_error& problem) {
    require(std::string_view(problem.what()).starts_with("fuzz.json"),
            "message does not name the file");
  }
  return 0;
}
