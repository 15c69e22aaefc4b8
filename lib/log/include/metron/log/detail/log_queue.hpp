// The per-thread queue of typed log values and the namespace state the logging hot path reads.
#pragma once

#include <metron/trace/log_object.hpp>
#include <metron/trace/to_object.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace metron::detail {

/// `threshold` of a namespace that logs nothing: above every severity.
inline constexpr std::uint8_t threshold_off = 8;

/// A registered namespace. Lives as long as the process; loggers point at it.
struct log_namespace {
  explicit log_namespace(std::string dotted) : name(std::move(dotted)) {}
  /// The least severity that is logged, or threshold_off. Written under the registry's lock
  /// whenever the configuration changes; read relaxed by every log call (a stale value costs at
  /// most a record the logging thread filters again).
  std::atomic<std::uint8_t> threshold{threshold_off};
  /// Records lost to full queues since the logging thread last reported them.
  std::atomic<std::uint64_t> dropped{0};
  const std::string name;
};

/// What the logging thread does with a queued value of one type.
struct log_value_ops {
  nlohmann::json (*render)(const void* value, verbosity level);
  /// Writes the value's fields, for types that declare only to_fields; null for the others.
  void (*write_fields)(const void* value, verbosity level, field_writer& out);
  void (*destroy)(void* value) noexcept;
};

/// One queued log call: 128 bytes, the value inline when it fits, else on the heap.
struct alignas(64) log_slot {
  static constexpr std::size_t inline_bytes = 80;
  const log_value_ops* ops;
  log_namespace* space;
  std::int64_t timestamp_us;
  std::uint64_t thread;  ///< 0: the thread that owns the queue
  severity level;
  privacy audience;
  alignas(std::max_align_t) unsigned char value[inline_bytes];
};

/// Whether values of `T` are stored in the slot itself.
template <class T>
// NOLINTNEXTLINE(misc-redundant-expression): the bounds differ per T; the check sees one instance
inline constexpr bool stored_inline = sizeof(T) <= log_slot::inline_bytes &&
                                      alignof(T) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<T>;

/// What a log call keeps of a value of type `T`: strings that only refer to characters are kept
/// as owned copies, since the value is read later on another thread.
template <class T>
struct stored {
  using type = std::remove_cvref_t<T>;
};
template <class T>
  requires(std::is_convertible_v<const std::remove_cvref_t<T>&, std::string_view> &&
           !std::is_same_v<std::remove_cvref_t<T>, std::string>)
struct stored<T> {
  using type = std::string;
};
template <class T>
using stored_t = typename stored<T>::type;

template <class T>
T* value_in(void* storage) noexcept {
  if constexpr (stored_inline<T>) {
    return std::launder(static_cast<T*>(storage));
  } else {
    return *static_cast<T**>(storage);
  }
}

/// Whether the logging thread writes the fields of a `T` straight into its lines.
template <class T>
inline constexpr bool writes_fields = adl::has_user_to_fields<T> && !adl::has_user_to_object<T>;

/// The operations for values stored as `T`; `Render` turns a `const T&` into a payload.
template <class T, class Render>
struct log_value_ops_for {
  static nlohmann::json render(const void* storage, verbosity level) {
    return Render{}(*value_in<T>(const_cast<void*>(storage)), level);
  }
  static void write_fields(const void* storage, verbosity level, field_writer& out) {
    adl::call_user_to_fields(*value_in<T>(const_cast<void*>(storage)), level, out);
  }
  static void destroy(void* storage) noexcept {
    if constexpr (stored_inline<T>) {
      value_in<T>(storage)->~T();
    } else {
      delete value_in<T>(storage);
    }
  }
  static constexpr log_value_ops make_ops() {
    if constexpr (writes_fields<T>) {
      return {&render, &write_fields, &destroy};
    } else {
      return {&render, nullptr, &destroy};
    }
  }
  static constexpr log_value_ops ops = make_ops();
};

/// A bounded single-producer/single-consumer queue of log slots. Unlike spsc_ring it hands out
/// slots in place on both sides, since the values it holds need not be trivially copyable.
///
/// Thread contract: one thread (the owner) calls try_emplace(); one other thread at a time
/// calls consume(); `abandoned` and `os_thread` may be read by any thread.
class log_queue {
 public:
  /// @param capacity a power of two
  log_queue(std::size_t capacity, std::uint64_t owner_thread, std::uint32_t made_in)
      : slots_(new log_slot[capacity]), mask_(capacity - 1), os_thread(owner_thread),
        generation(made_in) {}

  log_queue(const log_queue&) = delete;
  log_queue& operator=(const log_queue&) = delete;

  ~log_queue() {
    consume([](log_slot& /*slot*/) {}, capacity());
  }

  /// Owner only. Lets `fill` construct the next slot and publishes it, unless the queue is full;
  /// a `fill` that throws publishes nothing. Wait-free.
  template <class Fill>
  bool try_emplace(Fill&& fill) {
    const std::size_t head = head_.load(std::memory_order_relaxed);  // only the owner writes it
    if (head - cached_tail_ > mask_) {
      // Pairs with the release store of tail_ in consume(): the freed slots are ours again.
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ > mask_) return false;
    }
    fill(slots_[head & mask_]);
    // Pairs with the acquire load of head_ in consume(): publishes the slot's contents.
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  /// Consumer only. Hands up to `max` slots, oldest first, to `visit`, then destroys their values
  /// and frees them; returns how many. `visit` must not throw.
  template <class Visit>
  std::size_t consume(Visit&& visit, std::size_t max) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);  // only the consumer writes it
    // Pairs with the release store of head_ in try_emplace().
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t count = head - tail < max ? head - tail : max;
    for (std::size_t i = 0; i < count; ++i) {
      log_slot& slot = slots_[(tail + i) & mask_];
      visit(slot);
      slot.ops->destroy(static_cast<void*>(slot.value));
    }
    if (count != 0) {
      // Pairs with the acquire load of tail_ in try_emplace(): the slots are free once it lands.
      tail_.store(tail + count, std::memory_order_release);
    }
    return count;
  }

  /// Any thread. The number of queued slots at some moment during the call.
  [[nodiscard]] std::size_t size_approx() const noexcept {
    // Relaxed both: a hint; either side may move while we look.
    return head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_relaxed);
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

 private:
  static constexpr std::size_t cache_line = 64;
  // The producer's cache line: head_, its cache of tail_, and what both sides only read. The
  // consumer's tail_ has a line of its own.
  alignas(cache_line) std::atomic<std::size_t> head_{0};
  std::unique_ptr<log_slot[]> slots_;
  std::size_t mask_;
  std::size_t cached_tail_ = 0;

 public:
  /// The kernel's id of the owner thread.
  const std::uint64_t os_thread;
  /// The queue_generation it was made in.
  const std::uint32_t generation;
  /// Set when the owner thread has exited; the queue goes once it is drained. Written and read
  /// under the registry's lock.
  bool abandoned = false;

 private:
  alignas(cache_line) std::atomic<std::size_t> tail_{0};
};

/// The calling thread's queue, created and registered on first use or when the queue size has
/// changed; null when it cannot be created (no memory). Defined in the log library.
log_queue* attach_queue() noexcept;

/// The calling thread's queue, if it has one. Initialised to null without a guard, so reading it
/// costs one thread-local load.
inline thread_local log_queue* thread_queue = nullptr;

/// Bumped when logging starts with another queue size: every thread then replaces its queue on
/// its next enabled call, and the logging thread drains and drops the old one.
inline std::atomic<std::uint32_t> queue_generation{0};

/// Microseconds since the Unix epoch, UTC.
inline std::int64_t wall_now_us() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Queues `value` for namespace `space`: copies (or moves) it into the calling thread's queue,
/// or counts it as dropped when the queue is full or the copy throws. `Render` turns the stored
/// value into a payload on the logging thread.
template <class Render, class T>
void enqueue(log_namespace& space, severity level, privacy audience, std::int64_t timestamp_us,
             std::uint64_t thread, T&& value) noexcept {
  using value_type = stored_t<T>;
  log_queue* queue = thread_queue;
  // Relaxed: a thread that sees the new generation late fills its old queue a little longer,
  // which the logging thread still drains.
  if (queue == nullptr ||
      queue->generation != queue_generation.load(std::memory_order_relaxed)) [[unlikely]] {
    queue = attach_queue();
  }
  bool queued = false;
  if (queue != nullptr) {
    try {
      queued = queue->try_emplace([&](log_slot& slot) {
        if constexpr (stored_inline<value_type>) {
          ::new (static_cast<void*>(slot.value)) value_type(std::forward<T>(value));
        } else {
          auto* boxed = new value_type(std::forward<T>(value));
          ::new (static_cast<void*>(slot.value)) value_type*(boxed);
        }
        slot.ops = &log_value_ops_for<value_type, Render>::ops;
        slot.space = &space;
        slot.timestamp_us = timestamp_us;
        slot.thread = thread;
        slot.level = level;
        slot.audience = audience;
      });
    } catch (...) {
      queued = false;  // the copy failed (no memory): counted as a drop below, like a full queue
    }
  }
  if (!queued) {
    // Relaxed: a tally the logging thread reads and resets; nothing else is published with it.
    space.dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace metron::detail
