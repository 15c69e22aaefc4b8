// Helpers shared by the capture tests: scratch directories, file bytes, a sample capture.
#pragma once

#include "support/scratch_dir.hpp"

#include <metron/capture/capture.hpp>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace metron::test {

/// The whole content of a file.
inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `size` bytes of `bytes` to a new file at `path`.
inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes,
                        std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(size));
}

/// Writes all of `bytes` to a new file at `path`.
inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  write_bytes(path, bytes, bytes.size());
}

/// Record equality that also holds for NaN values: the bits must match.
inline bool same_record(const record& a, const record& b) {
  return a.site == b.site && a.tag == b.tag && a.begin_ns == b.begin_ns && a.end_ns == b.end_ns &&
         std::bit_cast<std::uint64_t>(a.value) == std::bit_cast<std::uint64_t>(b.value);
}

/// Element-wise same_record().
inline bool same_records(const std::vector<record>& a, const std::vector<record>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_record(a[i], b[i])) {
      return false;
    }
  }
  return true;
}

/// Offsets where each chunk ends, scanned from the framing alone (16-byte file header, then
/// 12-byte chunk headers with the payload length at byte 4).
inline std::vector<std::size_t> chunk_ends(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::size_t> ends;
  std::size_t offset = 16;
  while (offset + 12 <= bytes.size()) {
    const std::size_t length =
        std::size_t{bytes[offset + 4]} | std::size_t{bytes[offset + 5]} << 8 |
        std::size_t{bytes[offset + 6]} << 16 | std::size_t{bytes[offset + 7]} << 24;
    offset += 12 + length;
    if (offset > bytes.size()) {
      break;
    }
    ends.push_back(offset);
  }
  return ends;
}

/// What tests write into a capture, kept to compare with what comes back.
struct sample_content {
  std::string metadata = R"({"host":"test","pid":77,"tick_hz":1e9})";
  std::vector<site_info> sites;
  std::vector<thread_info> threads;
  std::vector<std::vector<record>> records;  // by thread index
  std::vector<resource_sample> resources;
  capture_footer footer;
};

/// A few sites of each kind, three threads and a few records each: a capture of a few chunks.
inline sample_content small_sample() {
  sample_content s;
  s.sites = {
      {1, site_kind::bracket, 1U << 1, 11, "ledger.apply", "ledger.cpp", "void apply()"},
      {2, site_kind::event, 0, 22, "mempool.admit", "mempool.cpp", "bool admit()"},
      {3, site_kind::counter, 0, 33, "net.bytes", "net.cpp", "void on_read()"},
      {4, site_kind::gauge, 0, 44, "wallet.balance", "wallet.cpp", "double balance()"},
  };
  s.threads = {{0, 100, "main"}, {1, 101, "worker-1"}, {2, 102, "worker-2"}};
  s.records.resize(3);
  for (std::int64_t i = 0; i < 12; ++i) {
    s.records[0].push_back({1, 0, 1000 + 100 * i, 1040 + 100 * i, 0});
    s.records[0].push_back({1, 1, 1000 + 100 * i, 1040 + 100 * i, static_cast<double>(30 + i)});
    s.records[1].push_back({2, 0, 2000 + 50 * i, 2000 + 50 * i, 0});
    s.records[1].push_back({3, 0, 2010 + 50 * i, 2010 + 50 * i, static_cast<double>(i * 7)});
    s.records[2].push_back({4, 0, 3000 + 10 * i, 3000 + 10 * i, 0.5 * static_cast<double>(i)});
  }
  s.resources = {{0, 1 << 20, 10, 20, 30, 40, 3}, {1000, 2 << 20, 11, 21, -1, -1, 4}};
  s.footer = {5000, 1e9, 1.0000001e9, {{0, 24, 0}, {1, 24, 1}, {2, 12, 0}}};
  return s;
}

/// Writes `s` to `path`: sites, threads, then the records of each thread in two batches,
/// interleaved, then resources and the footer.
inline void write_sample(const std::string& path, const sample_content& s, bool finish = true) {
  capture_writer writer(path, s.metadata);
  writer.write_sites(s.sites);
  for (const thread_info& thread : s.threads) {
    writer.write_thread(thread);
  }
  for (int half = 0; half < 2; ++half) {
    for (const thread_info& thread : s.threads) {
      const std::vector<record>& all = s.records[thread.index];
      const std::size_t middle = all.size() / 2;
      const std::size_t from = half == 0 ? 0 : middle;
      const std::size_t to = half == 0 ? middle : all.size();
      writer.write_records(thread.index, std::span<const record>(all).subspan(from, to - from));
    }
  }
  writer.write_resources(s.resources);
  if (finish) {
    writer.finish(s.footer);
  }
}

}  // namespace metron::test
