// The .mtr capture format: its data model, a streaming writer and a reader that recovers truncated
// files.
#pragma once

#include <metron/capture/observation.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace metron {

/// Format version written by this library; readers accept every minor version of the same major.
inline constexpr std::uint16_t capture_format_major = 1;
/// Minor format version written by this library. 1.1 adds the size-limit and ending chunks,
/// which 1.0 readers report as an unknown chunk type after everything else was read.
inline constexpr std::uint16_t capture_format_minor = 1;

/// Writes a capture file chunk by chunk. Used from one thread (the collector); not thread-safe.
///
/// Each chunk is framed (type, length, CRC-32) and self-contained, so a file cut at any byte
/// still yields every chunk before the cut. Records are delta-encoded per chunk with varints:
/// back-to-back brackets take about 3 bytes each.
class capture_writer {
 public:
  /// Creates (truncates) `path` and writes the file header and the metadata block.
  ///
  /// With a size bound, the chunk that would take the file past `max_bytes` is not written:
  /// a size-limit chunk naming the bound takes its place, and every later write is discarded,
  /// except the footer that finish() writes (some 30 bytes and 3 to 30 per thread beyond the
  /// bound). The file so stays readable and says why it ends early.
  /// @param path the capture file to write
  /// @param metadata_json a JSON object describing the run (host, CPU, clock, command line ...)
  /// @param max_bytes the size bound in bytes; 0 for none
  /// @throws resource_error when the file cannot be created or written.
  capture_writer(const std::string& path, std::string_view metadata_json,
                 std::uint64_t max_bytes = 0);
  ~capture_writer();
  capture_writer(const capture_writer&) = delete;
  capture_writer& operator=(const capture_writer&) = delete;

  /// Appends site definitions. A site must be written before any record that names it.
  /// @throws input_error for a site id written before or a kind out of range (nothing of the
  ///         batch is written); resource_error when the file cannot be written.
  void write_sites(std::span<const site_info> sites);
  /// Announces a thread. Must precede the first records of that thread.
  /// @throws input_error for an index announced before or above 2^20 - 1, the format's limit.
  void write_thread(const thread_info& thread);
  /// Appends records of one thread, split into chunks of bounded size. A thread's records stay
  /// buffered until about 64 KiB have gathered or about 1 MiB of other output has been written,
  /// so small batches cost no extra framing; a bracket and its observable deltas always share a
  /// chunk, even when they arrive in separate calls.
  /// @throws input_error for records the format cannot represent exactly: a thread not
  ///         announced, a site not written, a delta (`tag != 0`) that does not follow a record
  ///         of the same thread with the same times, or a span (`begin_ns != end_ns`) carrying
  ///         a value. The records before the offending one are kept.
  void write_records(std::uint32_t thread_index, std::span<const record> records);
  /// Appends samples of process resources.
  void write_resources(std::span<const resource_sample> samples);
  /// Writes the buffered records and the footer, flushes and closes the file. Further writes
  /// throw error. Without finish(), the destructor writes what is buffered but no footer, and
  /// readers report the capture as not stopped normally.
  void finish(const capture_footer& footer);
  /// Bytes written so far, including what is still buffered.
  [[nodiscard]] std::uint64_t bytes_written() const noexcept;
  /// Whether the size bound was reached, so that later writes were discarded.
  [[nodiscard]] bool size_limit_reached() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// How far a read got. A complete file has `complete == true`; otherwise `problem` says why the
/// reader stopped and `valid_bytes` is the offset of the first byte it could not use.
struct read_status {
  bool complete = false;          ///< the footer was read and nothing follows it but an ending
  std::uint64_t valid_bytes = 0;  ///< bytes covered by the header and the complete chunks
  std::uint64_t file_bytes = 0;   ///< size of the file
  std::uint64_t chunks = 0;       ///< complete chunks read
  std::string problem;            ///< empty when complete, else e.g. "truncated chunk at byte 4096"
};

/// Receives what a capture holds, in file order. Every callback has a default that ignores it.
class capture_visitor {
 public:
  virtual ~capture_visitor() = default;
  /// The format version and the metadata JSON object, once, first.
  virtual void on_metadata(std::uint16_t major, std::uint16_t minor, std::string_view json);
  /// Site definitions, before the records that use them.
  virtual void on_sites(std::span<const site_info> sites);
  /// A thread, before its records.
  virtual void on_thread(const thread_info& thread);
  /// A chunk of records of one thread, in the thread's order.
  virtual void on_records(std::uint32_t thread_index, std::span<const record> records);
  /// Process resource samples.
  virtual void on_resources(std::span<const resource_sample> samples);
  /// The footer, last but for an ending, when the capture was stopped normally.
  virtual void on_footer(const capture_footer& footer);
  /// The writer's size bound in bytes, when it was reached and the writer stopped writing.
  virtual void on_size_limit(std::uint64_t max_bytes);
  /// How the program ended, when its recorder appended it: after the footer, or after the
  /// last complete chunk of a capture that has none.
  virtual void on_ending(const program_ending& ending);
  /// After each complete chunk: the bytes of the file read so far, for progress displays.
  virtual void on_progress(std::uint64_t bytes_read);
};

/// Streams a capture file through `visitor` in bounded memory.
///
/// A truncated or partly corrupt file is not an error: every complete chunk is delivered and the
/// returned status says where and why reading stopped.
/// @throws input_error when the file is missing, not a regular file (a FIFO is refused without
///         waiting on it), empty, not a capture, of an unknown major
///         version, or its metadata block is damaged; the message names the file and byte offset.
read_status read_capture(const std::string& path, capture_visitor& visitor);

/// A whole capture in memory, for tools and tests.
struct capture {
  std::uint16_t format_major = 0;            ///< format version of the file
  std::uint16_t format_minor = 0;            ///< minor format version of the file
  std::string metadata_json;                 ///< the metadata object as written
  std::vector<site_info> sites;              ///< the site table, ordered by id
  std::vector<thread_info> threads;          ///< threads ordered by index
  std::vector<std::vector<record>> records;  ///< records per thread index
  std::vector<resource_sample> resources;    ///< process resource time line
  bool has_footer = false;                   ///< whether the footer was present
  capture_footer footer;                     ///< valid when has_footer
  std::optional<std::uint64_t> size_limit;   ///< the size bound, when the writer reached it
  std::optional<program_ending> ending;      ///< how the program ended, when recorded
  read_status status;                        ///< how far reading got

  /// The site with this id, or nullptr.
  [[nodiscard]] const site_info* find_site(std::uint32_t id) const noexcept;
};

/// Reads a whole capture into memory. Same errors and recovery as read_capture().
capture load_capture(const std::string& path);

/// Appends how the program ended to the capture at `path`, which its writer has closed: first
/// cuts the file to `valid_bytes`, the end of its last complete chunk as read_capture() reports
/// it (a torn chunk after it is unreadable anyway and would hide the ending from readers), then
/// writes an ending chunk.
/// @param path the capture file
/// @param valid_bytes where the capture's complete chunks end (read_status::valid_bytes)
/// @param ending how the program ended
/// @throws resource_error when the file cannot be opened, cut or written.
void append_capture_ending(const std::string& path, std::uint64_t valid_bytes,
                           const program_ending& ending);

}  // namespace metron
