// The process-wide table of namespaces and per-thread queues that loggers and the logging thread
// share.
#pragma once

#include <metron/log/config.hpp>
#include <metron/log/detail/log_queue.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace metron::detail {

/// Everything here is guarded by `mutex`. Lock order: a runtime's work lock, then this one.
struct log_registry {
  std::mutex mutex;
  /// Every namespace a logger was made for; never removed, so loggers never dangle.
  std::map<std::string, std::unique_ptr<log_namespace>, std::less<>> spaces;
  /// Every thread's queue until its thread has exited and it is drained.
  std::vector<std::shared_ptr<log_queue>> queues;
  /// Bumped whenever `queues` changes, so that the logging thread copies it only then.
  std::uint64_t queues_version = 0;
  /// Capacity of queues created from now on.
  std::size_t queue_records = 8192;
  /// The configuration in force while logging is active; thresholds are derived from it.
  std::optional<log_config> config;
};

/// The registry; created on first use and never destroyed, so that threads exiting late still
/// find it.
log_registry& logging_registry();

/// The threshold namespace `name` gets under `config`: its severity, or threshold_off when its
/// subtrace turns it off or it has nowhere to go.
std::uint8_t threshold_for(const log_config& config, const std::string& name);

/// Sets the threshold of every registered namespace from `logging_registry().config`, or turns them
/// all off when there is none. Caller holds the registry's lock.
void publish_thresholds(log_registry& state);

/// The kernel's id of the calling thread.
std::uint64_t os_thread_id() noexcept;

}  // namespace metron::detail
