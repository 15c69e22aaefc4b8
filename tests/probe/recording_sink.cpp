// A sink for tests that keeps everything the collector delivers.
#include "recording_sink.hpp"

#include <algorithm>

namespace metron::test {

void recording_sink::on_start(const session_info& started) {
  info = started;
  ++starts;
}

void recording_sink::on_sites(std::span<const site_info> added) {
  for (const site_info& site : added) {
    sites[site.id] = site;
  }
}

void recording_sink::on_thread(const thread_info& thread) { threads.push_back(thread); }

void recording_sink::on_records(const thread_info& thread, std::span<const record> batch) {
  const bool known_thread = std::any_of(threads.begin(), threads.end(), [&](const thread_info& t) {
    return t.index == thread.index;
  });
  auto& kept = records[thread.index];
  for (const record& r : batch) {
    if (!known_thread || sites.count(r.site) == 0) {
      order_violated = true;
    }
    kept.push_back(r);
  }
}

void recording_sink::on_resources(const resource_sample& sample) { resources.push_back(sample); }

void recording_sink::on_stop(const session_summary& stopped) {
  summary = stopped;
  ++stops;
}

const site_info* recording_sink::site_named(const std::string& name) const {
  for (const auto& [id, site] : sites) {
    if (site.name == name) {
      return &site;
    }
  }
  return nullptr;
}

std::vector<record> recording_sink::named(const std::string& name) const {
  // Every use of a macro is a site of its own, so one name may have several sites.
  std::vector<record> found;
  for (const auto& [thread, kept] : records) {
    for (const record& r : kept) {
      const auto site = sites.find(r.site);
      if (site != sites.end() && site->second.name == name) {
        found.push_back(r);
      }
    }
  }
  return found;
}

}  // namespace metron::test
