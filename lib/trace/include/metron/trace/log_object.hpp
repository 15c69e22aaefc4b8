// The structured log record every tracer, sink and reader of metron's logs shares.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace metron {

/// How serious a record is, in syslog's order: `debug` is the least, `emergency` the most.
enum class severity : std::uint8_t {
  debug,
  info,
  notice,
  warning,
  error,
  critical,
  alert,
  emergency,
};

/// Who may read a record: `confidential` records reach only sinks marked private.
enum class privacy : std::uint8_t {
  public_data,
  confidential,
};

/// How much of a value `to_object` renders: `minimal` for hot, high-volume namespaces, `maximal`
/// for debugging.
enum class verbosity : std::uint8_t {
  minimal,
  normal,
  maximal,
};

/// The lower-case name of `level`, as the log format spells it ("debug" … "emergency").
std::string_view to_string(severity level) noexcept;
/// "public" or "confidential".
std::string_view to_string(privacy level) noexcept;
/// "minimal", "normal" or "maximal".
std::string_view to_string(verbosity level) noexcept;

/// The severity spelt `name` (as `to_string` spells it), or nothing when there is none.
std::optional<severity> parse_severity(std::string_view name) noexcept;
/// The privacy spelt `name`, or nothing when there is none.
std::optional<privacy> parse_privacy(std::string_view name) noexcept;
/// The verbosity spelt `name`, or nothing when there is none.
std::optional<verbosity> parse_verbosity(std::string_view name) noexcept;

/// One structured log record. In a JSON-lines log (specs/log-record.schema.json) it is one line:
///
///     {"timestamp":"2026-11-27T23:40:00.123456Z","host":"node-1","thread":4711,
///      "namespace":"ledger.apply","severity":"info","privacy":"public","payload":{...}}
struct log_object {
  /// Microseconds since the Unix epoch, UTC.
  std::int64_t timestamp_us = 0;
  /// The host name of the machine that wrote it.
  std::string host;
  /// The operating system's id of the thread that traced it.
  std::uint64_t thread = 0;
  /// Where it comes from, dotted from the general to the particular: "ledger.apply".
  std::string name_space;
  /// How serious it is.
  severity level = severity::info;
  /// Who may read it.
  privacy audience = privacy::public_data;
  /// The traced value, as `to_object` rendered it: a JSON object.
  nlohmann::json payload = nlohmann::json::object();
};

}  // namespace metron
