// Reading damaged captures: cut at every byte, corrupt headers, flipped bytes, forged chunks.
#include "capture_test_support.hpp"

#include "capture/src/crc32.hpp"
#include "capture/src/format.hpp"

#include <metron/capture/capture.hpp>
#include <metron/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

namespace {

using metron::record;
using metron::test::read_bytes;
using metron::test::same_records;
using metron::test::scratch_dir;
using metron::test::write_bytes;
using bytes = std::vector<std::uint8_t>;

/// Remembers what each chunk delivered, in order: one entry per chunk after the metadata.
struct chunk_log final : metron::capture_visitor {
  struct entry {
    int kind = 0;  // the chunk type
    std::uint32_t thread = 0;
    std::vector<record> records;
  };
  std::vector<entry> entries;

  void on_sites(std::span<const metron::site_info>) override { entries.push_back({2, 0, {}}); }
  void on_thread(const metron::thread_info& t) override { entries.push_back({3, t.index, {}}); }
  void on_records(std::uint32_t thread, std::span<const record> records) override {
    entries.push_back({4, thread, {records.begin(), records.end()}});
  }
  void on_resources(std::span<const metron::resource_sample>) override {
    entries.push_back({5, 0, {}});
  }
  void on_footer(const metron::capture_footer&) override { entries.push_back({6, 0, {}}); }
  void on_progress(std::uint64_t bytes_read) override { progress.push_back(bytes_read); }
  std::vector<std::uint64_t> progress;  // bytes read after each chunk
};

bytes forge_chunk(std::uint8_t type, const bytes& payload) {
  // Sized once and written in place: growing the vector by inserts makes GCC 12 at -O3 warn
  // falsely (-Warray-bounds, -Wstringop-overflow).
  bytes out(12 + payload.size(), 0);
  out[0] = type;
  metron::detail::put_le(out.data() + 4, payload.size(), 4);
  metron::detail::put_le(out.data() + 8, metron::detail::crc32(0, payload.data(), payload.size()),
                         4);
  std::copy(payload.begin(), payload.end(), out.begin() + 12);
  return out;
}

void put(bytes& out, std::uint64_t varint) {
  std::uint8_t field[metron::detail::max_varint_bytes];
  std::uint8_t* end = metron::detail::put_varint(field, varint);
  out.insert(out.end(), field, end);
}

std::string message_of(const std::string& path) {
  try {
    static_cast<void>(metron::load_capture(path));
  } catch (const metron::input_error& e) {
    return e.what();
  }
  return "(no input_error)";
}

/// A finished small capture's bytes, and where its chunks end.
struct sample_file {
  scratch_dir dir;
  std::string path = dir.file("sample.mtr");
  bytes content;
  std::vector<std::size_t> ends;

  explicit sample_file(bool finish = true) {
    metron::test::write_sample(path, metron::test::small_sample(), finish);
    content = read_bytes(path);
    ends = metron::test::chunk_ends(content);
  }

  /// Offset of the first chunk of `type`.
  [[nodiscard]] std::size_t first_chunk(std::uint8_t type) const {
    std::size_t start = 16;
    for (const std::size_t end : ends) {
      if (content[start] == type) {
        return start;
      }
      start = end;
    }
    FAIL("no chunk of type " << int{type});
    return 0;
  }
};

}  // namespace

TEST_CASE("a capture cut at any byte yields exactly its complete chunks", "[capture]") {
  sample_file sample;
  chunk_log full;
  const metron::read_status full_status = metron::read_capture(sample.path, full);
  REQUIRE(full_status.complete);
  REQUIRE(sample.ends.size() == full.entries.size() + 1);
  REQUIRE(sample.ends.back() == sample.content.size());
  REQUIRE(std::count_if(full.entries.begin(), full.entries.end(),
                        [](const auto& e) { return e.kind == 4; }) >= 3);

  const std::string cut_path = sample.dir.file("cut.mtr");
  for (std::size_t cut = 0; cut < sample.content.size(); ++cut) {
    INFO("cut at byte " << cut);
    write_bytes(cut_path, sample.content, cut);
    if (cut < sample.ends.front()) {
      const std::string message = message_of(cut_path);
      CHECK(message.rfind(cut_path + ": byte ", 0) == 0);
      continue;
    }
    const metron::capture c = metron::load_capture(cut_path);
    const auto complete = static_cast<std::size_t>(
        std::upper_bound(sample.ends.begin(), sample.ends.end(), cut) - sample.ends.begin());
    const std::size_t valid = sample.ends[complete - 1];
    CHECK_FALSE(c.status.complete);
    CHECK_FALSE(c.has_footer);
    CHECK(c.status.chunks == complete);
    CHECK(c.status.valid_bytes == valid);
    CHECK(c.status.valid_bytes <= cut);
    CHECK(c.status.file_bytes == cut);
    CHECK(c.status.problem.find("byte " + std::to_string(valid)) != std::string::npos);
    chunk_log cut_log;
    static_cast<void>(metron::read_capture(cut_path, cut_log));
    REQUIRE(cut_log.progress.size() == complete - 1);
    CHECK(std::is_sorted(cut_log.progress.begin(), cut_log.progress.end()));
    CHECK((cut_log.progress.empty() || cut_log.progress.back() == valid));

    std::vector<std::vector<record>> expected(c.records.size());
    std::size_t sites = 0;
    std::size_t threads = 0;
    std::size_t resources = 0;
    for (std::size_t i = 0; i + 1 < complete; ++i) {
      const chunk_log::entry& e = full.entries[i];
      sites += e.kind == 2 ? 1 : 0;
      threads += e.kind == 3 ? 1 : 0;
      resources += e.kind == 5 ? 2 : 0;
      if (e.kind == 4) {
        REQUIRE(e.thread < expected.size());
        expected[e.thread].insert(expected[e.thread].end(), e.records.begin(), e.records.end());
      }
    }
    CHECK(c.sites.size() == (sites == 0 ? 0 : 4));
    CHECK(c.threads.size() == threads);
    CHECK(c.resources.size() == resources);
    for (std::size_t t = 0; t < expected.size(); ++t) {
      CHECK(same_records(c.records[t], expected[t]));
    }
  }
}

TEST_CASE("files that are not captures are refused with the file and byte", "[capture]") {
  sample_file sample;
  const std::string path = sample.dir.file("bad.mtr");

  SECTION("missing") {
    CHECK(message_of(path) == path + ": no such file");
  }
  SECTION("empty") {
    write_bytes(path, {});
    CHECK(message_of(path) == path + ": byte 0: empty file, not a metron capture");
  }
  SECTION("a text file") {
    const std::string text = "{\"hello\": \"world\"}\n";
    write_bytes(path, bytes(text.begin(), text.end()));
    CHECK(message_of(path) == path + ": byte 0: not a metron capture (bad magic)");
  }
  SECTION("damaged magic") {
    bytes damaged = sample.content;
    damaged[3] ^= 0x20;
    write_bytes(path, damaged);
    CHECK(message_of(path) == path + ": byte 0: not a metron capture (bad magic)");
  }
  SECTION("shorter than the header") {
    write_bytes(path, sample.content, 11);
    CHECK(message_of(path) ==
          path + ": byte 11: truncated file header (11 of 16 bytes), not a complete capture");
  }
  SECTION("a newer major version") {
    bytes newer = sample.content;
    newer[8] = 2;
    newer[10] = 3;
    write_bytes(path, newer);
    CHECK(message_of(path) ==
          path +
              ": byte 8: unsupported capture format version 2.3; this reader reads version "
              "1.x, use a matching metron");
  }
  SECTION("a newer minor version is read") {
    bytes newer = sample.content;
    newer[10] = 7;
    write_bytes(path, newer);
    const metron::capture c = metron::load_capture(path);
    CHECK(c.format_minor == 7);
    CHECK(c.status.complete);
  }
  SECTION("a corrupt metadata chunk") {
    bytes damaged = sample.content;
    damaged[16 + 12 + 2] ^= 0x01;
    write_bytes(path, damaged);
    CHECK(message_of(path) == path + ": byte 16: corrupt metadata chunk (checksum mismatch)");
  }
  SECTION("a first chunk that is not the metadata") {
    bytes damaged = sample.content;
    damaged[16] = 2;
    write_bytes(path, damaged);
    CHECK(message_of(path) == path + ": byte 16: expected the metadata chunk, found chunk type 2");
  }
  SECTION("no chunk after the header") {
    write_bytes(path, sample.content, 16);
    CHECK(message_of(path) ==
          path + ": byte 16: no metadata chunk, the file ends after its header");
  }
  SECTION("a metadata length beyond the limit") {
    bytes damaged = sample.content;
    damaged[16 + 7] = 0x10;
    write_bytes(path, damaged);
    CHECK_THAT(message_of(path), Catch::StartsWith(path + ": byte 16: corrupt metadata chunk "
                                                          "(payload length"));
  }
}

TEST_CASE("a flipped byte in a records chunk stops reading at that chunk", "[capture]") {
  sample_file sample;
  const std::size_t offset = sample.first_chunk(4);
  bytes damaged = sample.content;
  damaged[offset + 12 + 5] ^= 0x40;
  const std::string path = sample.dir.file("flipped.mtr");
  write_bytes(path, damaged);
  const metron::capture c = metron::load_capture(path);
  CHECK_FALSE(c.status.complete);
  CHECK(c.status.problem ==
        "corrupt chunk at byte " + std::to_string(offset) + ": checksum mismatch");
  CHECK(c.status.valid_bytes == offset);
  CHECK(c.status.file_bytes == damaged.size());
  CHECK(c.sites.size() == 4);
  CHECK(c.threads.size() == 3);
  CHECK(c.resources.size() == 2);
  for (const auto& records : c.records) {
    CHECK(records.empty());
  }
}

TEST_CASE("forged and trailing chunks are reported, not trusted", "[capture]") {
  sample_file unfinished(false);
  const std::string path = unfinished.dir.file("forged.mtr");
  const std::size_t offset = unfinished.content.size();
  const auto read_with = [&](const bytes& chunk) {
    bytes content = unfinished.content;
    content.insert(content.end(), chunk.begin(), chunk.end());
    write_bytes(path, content);
    return metron::load_capture(path);
  };
  const std::string at = "corrupt chunk at byte " + std::to_string(offset) + ": ";

  SECTION("an unknown chunk type") {
    const metron::capture c = read_with(forge_chunk(9, {1, 2, 3}));
    CHECK(c.status.problem == at + "unknown chunk type 9");
    CHECK(c.status.valid_bytes == offset);
  }
  SECTION("non-zero reserved bytes") {
    bytes chunk = forge_chunk(5, {0});
    chunk[2] = 1;
    CHECK(read_with(chunk).status.problem == at + "reserved header bytes are not zero");
  }
  SECTION("a length beyond the limit") {
    bytes chunk = forge_chunk(4, {0, 0});
    chunk[7] = 0xFF;
    CHECK_THAT(read_with(chunk).status.problem, Catch::StartsWith(at + "payload length"));
  }
  SECTION("a length far beyond the bytes present") {
    bytes chunk = forge_chunk(4, {0, 0, 0});
    chunk[6] = 0xC0;  // 12 MiB and 3 bytes claimed
    CHECK(read_with(chunk).status.problem == "truncated chunk at byte " + std::to_string(offset) +
                                                 ": 3 of 12582915 payload bytes present");
  }
  SECTION("a records chunk of a thread never announced") {
    bytes payload;
    put(payload, 42);
    put(payload, 1);
    put(payload, (1U << 2) | 1U);
    put(payload, 10);
    CHECK(read_with(forge_chunk(4, payload)).status.problem ==
          at + "records of thread 42, which was not announced");
  }
  SECTION("a record of a site never defined") {
    bytes payload;
    put(payload, 0);
    put(payload, 1);
    put(payload, (99U << 2) | 1U);
    put(payload, 10);
    CHECK(read_with(forge_chunk(4, payload)).status.problem ==
          at + "record 0 of thread 0 names site 99, which is not defined");
  }
  SECTION("an observable delta first in its chunk") {
    bytes payload;
    put(payload, 0);
    put(payload, 1);
    put(payload, (1U << 2) | 3U);
    put(payload, 1);
    put(payload, 0);
    CHECK_THAT(read_with(forge_chunk(4, payload)).status.problem,
               Catch::StartsWith(at + "record 0 is an observable delta"));
  }
  SECTION("a record count larger than the payload") {
    bytes payload;
    put(payload, 0);
    put(payload, 1000000);
    put(payload, (1U << 2) | 1U);
    put(payload, 10);
    CHECK_THAT(read_with(forge_chunk(4, payload)).status.problem,
               Catch::StartsWith(at + "undecodable records chunk"));
  }
  SECTION("a second metadata chunk") {
    CHECK(read_with(forge_chunk(1, {'{', '}'})).status.problem == at + "a second metadata chunk");
  }
  SECTION("a site defined twice") {
    bytes payload;
    put(payload, 1);
    put(payload, 1);
    payload.push_back(0);
    for (int i = 0; i < 5; ++i) {
      put(payload, 0);
    }
    CHECK(read_with(forge_chunk(2, payload)).status.problem == at + "site 1 is defined twice");
  }
  SECTION("data after the footer") {
    sample_file finished;
    bytes content = finished.content;
    content.push_back(0);
    write_bytes(path, content);
    const metron::capture c = metron::load_capture(path);
    CHECK_FALSE(c.status.complete);
    CHECK(c.has_footer);
    CHECK(c.status.valid_bytes == finished.content.size());
    CHECK(c.status.problem ==
          "data after the footer at byte " + std::to_string(finished.content.size()));
  }
}
