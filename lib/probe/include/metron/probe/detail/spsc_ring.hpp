// A bounded single-producer/single-consumer ring of trivially copyable values over caller-owned storage.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace metron::detail {

/// Lock-free SPSC ring in the style of folly's ProducerConsumerQueue, with indices that run
/// freely and wrap modulo the index type (so the wrap-around is testable with a small `Index`).
///
/// Head and tail live on separate cache lines; each side caches the other's index and re-reads
/// it only when the cached value says the ring is full (producer) or empty (consumer).
/// The storage is owned by the caller so that this header allocates nothing.
///
/// Thread contract: exactly one thread calls try_push(); exactly one (other) thread calls pop().
/// size_approx() may be called from any thread.
template <class T, class Index = std::uint64_t>
class spsc_ring {
 public:
  /// @param storage   `capacity` elements, alive as long as the ring
  /// @param capacity  a power of two no larger than half the range of `Index`
  spsc_ring(T* storage, Index capacity) noexcept
      : producer_{storage, static_cast<Index>(capacity - 1), 0},
        consumer_{storage, static_cast<Index>(capacity - 1), 0} {}

  spsc_ring(const spsc_ring&) = delete;
  spsc_ring& operator=(const spsc_ring&) = delete;

  /// Producer only. Appends `value` unless the ring is full. Wait-free.
  bool try_push(const T& value) noexcept {
    return try_push_with([&value](T& slot) { slot = value; });
  }

  /// Producer only. Unless the ring is full, lets `fill` write the next slot in place and
  /// appends it. Writing fields straight into the slot spares the hot path a copy through a
  /// temporary, whose wide reload of narrow stores would stall store forwarding. Wait-free.
  template <class Fill>
#if defined(__GNUC__)
  [[gnu::always_inline]]
#endif
  bool try_push_with(Fill&& fill) noexcept {
    const Index head = head_.load(std::memory_order_relaxed);  // only this thread writes head_
    if (static_cast<Index>(head - producer_.cached_other) > producer_.mask) {
      // Pairs with the release store of tail_ in pop(): the slots it freed are ours to reuse.
      producer_.cached_other = tail_.load(std::memory_order_acquire);
      if (static_cast<Index>(head - producer_.cached_other) > producer_.mask) {
        return false;
      }
    }
    fill(producer_.storage[head & producer_.mask]);
    // Pairs with the acquire load of head_ in pop(): the slot's contents are published with it.
    head_.store(static_cast<Index>(head + 1), std::memory_order_release);
    return true;
  }

  /// Producer only. Appends all `count` values or, when they do not all fit, none: the consumer
  /// never sees part of the group. Wait-free. `count` must not exceed the capacity.
  bool try_push_n(const T* values, std::size_t count) noexcept {
    const Index head = head_.load(std::memory_order_relaxed);  // only this thread writes head_
    const auto free_slots = [&] {
      const std::size_t used = static_cast<Index>(head - producer_.cached_other);
      return capacity() - used;
    };
    if (free_slots() < count) {
      // Pairs with the release store of tail_ in pop().
      producer_.cached_other = tail_.load(std::memory_order_acquire);
      if (free_slots() < count) {
        return false;
      }
    }
    for (std::size_t i = 0; i < count; ++i) {
      producer_.storage[static_cast<Index>(head + i) & producer_.mask] = values[i];
    }
    // Pairs with the acquire load of head_ in pop(): the group is published at once.
    head_.store(static_cast<Index>(head + count), std::memory_order_release);
    return true;
  }

  /// Consumer only. Moves up to `max` values into `out`, oldest first; returns how many.
  std::size_t pop(T* out, std::size_t max) noexcept {
    const Index tail = tail_.load(std::memory_order_relaxed);  // only this thread writes tail_
    std::size_t available = static_cast<Index>(consumer_.cached_other - tail);
    if (available < max) {
      // Pairs with the release stores of head_ in try_push() and try_push_n().
      consumer_.cached_other = head_.load(std::memory_order_acquire);
      available = static_cast<Index>(consumer_.cached_other - tail);
    }
    const std::size_t count = available < max ? available : max;
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = consumer_.storage[static_cast<Index>(tail + i) & consumer_.mask];
    }
    if (count != 0) {
      // Pairs with the acquire load of tail_ in try_push(): the slots are free once this lands.
      tail_.store(static_cast<Index>(tail + count), std::memory_order_release);
    }
    return count;
  }

  /// Consumer only. Discards everything currently in the ring; returns how many were discarded.
  std::size_t clear() noexcept {
    const Index tail = tail_.load(std::memory_order_relaxed);
    // Pairs with the release store of head_ in try_push().
    const Index head = head_.load(std::memory_order_acquire);
    consumer_.cached_other = head;
    // Pairs with the acquire load of tail_ in try_push().
    tail_.store(head, std::memory_order_release);
    return static_cast<Index>(head - tail);
  }

  /// Any thread. The number of values in the ring at some moment during the call.
  [[nodiscard]] std::size_t size_approx() const noexcept {
    // Relaxed both: the answer is a hint and either side may move while we look.
    const Index tail = tail_.load(std::memory_order_relaxed);
    const Index head = head_.load(std::memory_order_relaxed);
    return static_cast<Index>(head - tail);
  }

  /// The number of values the ring holds when full.
  [[nodiscard]] std::size_t capacity() const noexcept {
    return static_cast<std::size_t>(producer_.mask) + 1;
  }

 private:
  static constexpr std::size_t cache_line = 64;

  // Each side keeps its own copy of the storage pointer and mask next to its index, so neither
  // side reads a cache line the other writes except when its cached view runs out.
  struct side {
    T* storage;
    Index mask;
    Index cached_other;
  };

  alignas(cache_line) std::atomic<Index> head_{0};
  side producer_;
  alignas(cache_line) std::atomic<Index> tail_{0};
  side consumer_;
};

}  // namespace metron::detail
