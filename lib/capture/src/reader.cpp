// read_capture and load_capture: a streaming chunk reader that stops cleanly at the first damage.
#include <metron/capture/capture.hpp>
#include <metron/capture/detail/regular_file.hpp>
#include <metron/error.hpp>

#include "crc32.hpp"
#include "format.hpp"
#include "system_reason.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <unistd.h>

namespace metron {

void capture_visitor::on_metadata(std::uint16_t, std::uint16_t, std::string_view) {}
void capture_visitor::on_sites(std::span<const site_info>) {}
void capture_visitor::on_thread(const thread_info&) {}
void capture_visitor::on_records(std::uint32_t, std::span<const record>) {}
void capture_visitor::on_resources(std::span<const resource_sample>) {}
void capture_visitor::on_footer(const capture_footer&) {}
void capture_visitor::on_size_limit(std::uint64_t) {}
void capture_visitor::on_ending(const program_ending&) {}
void capture_visitor::on_progress(std::uint64_t) {}

const site_info* capture::find_site(std::uint32_t id) const noexcept {
  const auto found = std::lower_bound(
      sites.begin(), sites.end(), id,
      [](const site_info& site, std::uint32_t wanted) { return site.id < wanted; });
  return found != sites.end() && found->id == id ? &*found : nullptr;
}

namespace {

using detail::system_reason;

#if defined(FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
// A fuzzer cannot forge checksums, so mutated payloads would never reach the decoders.
constexpr bool verify_checksums = false;
#else
constexpr bool verify_checksums = true;
#endif

bool checksum_matches(const std::vector<std::uint8_t>& payload, std::uint32_t crc) noexcept {
  return !verify_checksums || detail::crc32(0, payload.data(), payload.size()) == crc;
}

/// Buffered sequential reads of a regular file, counting the position.
class file_source {
 public:
  explicit file_source(const std::string& path) : file_(path) {}

  /// Reads `size` bytes into `out`; returns fewer only at the end of the file or on a read error.
  std::size_t read(std::uint8_t* out, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
      if (buffer_pos_ < buffer_end_) {
        const std::size_t step = std::min(size - done, buffer_end_ - buffer_pos_);
        std::memcpy(out + done, buffer_.data() + buffer_pos_, step);
        buffer_pos_ += step;
        done += step;
        continue;
      }
      // Large reads go straight to the caller; small ones (chunk headers) come from the buffer.
      const bool direct = size - done >= buffer_.size();
      const std::size_t got =
          raw_read(direct ? out + done : buffer_.data(), direct ? size - done : buffer_.size());
      if (got == 0) {
        break;
      }
      if (direct) {
        done += got;
      } else {
        buffer_pos_ = 0;
        buffer_end_ = got;
      }
    }
    position_ += done;
    return done;
  }

  /// Bytes consumed so far.
  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  /// The errno of a failed read, or 0.
  [[nodiscard]] int error() const noexcept { return error_; }

  /// Size of the file: the size at opening, or what was read if the file grew.
  [[nodiscard]] std::uint64_t file_bytes() const noexcept {
    return std::max(file_.size(), position_);
  }

 private:
  std::size_t raw_read(std::uint8_t* out, std::size_t size) {
    if (error_ != 0) {
      return 0;
    }
    for (;;) {
      const ssize_t got = ::read(file_.descriptor(), out, size);
      if (got >= 0) {
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        error_ = errno;
        return 0;
      }
    }
  }

  detail::regular_file file_;
  int error_ = 0;
  std::uint64_t position_ = 0;
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(std::size_t{64} << 10);
  std::size_t buffer_pos_ = 0;
  std::size_t buffer_end_ = 0;
};

struct chunk_header {
  std::uint8_t type = 0;
  std::uint32_t reserved = 0;
  std::uint32_t length = 0;
  std::uint32_t crc = 0;
};

chunk_header parse_chunk_header(const std::uint8_t* bytes) noexcept {
  chunk_header header;
  header.type = bytes[0];
  header.reserved = static_cast<std::uint32_t>(detail::get_le(bytes + 1, 3));
  header.length = static_cast<std::uint32_t>(detail::get_le(bytes + 4, 4));
  header.crc = static_cast<std::uint32_t>(detail::get_le(bytes + 8, 4));
  return header;
}

bool known_chunk_type(std::uint8_t type) noexcept {
  return type >= static_cast<std::uint8_t>(detail::chunk_type::metadata) &&
         type <= static_cast<std::uint8_t>(detail::chunk_type::ending);
}

/// Why a chunk's payload was refused; empty when it was fine.
using problem_text = std::string;

/// One pass over one file, delivering each chunk once it has been checked and fully decoded.
class capture_reader {
 public:
  capture_reader(const std::string& path, capture_visitor& visitor)
      : path_(path), source_(path), visitor_(visitor) {}

  read_status run() {
    read_file_header();
    read_metadata();
    while (!stopped_) {
      read_chunk();
    }
    status_.file_bytes = source_.file_bytes();
    return std::move(status_);
  }

 private:
  [[noreturn]] void fail_input(std::uint64_t offset, const std::string& what) const {
    throw input_error(path_ + ": byte " + std::to_string(offset) + ": " + what);
  }

  void check_read_error(std::uint64_t offset) const {
    if (source_.error() != 0) {
      throw input_error(path_ + ": cannot read at byte " + std::to_string(offset) + ": " +
                        system_reason(source_.error()));
    }
  }

  void read_file_header() {
    std::array<std::uint8_t, detail::file_header_bytes> header{};
    const std::size_t got = source_.read(header.data(), header.size());
    check_read_error(got);
    if (got == 0) {
      fail_input(0, "empty file, not a metron capture");
    }
    const std::size_t magic_bytes = std::min(got, detail::capture_magic.size());
    if (!std::equal(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(magic_bytes),
                    detail::capture_magic.begin())) {
      fail_input(0, "not a metron capture (bad magic)");
    }
    if (got < header.size()) {
      fail_input(got, "truncated file header (" + std::to_string(got) + " of " +
                          std::to_string(header.size()) + " bytes), not a complete capture");
    }
    major_ = static_cast<std::uint16_t>(detail::get_le(header.data() + 8, 2));
    minor_ = static_cast<std::uint16_t>(detail::get_le(header.data() + 10, 2));
    if (major_ != capture_format_major) {
      fail_input(8, "unsupported capture format version " + std::to_string(major_) + "." +
                        std::to_string(minor_) + "; this reader reads version " +
                        std::to_string(capture_format_major) + ".x, use a matching metron");
    }
    status_.valid_bytes = header.size();
  }

  void read_metadata() {
    const std::uint64_t offset = source_.position();
    std::array<std::uint8_t, detail::chunk_header_bytes> bytes{};
    const std::size_t got = source_.read(bytes.data(), bytes.size());
    check_read_error(offset + got);
    if (got == 0) {
      fail_input(offset, "no metadata chunk, the file ends after its header");
    }
    if (got < bytes.size()) {
      fail_input(offset, "truncated metadata chunk (" + std::to_string(got) + " of " +
                             std::to_string(bytes.size()) + " chunk header bytes)");
    }
    const chunk_header header = parse_chunk_header(bytes.data());
    if (header.type != static_cast<std::uint8_t>(detail::chunk_type::metadata)) {
      fail_input(offset,
                 "expected the metadata chunk, found chunk type " + std::to_string(header.type));
    }
    if (header.reserved != 0) {
      fail_input(offset, "corrupt metadata chunk (reserved header bytes are not zero)");
    }
    if (header.length > detail::max_chunk_payload) {
      fail_input(offset, "corrupt metadata chunk (payload length " + std::to_string(header.length) +
                             " exceeds the 64 MiB limit)");
    }
    const std::size_t payload_got = read_payload(header.length);
    check_read_error(offset + detail::chunk_header_bytes + payload_got);
    if (payload_got < header.length) {
      fail_input(offset, "truncated metadata chunk (" + std::to_string(payload_got) + " of " +
                             std::to_string(header.length) + " payload bytes)");
    }
    if (!checksum_matches(payload_, header.crc)) {
      fail_input(offset, "corrupt metadata chunk (checksum mismatch)");
    }
    visitor_.on_metadata(
        major_, minor_,
        std::string_view(reinterpret_cast<const char*>(payload_.data()), payload_.size()));
    status_.valid_bytes = source_.position();
    status_.chunks = 1;
  }

  /// Reads up to `length` payload bytes into payload_, growing it only as data arrives, so a
  /// damaged length costs no more memory than the file holds.
  std::size_t read_payload(std::uint32_t length) {
    constexpr std::size_t step = std::size_t{1} << 20;
    payload_.clear();
    while (payload_.size() < length) {
      const std::size_t have = payload_.size();
      const std::size_t want = std::min<std::size_t>(step, length - have);
      payload_.resize(have + want);
      const std::size_t got = source_.read(payload_.data() + have, want);
      payload_.resize(have + got);
      if (got < want) {
        break;
      }
    }
    return payload_.size();
  }

  void stop(std::string problem) {
    status_.problem = std::move(problem);
    stopped_ = true;
  }

  void stop_on_read_error(std::uint64_t offset) {
    stop("read error at byte " + std::to_string(offset) + ": " + system_reason(source_.error()));
  }

  void read_chunk() {
    const std::uint64_t offset = source_.position();
    const std::string at = " at byte " + std::to_string(offset);
    std::array<std::uint8_t, detail::chunk_header_bytes> bytes{};
    const std::size_t got = source_.read(bytes.data(), bytes.size());
    if (source_.error() != 0) {
      return stop_on_read_error(offset);
    }
    if (got == 0) {
      if (footer_seen_) {
        status_.complete = true;
        stopped_ = true;
        return;
      }
      return stop("no footer: the capture was not stopped normally (file ends at byte " +
                  std::to_string(offset) + ")");
    }
    // Only a recorder's ending may follow the footer, and nothing the ending.
    if (ending_seen_) {
      return stop("data after the program's ending" + at);
    }
    if (footer_seen_ &&
        (got < bytes.size() || bytes[0] != static_cast<std::uint8_t>(detail::chunk_type::ending))) {
      return stop("data after the footer" + at);
    }
    if (got < bytes.size()) {
      return stop("truncated chunk" + at + ": " + std::to_string(got) + " of " +
                  std::to_string(bytes.size()) + " chunk header bytes present");
    }
    const chunk_header header = parse_chunk_header(bytes.data());
    if (header.reserved != 0) {
      return stop("corrupt chunk" + at + ": reserved header bytes are not zero");
    }
    if (!known_chunk_type(header.type)) {
      return stop("corrupt chunk" + at + ": unknown chunk type " + std::to_string(header.type));
    }
    if (header.length > detail::max_chunk_payload) {
      return stop("corrupt chunk" + at + ": payload length " + std::to_string(header.length) +
                  " exceeds the 64 MiB limit");
    }
    const std::size_t payload_got = read_payload(header.length);
    if (source_.error() != 0) {
      return stop_on_read_error(offset);
    }
    if (payload_got < header.length) {
      return stop("truncated chunk" + at + ": " + std::to_string(payload_got) + " of " +
                  std::to_string(header.length) + " payload bytes present");
    }
    if (!checksum_matches(payload_, header.crc)) {
      return stop("corrupt chunk" + at + ": checksum mismatch");
    }
    problem_text problem = decode_and_deliver(static_cast<detail::chunk_type>(header.type));
    if (!problem.empty()) {
      return stop("corrupt chunk" + at + ": " + problem);
    }
    status_.valid_bytes = source_.position();
    ++status_.chunks;
    visitor_.on_progress(status_.valid_bytes);
  }

  problem_text decode_and_deliver(detail::chunk_type type) {
    detail::byte_cursor in(payload_.data(), payload_.size());
    switch (type) {
      case detail::chunk_type::metadata: return "a second metadata chunk";
      case detail::chunk_type::sites: return decode_sites(in);
      case detail::chunk_type::thread: return decode_thread(in);
      case detail::chunk_type::records: return decode_records(in);
      case detail::chunk_type::resources: return decode_resources(in);
      case detail::chunk_type::footer: return decode_footer(in);
      case detail::chunk_type::size_limit: return decode_size_limit(in);
      case detail::chunk_type::ending: return decode_ending(in);
    }
    return "unknown chunk type";
  }

  /// How many entries of at least `min_bytes` each the rest of `in` can hold; the bound on any
  /// count field before it sizes anything.
  static bool count_fits(const detail::byte_cursor& in, std::uint64_t count,
                         std::size_t min_bytes) noexcept {
    return count <= in.remaining() / min_bytes;
  }

  problem_text decode_sites(detail::byte_cursor& in) {
    const std::uint64_t count = in.varint();
    if (!in.ok() || !count_fits(in, count, 7)) {
      return "undecodable sites chunk (bad count)";
    }
    sites_.clear();
    sites_.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      site_info site;
      site.id = in.varint32();
      const std::uint8_t kind = in.byte();
      site.observables = in.varint32();
      site.line = in.varint32();
      site.name = in.string();
      site.file = in.string();
      site.function = in.string();
      if (!in.ok() || kind > detail::max_site_kind) {
        return "undecodable site definition " + std::to_string(i);
      }
      site.kind = static_cast<site_kind>(kind);
      if (site_ids_.insert(site.id) == detail::id_map::npos) {
        return "site " + std::to_string(site.id) + " is defined twice";
      }
      sites_.push_back(std::move(site));
    }
    if (!in.at_end()) {
      return "undecodable sites chunk (bytes after the last site)";
    }
    visitor_.on_sites(sites_);
    return {};
  }

  problem_text decode_thread(detail::byte_cursor& in) {
    thread_info thread;
    thread.index = in.varint32();
    thread.os_tid = detail::unzigzag(in.varint());
    thread.name = in.string();
    if (!in.ok() || !in.at_end()) {
      return "undecodable thread chunk";
    }
    if (thread.index > detail::max_thread_index) {
      return "thread index " + std::to_string(thread.index) + " exceeds the limit of " +
             std::to_string(detail::max_thread_index);
    }
    if (thread_ids_.insert(thread.index) == detail::id_map::npos) {
      return "thread " + std::to_string(thread.index) + " is announced twice";
    }
    visitor_.on_thread(thread);
    return {};
  }

  problem_text decode_records(detail::byte_cursor& in) {
    const std::uint32_t thread = in.varint32();
    const std::uint64_t count = in.varint();
    if (!in.ok() || !count_fits(in, count, 2)) {
      return "undecodable records chunk (bad thread or count)";
    }
    if (thread_ids_.find(thread) == detail::id_map::npos) {
      return "records of thread " + std::to_string(thread) + ", which was not announced";
    }
    records_.clear();
    records_.reserve(static_cast<std::size_t>(count));
    std::uint64_t prev_begin = 0;
    std::int64_t prev_end = 0;
    bool site_checked = false;
    std::uint32_t checked_site = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint64_t head = in.varint();
      record r;
      if ((head >> 2) > UINT32_MAX) {
        return "undecodable record " + std::to_string(i) + " (site id out of range)";
      }
      r.site = static_cast<std::uint32_t>(head >> 2);
      const auto form = static_cast<detail::record_form>(head & 3U);
      if (form == detail::form_delta) {
        if (i == 0) {
          return "record 0 is an observable delta with no record before it";
        }
        const std::uint64_t tag = in.varint();
        if (tag == 0 || tag > UINT8_MAX) {
          return "undecodable record " + std::to_string(i) + " (bad observable tag)";
        }
        r.tag = static_cast<std::uint8_t>(tag);
        r.begin_ns = static_cast<std::int64_t>(prev_begin);
        r.end_ns = prev_end;
        r.value = in.value();
      } else {
        // Sums wrap in unsigned arithmetic, mirroring the writer's differences.
        const std::uint64_t begin =
            prev_begin + static_cast<std::uint64_t>(detail::unzigzag(in.varint()));
        r.begin_ns = static_cast<std::int64_t>(begin);
        r.end_ns = r.begin_ns;
        if (form == detail::form_bracket) {
          r.end_ns = static_cast<std::int64_t>(
              begin + static_cast<std::uint64_t>(detail::unzigzag(in.varint())));
        } else if (form == detail::form_point_value) {
          r.value = in.value();
        }
        prev_begin = begin;
        prev_end = r.end_ns;
      }
      if (!in.ok()) {
        return "undecodable record " + std::to_string(i) + " of thread " + std::to_string(thread);
      }
      if (!site_checked || r.site != checked_site) {
        if (site_ids_.find(r.site) == detail::id_map::npos) {
          return "record " + std::to_string(i) + " of thread " + std::to_string(thread) +
                 " names site " + std::to_string(r.site) + ", which is not defined";
        }
        site_checked = true;
        checked_site = r.site;
      }
      records_.push_back(r);
    }
    if (!in.at_end()) {
      return "undecodable records chunk (bytes after the last record)";
    }
    visitor_.on_records(thread, records_);
    return {};
  }

  problem_text decode_resources(detail::byte_cursor& in) {
    const std::uint64_t count = in.varint();
    if (!in.ok() || !count_fits(in, count, 7)) {
      return "undecodable resources chunk (bad count)";
    }
    resources_.clear();
    resources_.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      resource_sample sample;
      for (std::int64_t* field :
           {&sample.time_ns, &sample.rss_bytes, &sample.cpu_user_ns, &sample.cpu_system_ns,
            &sample.read_bytes, &sample.write_bytes, &sample.threads}) {
        *field = detail::unzigzag(in.varint());
      }
      resources_.push_back(sample);
    }
    if (!in.ok() || !in.at_end()) {
      return "undecodable resources chunk";
    }
    visitor_.on_resources(resources_);
    return {};
  }

  problem_text decode_footer(detail::byte_cursor& in) {
    capture_footer footer;
    footer.end_ns = detail::unzigzag(in.varint());
    footer.tick_hz_start = in.f64();
    footer.tick_hz_stop = in.f64();
    const std::uint64_t count = in.varint();
    if (!in.ok() || !count_fits(in, count, 3)) {
      return "undecodable footer (bad thread count)";
    }
    footer.threads.reserve(static_cast<std::size_t>(count));
    for (std::uint64_t i = 0; i < count; ++i) {
      thread_totals totals;
      totals.index = in.varint32();
      totals.records = in.varint();
      totals.dropped = in.varint();
      footer.threads.push_back(totals);
    }
    if (!in.ok() || !in.at_end()) {
      return "undecodable footer";
    }
    footer_seen_ = true;
    visitor_.on_footer(footer);
    return {};
  }

  problem_text decode_size_limit(detail::byte_cursor& in) {
    const std::uint64_t max_bytes = in.varint();
    if (!in.ok() || !in.at_end()) {
      return "undecodable size-limit chunk";
    }
    if (size_limit_seen_) {
      return "a second size-limit chunk";
    }
    size_limit_seen_ = true;
    visitor_.on_size_limit(max_bytes);
    return {};
  }

  problem_text decode_ending(detail::byte_cursor& in) {
    const std::uint8_t kind = in.byte();
    const std::uint64_t code = in.varint();
    const bool exited = kind == static_cast<std::uint8_t>(detail::ending_kind::exited);
    const bool signalled = kind == static_cast<std::uint8_t>(detail::ending_kind::signalled);
    // Exit statuses are a byte; signal numbers are below 128 on every Linux architecture.
    if (!in.ok() || !in.at_end() || !(exited || signalled) || code > (exited ? 255U : 127U)) {
      return "undecodable program ending";
    }
    ending_seen_ = true;
    visitor_.on_ending({signalled, static_cast<int>(code)});
    return {};
  }

  const std::string& path_;
  file_source source_;
  capture_visitor& visitor_;
  read_status status_;
  bool stopped_ = false;
  bool footer_seen_ = false;
  bool size_limit_seen_ = false;
  bool ending_seen_ = false;
  std::uint16_t major_ = 0;
  std::uint16_t minor_ = 0;
  std::vector<std::uint8_t> payload_;
  detail::id_map site_ids_;
  detail::id_map thread_ids_;
  std::vector<site_info> sites_;
  std::vector<record> records_;
  std::vector<resource_sample> resources_;
};

/// Collects a whole capture for load_capture().
class capture_loader final : public capture_visitor {
 public:
  explicit capture_loader(capture& out) : out_(out) {}

  void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json) override {
    out_.format_major = major;
    out_.format_minor = minor;
    out_.metadata_json = json;
  }
  void on_sites(std::span<const site_info> sites) override {
    out_.sites.insert(out_.sites.end(), sites.begin(), sites.end());
  }
  void on_thread(const thread_info& thread) override {
    out_.threads.push_back(thread);
    if (thread.index >= out_.records.size()) {
      out_.records.resize(std::size_t{thread.index} + 1);
    }
  }
  void on_records(std::uint32_t thread_index, std::span<const record> records) override {
    std::vector<record>& into = out_.records[thread_index];
    into.insert(into.end(), records.begin(), records.end());
  }
  void on_resources(std::span<const resource_sample> samples) override {
    out_.resources.insert(out_.resources.end(), samples.begin(), samples.end());
  }
  void on_footer(const capture_footer& footer) override {
    out_.has_footer = true;
    out_.footer = footer;
  }
  void on_size_limit(std::uint64_t max_bytes) override { out_.size_limit = max_bytes; }
  void on_ending(const program_ending& ending) override { out_.ending = ending; }

 private:
  capture& out_;
};

}  // namespace

read_status read_capture(const std::string& path, capture_visitor& visitor) {
  capture_reader reader(path, visitor);
  return reader.run();
}

capture load_capture(const std::string& path) {
  capture result;
  capture_loader loader(result);
  result.status = read_capture(path, loader);
  const auto by_id = [](const site_info& a, const site_info& b) { return a.id < b.id; };
  std::sort(result.sites.begin(), result.sites.end(), by_id);
  const auto by_index = [](const thread_info& a, const thread_info& b) {
    return a.index < b.index;
  };
  std::sort(result.threads.begin(), result.threads.end(), by_index);
  return result;
}

}  // namespace metron
