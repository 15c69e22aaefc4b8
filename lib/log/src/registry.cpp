// Namespaces, loggers and per-thread queues: registration and the thresholds the hot path reads.
#include "registry.hpp"

#include <metron/log/log.hpp>

#include <sys/syscall.h>
#include <unistd.h>

namespace metron::detail {
namespace {

// Hands a thread's queue to the logging thread when the thread exits. When logging is not
// active there is nobody to drain it, so what it holds is destroyed with it.
struct queue_owner {
  std::shared_ptr<log_queue> queue;
  queue_owner() = default;
  queue_owner(const queue_owner&) = delete;
  queue_owner& operator=(const queue_owner&) = delete;
  ~queue_owner();
};

thread_local bool thread_exiting = false;
thread_local queue_owner owner;

queue_owner::~queue_owner() {
  thread_exiting = true;
  thread_queue = nullptr;
  if (!queue) return;
  auto& state = logging_registry();
  const std::lock_guard lock(state.mutex);
  queue->abandoned = true;
  if (!state.config) {
    std::erase(state.queues, queue);
    ++state.queues_version;
  }
}

}  // namespace

log_registry& logging_registry() {
  // Never destroyed: threads may log, and exit, after static destructors have run.
  static auto* const state = new log_registry;
  return *state;
}

std::uint64_t os_thread_id() noexcept { return static_cast<std::uint64_t>(::syscall(SYS_gettid)); }

log_queue* attach_queue() noexcept {
  if (thread_exiting) return nullptr;
  try {
    auto& state = logging_registry();
    const std::lock_guard lock(state.mutex);
    // Relaxed: the generation is only ever changed under this lock.
    auto fresh = std::make_shared<log_queue>(state.queue_records, os_thread_id(),
                                             queue_generation.load(std::memory_order_relaxed));
    if (owner.queue) {
      // The old queue is drained by the logging thread and then dropped, like an exited thread's.
      owner.queue->abandoned = true;
      if (!state.config) std::erase(state.queues, owner.queue);
    }
    owner.queue = std::move(fresh);
    state.queues.push_back(owner.queue);
    ++state.queues_version;
    thread_queue = owner.queue.get();
    return thread_queue;
  } catch (...) {
    return nullptr;
  }
}

std::uint8_t threshold_for(const log_config& config, const std::string& name) {
  const auto settings = resolve_namespace(config, name);
  if (settings.sub.mode == subtrace_mode::no_trace) return threshold_off;
  if (settings.sub.mode == subtrace_mode::filter &&
      !matches(settings.sub.match, settings.sub.pattern, name)) {
    return threshold_off;
  }
  if (settings.sinks.empty() && settings.sub.mode != subtrace_mode::tee) return threshold_off;
  return static_cast<std::uint8_t>(settings.min_severity);
}

void publish_thresholds(log_registry& state) {
  for (auto& [name, space] : state.spaces) {
    const auto threshold = state.config ? threshold_for(*state.config, name) : threshold_off;
    // Relaxed: loggers may see the new threshold late; the logging thread filters again.
    space->threshold.store(threshold, std::memory_order_relaxed);
  }
}

}  // namespace metron::detail

namespace metron {

logger::logger(std::string_view name_space) {
  auto& state = detail::logging_registry();
  const std::lock_guard lock(state.mutex);
  auto found = state.spaces.find(name_space);
  if (found == state.spaces.end()) {
    auto space = std::make_unique<detail::log_namespace>(std::string(name_space));
    if (state.config) {
      // Relaxed: published to other threads by the registry's lock or by the logger's copy.
      space->threshold.store(detail::threshold_for(*state.config, space->name),
                             std::memory_order_relaxed);
    }
    found = state.spaces.emplace(space->name, std::move(space)).first;
  }
  space_ = found->second.get();
}

logger logger::child(std::string_view suffix) const {
  return logger(space_->name + "." + std::string(suffix));
}

}  // namespace metron
