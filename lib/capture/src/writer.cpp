// capture_writer: frames chunks into a large output buffer and writes it with write(2).
#include <metron/capture/capture.hpp>
#include <metron/error.hpp>

#include "crc32.hpp"
#include "format.hpp"
#include "system_reason.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace metron {
namespace {

using detail::put_varint;

constexpr std::size_t output_buffer_bytes = std::size_t{1} << 20;

/// A growable byte buffer written through raw pointers: reserve, write, commit.
class byte_buffer {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const std::uint8_t* data() const noexcept { return data_.data(); }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  void clear() noexcept { size_ = 0; }

  /// Makes room for `bytes` more and returns where they go.
  std::uint8_t* reserve(std::size_t bytes) {
    if (data_.size() - size_ < bytes) {
      data_.resize(std::max(data_.size() * 2, size_ + bytes));
    }
    return data_.data() + size_;
  }
  /// Accepts what was written up to `end`, a pointer into the reserved room.
  void commit(const std::uint8_t* end) noexcept {
    size_ = static_cast<std::size_t>(end - data_.data());
  }
  void append(const std::uint8_t* bytes, std::size_t count) {
    if (count > 0) {
      std::memcpy(reserve(count), bytes, count);
      size_ += count;
    }
  }
  void append_varint(std::uint64_t value) {
    commit(put_varint(reserve(detail::max_varint_bytes), value));
  }
  void append_string(std::string_view text) {
    append_varint(text.size());
    append(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  }

 private:
  std::vector<std::uint8_t> data_;
  std::size_t size_ = 0;
};

/// The open records chunk of one thread. It stays open across write_records() calls, so small
/// batches share one chunk, and it is closed only before a tag-0 record: a bracket and its
/// observable deltas therefore always share a chunk, even when the collector's batch ends
/// between them.
struct thread_state {
  byte_buffer pending;           // encoded records of the open chunk
  std::uint64_t count = 0;       // records in the open chunk
  std::int64_t prev_begin = 0;   // delta base; 0 at the start of every chunk
  std::int64_t prev_end = 0;     // end of the last record, which a delta record repeats
  std::uint32_t last_site = 0;   // site of the last record
  std::uint8_t last_tag = 0;     // tag of the last record
  bool close_requested = false;  // close before the next tag-0 record: the output was flushed
};

using detail::system_reason;

}  // namespace

struct capture_writer::impl {
  std::string path;
  int fd = -1;
  bool finished = false;
  bool failed = false;
  std::uint64_t max_bytes = 0;  // the size bound; 0 for none
  bool limited = false;         // the bound was reached: only the footer is written after it
  std::uint64_t flushed = 0;    // bytes handed to write(2)
  std::uint64_t swept_at = 0;   // `flushed` when open records chunks were last swept
  byte_buffer out;              // framed chunks not yet written
  byte_buffer scratch;          // payload of the chunk being built
  detail::id_map sites;
  std::vector<std::uint32_t> site_observables;  // by site slot
  std::map<std::uint32_t, thread_state> threads;

  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl() {
    if (fd >= 0) {
      ::close(fd);
    }
  }

  void check_open() const {
    if (finished) {
      throw error(path + ": capture already finished; no further writes are possible");
    }
    if (failed) {
      throw error(path + ": capture writer stopped after an earlier write error");
    }
  }

  void write_all(const std::uint8_t* data, std::size_t size) {
    while (size > 0) {
      const ssize_t written = ::write(fd, data, size);
      if (written < 0) {
        if (errno == EINTR) {
          continue;
        }
        failed = true;
        throw resource_error(path + ": cannot write capture file: " + system_reason(errno));
      }
      data += written;
      size -= static_cast<std::size_t>(written);
      flushed += static_cast<std::uint64_t>(written);
    }
  }

  void flush_output() {
    write_all(out.data(), out.size());
    out.clear();
  }

  /// Frames a chunk whose payload is `head` followed by `body`, writing the output buffer out
  /// whenever it fills.
  void put_chunk(detail::chunk_type type, std::span<const std::uint8_t> head,
                 std::span<const std::uint8_t> body) {
    const std::size_t payload = head.size() + body.size();
    if (payload > detail::max_chunk_payload) {
      throw input_error(path + ": a capture chunk of " + std::to_string(payload) +
                        " bytes exceeds the format's 64 MiB limit");
    }
    if (type != detail::chunk_type::footer && !within_bound(payload)) {
      return;
    }
    frame_chunk(type, head, body);
  }

  /// Whether a chunk of `payload` bytes may be written. The first one that would take the file
  /// past the bound is replaced by the size-limit chunk, for which room is always kept.
  bool within_bound(std::size_t payload) {
    if (limited) {
      return false;
    }
    if (max_bytes == 0 || flushed + out.size() + detail::chunk_header_bytes + payload +
                                  detail::size_limit_chunk_bytes <=
                              max_bytes) {
      return true;
    }
    limited = true;
    std::uint8_t bound[detail::max_varint_bytes];
    const std::uint8_t* bound_end = put_varint(bound, max_bytes);
    frame_chunk(detail::chunk_type::size_limit, {}, {bound, bound_end});
    flush_output();
    return false;
  }

  void frame_chunk(detail::chunk_type type, std::span<const std::uint8_t> head,
                   std::span<const std::uint8_t> body) {
    const std::size_t payload = head.size() + body.size();
    std::uint32_t crc = detail::crc32(0, head.data(), head.size());
    crc = detail::crc32(crc, body.data(), body.size());
    std::uint8_t* header = out.reserve(detail::chunk_header_bytes);
    header = detail::put_le(header, static_cast<std::uint8_t>(type), 4);
    header = detail::put_le(header, payload, 4);
    out.commit(detail::put_le(header, crc, 4));
    out.append(head.data(), head.size());
    if (body.size() > output_buffer_bytes) {
      flush_output();
      write_all(body.data(), body.size());
      return;
    }
    out.append(body.data(), body.size());
    if (out.size() >= output_buffer_bytes) {
      flush_output();
    }
  }

  void put_chunk(detail::chunk_type type, const byte_buffer& payload) {
    put_chunk(type, {}, {payload.data(), payload.size()});
  }

  /// Puts a chunk whose payload is a varint count followed by `body`.
  void put_counted_chunk(detail::chunk_type type, std::uint64_t count, const byte_buffer& body) {
    std::uint8_t head[detail::max_varint_bytes];
    const std::uint8_t* head_end = put_varint(head, count);
    put_chunk(type, {head, head_end}, {body.data(), body.size()});
  }

  void close_records(std::uint32_t index, thread_state& state) {
    state.close_requested = false;
    if (state.count == 0) {
      return;
    }
    std::uint8_t head[2 * detail::max_varint_bytes];
    std::uint8_t* head_end = put_varint(head, index);
    head_end = put_varint(head_end, state.count);
    put_chunk(detail::chunk_type::records, {head, head_end},
              {state.pending.data(), state.pending.size()});
    state.pending.clear();
    state.count = 0;
    state.prev_begin = 0;
  }

  /// Whether no observable delta can follow the last record of `state`: it is an observation
  /// of a site that selected no observables.
  [[nodiscard]] bool group_complete(const thread_state& state) const noexcept {
    const std::uint32_t slot = sites.find(state.last_site);
    return state.last_tag == 0 &&
           (slot == detail::id_map::npos || (site_observables[slot] >> 1) == 0);
  }

  /// Once another output buffer's worth has been written, closes the open records chunks and
  /// writes them, so a quiet thread's records reach the file about as soon as everyone else's.
  /// A chunk whose last bracket may still get deltas closes at that thread's next bracket.
  void sweep_if_due() {
    if (flushed - swept_at < output_buffer_bytes) {
      return;
    }
    bool closed = false;
    for (auto& [index, state] : threads) {
      if (state.count == 0) {
        continue;
      }
      if (group_complete(state)) {
        close_records(index, state);
        closed = true;
      } else {
        state.close_requested = true;
      }
    }
    if (closed) {
      flush_output();
    }
    swept_at = flushed;
  }

  void close_everything() {
    for (auto& [index, state] : threads) {
      close_records(index, state);
    }
    flush_output();
  }

  void encode_records(std::uint32_t index, thread_state& state, std::span<const record> records);
};

capture_writer::capture_writer(const std::string& path, std::string_view metadata_json,
                               std::uint64_t max_bytes)
    : impl_(std::make_unique<impl>()) {
  impl_->path = path;
  impl_->fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (impl_->fd < 0) {
    throw resource_error(path + ": cannot create capture file: " + system_reason(errno));
  }
  std::uint8_t* header = impl_->out.reserve(detail::file_header_bytes);
  header = std::copy(detail::capture_magic.begin(), detail::capture_magic.end(), header);
  header = detail::put_le(header, capture_format_major, 2);
  header = detail::put_le(header, capture_format_minor, 2);
  impl_->out.commit(detail::put_le(header, 0, 4));
  impl_->put_chunk(
      detail::chunk_type::metadata, {},
      {reinterpret_cast<const std::uint8_t*>(metadata_json.data()), metadata_json.size()});
  impl_->flush_output();
  // The header and metadata are always written, so that even a tiny bound leaves a capture.
  impl_->max_bytes = max_bytes;
}

capture_writer::~capture_writer() {
  if (impl_->fd >= 0 && !impl_->finished && !impl_->failed) {
    try {
      impl_->close_everything();
    } catch (...) {
      // A destructor must not throw; what could not be written is lost, and the file reads
      // as truncated at the last complete chunk.
    }
  }
}

void capture_writer::write_sites(std::span<const site_info> sites) {
  impl_->check_open();
  if (impl_->limited) {
    return;
  }
  detail::id_map batch;
  for (const site_info& site : sites) {
    if (static_cast<std::uint8_t>(site.kind) > detail::max_site_kind) {
      throw input_error(impl_->path + ": site " + std::to_string(site.id) + " '" + site.name +
                        "' has an unknown kind " +
                        std::to_string(static_cast<unsigned>(site.kind)));
    }
    if (impl_->sites.find(site.id) != detail::id_map::npos ||
        batch.insert(site.id) == detail::id_map::npos) {
      throw input_error(impl_->path + ": site " + std::to_string(site.id) + " '" + site.name +
                        "' is defined twice");
    }
  }
  byte_buffer& body = impl_->scratch;
  body.clear();
  std::uint64_t count = 0;
  for (const site_info& site : sites) {
    impl_->sites.insert(site.id);
    impl_->site_observables.push_back(site.observables);
    body.append_varint(site.id);
    const auto kind = static_cast<std::uint8_t>(site.kind);
    body.append(&kind, 1);
    body.append_varint(site.observables);
    body.append_varint(site.line);
    body.append_string(site.name);
    body.append_string(site.file);
    body.append_string(site.function);
    ++count;
    if (body.size() >= detail::table_chunk_bytes) {
      impl_->put_counted_chunk(detail::chunk_type::sites, count, body);
      body.clear();
      count = 0;
    }
  }
  if (count > 0) {
    impl_->put_counted_chunk(detail::chunk_type::sites, count, body);
  }
  impl_->sweep_if_due();
}

void capture_writer::write_thread(const thread_info& thread) {
  impl_->check_open();
  if (impl_->limited) {
    return;
  }
  if (thread.index > detail::max_thread_index) {
    throw input_error(impl_->path + ": thread index " + std::to_string(thread.index) +
                      " exceeds the format's limit of " + std::to_string(detail::max_thread_index));
  }
  if (!impl_->threads.try_emplace(thread.index).second) {
    throw input_error(impl_->path + ": thread " + std::to_string(thread.index) +
                      " is announced twice");
  }
  byte_buffer& body = impl_->scratch;
  body.clear();
  body.append_varint(thread.index);
  body.append_varint(detail::zigzag(thread.os_tid));
  body.append_string(thread.name);
  impl_->put_chunk(detail::chunk_type::thread, body);
  impl_->sweep_if_due();
}

void capture_writer::impl::encode_records(std::uint32_t index, thread_state& state,
                                          std::span<const record> records) {
  // The hot loop of a capture: one reservation per record, and the site lookup skipped while
  // consecutive records name the same site.
  bool site_checked = false;
  std::uint32_t checked_site = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const record& r = records[i];
    if (!site_checked || r.site != checked_site) {
      if (sites.find(r.site) == detail::id_map::npos) {
        throw input_error(path + ": record " + std::to_string(i) + " of thread " +
                          std::to_string(index) + " names site " + std::to_string(r.site) +
                          ", which was not written before");
      }
      checked_site = r.site;
      site_checked = true;
    }
    const std::uint64_t head = std::uint64_t{r.site} << 2;
    std::uint8_t* pos = nullptr;
    if (r.tag == 0) {
      if (state.count > 0 &&
          (state.pending.size() >= detail::records_chunk_bytes || state.close_requested)) {
        close_records(index, state);
      }
      if (r.begin_ns != r.end_ns && r.value != 0) {
        throw input_error(path + ": record " + std::to_string(i) + " of thread " +
                          std::to_string(index) +
                          " spans time and carries a value; only points (begin_ns == end_ns) "
                          "carry values");
      }
      pos = state.pending.reserve(detail::max_record_bytes);
      // Differences wrap in unsigned arithmetic, so every pair of int64 times round-trips.
      const std::uint64_t begin_delta = detail::zigzag(static_cast<std::int64_t>(
          static_cast<std::uint64_t>(r.begin_ns) - static_cast<std::uint64_t>(state.prev_begin)));
      if (r.begin_ns != r.end_ns) {
        pos = put_varint(pos, head | detail::form_bracket);
        pos = put_varint(pos, begin_delta);
        pos = put_varint(
            pos, detail::zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(r.end_ns) -
                                                          static_cast<std::uint64_t>(r.begin_ns))));
      } else if (std::bit_cast<std::uint64_t>(r.value) == 0) {
        pos = put_varint(pos, head | detail::form_point);
        pos = put_varint(pos, begin_delta);
      } else {
        pos = put_varint(pos, head | detail::form_point_value);
        pos = put_varint(pos, begin_delta);
        pos = detail::put_value(pos, r.value);
      }
      state.prev_begin = r.begin_ns;
      state.prev_end = r.end_ns;
    } else {
      if (state.count == 0 || r.begin_ns != state.prev_begin || r.end_ns != state.prev_end) {
        throw input_error(path + ": record " + std::to_string(i) + " of thread " +
                          std::to_string(index) + " is an observable delta (tag " +
                          std::to_string(r.tag) +
                          ") that does not follow its bracket record with the same times");
      }
      pos = state.pending.reserve(detail::max_record_bytes);
      pos = put_varint(pos, head | detail::form_delta);
      pos = put_varint(pos, r.tag);
      pos = detail::put_value(pos, r.value);
    }
    state.pending.commit(pos);
    ++state.count;
    state.last_site = r.site;
    state.last_tag = r.tag;
  }
}

void capture_writer::write_records(std::uint32_t thread_index, std::span<const record> records) {
  impl_->check_open();
  if (impl_->limited) {
    return;
  }
  const auto found = impl_->threads.find(thread_index);
  if (found == impl_->threads.end()) {
    throw input_error(impl_->path + ": records of thread " + std::to_string(thread_index) +
                      ", which was not announced with write_thread()");
  }
  impl_->encode_records(thread_index, found->second, records);
  impl_->sweep_if_due();
}

void capture_writer::write_resources(std::span<const resource_sample> samples) {
  impl_->check_open();
  if (impl_->limited) {
    return;
  }
  byte_buffer& body = impl_->scratch;
  body.clear();
  std::uint64_t count = 0;
  for (const resource_sample& sample : samples) {
    for (const std::int64_t field :
         {sample.time_ns, sample.rss_bytes, sample.cpu_user_ns, sample.cpu_system_ns,
          sample.read_bytes, sample.write_bytes, sample.threads}) {
      body.append_varint(detail::zigzag(field));
    }
    ++count;
    if (body.size() >= detail::table_chunk_bytes) {
      impl_->put_counted_chunk(detail::chunk_type::resources, count, body);
      body.clear();
      count = 0;
    }
  }
  if (count > 0) {
    impl_->put_counted_chunk(detail::chunk_type::resources, count, body);
  }
  impl_->sweep_if_due();
}

void capture_writer::finish(const capture_footer& footer) {
  impl_->check_open();
  try {
    for (auto& [index, state] : impl_->threads) {
      impl_->close_records(index, state);
    }
    byte_buffer& body = impl_->scratch;
    body.clear();
    body.append_varint(detail::zigzag(footer.end_ns));
    std::uint8_t* pos = body.reserve(16);
    pos = detail::put_le(pos, std::bit_cast<std::uint64_t>(footer.tick_hz_start), 8);
    body.commit(detail::put_le(pos, std::bit_cast<std::uint64_t>(footer.tick_hz_stop), 8));
    body.append_varint(footer.threads.size());
    for (const thread_totals& totals : footer.threads) {
      body.append_varint(totals.index);
      body.append_varint(totals.records);
      body.append_varint(totals.dropped);
    }
    impl_->put_chunk(detail::chunk_type::footer, body);
    impl_->flush_output();
  } catch (...) {
    impl_->failed = true;
    throw;
  }
  impl_->finished = true;
  const int fd = std::exchange(impl_->fd, -1);
  if (::close(fd) != 0 && errno != EINTR) {
    throw resource_error(impl_->path + ": cannot write capture file: " + system_reason(errno));
  }
}

bool capture_writer::size_limit_reached() const noexcept { return impl_->limited; }

std::uint64_t capture_writer::bytes_written() const noexcept {
  std::uint64_t total = impl_->flushed + impl_->out.size();
  for (const auto& entry : impl_->threads) {
    total += entry.second.pending.size();
  }
  return total;
}

void append_capture_ending(const std::string& path, std::uint64_t valid_bytes,
                           const program_ending& ending) {
  std::uint8_t payload[1 + detail::max_varint_bytes];
  payload[0] = static_cast<std::uint8_t>(ending.signalled ? detail::ending_kind::signalled
                                                          : detail::ending_kind::exited);
  const std::uint8_t* payload_end =
      put_varint(payload + 1, static_cast<std::uint64_t>(std::max(ending.code, 0)));
  const auto payload_bytes = static_cast<std::size_t>(payload_end - payload);
  std::uint8_t chunk[detail::chunk_header_bytes + sizeof payload];
  std::uint8_t* pos =
      detail::put_le(chunk, static_cast<std::uint8_t>(detail::chunk_type::ending), 4);
  pos = detail::put_le(pos, payload_bytes, 4);
  pos = detail::put_le(pos, detail::crc32(0, payload, payload_bytes), 4);
  pos = std::copy(payload, payload + payload_bytes, pos);

  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    throw resource_error(path + ": cannot open capture file: " + system_reason(errno));
  }
  std::size_t written = 0;
  const auto size = static_cast<std::size_t>(pos - chunk);
  bool ok = ::ftruncate(fd, static_cast<off_t>(valid_bytes)) == 0;
  while (ok && written < size) {
    const ssize_t step =
        ::pwrite(fd, chunk + written, size - written, static_cast<off_t>(valid_bytes + written));
    if (step < 0 && errno == EINTR) {
      continue;
    }
    ok = step > 0;
    written += ok ? static_cast<std::size_t>(step) : 0;
  }
  const int reason = errno;
  ::close(fd);
  if (!ok) {
    throw resource_error(path + ": cannot append the program's ending: " + system_reason(reason));
  }
}

}  // namespace metron
