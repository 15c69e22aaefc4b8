// The logging thread: drains every thread's queue, renders values, routes records to sinks.
#include "format.hpp"
#include "registry.hpp"

#include <metron/error.hpp>
#include <metron/log/log.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unordered_map>

namespace metron {
namespace {

using steady = std::chrono::steady_clock;

// Set by the SIGHUP handler, taken by the logging thread.
std::atomic<bool> reload_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the SIGHUP handler needs a lock-free flag");

extern "C" void request_reload(int /*signal*/) {
  // Relaxed: the logging thread polls it; nothing else is published with it.
  reload_requested.store(true, std::memory_order_relaxed);
}

// Totals of the current (or last) run, readable without locks.
std::atomic<std::uint64_t> total_written{0};
std::atomic<std::uint64_t> total_dropped{0};
std::atomic<std::uint64_t> total_sink_dropped{0};

// Queues made from now on hold `records`; threads with queues of another size replace them.
// Caller holds the registry's lock.
void set_queue_records(detail::log_registry& state, std::size_t records) {
  if (state.queue_records == records) return;
  state.queue_records = records;
  // Relaxed: read by log calls as a hint to re-attach; attach_queue reads it under the lock.
  detail::queue_generation.fetch_add(1, std::memory_order_relaxed);
}

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

class runtime {
 public:
  runtime(log_config config, std::vector<named_sink> extras)
      : config_(std::move(config)), extras_(std::move(extras)), host_(host_name()) {
    sinks_ = build_sinks(config_, {});
  }

  runtime(const runtime&) = delete;
  runtime& operator=(const runtime&) = delete;
  ~runtime() = default;

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    // Release: pairs with the acquire load in run(); the thread sees the request and exits.
    stopping_.store(true, std::memory_order_release);
    {
      const std::lock_guard lock(wake_mutex_);
      wake_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    const std::lock_guard work(work_mutex_);
    while (sweep() != 0) {
    }
    flush_all();
    report_drops();
    flush_all();
    // What the last flush lost is counted; there is no later flush to carry a record of it.
    take_sink_losses(false);
  }

  std::vector<std::string> extra_names() const {
    std::vector<std::string> names;
    for (const auto& extra : extras_) names.push_back(extra.name);
    return names;
  }

  void reconfigure(const log_config& next) {
    validate_log_config(next, extra_names());
    const std::lock_guard work(work_mutex_);
    flush_all();
    std::vector<std::string> failures;
    sinks_ = build_sinks(next, sinks_, &failures);
    config_ = next;
    routes_.clear();
    routes_by_space_.clear();
    {
      auto& state = detail::logging_registry();
      const std::lock_guard lock(state.mutex);
      set_queue_records(state, queue_capacity(config_));
      state.config = config_;
      detail::publish_thresholds(state);
    }
    for (const auto& failure : failures) report_problem(failure);
  }

  log_config config() {
    const std::lock_guard work(work_mutex_);
    return config_;
  }

  std::vector<std::string> problems() {
    const std::lock_guard lock(problems_mutex_);
    return problems_;
  }

  // Sink failures met while building the first sink table, reported once the thread may route.
  void report_startup_problems() {
    const std::lock_guard work(work_mutex_);
    for (const auto& failure : startup_failures_) report_problem(failure);
    startup_failures_.clear();
  }

  static std::size_t queue_capacity(const log_config& config) {
    std::size_t capacity = 2;
    while (capacity < config.queue_records) capacity *= 2;
    return capacity;
  }

 private:
  struct sink_entry {
    std::string name;
    std::optional<sink_config> settings;  // for sinks of the configuration, to reuse unchanged ones
    std::optional<rotation_policy> rotation;
    std::shared_ptr<log_sink> sink;
    privacy audience = privacy::public_data;
    severity min_severity = severity::debug;
    severity max_severity = severity::emergency;
    bool disabled = false;
    bool losing = false;  // it dropped records in the last report period
  };

  struct route {
    std::uint8_t threshold = detail::threshold_off;
    std::vector<std::size_t> sinks;
    subtrace sub;
    std::optional<std::vector<std::string>> observables;
    verbosity detail = verbosity::normal;
    // Whether a value that declares to_fields may be rendered straight to text here: every sink
    // takes rendered payloads, and no setting needs to look inside the payload.
    bool renders_text = false;
  };

  std::vector<sink_entry> build_sinks(const log_config& config, const std::vector<sink_entry>& old,
                                      std::vector<std::string>* failures = nullptr) {
    std::vector<sink_entry> table;
    for (const auto& settings : config.sinks) {
      const rotation_policy rotation = settings.rotation.value_or(config.rotation);
      const auto reusable = std::find_if(old.begin(), old.end(), [&](const sink_entry& entry) {
        return entry.settings == settings && entry.rotation == rotation && !entry.disabled;
      });
      sink_entry entry;
      entry.name = settings.name;
      entry.settings = settings;
      entry.rotation = rotation;
      entry.audience = settings.audience;
      entry.min_severity = settings.min_severity;
      entry.max_severity = settings.max_severity;
      if (reusable != old.end()) {
        entry.sink = reusable->sink;
      } else {
        try {
          switch (settings.kind) {
            case sink_kind::standard_output:
              entry.sink = make_stream_sink(stdout, settings.format);
              break;
            case sink_kind::standard_error:
              entry.sink = make_stream_sink(stderr, settings.format);
              break;
            case sink_kind::file:
              entry.sink = make_file_sink(settings.path, settings.format, rotation);
              break;
          }
        } catch (const std::exception& problem) {
          entry.disabled = true;
          auto message = "sink '" + settings.name + "' disabled: " + problem.what();
          (failures != nullptr ? *failures : startup_failures_).push_back(std::move(message));
        }
      }
      table.push_back(std::move(entry));
    }
    for (const auto& extra : extras_) {
      sink_entry entry;
      entry.name = extra.name;
      entry.sink = extra.sink;
      entry.audience = extra.audience;
      entry.min_severity = extra.min_severity;
      entry.max_severity = extra.max_severity;
      const auto previous = std::find_if(old.begin(), old.end(), [&](const sink_entry& known) {
        return known.sink == extra.sink;
      });
      entry.disabled = previous != old.end() && previous->disabled;
      table.push_back(std::move(entry));
    }
    return table;
  }

  route& route_for(const std::string& name) {
    const auto found = routes_.find(name);
    if (found != routes_.end()) return found->second;
    const auto settings = resolve_namespace(config_, name);
    route made;
    made.threshold = detail::threshold_for(config_, name);
    made.sub = settings.sub;
    made.observables = settings.observables;
    made.detail = settings.detail;
    for (const auto& sink_name : settings.sinks) {
      for (std::size_t i = 0; i < sinks_.size(); ++i) {
        if (sinks_[i].name == sink_name) made.sinks.push_back(i);
      }
    }
    made.renders_text =
        made.sub.mode != subtrace_mode::drop_opening && made.sub.mode != subtrace_mode::tee &&
        !made.observables && std::all_of(made.sinks.begin(), made.sinks.end(), [&](auto index) {
          return sinks_[index].disabled || sinks_[index].sink->takes_rendered_payload();
        });
    return routes_.emplace(name, std::move(made)).first->second;
  }

  route& route_for(const detail::log_namespace* space) {
    const auto found = routes_by_space_.find(space);
    if (found != routes_by_space_.end()) return *found->second;
    route& made = route_for(space->name);
    routes_by_space_.emplace(space, &made);
    return made;
  }

  void run() {
    auto last_flush = steady::now();
    auto last_drop_report = last_flush;
    // Acquire: pairs with the release store in stop().
    while (!stopping_.load(std::memory_order_acquire)) {
      // Relaxed: set by the signal handler; the reload reads the file, not memory it published.
      if (reload_requested.exchange(false, std::memory_order_relaxed)) reload_after_signal();
      std::size_t taken = 0;
      {
        const std::lock_guard work(work_mutex_);
        taken = sweep();
        const auto now = steady::now();
        if (taken == 0 || now - last_flush >= std::chrono::milliseconds(100)) {
          flush_all();
          last_flush = now;
        }
        if (now - last_drop_report >= std::chrono::seconds(1)) {
          report_drops();
          last_drop_report = now;
        }
      }
      if (taken == 0) {
        std::unique_lock lock(wake_mutex_);
        // Acquire: pairs with the release store in stop().
        wake_.wait_for(lock, std::chrono::milliseconds(1),
                       [this] { return stopping_.load(std::memory_order_acquire); });
      }
    }
  }

  void reload_after_signal() {
    try {
      if (config().source.empty()) {
        throw error("the configuration was not read from a file, so there is nothing to reload");
      }
      auto next = load_log_config(config().source, extra_names());
      reconfigure(next);
    } catch (const std::exception& problem) {
      const std::lock_guard work(work_mutex_);
      report_problem(std::string("reload on SIGHUP failed, the old configuration stays: ") +
                     problem.what());
    }
  }

  // Takes what every queue holds now; returns how many records it took. Caller holds work_mutex_.
  std::size_t sweep() {
    refresh_queues();
    std::size_t taken = 0;
    for (const auto& queue : queues_) {
      const auto thread = queue->os_thread;
      taken += queue->consume([&](detail::log_slot& slot) { process(slot, thread); }, batch);
    }
    return taken;
  }

  void refresh_queues() {
    auto& state = detail::logging_registry();
    const std::lock_guard lock(state.mutex);
    // A drained queue whose thread has gone is removed: nothing can be added to it any more.
    const auto removed = std::erase_if(state.queues, [](const auto& queue) {
      return queue->abandoned && queue->size_approx() == 0;
    });
    if (removed != 0) ++state.queues_version;
    if (state.queues_version != queues_version_) {
      queues_ = state.queues;
      queues_version_ = state.queues_version;
    }
  }

  void process(detail::log_slot& slot, std::uint64_t queue_thread) noexcept {
    try {
      route& path = route_for(slot.space);
      if (static_cast<std::uint8_t>(slot.level) < path.threshold) return;
      record_.timestamp_us = slot.timestamp_us;
      record_.thread = slot.thread != 0 ? slot.thread : queue_thread;
      record_.level = slot.level;
      record_.audience = slot.audience;
      record_.host = host_;
      record_.name_space = slot.space->name;
      const void* value = static_cast<const void*>(slot.value);
      if (slot.ops->write_fields != nullptr && path.renders_text) {
        payload_text_.clear();
        if (!record_.payload.empty()) record_.payload = nlohmann::json::object();
        try {
          detail::append_fields(payload_text_, *slot.ops, value, path.detail);
          write_all(record_, path, &payload_text_);
          return;
        } catch (const std::exception& problem) {
          record_.level = severity::error;
          record_.payload = {{"message", std::string("to_fields failed: ") + problem.what()}};
        }
      } else {
        try {
          record_.payload = slot.ops->render(value, path.detail);
        } catch (const std::exception& problem) {
          record_.level = severity::error;
          record_.payload = {{"message", std::string("to_object failed: ") + problem.what()}};
        }
      }
      deliver(record_, path, true);
    } catch (...) {
      // Out of memory while routing: the record is lost, and counted with the namespace's drops
      // so that the next loss report tells the reader.
      // Relaxed both: statistics; report_drops() reads the namespace's count on this thread.
      slot.space->dropped.fetch_add(1, std::memory_order_relaxed);
      total_dropped.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void deliver(log_object& record, const route& path, bool tee) {
    if (path.sub.mode == subtrace_mode::drop_opening && record.payload.is_object()) {
      const auto event = record.payload.find("event");
      if (event != record.payload.end() && *event == "open") return;
    }
    if (path.observables && record.payload.is_object()) {
      const auto observable = record.payload.find("observable");
      if (observable != record.payload.end() && observable->is_string() &&
          std::find(path.observables->begin(), path.observables->end(),
                    observable->get_ref<const std::string&>()) == path.observables->end()) {
        return;
      }
    }
    write_all(record, path, nullptr);
    if (tee && path.sub.mode == subtrace_mode::tee) {
      try {
        log_object copy = record;
        copy.name_space += "." + path.sub.suffix;
        deliver(copy, route_for(copy.name_space), false);
      } catch (...) {
        // Out of memory for the copy: the original went out; the tee is lost with the memory.
        return;
      }
    }
  }

  // Hands `record` to every sink of `path`; with `rendered`, as that payload text.
  void write_all(log_object& record, const route& path, const std::string* rendered) {
    if (path.sub.mode == subtrace_mode::set_severity) record.level = path.sub.level;
    bool written = false;
    for (const auto index : path.sinks) {
      written = write_to(index, record, rendered) || written;
    }
    if (written) {
      // Relaxed: a statistic.
      total_written.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Hands `record` to a sink when its limits let it through; with `rendered`, as that payload
  // text (record.payload is then not the payload).
  bool write_to(std::size_t index, const log_object& record, const std::string* rendered) noexcept {
    auto& entry = sinks_[index];
    if (entry.disabled) return false;
    if (record.audience == privacy::confidential && entry.audience != privacy::confidential) {
      return false;
    }
    if (record.level < entry.min_severity || record.level > entry.max_severity) return false;
    try {
      if (rendered != nullptr) {
        entry.sink->write_rendered(record, *rendered);
      } else {
        entry.sink->write(record);
      }
      return true;
    } catch (const std::exception& problem) {
      disable(index, problem.what());
      return false;
    }
  }

  void flush_all() noexcept {
    for (std::size_t i = 0; i < sinks_.size(); ++i) {
      if (sinks_[i].disabled) continue;
      try {
        sinks_[i].sink->flush();
      } catch (const std::exception& problem) {
        disable(i, problem.what());
      }
    }
  }

  void disable(std::size_t index, const std::string& why) noexcept {
    sinks_[index].disabled = true;
    report_problem("sink '" + sinks_[index].name + "' disabled: " + why);
  }

  // On stderr, in logging_problems(), and as an error record in namespace metron.log.
  void report_problem(const std::string& message) noexcept {
    std::fprintf(stderr, "metron log: %s\n", message.c_str());
    try {
      {
        const std::lock_guard lock(problems_mutex_);
        problems_.push_back(message);
      }
      emit("metron.log", severity::error, {{"message", message}});
    } catch (const std::exception&) {
      return;  // no memory to record it; it is on stderr
    }
  }

  // Routes a record the logging thread makes itself. It bypasses the namespace's threshold (a
  // reader must learn of losses and failures) but not the sinks' own limits.
  void emit(const std::string& name_space, severity level, nlohmann::json payload) {
    log_object record;
    record.timestamp_us = detail::wall_now_us();
    record.host = host_;
    record.thread = detail::os_thread_id();
    record.name_space = name_space;
    record.level = level;
    record.payload = std::move(payload);
    deliver(record, route_for(name_space), false);
  }

  // Counts the records each sink dropped since the last call. The first loss after a period
  // without is a problem (stderr, logging_problems()); with `report`, every period with losses
  // also gets a warning record in metron.log saying how many and why.
  void take_sink_losses(bool report) noexcept {
    for (std::size_t i = 0; i < sinks_.size(); ++i) {
      auto& entry = sinks_[i];
      if (entry.disabled) continue;
      sink_losses losses;
      try {
        losses = entry.sink->take_losses();
      } catch (const std::exception& problem) {
        disable(i, problem.what());
        continue;
      }
      try {
        const bool was_losing = entry.losing;
        entry.losing = losses.records != 0;
        if (losses.records == 0) continue;
        // Relaxed: a statistic.
        total_sink_dropped.fetch_add(losses.records, std::memory_order_relaxed);
        if (!was_losing) {
          report_problem("sink '" + entry.name + "' drops records: " + losses.reason);
        }
        if (report) {
          emit("metron.log", severity::warning,
               {{"message", std::to_string(losses.records) + " records dropped by sink '" +
                                entry.name + "': " + losses.reason},
                {"dropped", losses.records}});
        }
      } catch (const std::exception&) {
        continue;  // no memory to tell of it; the count stands
      }
    }
  }

  void report_drops() {
    take_sink_losses(true);
    std::vector<std::pair<std::string, std::uint64_t>> losses;
    {
      auto& state = detail::logging_registry();
      const std::lock_guard lock(state.mutex);
      for (const auto& [name, space] : state.spaces) {
        // Relaxed: a tally; its increments publish nothing.
        const auto dropped = space->dropped.exchange(0, std::memory_order_relaxed);
        if (dropped != 0) losses.emplace_back(name, dropped);
      }
    }
    for (const auto& [name, dropped] : losses) {
      // Relaxed: a statistic.
      total_dropped.fetch_add(dropped, std::memory_order_relaxed);
      emit(name, severity::warning,
           {{"message", std::to_string(dropped) + " records dropped in " + name},
            {"dropped", dropped}});
    }
  }

  static constexpr std::size_t batch = 1024;

  std::mutex work_mutex_;  // everything below but the thread and the problems
  log_config config_;
  std::vector<named_sink> extras_;
  std::vector<sink_entry> sinks_;
  std::vector<std::string> startup_failures_;
  std::unordered_map<std::string, route> routes_;
  std::unordered_map<const detail::log_namespace*, route*> routes_by_space_;
  std::vector<std::shared_ptr<detail::log_queue>> queues_;
  std::uint64_t queues_version_ = ~std::uint64_t{0};
  log_object record_;
  std::string payload_text_;  // the payload of record_ when a value's fields were rendered to text
  const std::string host_;

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;

  std::mutex problems_mutex_;
  std::vector<std::string> problems_;
};

// The active runtime. Guarded by lifecycle_mutex; never destroyed by static destructors, so a
// program that exits with logging active is stopped by the atexit handler first.
std::mutex lifecycle_mutex;
runtime* active = nullptr;
std::vector<std::string> last_problems;

runtime& require_active() {
  if (active == nullptr) throw error("logging is not active; call metron::start_logging first");
  return *active;
}

}  // namespace

void start_logging(const log_config& config, std::vector<named_sink> extra_sinks) {
  const std::lock_guard lifecycle(lifecycle_mutex);
  if (active != nullptr) throw error("logging is already active; stop it first or reconfigure it");
  std::vector<std::string> extra_names;
  extra_names.reserve(extra_sinks.size());
  for (const auto& extra : extra_sinks) extra_names.push_back(extra.name);
  validate_log_config(config, extra_names);
  static const bool stops_at_exit = std::atexit([] { stop_logging(); }) == 0;
  static_cast<void>(stops_at_exit);
  auto made = std::make_unique<runtime>(config, std::move(extra_sinks));
  // Relaxed: statistics of the run that starts now.
  total_written.store(0, std::memory_order_relaxed);
  total_dropped.store(0, std::memory_order_relaxed);
  total_sink_dropped.store(0, std::memory_order_relaxed);
  {
    auto& state = detail::logging_registry();
    const std::lock_guard lock(state.mutex);
    set_queue_records(state, runtime::queue_capacity(config));
    state.config = config;
    detail::publish_thresholds(state);
  }
  made->start();
  made->report_startup_problems();
  active = made.release();
}

void stop_logging() {
  const std::lock_guard lifecycle(lifecycle_mutex);
  if (active == nullptr) return;
  {
    auto& state = detail::logging_registry();
    const std::lock_guard lock(state.mutex);
    state.config.reset();
    detail::publish_thresholds(state);
  }
  active->stop();
  last_problems = active->problems();
  delete active;
  active = nullptr;
}

bool logging_active() noexcept {
  const std::lock_guard lifecycle(lifecycle_mutex);
  return active != nullptr;
}

void reconfigure_logging(const log_config& config) {
  const std::lock_guard lifecycle(lifecycle_mutex);
  require_active().reconfigure(config);
}

void reload_logging() {
  const std::lock_guard lifecycle(lifecycle_mutex);
  auto& current = require_active();
  const auto source = current.config().source;
  if (source.empty())
    throw error("the logging configuration was not read from a file; nothing to reload");
  current.reconfigure(load_log_config(source, current.extra_names()));
}

void reload_logging_on_sighup() {
  struct sigaction action {};
  action.sa_handler = request_reload;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGHUP, &action, nullptr) != 0) {
    throw resource_error("cannot install the SIGHUP handler");
  }
}

log_config current_logging_config() {
  const std::lock_guard lifecycle(lifecycle_mutex);
  return require_active().config();
}

logging_stats current_logging_stats() noexcept {
  // Relaxed: statistics.
  return {total_written.load(std::memory_order_relaxed),
          total_dropped.load(std::memory_order_relaxed),
          total_sink_dropped.load(std::memory_order_relaxed)};
}

std::vector<std::string> logging_problems() {
  const std::lock_guard lifecycle(lifecycle_mutex);
  return active != nullptr ? active->problems() : last_problems;
}

}  // namespace metron
