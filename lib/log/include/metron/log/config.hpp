// The logging configuration: sinks, per-namespace routing, and its YAML form (docs/logging.md).
#pragma once

#include <metron/trace/log_object.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metron {

/// When a JSON-lines file is closed and a new one started, and how many are kept.
struct rotation_policy {
  /// Start a new file once the current one holds this many bytes; 0 for no size limit.
  std::uint64_t max_bytes = 0;
  /// Start a new file once the current one is this old; 0 for no age limit.
  std::chrono::seconds max_age{0};
  /// Keep this many files, the current one included, removing the oldest; 0 keeps them all.
  std::uint32_t keep = 0;

  friend bool operator==(const rotation_policy&, const rotation_policy&) = default;
};

/// Where a sink writes.
enum class sink_kind : std::uint8_t {
  standard_output,  ///< `stdout`
  standard_error,   ///< `stderr`
  file,             ///< a file, rotated when a rotation policy is given
};

/// How a sink writes a record.
enum class sink_format : std::uint8_t {
  text,  ///< one human-readable line, coloured by severity on a terminal
  json,  ///< one JSON object per line (specs/log-record.schema.json)
};

/// One named sink of the configuration.
struct sink_config {
  std::string name;                          ///< how namespaces refer to it
  sink_kind kind = sink_kind::standard_output;  ///< where it writes
  std::string path;                             ///< the file, for `file` sinks
  sink_format format = sink_format::text;       ///< how it writes (json by default for files)
  /// `confidential` marks a private sink, which receives confidential records as well as public
  /// ones; a `public_data` sink receives public records only.
  privacy audience = privacy::public_data;
  severity min_severity = severity::debug;      ///< least severe record it takes
  severity max_severity = severity::emergency;  ///< most severe record it takes
  /// For files: overrides the configuration's top-level rotation.
  std::optional<rotation_policy> rotation;

  friend bool operator==(const sink_config&, const sink_config&) = default;
};

/// How a namespace's records are treated beyond severity and sinks.
enum class subtrace_mode : std::uint8_t {
  neutral,       ///< as they are
  no_trace,      ///< dropped, at the cost of a filtered-out call
  drop_opening,  ///< records whose payload has `"event":"open"` (bracket openings) are dropped
  filter,        ///< only namespaces whose full name matches the pattern are logged
  set_severity,  ///< every record takes the given severity
  tee,           ///< each record is also routed as if logged in `<namespace>.<suffix>`
};

/// How a filter pattern matches a full namespace name.
enum class name_match : std::uint8_t { exact, prefix, suffix, contains };

/// A namespace's subtrace: the mode and the parameter it needs.
struct subtrace {
  subtrace_mode mode = subtrace_mode::neutral;  ///< what happens to the namespace's records
  name_match match = name_match::exact;  ///< filter: how `pattern` matches
  std::string pattern;                   ///< filter: the name or part of it
  severity level = severity::info;       ///< set_severity: the severity to set
  std::string suffix;                    ///< tee: appended to the namespace after a dot

  friend bool operator==(const subtrace&, const subtrace&) = default;
};

/// Settings of one namespace; what is not set is inherited from the nearest enclosing namespace
/// that sets it (a.b.c from a.b, then a), then from the top level.
struct namespace_config {
  std::string name;                                     ///< dotted: "ledger.apply"
  std::optional<severity> min_severity;                 ///< least severe record logged
  std::optional<std::vector<std::string>> sinks;        ///< names of the sinks it goes to
  std::optional<subtrace> sub;                          ///< its subtrace
  std::optional<std::vector<std::string>> observables;  ///< observables whose deltas are logged
  std::optional<verbosity> detail;                      ///< how much `to_object` renders

  friend bool operator==(const namespace_config&, const namespace_config&) = default;
};

/// The whole logging configuration, as docs/logging.md documents its YAML form.
struct log_config {
  severity min_severity = severity::info;  ///< for namespaces that set none
  rotation_policy rotation;                ///< for file sinks that set none
  std::vector<sink_config> sinks;          ///< every sink, by name
  std::vector<std::string> default_sinks;  ///< for namespaces that name none
  std::vector<namespace_config> namespaces;  ///< per-namespace settings, in the file's order
  /// Records each thread's queue holds before calls are dropped (rounded up to a power of two).
  std::size_t queue_records = 8192;
  /// Settings for the monitoring back ends, passed through as they are written.
  nlohmann::json options = nlohmann::json::object();
  /// The file it was read from, if any; `reload_logging()` and SIGHUP re-read it.
  std::filesystem::path source;

  friend bool operator==(const log_config&, const log_config&) = default;
};

/// What a namespace resolves to once inheritance is applied.
struct namespace_settings {
  severity min_severity = severity::info;               ///< least severe record logged
  std::vector<std::string> sinks;                       ///< names of the sinks it goes to
  subtrace sub;                                         ///< its subtrace
  std::optional<std::vector<std::string>> observables;  ///< none: every observable
  verbosity detail = verbosity::normal;                 ///< how much `to_object` renders

  friend bool operator==(const namespace_settings&, const namespace_settings&) = default;
};

/// The settings of namespace `name` under `config`, looked up a.b.c → a.b → a → top level, each
/// field separately. Any thread; costs a walk over the namespaces per dot in `name`.
[[nodiscard]] namespace_settings resolve_namespace(const log_config& config, std::string_view name);

/// Whether `name` matches `pattern` the way `how` says.
[[nodiscard]] bool matches(name_match how, std::string_view pattern, std::string_view name) noexcept;

/// Parses a configuration from YAML text; `source` names it in messages. Sink names may refer
/// to the sinks the text defines and to `code_sinks`, those the program adds itself
/// (named_sink in `<metron/log/log.hpp>`).
/// @throws input_error naming the source, line and key of the first problem: an unknown key, a
///         bad value, a sink that does not exist, malformed YAML.
[[nodiscard]] log_config parse_log_config(std::string_view yaml, const std::string& source,
                                          const std::vector<std::string>& code_sinks = {});

/// Reads and parses a configuration file; the result's `source` is `path`.
/// @throws input_error when the file cannot be read or is not a valid configuration.
[[nodiscard]] log_config load_log_config(const std::filesystem::path& path,
                                         const std::vector<std::string>& code_sinks = {});

/// A configuration or the reason there is none, for callers that do not want exceptions.
struct log_config_result {
  std::optional<log_config> config;  ///< set on success
  std::string error;                 ///< the one-line message otherwise
};

/// Like load_log_config, but reports a problem as a value. Never throws (except bad_alloc).
[[nodiscard]] log_config_result try_load_log_config(
    const std::filesystem::path& path, const std::vector<std::string>& code_sinks = {});

/// Checks that every sink name a configuration uses is defined (in `config.sinks` or among
/// `code_sinks`) and that every file sink has a path.
/// @throws input_error naming the namespace and the missing sink.
void validate_log_config(const log_config& config, const std::vector<std::string>& code_sinks = {});

/// The configuration as YAML that parse_log_config reads back to an equal configuration.
[[nodiscard]] std::string to_yaml(const log_config& config);

}  // namespace metron
