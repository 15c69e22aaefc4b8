// Records brackets through metron into a capture of its own, reads it and the capture probed
// wrote back, and counts the brackets through a tracer.
#include "work.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/probe/session.hpp>
#include <metron/trace/trace.hpp>

#include <cstdint>
#include <cstdio>
#include <string>

namespace {

/// The number of brackets of the site consumer.work in a capture.
std::uint64_t count_work_brackets(const metron::capture& capture) {
  std::uint32_t site_id = 0;
  for (const metron::site_info& site : capture.sites) {
    if (site.name == "consumer.work") {
      site_id = site.id;
    }
  }
  std::uint64_t brackets = 0;
  for (const auto& thread_records : capture.records) {
    for (const metron::record& r : thread_records) {
      if (site_id != 0 && r.site == site_id && r.tag == 0) {
        ++brackets;
      }
    }
  }
  return brackets;
}

/// Whether the capture at `path` is complete and holds `consumer::calls` brackets of
/// consumer.work; says what it found otherwise.
bool holds_the_work(const std::string& path) {
  const metron::capture capture = metron::load_capture(path);
  const std::uint64_t brackets = count_work_brackets(capture);
  if (brackets == consumer::calls && capture.status.complete) {
    std::printf("consumer: %s holds %llu brackets of consumer.work\n", path.c_str(),
                static_cast<unsigned long long>(brackets));
    return true;
  }
  std::fprintf(stderr,
               "consumer: expected %llu brackets of site consumer.work in a complete capture %s, "
               "found %llu, complete=%d (%s)\n",
               static_cast<unsigned long long>(consumer::calls), path.c_str(),
               static_cast<unsigned long long>(brackets), capture.status.complete ? 1 : 0,
               capture.status.problem.c_str());
  return false;
}

/// Whether the trace library and its dependencies (nlohmann_json, fmt) work in this program.
bool traces() {
  std::uint64_t traced = 0;
  const auto counted = metron::counting<std::uint64_t>(
      metron::make_tracer<std::uint64_t>([&traced](std::uint64_t count) { traced = count; }));
  for (std::uint64_t i = 0; i < consumer::calls; ++i) counted(i);
  const std::string epoch = metron::format_utc_timestamp(0);
  if (traced == consumer::calls && epoch == "1970-01-01T00:00:00.000000Z") {
    return true;
  }
  std::fprintf(stderr, "consumer: a counting tracer saw %llu of %llu calls; epoch is %s\n",
               static_cast<unsigned long long>(traced),
               static_cast<unsigned long long>(consumer::calls), epoch.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: consumer OWN_CAPTURE_PATH PROBED_CAPTURE_PATH\n");
    return 2;
  }
  const std::string own_path = argv[1];
  const std::string probed_path = argv[2];
  try {
    metron::session_options options;
    options.capture_path = own_path;
    metron::start_session(options);
    const std::uint64_t total = consumer::run_work();
    const metron::session_summary summary = metron::stop_session();
    if (summary.dropped != 0) {
      std::fprintf(stderr, "consumer: %llu records dropped\n",
                   static_cast<unsigned long long>(summary.dropped));
      return 1;
    }
    const bool own_ok = holds_the_work(own_path);
    const bool probed_ok = holds_the_work(probed_path);
    if (!own_ok || !probed_ok || !traces()) {
      return 1;
    }
    std::printf("consumer: checksum %llu\n", static_cast<unsigned long long>(total));
    return 0;
  } catch (const metron::error& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
