// The capture reader: per-call durations, observable deltas, counters, gauges, events, damage.
#include "support/analysis_fixtures.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>
#include <metron/readers/readers.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace {

using metron::record;
using metron::site_info;
using metron::site_kind;

const std::string metadata =
    R"({"host":"box","pid":77,"cpu_model":"Test CPU","git_commit":"abc123",)"
    R"("start_time":"2026-11-27T23:40:00.000000Z","start_unix_ns":1795822800000000000,)"
    R"("command_line":["app","--fast"]})";

const std::vector<site_info> sites = {
    {1, site_kind::bracket, 1U << 1, 11, "ledger.apply", "ledger.cpp", "void apply()"},
    {2, site_kind::event, 0, 22, "mempool.admit", "mempool.cpp", "bool admit()"},
    {3, site_kind::counter, 0, 33, "net.bytes", "net.cpp", "void on_read()"},
    {4, site_kind::gauge, 0, 44, "wallet.balance", "wallet.cpp", "double balance()"},
};

/// A capture of `count` calls of each site on two threads, finished with a footer saying one
/// record was dropped.
void write_capture(const std::string& path, int count, double gauge_value = 2.5,
                   const std::vector<site_info>& table = sites) {
  metron::capture_writer writer(path, metadata);
  writer.write_sites(table);
  writer.write_thread({0, 100, "main"});
  writer.write_thread({1, 101, "worker"});
  std::vector<record> main_records;
  std::vector<record> worker_records;
  for (std::int64_t i = 0; i < count; ++i) {
    main_records.push_back({1, 0, 1000 * i, 1000 * i + 100 + i, 0});
    main_records.push_back({1, 1, 1000 * i, 1000 * i + 100 + i, static_cast<double>(50 + i)});
    worker_records.push_back({2, 0, 500 + 1000 * i, 500 + 1000 * i, 1});
    worker_records.push_back({3, 0, 600 + 1000 * i, 600 + 1000 * i, 8});
    worker_records.push_back({4, 0, 700 + 1000 * i, 700 + 1000 * i, gauge_value});
  }
  writer.write_records(0, main_records);
  writer.write_records(1, worker_records);
  const auto calls = static_cast<std::uint64_t>(count);
  writer.finish({1000 * count, 1e9, 1e9, {{0, 2 * calls, 0}, {1, 3 * calls, 1}}});
}

}  // namespace

TEST_CASE("a capture becomes durations, values, events and metadata", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string path = scratch.file("run.mtr");
  write_capture(path, 5);
  const auto data = metron::analysis::read_capture_file(path);

  CHECK(data.metadata.host == "box");
  CHECK(data.metadata.cpu == "Test CPU");
  CHECK(data.metadata.commit == "abc123");
  CHECK(data.metadata.date == "2026-11-27T23:40:00.000000Z");
  CHECK(data.metadata.extra.at("command_line") == R"(["app","--fast"])");
  CHECK(data.metadata.extra.at("dropped_records") == "1");
  CHECK(data.metadata.extra.at("duration_ns") == "5000");
  CHECK_FALSE(data.metadata.extra.contains("capture_problem"));

  const auto* apply = data.find_metric("ledger.apply");
  REQUIRE(apply != nullptr);
  CHECK(apply->quantity == "duration");
  CHECK(apply->unit == "ns");
  CHECK(apply->values == std::vector<double>{100, 101, 102, 103, 104});
  CHECK(apply->origins.at(0).place == "site 1 (ledger.cpp:11)");
  const auto* cpu = data.find_metric("ledger.apply:cpu_time_ns");
  REQUIRE(cpu != nullptr);
  CHECK(cpu->unit == "ns");
  CHECK(cpu->values == std::vector<double>{50, 51, 52, 53, 54});
  CHECK(data.find_metric("net.bytes")->values == std::vector<double>(5, 8.0));
  CHECK(data.find_metric("wallet.balance")->quantity == "value");
  CHECK(data.find_metric("mempool.admit") == nullptr);

  REQUIRE(data.events.size() == 5);
  const auto& first = data.events[0];
  CHECK(first.name == "mempool.admit");
  CHECK(first.base == metron::analysis::time_base::unix_epoch);
  CHECK(first.time_ns == 1795822800000000000LL + 500);
  CHECK(first.node == "box/77");
  CHECK(first.value == 1.0);
  CHECK(first.fields.at("thread_name") == "worker");
}

TEST_CASE("stream_capture hands over values chunk by chunk, in order", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string path = scratch.file("big.mtr");
  write_capture(path, 40000);

  struct counting_handler final : metron::analysis::capture_sample_handler {
    std::vector<std::string> names;
    std::vector<std::uint64_t> counts;
    std::vector<double> last;
    std::size_t batches = 0;
    std::uint64_t events = 0;
    bool footer = false;
    void on_metric(std::size_t index, const metron::analysis::metric& description) override {
      CHECK(index == names.size());
      CHECK(description.values.empty());
      names.push_back(description.name);
      counts.push_back(0);
      last.push_back(-1);
    }
    void on_values(std::size_t index, std::span<const double> values) override {
      ++batches;
      counts.at(index) += values.size();
      last.at(index) = values.back();
    }
    void on_event(metron::analysis::event&&) override { ++events; }
    void on_footer(const metron::capture_footer&) override { footer = true; }
  } handler;
  const auto status = metron::analysis::stream_capture(path, handler);
  CHECK(status.complete);
  CHECK(handler.names == std::vector<std::string>{"ledger.apply", "ledger.apply:cpu_time_ns",
                                                  "net.bytes", "wallet.balance"});
  CHECK(handler.counts == std::vector<std::uint64_t>{40000, 40000, 40000, 40000});
  CHECK(handler.last[0] == 100 + 39999);
  CHECK(handler.batches > 4);  // several chunks, not one call per value
  CHECK(handler.events == 40000);
  CHECK(handler.footer);
}

TEST_CASE("a truncated capture yields its complete chunks and says where it stopped",
          "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string path = scratch.file("cut.mtr");
  write_capture(path, 40000);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) * 2 / 3);
  const auto data = metron::analysis::read_capture_file(path);
  CHECK_THAT(data.metadata.extra.at("capture_problem"), Catch::Contains("truncated chunk at byte"));
  const auto* apply = data.find_metric("ledger.apply");
  REQUIRE(apply != nullptr);
  CHECK(apply->values.size() > 0);
  CHECK(apply->values.size() <= 40000);
}

TEST_CASE("bad captures are refused with file and site", "[analysis]") {
  metron::test::scratch_dir scratch;
  const std::string infinite = scratch.file("inf.mtr");
  write_capture(infinite, 3, std::numeric_limits<double>::infinity());
  CHECK_THROWS_WITH(metron::analysis::read_capture_file(infinite),
                    Catch::Contains(infinite + ": site 4 (wallet.cpp:44) 'wallet.balance'") &&
                        Catch::Contains("non-finite"));

  std::vector<site_info> clashing = sites;
  clashing[3].name = "ledger.apply";
  const std::string clash = scratch.file("clash.mtr");
  write_capture(clash, 3, 1.0, clashing);
  CHECK_THROWS_WITH(
      metron::analysis::read_capture_file(clash),
      Catch::Contains("both named 'ledger.apply'") && Catch::Contains("a bracket and a gauge"));

  const std::string garbage = scratch.write("garbage.mtr", "\x89MTR\r\n\x1a\nxx");
  CHECK_THROWS_WITH(metron::analysis::read_capture_file(garbage),
                    Catch::Contains("garbage.mtr: byte"));
}

TEST_CASE("sites sharing a name and kind pool their calls", "[analysis]") {
  metron::test::scratch_dir scratch;
  std::vector<site_info> twins = sites;
  twins[0].observables = 0;
  twins.push_back({5, site_kind::bracket, 0, 99, "ledger.apply", "other.cpp", "void f()"});
  const std::string path = scratch.file("twins.mtr");
  {
    metron::capture_writer writer(path, metadata);
    writer.write_sites(twins);
    writer.write_thread({0, 100, "main"});
    const std::vector<record> records = {{1, 0, 0, 10, 0}, {5, 0, 20, 50, 0}};
    writer.write_records(0, records);
    writer.finish({100, 1e9, 1e9, {{0, 2, 0}}});
  }
  const auto data = metron::analysis::read_capture_file(path);
  const auto* apply = data.find_metric("ledger.apply");
  REQUIRE(apply != nullptr);
  CHECK(apply->values == std::vector<double>{10, 30});
}
