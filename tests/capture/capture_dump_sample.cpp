// Writes a small capture holding every kind of line the JSON-lines dump has, then dumps it.
//
// Usage: capture_dump_sample <capture.mtr>
// The capture is left at the given path (it also seeds the reader's fuzz corpus); the dump goes
// to standard output for tests/capture/validate_dump.py to check against the schema.
#include <metron/capture/capture.hpp>
#include <metron/capture/render.hpp>
#include <metron/error.hpp>

#include <cmath>
#include <iostream>
#include <limits>
#include <vector>

namespace {

void write_sample(const std::string& path) {
  metron::capture_writer writer(
      path, R"({"host": "sample-host", "pid": 4242, "command": ["capture_dump_sample"],
  "clock": {"source": "tsc", "tick_hz": 2.5e9}})");
  const std::vector<metron::site_info> sites = {
      {1, metron::site_kind::bracket, (1U << 1) | (1U << 2), 10, "ledger.apply", "ledger.cpp",
       "void ledger::apply(const block&)"},
      {2, metron::site_kind::event, 0, 20, "mempool.admit \"tx\" <b>&amp;</b>", "mempool.cpp",
       "bool mempool::admit(tx)"},
      {3, metron::site_kind::counter, 0, 30, "net.bytes\tin", "net.cpp", "void net::on_read()"},
      {4, metron::site_kind::gauge, 0, 40, "wallet.balance \xFF\xFE", "wallet.cpp",
       "double wallet::balance() const"},
  };
  writer.write_sites(sites);
  writer.write_thread({0, 4242, "main"});
  writer.write_thread({1, 4243, "worker\n1"});
  const std::vector<metron::record> main_records = {
      {1, 0, 1000, 1850, 0},     {1, 1, 1000, 1850, 812},
      {1, 2, 1000, 1850, 3},     {2, 0, 2000, 2000, 0},
      {3, 0, 2100, 2100, 1500},  {3, 0, 2200, 2200, -200},
      {4, 0, 2300, 2300, 12.75}, {4, 0, 2400, 2400, std::numeric_limits<double>::quiet_NaN()},
  };
  writer.write_records(0, main_records);
  std::vector<metron::record> worker_records;
  for (std::int64_t i = 0; i < 16; ++i) {
    worker_records.push_back({1, 0, 5000 + i * 40, 5020 + i * 40, 0});
  }
  writer.write_records(1, worker_records);
  const std::vector<metron::resource_sample> samples = {
      {0, 8 << 20, 1000000, 200000, 4096, 1024, 2},
      {100000000, 9 << 20, 90000000, 3000000, -1, -1, 3},
  };
  writer.write_resources(samples);
  writer.finish({6000, 2.5e9, 2.5000001e9, {{0, 8, 0}, {1, 16, 2}}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: capture_dump_sample <capture.mtr>\n";
    return 2;
  }
  try {
    write_sample(argv[1]);
    const metron::read_status status = metron::render_json_lines(argv[1], std::cout);
    std::cout.flush();
    return status.complete && std::cout ? 0 : 1;
  } catch (const metron::error& e) {
    std::cerr << "capture_dump_sample: " << e.what() << '\n';
    return 1;
  }
}
