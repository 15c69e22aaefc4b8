// Where log records end up: the sink interface, text and JSON-lines renderings, rotating files.
#pragma once

#include <metron/log_config.hpp>
#include <metron/log_object.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace metron {

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
};

/// Appends `record` as one line of JSON (specs/log-record.schema.json) without the newline.
void append_json_line(std::string& out, const log_object& record);

/// Appends `record` as one human-readable line without the newline: time, severity, namespace,
/// thread and payload; with `colour`, the severity is coloured with ANSI escapes.
void append_text_line(std::string& out, const log_object& record, bool colour);

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
/// @throws resource_error when the file cannot be opened, or `path` exists and is not a link
///         while rotation is on.
[[nodiscard]] std::unique_ptr<log_sink> make_file_sink(
    const std::filesystem::path& path, sink_format format, const rotation_policy& policy,
    wall_clock clock = std::chrono::system_clock::now);

}  // namespace metron
