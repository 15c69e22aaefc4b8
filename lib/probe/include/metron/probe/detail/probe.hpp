// Hot-path internals of the bracket macros: sites, raw records, per-thread buffers and clocks.
#pragma once

#include <metron/capture/detail/kinds.hpp>
#include <metron/probe/detail/spsc_ring.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__GNUC__)
/// Forces inlining of the hot path, which compilers otherwise weigh against code size.
#define METRON_DETAIL_HOT [[gnu::always_inline]] inline
#else
#define METRON_DETAIL_HOT inline
#endif

namespace metron::detail {

/// A probe site: one per macro use, a function-local `static constinit`. Everything here is a
/// constant except `id`, which is given on first use; the hot path only ever reads `id`.
struct site {
  const char* name;        ///< dotted name, or nullptr to derive it from `function`
  const char* file;        ///< source file
  const char* function;    ///< signature of the enclosing function
  std::uint32_t line;      ///< source line
  site_kind kind;          ///< what it measures
  std::uint32_t observables;  ///< selector bits, `1 << observable_id`
  std::atomic<std::uint32_t> id{0};  ///< 0 until registered
};

/// What a probe pushes into its thread's ring: 32 bytes, half a cache line.
/// `value` holds an int64 counter delta, the bits of a double gauge, or an observable delta.
struct raw_record {
  std::uint64_t begin;  ///< clock ticks at entry (or the instant)
  std::uint64_t end;    ///< clock ticks at exit (== begin for points)
  std::uint32_t site;   ///< site id
  std::uint32_t tag;    ///< 0, or the observable id of a delta following its bracket record
  std::uint64_t value;  ///< payload, see above
};
static_assert(sizeof(raw_record) == 32, "a record must stay 32 bytes");

/// Collector state as the hot path sees it. Zero means no capture or monitor is active.
enum probe_state : std::uint32_t {
  state_inactive = 0,
  state_active_tsc = 1,        ///< active, ticks are TSC cycles
  state_active_monotonic = 2,  ///< active, ticks are CLOCK_MONOTONIC nanoseconds
};

/// The one word every probe reads first. Written by session start/stop only.
inline std::atomic<std::uint32_t> probe_state_word{state_inactive};

/// A thread's ring and its loss counter, created on the thread's first probe while a session is
/// active. The producer is the owning thread; the consumer is the collector.
struct thread_buffer {
  /// @param storage  `capacity` records, owned by whoever owns the buffer
  thread_buffer(raw_record* storage, std::uint64_t capacity) noexcept : ring(storage, capacity) {}
  spsc_ring<raw_record> ring;           ///< records waiting for the collector
  std::atomic<std::uint64_t> dropped{0};  ///< records lost to a full ring; producer writes
};

/// The calling thread's buffer, or nullptr before its first probe.
constinit inline thread_local thread_buffer* current_buffer = nullptr;

/// Slow path: gives the calling thread its buffer. Returns nullptr when no session is active
/// or memory is exhausted (the record is then counted as lost by the session).
thread_buffer* acquire_thread_buffer() noexcept;
/// Slow path: the ring of `buffer` has no room for `count` records; drop and count them, or wait
/// for room (block policy). The records go in together or not at all.
void push_slow(thread_buffer& buffer, const raw_record* records, std::size_t count) noexcept;
/// Slow path: registers `s` and returns its id (thread-safe; the first caller wins).
std::uint32_t register_site(site& s) noexcept;
/// CLOCK_MONOTONIC in nanoseconds (the fallback clock).
std::uint64_t monotonic_ns() noexcept;

/// Reads the clock the session chose. `state` is a non-zero probe_state.
METRON_DETAIL_HOT std::uint64_t read_ticks(std::uint32_t state) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  if (state == state_active_tsc) [[likely]] {
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    __asm__ __volatile__("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<std::uint64_t>(high) << 32) | low;
  }
#else
  static_cast<void>(state);
#endif
  return monotonic_ns();
}

/// The id of `s`, registering it on first use.
METRON_DETAIL_HOT std::uint32_t site_id(site& s) noexcept {
  // Relaxed: the site's other fields are constants, so the id carries no data with it.
  const std::uint32_t id = s.id.load(std::memory_order_relaxed);
  return id != 0 ? id : register_site(s);
}

/// Pushes the record {begin, end, site, 0, value} into the calling thread's ring.
METRON_DETAIL_HOT void push(std::uint64_t begin, std::uint64_t end, std::uint32_t site,
                            std::uint64_t value) noexcept {
  thread_buffer* buffer = current_buffer;
  if (buffer == nullptr) [[unlikely]] {
    buffer = acquire_thread_buffer();
    if (buffer == nullptr) {
      return;
    }
  }
  const bool pushed = buffer->ring.try_push_with([&](raw_record& slot) {
    slot.begin = begin;
    slot.end = end;
    slot.site = site;
    slot.tag = 0;
    slot.value = value;
  });
  if (!pushed) [[unlikely]] {
    const raw_record record{begin, end, site, 0, value};
    push_slow(*buffer, &record, 1);
  }
}

/// The state word, read with relaxed order: a probe needs no ordering with session start.
METRON_DETAIL_HOT std::uint32_t current_state() noexcept {
  return probe_state_word.load(std::memory_order_relaxed);
}

/// RAII scope of METRON_BRACKET without extra observables: two clock reads and one push.
class bracket_scope {
 public:
  METRON_DETAIL_HOT explicit bracket_scope(site& s) noexcept : site_(s) {
    const std::uint32_t state = current_state();
    begin_ = state != state_inactive ? read_ticks(state) : 0;
  }
  METRON_DETAIL_HOT ~bracket_scope() {
    if (begin_ != 0) {
      const std::uint32_t state = current_state();
      if (state != state_inactive) [[likely]] {
        const std::uint64_t end = read_ticks(state);
        push(begin_, end, site_id(site_), 0);
      }
    }
  }
  bracket_scope(const bracket_scope&) = delete;
  bracket_scope& operator=(const bracket_scope&) = delete;

 private:
  site& site_;
  std::uint64_t begin_;
};

/// Values of the selected observables, read at entry and exit of an observed bracket.
struct observable_values {
  std::uint64_t value[observable_id_end];  ///< indexed by observable_id; unselected ones unused
};

/// Reads the observables selected by `mask` for the calling thread.
void read_observables(std::uint32_t mask, observable_values& out) noexcept;
/// Pushes the bracket record and one delta record per selected, available observable.
void push_observed(site& s, std::uint64_t begin, std::uint64_t end,
                   const observable_values& at_entry) noexcept;

/// RAII scope of METRON_BRACKET with an observable selector: costs what the system calls cost.
class observed_bracket_scope {
 public:
  explicit observed_bracket_scope(site& s) noexcept : site_(s) {
    const std::uint32_t state = current_state();
    begin_ = 0;
    if (state != state_inactive) {
      read_observables(s.observables, at_entry_);
      begin_ = read_ticks(state);
    }
  }
  ~observed_bracket_scope() {
    if (begin_ != 0) {
      const std::uint32_t state = current_state();
      if (state != state_inactive) [[likely]] {
        push_observed(site_, begin_, read_ticks(state), at_entry_);
      }
    }
  }
  observed_bracket_scope(const observed_bracket_scope&) = delete;
  observed_bracket_scope& operator=(const observed_bracket_scope&) = delete;

 private:
  site& site_;
  std::uint64_t begin_;
  observable_values at_entry_;
};

/// The scope type for a bracket with (`true`) or without (`false`) an observable selector.
template <bool Observed>
struct bracket_scope_for {
  using type = bracket_scope;  ///< timing only
};
/// Specialisation for brackets that select observables.
template <>
struct bracket_scope_for<true> {
  using type = observed_bracket_scope;  ///< timing and observables
};

/// Records a point observation of `s` carrying `value` bits if `state` (as read by the caller)
/// says a session is active.
METRON_DETAIL_HOT void push_point(site& s, std::uint32_t state, std::uint64_t value) noexcept {
  if (state != state_inactive) {
    const std::uint64_t now = read_ticks(state);
    push(now, now, site_id(s), value);
  }
}

}  // namespace metron::detail
