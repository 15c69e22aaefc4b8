// Structured logging: per-namespace loggers, the logging thread, run-time reconfiguration.
#pragma once

#include <metron/log/config.hpp>
#include <metron/log/detail/log_queue.hpp>
#include <metron/log/sink.hpp>
#include <metron/trace/log_object.hpp>
#include <metron/trace/to_object.hpp>
#include <metron/trace/trace.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metron {

namespace detail {
// Renders a queued value with metron::to_payload on the logging thread.
struct payload_renderer {
  template <class T>
  nlohmann::json operator()(const T& value, verbosity level) const {
    return to_payload(value, level);
  }
};
}  // namespace detail

/// Logs values into one namespace. Cheap to copy (one pointer); namespaces live as long as the
/// process, so a logger never dangles.
///
///     static const metron::logger ledger_log("ledger.apply");
///     ledger_log.info(block_applied{height, hash, elapsed});
///
/// A call below the namespace's severity threshold (or in a namespace the configuration turns
/// off, or while logging is stopped) costs one relaxed atomic load and a branch. An enabled call
/// takes the time, copies the value into the calling thread's queue and returns; `to_object`
/// runs later on the logging thread. When the queue is full the record is dropped and counted,
/// and a warning record "N records dropped in <namespace>" follows within a second.
/// Any thread may call any member; the value must own its data (strings that merely refer to
/// characters are copied into a std::string).
class logger {
 public:
  /// The logger of namespace `name_space` (dotted, "ledger.apply"), registering it on first
  /// use. Costs a lock and a map lookup: keep loggers, do not make one per call.
  explicit logger(std::string_view name_space);

  /// The logger of `<this namespace>.<suffix>`.
  [[nodiscard]] logger child(std::string_view suffix) const;

  /// The dotted namespace.
  [[nodiscard]] const std::string& name() const noexcept { return space_->name; }

  /// Whether a record of severity `level` would be queued now. One relaxed load.
  [[nodiscard]] bool enabled(severity level) const noexcept {
    // Relaxed: a stale threshold lets through a record the logging thread filters again.
    return static_cast<std::uint8_t>(level) >= space_->threshold.load(std::memory_order_relaxed);
  }

  /// Queues `value` at severity `level`, for sinks of audience `audience`. Never throws, never
  /// blocks, never formats on the calling thread.
  template <loggable T>
  void log(severity level, T&& value, privacy audience = privacy::public_data) const noexcept {
    if (!enabled(level)) [[likely]] {
      return;
    }
    detail::enqueue<detail::payload_renderer>(*space_, level, audience, detail::wall_now_us(), 0,
                                              std::forward<T>(value));
  }

  /// Like log(), with the time and the thread given: for records that describe something that
  /// happened elsewhere (a probe's bracket on another thread). `thread` 0 means the caller's.
  template <loggable T>
  void log_at(severity level, std::int64_t timestamp_us, std::uint64_t thread, T&& value,
              privacy audience = privacy::public_data) const noexcept {
    if (!enabled(level)) return;
    detail::enqueue<detail::payload_renderer>(*space_, level, audience, timestamp_us, thread,
                                              std::forward<T>(value));
  }

  /// log(severity::debug, value).
  template <loggable T>
  void debug(T&& value) const noexcept {
    log(severity::debug, std::forward<T>(value));
  }
  /// log(severity::info, value).
  template <loggable T>
  void info(T&& value) const noexcept {
    log(severity::info, std::forward<T>(value));
  }
  /// log(severity::notice, value).
  template <loggable T>
  void notice(T&& value) const noexcept {
    log(severity::notice, std::forward<T>(value));
  }
  /// log(severity::warning, value).
  template <loggable T>
  void warning(T&& value) const noexcept {
    log(severity::warning, std::forward<T>(value));
  }
  /// log(severity::error, value).
  template <loggable T>
  void error(T&& value) const noexcept {
    log(severity::error, std::forward<T>(value));
  }
  /// log(severity::critical, value).
  template <loggable T>
  void critical(T&& value) const noexcept {
    log(severity::critical, std::forward<T>(value));
  }

 private:
  detail::log_namespace* space_ = nullptr;
};

/// A tracer that logs every value it consumes through `into` at severity `level`, so that the
/// combinators of `<metron/trace/trace.hpp>` compose with logging:
///
///     auto tr = metron::filter([](const order& o) { return o.quantity > 0; },
///                              metron::log_tracer<order>(metron::logger("shop.orders")));
template <loggable T>
tracer<T> log_tracer(logger into, severity level = severity::info,
                     privacy audience = privacy::public_data) {
  return make_tracer<T>(
      [into, level, audience](const T& value) { into.log(level, value, audience); });
}

/// A sink defined in code rather than in the configuration; the configuration refers to it by
/// `name` like to any other sink.
struct named_sink {
  std::string name;                         ///< how the configuration refers to it
  std::shared_ptr<log_sink> sink;           ///< the sink; shared, so the program may keep a handle
  privacy audience = privacy::public_data;  ///< confidential: a private sink
  severity min_severity = severity::debug;  ///< least severe record it takes
  severity max_severity = severity::emergency;  ///< most severe record it takes
};

/// Starts the logging thread with `config` and the sinks it defines plus `extra_sinks`. A sink
/// that cannot be opened is reported on stderr and in logging_problems(), and left out; the
/// others go on. Any thread.
/// @throws error if logging is already active; input_error if the configuration names a sink
///         that does not exist.
void start_logging(const log_config& config, std::vector<named_sink> extra_sinks = {});

/// Stops logging: turns every logger off, delivers everything queued so far, flushes and closes
/// the sinks. Calls racing with it may be left queued until the next start. Any thread; does
/// nothing when logging is not active.
void stop_logging();

/// Whether logging is active.
[[nodiscard]] bool logging_active() noexcept;

/// Replaces the configuration while logging runs; sinks whose settings did not change stay open.
/// Any thread.
/// @throws error if logging is not active; input_error if the configuration names a sink that
///         does not exist (the old configuration stays in force).
void reconfigure_logging(const log_config& config);

/// Re-reads the file the active configuration came from (its `source`) and applies it.
/// @throws input_error when it cannot be read or is not valid (the old configuration stays in
///         force); error if logging is not active or the configuration has no source.
void reload_logging();

/// From now on, SIGHUP makes the logging thread reload the configuration file. When the reload
/// fails, the old configuration stays in force and an error record in namespace `metron.log`
/// says why. Installs a signal handler; call once, from any thread.
void reload_logging_on_sighup();

/// The configuration in force (as to_yaml can export it). Any thread.
/// @throws error if logging is not active.
[[nodiscard]] log_config current_logging_config();

/// Totals since logging started.
struct logging_stats {
  std::uint64_t written = 0;       ///< records handed to at least one sink
  std::uint64_t dropped = 0;       ///< records lost to full queues
  std::uint64_t sink_dropped = 0;  ///< records a sink could not write (a full disk), per sink
};

/// Totals of the active (or last) logging run. Any thread.
[[nodiscard]] logging_stats current_logging_stats() noexcept;

/// Problems met so far: sinks that failed and were disabled, reloads that failed. Any thread.
[[nodiscard]] std::vector<std::string> logging_problems();

}  // namespace metron
