// Where log records end up: the sink interface, text and JSON-lines renderings, rotating files.
#pragma once

#include <metron/log/config.hpp>
#include <metron/trace/log_object.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace metron {

/// Records a sink dropped rather than fail, and why.
struct sink_losses {
  std::uint64_t records = 0;  ///< records dropped since the last report
  std::string reason;         ///< the first failure among them, naming the file and the cause
};

/// Receives routed log records. Every call comes from the logging thread, one at a time; a sink
/// needs no locking of its own. A sink that throws from write() or flush() is reported once (on
/// stderr and as an error record to the other sinks) and receives nothing more.
class log_sink {
 public:
  virtual ~log_sink() = default;
  /// Takes one record. May buffer it until flush().
  virtual void write(const log_object& record) = 0;
  /// Pushes buffered records out; called whenever the logging thread runs out of work and at
  /// shutdown.
  virtual void flush() = 0;

  /// Whether the sink takes records whose payload comes already rendered as JSON text, through
  /// write_rendered(). Sinks that only serialise records (the built-in stream and file sinks) say
  /// yes, and the logging thread then renders values that declare `to_fields` straight to text.
  /// The default says no: write() always receives the payload as a JSON value.
  [[nodiscard]] virtual bool takes_rendered_payload() const noexcept { return false; }

  /// Takes one record whose payload is `payload_json`, the text of a JSON object;
  /// `record.payload` is left empty. Called only when takes_rendered_payload() says yes. The
  /// default parses the text and calls write().
  virtual void write_rendered(const log_object& record, std::string_view payload_json);

  /// Records dropped since the last call instead of throwing, and why; the logging thread asks
  /// about once a second and at shutdown, counts them in logging_stats::sink_dropped and reports
  /// them. For a sink that can recover from a failure (a full disk) and so should not be
  /// disabled. The default has none.
  [[nodiscard]] virtual sink_losses take_losses() { return {}; }
};

/// Appends `record` as one line of JSON (specs/log-record.schema.json) without the newline.
void append_json_line(std::string& out, const log_object& record);

/// Like append_json_line(), with the payload given as `payload_json`, the text of a JSON object,
/// instead of `record.payload`.
void append_json_line(std::string& out, const log_object& record, std::string_view payload_json);

/// Appends `record` as one human-readable line without the newline: time, severity, namespace,
/// thread and payload; with `colour`, the severity is coloured with ANSI escapes.
void append_text_line(std::string& out, const log_object& record, bool colour);

/// Like append_text_line(), with the payload given as `payload_json`, the text of a JSON object,
/// instead of `record.payload`.
void append_text_line(std::string& out, const log_object& record, std::string_view payload_json,
                      bool colour);

/// A sink writing lines to `stream` (stdout or stderr; not closed). Colours the severity when
/// `format` is text and the stream is a terminal.
[[nodiscard]] std::unique_ptr<log_sink> make_stream_sink(std::FILE* stream, sink_format format);

/// The clock a rotating file consults for ages and names; replaceable for tests.
using wall_clock = std::function<std::chrono::system_clock::time_point()>;

/// A sink writing lines to a file. With a policy that sets no limit it writes `path` itself.
/// Otherwise it writes `stem-YYYYMMDDHHMMSS.ext` next to `path` (the time the file was started,
/// UTC; when two files would be started within one second the later takes the next free second),
/// keeps a symbolic link at `path` naming the current file, starts a new file when the current
/// one would grow beyond `max_bytes` or is `max_age` old, and removes the oldest files beyond
/// `keep`. At start it appends to the newest existing file when that is within both limits.
/// A write that fails (a full disk) never blocks and is not fatal: the lines that could not be
/// written whole are dropped (a line cut short is cut off the file again), counted and reported
/// through take_losses(), and the next lines try again.
/// @throws resource_error when the file cannot be opened, or `path` exists and is not a link
///         while rotation is on.
[[nodiscard]] std::unique_ptr<log_sink> make_file_sink(
    const std::filesystem::path& path, sink_format format, const rotation_policy& policy,
    wall_clock clock = std::chrono::system_clock::now);

}  // namespace metron
