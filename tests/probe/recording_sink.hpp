// A sink for tests that keeps everything the collector delivers.
#pragma once

#include <metron/probe/session.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace metron::test {

/// Keeps every callback's data. Read it only after stop_session() returned.
class recording_sink final : public sink {
 public:
  void on_start(const session_info& info) override;
  void on_sites(std::span<const site_info> sites) override;
  void on_thread(const thread_info& thread) override;
  void on_records(const thread_info& thread, std::span<const record> records) override;
  void on_resources(const resource_sample& sample) override;
  void on_stop(const session_summary& summary) override;

  /// Records of all threads whose site has this name (observable deltas included).
  [[nodiscard]] std::vector<record> named(const std::string& name) const;
  /// The first site with this name, or nullptr.
  [[nodiscard]] const site_info* site_named(const std::string& name) const;

  session_info info;                                    ///< from on_start
  std::map<std::uint32_t, site_info> sites;             ///< by id
  std::vector<thread_info> threads;                     ///< in announcement order
  std::map<std::uint32_t, std::vector<record>> records;  ///< by thread index
  std::vector<resource_sample> resources;               ///< every sample
  session_summary summary;                              ///< from on_stop
  int starts = 0;                                       ///< on_start calls
  int stops = 0;                                        ///< on_stop calls
  bool order_violated = false;  ///< a record named a site or thread not announced before it
};

}  // namespace metron::test
