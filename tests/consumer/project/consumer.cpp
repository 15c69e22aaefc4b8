// Records brackets through the installed metron package, reads the capture back and counts them
// through a tracer.
#include <metron/bracket.hpp>
#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/probe/session.hpp>
#include <metron/trace/trace.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

constexpr std::uint64_t calls = 1000;

std::uint64_t work(std::uint64_t i) {
  METRON_BRACKET("consumer.work");
  return i * i;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer CAPTURE_PATH\n");
    return 2;
  }
  const std::string path = argv[1];
  try {
    metron::session_options options;
    options.capture_path = path;
    metron::start_session(options);
    std::uint64_t total = 0;
    for (std::uint64_t i = 0; i < calls; ++i) {
      total += work(i);
    }
    const metron::session_summary summary = metron::stop_session();

    const metron::capture capture = metron::load_capture(path);
    std::uint32_t site_id = 0;
    for (const metron::site_info& site : capture.sites) {
      if (site.name == "consumer.work") {
        site_id = site.id;
      }
    }
    std::uint64_t brackets = 0;
    for (const auto& thread_records : capture.records) {
      for (const metron::record& r : thread_records) {
        if (r.site == site_id && r.tag == 0) {
          ++brackets;
        }
      }
    }

    if (site_id == 0 || brackets != calls || !capture.status.complete || summary.dropped != 0) {
      std::fprintf(stderr,
                   "consumer: expected %llu brackets of site consumer.work in a complete capture, "
                   "found site id %u, %llu brackets, complete=%d (%s), %llu dropped\n",
                   static_cast<unsigned long long>(calls), site_id,
                   static_cast<unsigned long long>(brackets), capture.status.complete ? 1 : 0,
                   capture.status.problem.c_str(),
                   static_cast<unsigned long long>(summary.dropped));
      return 1;
    }

    // The trace library and its dependencies (nlohmann_json, fmt) come through the package too.
    std::uint64_t traced = 0;
    const auto counted = metron::counting<std::uint64_t>(
        metron::make_tracer<std::uint64_t>([&traced](std::uint64_t count) { traced = count; }));
    for (std::uint64_t i = 0; i < brackets; ++i) counted(i);
    const std::string epoch = metron::format_utc_timestamp(0);
    if (traced != calls || epoch != "1970-01-01T00:00:00.000000Z") {
      std::fprintf(stderr, "consumer: a counting tracer saw %llu of %llu brackets; epoch is %s\n",
                   static_cast<unsigned long long>(traced), static_cast<unsigned long long>(calls),
                   epoch.c_str());
      return 1;
    }

    std::printf("consumer: %llu brackets recorded to and read back from %s (checksum %llu)\n",
                static_cast<unsigned long long>(brackets), path.c_str(),
                static_cast<unsigned long long>(total));
    return 0;
  } catch (const metron::error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
