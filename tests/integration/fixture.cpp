// A small capture with fixed content for the golden-file tests of `metron info`.
#include "fixture.hpp"

#include <metron/capture/capture.hpp>

#include <cstdint>
#include <vector>

namespace metron::test {

namespace {

constexpr std::uint32_t apply_site = 1;
constexpr std::uint32_t tick_site = 2;
constexpr std::uint32_t bytes_site = 3;
constexpr std::uint32_t size_site = 4;
constexpr std::uint32_t idle_site = 5;

constexpr std::uint32_t cpu_time_bit = 1U << 1;

// Every field `metron info` shows, with values that never change.
constexpr const char* fixture_metadata =
    R"({"producer":"metron fixture","host":"fixture-host","cpu_model":"Fixture CPU @ 1.00GHz",)"
    R"("pid":4242,"clock":"tsc","tick_hz":1000000000,"start_time":"2024-01-02T03:04:05.000000Z",)"
    R"("start_unix_ns":1704164645000000000,"command_line":["./ledger","--blocks","4","a b"],)"
    R"("git_commit":"0123456789abcdef0123456789abcdef01234567","policy":"drop",)"
    R"("ring_bytes":65536,"resource_interval_ms":100,)"
    R"("observables":{"cpu_time_ns":"available","page_faults":"available",)"
    R"("context_switches":"available",)"
    R"("instructions":"unavailable: perf_event_open: Permission denied",)"
    R"("cycles":"unavailable: perf_event_open: Permission denied"}})";

record bracket(std::int64_t begin_ns, std::int64_t end_ns) {
  return record{apply_site, 0, begin_ns, end_ns, 0};
}

record cpu_time(std::int64_t begin_ns, std::int64_t end_ns, double ns) {
  return record{apply_site, 1, begin_ns, end_ns, ns};
}

record point(std::uint32_t site, std::int64_t at_ns, double value) {
  return record{site, 0, at_ns, at_ns, value};
}

}  // namespace

void write_fixture_capture(const std::string& path) {
  capture_writer writer(path, fixture_metadata);
  const std::vector<site_info> sites = {
      {apply_site, site_kind::bracket, cpu_time_bit, 10, "ledger.apply", "ledger.cpp",
       "void ledger::apply(const block&)"},
      {tick_site, site_kind::event, 0, 20, "ledger.tick", "ledger.cpp", "void ledger::tick()"},
      {bytes_site, site_kind::counter, 0, 30, "network.bytes_in", "network.cpp",
       "void network::receive(std::span<const std::byte>)"},
      {size_site, site_kind::gauge, 0, 40, "ledger.utxo_size", "ledger.cpp",
       "void ledger::apply(const block&)"},
      {idle_site, site_kind::bracket, 0, 50, "ledger.idle", "ledger.cpp", "void ledger::idle()"},
  };
  writer.write_sites(sites);
  writer.write_thread({0, 1001, "main"});
  writer.write_thread({1, 1002, "net-1"});

  const std::vector<record> main_records = {
      bracket(100'000, 200'000),
      cpu_time(100'000, 200'000, 90'000),
      point(size_site, 200'000, 10),
      bracket(300'000, 500'000),
      cpu_time(300'000, 500'000, 180'000),
      point(size_site, 500'000, 25),
      point(tick_site, 600'000, 0),
      bracket(700'000, 1'000'000),
      cpu_time(700'000, 1'000'000, 250'000),
      point(size_site, 1'000'000, 42),
      bracket(1'100'000, 1'700'000),
      cpu_time(1'100'000, 1'700'000, 590'000),
      point(tick_site, 1'800'000, 0),
  };
  const std::vector<record> net_records = {
      point(bytes_site, 150'000, 512),
      point(bytes_site, 650'000, 1024),
      point(bytes_site, 1'250'000, 1.5),
  };
  writer.write_records(0, main_records);
  writer.write_records(1, net_records);

  const std::vector<resource_sample> resources = {
      {0, 4 << 20, 0, 0, 0, 0, 2},
      {1'000'000, 5 << 20, 800'000, 100'000, 4096, 512, 2},
      {2'000'000, 6 << 20, 1'600'000, 200'000, 8192, 1024, 2},
  };
  writer.write_resources(resources);

  capture_footer footer;
  footer.end_ns = 2'000'000;
  footer.tick_hz_start = 1e9;
  footer.tick_hz_stop = 1e9;
  footer.threads = {{0, main_records.size(), 0}, {1, net_records.size(), 3}};
  writer.finish(footer);
}

void write_non_utf8_capture(const std::string& path) {
  capture_writer writer(path, R"({"producer":"metron fixture","pid":4243,"tick_hz":1000000000})");
  const std::vector<site_info> sites = {
      {apply_site, site_kind::bracket, 0, 10,
       "ledger.\xFF\xFE"
       "apply",
       "ledger\xC3.cpp", "void \xE2\x82(int)"},
      {bytes_site, site_kind::counter, 0, 30,
       "network.\xC0\xAF"
       "bytes",
       "network.cpp", "void receive()"},
  };
  writer.write_sites(sites);
  writer.write_thread({0, 2001, "net-\xE2\x82"});
  const std::vector<record> records = {
      bracket(100'000, 200'000),
      point(bytes_site, 150'000, 512),
      bracket(300'000, 450'000),
      bracket(500'000, 800'000),
  };
  writer.write_records(0, records);
  capture_footer footer;
  footer.end_ns = 1'000'000;
  footer.tick_hz_start = 1e9;
  footer.tick_hz_stop = 1e9;
  footer.threads = {{0, records.size(), 0}};
  writer.finish(footer);
}

}  // namespace metron::test
