// Writing a capture and reading it back: every field, every record form, chunking, writer errors.
#include "capture_test_support.hpp"

#include <metron/capture/capture.hpp>
#include <metron/capture/render.hpp>
#include <metron/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

namespace {

using metron::record;
using metron::site_kind;
using metron::test::same_records;
using metron::test::scratch_dir;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

/// Points carrying values that exercise both value encodings and their boundary.
std::vector<record> awkward_points(std::uint32_t site) {
  const std::vector<double> values = {1,
                                      -1,
                                      2.5,
                                      -0.0,
                                      1e-300,
                                      5e-324,
                                      1e300,
                                      -1e300,
                                      nan_value,
                                      -nan_value,
                                      inf_value,
                                      -inf_value,
                                      0x1p62,
                                      -0x1p62,
                                      0x1p62 - 1024,
                                      -(0x1p62 - 1024),
                                      4611686018427387903.0,
                                      1234567.125,
                                      9007199254740993.0,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::lowest(),
                                      0.1,
                                      -123456789,
                                      3};
  std::vector<record> out;
  std::int64_t t = 50;
  for (const double value : values) {
    out.push_back({site, 0, t, t, value});
    t += 3;
  }
  return out;
}

}  // namespace

TEST_CASE("a capture reads back exactly as it was written", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("full.mtr");
  const std::string metadata = R"({"host":"h\u00e9","nested":{"a":[1,2.5,null]},"pid":12})";
  const std::vector<metron::site_info> sites = {
      {1, site_kind::bracket, (1U << 1) | (1U << 3), 101, "ledger.apply_block", "src/ledger.cpp",
       "void ledger::apply(const block&)"},
      {2, site_kind::event, 0, 0, "", "", ""},
      {7, site_kind::counter, 0, 4000000000U, "net.bytes", "net.cpp", "f"},
      {4000000000U, site_kind::gauge, 0xFFFFFFFFU, 9, "gauge \xE2\x82\xAC \xFF", "g.cpp", "g"},
  };
  const std::vector<metron::thread_info> threads = {
      {0, 1234, "main"}, {5, -1, ""}, {1048575, int64_max, "last"}};
  std::vector<record> first = {
      {1, 0, 100, 250, 0},
      {1, 1, 100, 250, 1234},
      {1, 3, 100, 250, -5},
      {1, 0, 90, 95, 0},    // begins before the previous record
      {1, 0, 300, 300, 0},  // a bracket that lasted 0 ns: comes back as a point
      {1, 0, 400, 390, 0},  // end before begin still round-trips
      {2, 0, 500, 500, 0},
      {7, 0, 600, 600, 1},
      {7, 0, 601, 601, -4096},
      {1, 0, int64_min, int64_max, 0},  // extreme times wrap through the deltas
      {1, 1, int64_min, int64_max, 2.5},
      {2, 0, int64_max, int64_max, 0},
      {2, 0, int64_min, int64_min, 0},
  };
  const std::vector<record> gauges = awkward_points(4000000000U);
  std::vector<record> empty_thread;
  const std::vector<metron::resource_sample> resources = {
      {0, 1, 2, 3, 4, 5, 6}, {int64_min, int64_max, -1, -1, -1, -1, 0}};
  const metron::capture_footer footer{
      987654321, 2.9e9, nan_value, {{0, 13, 0}, {5, 0, 7}, {9, 1, 2}}};

  std::uint64_t written = 0;
  {
    metron::capture_writer writer(path, metadata);
    writer.write_sites(std::span(sites).first(2));
    writer.write_sites(std::span(sites).subspan(2));
    for (const auto& thread : threads) {
      writer.write_thread(thread);
    }
    writer.write_records(0, first);
    writer.write_records(5, gauges);
    writer.write_records(1048575, empty_thread);
    writer.write_resources(resources);
    writer.write_resources({});
    writer.finish(footer);
    written = writer.bytes_written();
  }

  const metron::capture c = metron::load_capture(path);
  CHECK(c.format_major == 1);
  CHECK(c.format_minor == metron::capture_format_minor);
  CHECK(c.metadata_json == metadata);
  REQUIRE(c.sites.size() == sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) {
    CHECK(c.sites[i].id == sites[i].id);
    CHECK(c.sites[i].kind == sites[i].kind);
    CHECK(c.sites[i].observables == sites[i].observables);
    CHECK(c.sites[i].line == sites[i].line);
    CHECK(c.sites[i].name == sites[i].name);
    CHECK(c.sites[i].file == sites[i].file);
    CHECK(c.sites[i].function == sites[i].function);
  }
  REQUIRE(c.threads.size() == threads.size());
  for (std::size_t i = 0; i < threads.size(); ++i) {
    CHECK(c.threads[i].index == threads[i].index);
    CHECK(c.threads[i].os_tid == threads[i].os_tid);
    CHECK(c.threads[i].name == threads[i].name);
  }
  REQUIRE(c.records.size() == 1048576);
  CHECK(same_records(c.records[0], first));
  CHECK(same_records(c.records[5], gauges));
  CHECK(c.records[1048575].empty());
  CHECK(c.resources == resources);
  REQUIRE(c.has_footer);
  CHECK(c.footer.end_ns == footer.end_ns);
  CHECK(c.footer.tick_hz_start == footer.tick_hz_start);
  CHECK(std::isnan(c.footer.tick_hz_stop));
  CHECK(c.footer.threads == footer.threads);
  CHECK(c.status.complete);
  CHECK(c.status.problem.empty());
  CHECK(c.status.valid_bytes == c.status.file_bytes);
  CHECK(c.status.file_bytes == written);
  CHECK(c.status.file_bytes == metron::test::read_bytes(path).size());

  CHECK(c.find_site(7) != nullptr);
  CHECK(c.find_site(7)->name == "net.bytes");
  CHECK(c.find_site(3) == nullptr);
}

TEST_CASE("many records are cut into bounded chunks and come back in order", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("many.mtr");
  const std::vector<metron::site_info> sites = {
      {1, site_kind::bracket, 0, 1, "plain", "a.cpp", "f"},
      {2, site_kind::bracket, (1U << 1) | (1U << 2) | (1U << 5), 2, "observed", "a.cpp", "g"},
      {3, site_kind::gauge, 0, 3, "gauge", "a.cpp", "h"},
  };
  std::mt19937_64 random(42);
  std::vector<std::vector<record>> expected(3);
  metron::capture_writer writer(path, "{}");
  writer.write_sites(sites);
  for (std::uint32_t t = 0; t < 3; ++t) {
    // Appended, not "t" + …: GCC 12 at -O3 warns falsely (-Wrestrict) inside operator+.
    std::string name = "t";
    name += std::to_string(t);
    writer.write_thread({t, 1000 + t, name});
  }
  std::int64_t now = 1'000'000'000;
  for (int round = 0; round < 300; ++round) {
    for (std::uint32_t t = 0; t < 3; ++t) {
      std::vector<record> batch;
      const auto size = static_cast<int>(random() % 2000);
      for (int i = 0; i < size; ++i) {
        now += static_cast<std::int64_t>(random() % 400);
        const std::int64_t end = now + static_cast<std::int64_t>(random() % 5000);
        switch (random() % 3) {
          case 0: batch.push_back({1, 0, now, end, 0}); break;
          case 1:
            batch.push_back({2, 0, now, end, 0});
            batch.push_back({2, 1, now, end, static_cast<double>(random() % 100000)});
            batch.push_back({2, 2, now, end, static_cast<double>(random() % 3)});
            batch.push_back({2, 5, now, end, static_cast<double>(random() % 1000000) / 7});
            break;
          default: batch.push_back({3, 0, now, now, static_cast<double>(random()) / 3}); break;
        }
      }
      // Cut some batches inside an observed bracket's group, as a collector pass might.
      if (!batch.empty() && round % 7 == 0 && batch.back().tag != 0) {
        const std::size_t keep = batch.size() - 1;
        writer.write_records(t, std::span<const record>(batch).first(keep));
        writer.write_records(t, std::span<const record>(batch).subspan(keep));
      } else {
        writer.write_records(t, batch);
      }
      expected[t].insert(expected[t].end(), batch.begin(), batch.end());
    }
  }
  writer.finish({now, 1e9, 1e9, {}});

  const auto bytes = metron::test::read_bytes(path);
  const auto ends = metron::test::chunk_ends(bytes);
  std::size_t records_chunks = 0;
  std::size_t previous = 16;
  for (const std::size_t end : ends) {
    if (bytes[previous] == 4) {
      ++records_chunks;
      CHECK(end - previous - 12 <= 64 * 1024 + 200);
    }
    previous = end;
  }
  CHECK(records_chunks > 30);

  const metron::capture c = metron::load_capture(path);
  REQUIRE(c.status.complete);
  REQUIRE(c.records.size() == 3);
  for (std::uint32_t t = 0; t < 3; ++t) {
    CHECK(same_records(c.records[t], expected[t]));
  }
}

TEST_CASE("back-to-back brackets take a few bytes each", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("dense.mtr");
  std::vector<record> records;
  std::int64_t now = 5'000'000'000;
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t duration = 18 + i % 5;
    records.push_back({1 + static_cast<std::uint32_t>(i % 3), 0, now, now + duration, 0});
    now += duration + 1 + i % 3;
  }
  metron::capture_writer writer(path, "{}");
  writer.write_sites(std::vector<metron::site_info>{{1, site_kind::bracket, 0, 1, "a", "", ""},
                                                    {2, site_kind::bracket, 0, 2, "b", "", ""},
                                                    {3, site_kind::bracket, 0, 3, "c", "", ""}});
  writer.write_thread({0, 1, "main"});
  const std::uint64_t before = writer.bytes_written();
  writer.write_records(0, records);
  const std::uint64_t used = writer.bytes_written() - before;
  writer.finish({now, 1e9, 1e9, {{0, records.size(), 0}}});
  CHECK(static_cast<double>(used) / static_cast<double>(records.size()) <= 4.0);
  const metron::capture c = metron::load_capture(path);
  CHECK(same_records(c.records.at(0), records));
}

TEST_CASE("a writer that is not finished leaves a capture without footer", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("unfinished.mtr");
  const auto sample = metron::test::small_sample();
  metron::test::write_sample(path, sample, false);
  const metron::capture c = metron::load_capture(path);
  CHECK_FALSE(c.status.complete);
  CHECK_FALSE(c.has_footer);
  CHECK(c.status.valid_bytes == c.status.file_bytes);
  CHECK(c.status.problem == "no footer: the capture was not stopped normally (file ends at byte " +
                                std::to_string(c.status.file_bytes) + ")");
  REQUIRE(c.records.size() == sample.records.size());
  for (std::size_t t = 0; t < sample.records.size(); ++t) {
    CHECK(same_records(c.records[t], sample.records[t]));
  }
}

TEST_CASE("the writer refuses what the reader could not read back", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("refused.mtr");
  metron::capture_writer writer(path, "{}");
  const std::vector<metron::site_info> sites = {{1, site_kind::bracket, 1U << 1, 1, "a", "", ""},
                                                {2, site_kind::gauge, 0, 2, "b", "", ""}};
  writer.write_sites(sites);
  writer.write_thread({0, 1, "main"});

  SECTION("a site defined twice") {
    CHECK_THROWS_AS(writer.write_sites(std::span(sites).first(1)), metron::input_error);
    const std::vector<metron::site_info> twice = {{9, site_kind::event, 0, 1, "x", "", ""},
                                                  {9, site_kind::event, 0, 1, "y", "", ""}};
    CHECK_THROWS_AS(writer.write_sites(twice), metron::input_error);
  }
  SECTION("a site of an unknown kind") {
    const std::vector<metron::site_info> odd = {{9, static_cast<site_kind>(7), 0, 1, "x", "", ""}};
    CHECK_THROWS_AS(writer.write_sites(odd), metron::input_error);
  }
  SECTION("a thread announced twice or beyond the index limit") {
    CHECK_THROWS_AS(writer.write_thread({0, 2, "again"}), metron::input_error);
    CHECK_THROWS_AS(writer.write_thread({1U << 20, 2, "far"}), metron::input_error);
  }
  SECTION("records of an unknown thread or site") {
    const std::vector<record> ok = {{1, 0, 1, 2, 0}};
    CHECK_THROWS_WITH(writer.write_records(3, ok), Catch::Contains("thread 3"));
    const std::vector<record> bad_site = {{1, 0, 1, 2, 0}, {5, 0, 3, 3, 0}};
    CHECK_THROWS_WITH(writer.write_records(0, bad_site), Catch::Contains("site 5"));
  }
  SECTION("a delta without its bracket, or with other times") {
    const std::vector<record> orphan = {{1, 1, 1, 2, 5}};
    CHECK_THROWS_AS(writer.write_records(0, orphan), metron::input_error);
    const std::vector<record> moved = {{1, 0, 1, 2, 0}, {1, 1, 1, 3, 5}};
    CHECK_THROWS_AS(writer.write_records(0, moved), metron::input_error);
  }
  SECTION("a bracket carrying a value") {
    const std::vector<record> valued = {{1, 0, 1, 2, 0.5}};
    CHECK_THROWS_AS(writer.write_records(0, valued), metron::input_error);
  }
  SECTION("writes after finish") {
    writer.finish({});
    CHECK_THROWS_AS(writer.write_thread({4, 1, "late"}), metron::error);
    CHECK_THROWS_AS(writer.finish({}), metron::error);
    const metron::capture c = metron::load_capture(path);
    CHECK(c.status.complete);
    return;
  }
  // Whatever was refused, the records accepted before it are intact.
  const std::vector<record> fine = {{2, 0, 10, 10, 1.5}};
  writer.write_records(0, fine);
  writer.finish({});
  const metron::capture c = metron::load_capture(path);
  CHECK(c.status.complete);
  REQUIRE_FALSE(c.records.empty());
  CHECK(c.records[0].back() == fine.back());
}

TEST_CASE("a capture that cannot be created names its path", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("no/such/dir/run.mtr");
  CHECK_THROWS_AS(metron::capture_writer(path, "{}"), metron::resource_error);
  CHECK_THROWS_WITH(metron::capture_writer(path, "{}"),
                    path + ": cannot create capture file: No such file or directory");
}

TEST_CASE("a write error names the path and stops the writer", "[capture]") {
  CHECK_THROWS_WITH(metron::capture_writer("/dev/full", "{}"),
                    "/dev/full: cannot write capture file: No space left on device");
}

TEST_CASE("a quiet thread's records reach the file while others keep writing", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("quiet.mtr");
  metron::capture_writer writer(path, "{}");
  writer.write_sites(
      std::vector<metron::site_info>{{1, site_kind::bracket, 0, 1, "plain", "", ""},
                                     {2, site_kind::bracket, 1U << 1, 2, "observed", "", ""}});
  writer.write_thread({0, 1, "quiet"});
  writer.write_thread({1, 2, "observed"});
  writer.write_thread({2, 3, "busy"});
  const std::vector<record> quiet = {{1, 0, 10, 20, 0}};
  writer.write_records(0, quiet);
  // The collector may hand over a bracket before its deltas.
  const std::vector<record> bracket = {{2, 0, 30, 40, 0}};
  writer.write_records(1, bracket);
  std::vector<record> busy;
  for (std::int64_t i = 0; i < 200000; ++i) {
    busy.push_back({1, 0, 1000 + i * 1000, 1500 + i * 1000 + i % 977, 0});
  }
  writer.write_records(2, busy);
  writer.write_records(2, busy);

  const metron::capture early = metron::load_capture(path);
  REQUIRE(early.records.size() == 3);
  CHECK(same_records(early.records[0], quiet));
  CHECK(early.records[1].empty());

  const std::vector<record> rest = {{2, 1, 30, 40, 77}, {2, 0, 50, 60, 0}, {2, 1, 50, 60, 78}};
  writer.write_records(1, rest);
  writer.finish({});
  const metron::capture c = metron::load_capture(path);
  CHECK(c.status.complete);
  std::vector<record> observed = bracket;
  observed.insert(observed.end(), rest.begin(), rest.end());
  CHECK(same_records(c.records[1], observed));
  CHECK(c.records[2].size() == 2 * busy.size());
}

TEST_CASE("summarize_capture totals sites, threads and drops", "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("summary.mtr");
  const auto sample = metron::test::small_sample();
  metron::test::write_sample(path, sample);
  const metron::capture_summary summary = metron::summarize_capture(path);
  CHECK(summary.metadata_json == sample.metadata);
  CHECK(summary.duration_ns == 5000);
  CHECK(summary.threads.size() == 3);
  CHECK(summary.totals == sample.footer.threads);
  CHECK(summary.records == 12 + 24 + 12);  // the 12 observable deltas are not observations
  CHECK(summary.dropped == 1);
  CHECK(summary.resource_samples == 2);
  CHECK(summary.status.complete);
  REQUIRE(summary.sites.size() == 4);
  CHECK(summary.sites[0].records == 12);
  CHECK(summary.sites[0].total_ns == 12 * 40);
  CHECK(summary.sites[1].records == 12);
  CHECK(summary.sites[2].value_sum == 7.0 * (11 * 12 / 2));
  CHECK(summary.sites[3].last_value == 5.5);

  const std::string unfinished = dir.file("unfinished.mtr");
  metron::test::write_sample(unfinished, sample, false);
  const metron::capture_summary partial = metron::summarize_capture(unfinished);
  CHECK(partial.duration_ns == 3000 + 10 * 11);
  REQUIRE(partial.totals.size() == 3);
  CHECK(partial.totals[0].records == 24);
  CHECK(partial.dropped == 0);
  CHECK_FALSE(partial.status.complete);
}

TEST_CASE("a size bound stops the writer with a size-limit chunk and keeps the footer",
          "[capture]") {
  scratch_dir dir;
  const std::string path = dir.file("bounded.mtr");
  constexpr std::uint64_t bound = 4096;
  metron::capture_writer writer(path, R"({"host":"test"})", bound);
  writer.write_sites(
      std::vector<metron::site_info>{{1, metron::site_kind::bracket, 0, 1, "a", "", ""}});
  writer.write_thread({0, 1, "main"});
  std::vector<record> records;
  for (std::int64_t i = 0; i < 100000; ++i) {
    records.push_back({1, 0, i * 10, i * 10 + 5, 0});
  }
  writer.write_records(0, records);
  writer.finish({1000000, 1e9, 1e9, {{0, records.size(), 0}}});
  CHECK(writer.size_limit_reached());
  const metron::capture c = metron::load_capture(path);
  CHECK(c.status.complete);
  CHECK(c.has_footer);
  CHECK(c.size_limit == bound);
  // Only the footer goes past the bound.
  CHECK(c.status.file_bytes <= bound + 64);
  CHECK(c.records.at(0).size() < records.size());
  CHECK(metron::summarize_capture(path).size_limit == bound);
}

TEST_CASE("an appended ending is read back, after a footer or after a torn chunk", "[capture]") {
  scratch_dir dir;
  const auto sample = metron::test::small_sample();
  SECTION("after the footer") {
    const std::string path = dir.file("finished.mtr");
    metron::test::write_sample(path, sample, true);
    CHECK_FALSE(metron::load_capture(path).ending);
    const auto valid = metron::load_capture(path).status.valid_bytes;
    metron::append_capture_ending(path, valid, {false, 3});
    const metron::capture c = metron::load_capture(path);
    CHECK(c.status.complete);
    CHECK(c.ending == metron::program_ending{false, 3});
  }
  SECTION("after a torn chunk, which is cut") {
    const std::string path = dir.file("torn.mtr");
    metron::test::write_sample(path, sample, false);
    auto bytes = metron::test::read_bytes(path);
    metron::test::write_bytes(path, bytes, bytes.size() - 3);
    const auto valid = metron::load_capture(path).status.valid_bytes;
    metron::append_capture_ending(path, valid, {true, 9});
    const metron::capture c = metron::load_capture(path);
    CHECK_FALSE(c.status.complete);
    CHECK(c.ending == metron::program_ending{true, 9});
    CHECK(c.status.valid_bytes == c.status.file_bytes);
  }
}
