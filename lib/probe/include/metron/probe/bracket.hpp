// The probe macros: brackets, events, counters and gauges. Costs nanoseconds; includes almost nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include <metron/probe/detail/probe.hpp>

/// Observable selectors for METRON_BRACKET's optional second argument; combine them with `|`.
///
/// Each selected observable is read at the bracket's entry and exit and its difference recorded
/// next to the bracket. They cost what their system calls cost (0.1–1 µs), so select them on
/// coarse brackets only. Hardware counters need perf_event_open; where the kernel refuses it the
/// capture metadata says "unavailable" and no delta is recorded.
namespace metron::observe {
/// Thread CPU time in nanoseconds.
inline constexpr std::uint32_t cpu_time = 1U << static_cast<unsigned>(detail::observable_id::cpu_time);
/// Minor and major page faults of the thread.
inline constexpr std::uint32_t page_faults = 1U
                                             << static_cast<unsigned>(detail::observable_id::page_faults);
/// Voluntary and involuntary context switches of the thread.
inline constexpr std::uint32_t context_switches =
    1U << static_cast<unsigned>(detail::observable_id::context_switches);
/// Retired instructions (hardware counter).
inline constexpr std::uint32_t instructions =
    1U << static_cast<unsigned>(detail::observable_id::instructions);
/// CPU cycles (hardware counter).
inline constexpr std::uint32_t cycles = 1U << static_cast<unsigned>(detail::observable_id::cycles);
}  // namespace metron::observe

#define METRON_DETAIL_CONCAT_INNER(a, b) a##b
#define METRON_DETAIL_CONCAT(a, b) METRON_DETAIL_CONCAT_INNER(a, b)
#define METRON_DETAIL_UNIQUE(prefix) METRON_DETAIL_CONCAT(prefix, __LINE__)

// A constinit function-local static: no guard variable, nothing to do at run time until first use.
#define METRON_DETAIL_SITE(variable, name, kind, observables)                                    \
  static constinit ::metron::detail::site variable {                                             \
    (name), __FILE__, __PRETTY_FUNCTION__, static_cast<::std::uint32_t>(__LINE__), (kind),       \
        static_cast<::std::uint32_t>(observables)                                                \
  }

#if defined(METRON_DISABLE)

#define METRON_BRACKET(...) static_cast<void>(0)
#define METRON_BRACKET_FN(...) static_cast<void>(0)
#define METRON_EVENT(name) static_cast<void>(0)
#define METRON_COUNT(name, delta) static_cast<void>(0)
#define METRON_GAUGE(name, value) static_cast<void>(0)

#else

/// Times the enclosing scope as the probe `name` (a string literal, dotted by component).
///
/// An optional second argument selects observables from metron::observe:
/// @code
///   void ledger::apply_block(const block& b) {
///     METRON_BRACKET("ledger.apply_block");
///     ...
///   }
///   METRON_BRACKET("wallet.sync", metron::observe::cpu_time | metron::observe::page_faults);
/// @endcode
/// Cost with a session active: two clock reads and one 32-byte store (a few ns). Inactive: one
/// relaxed atomic load and a branch. Thread-safe; exceptions passing through still record.
#define METRON_BRACKET(name, ...)                                                                \
  METRON_DETAIL_SITE(METRON_DETAIL_UNIQUE(metron_site_), name, ::metron::site_kind::bracket,    \
                     0 __VA_OPT__(| (__VA_ARGS__)));                                             \
  const ::metron::detail::bracket_scope_for<false __VA_OPT__(|| true)>::type                    \
      METRON_DETAIL_UNIQUE(metron_scope_) {                                                      \
    METRON_DETAIL_UNIQUE(metron_site_)                                                           \
  }

/// Like METRON_BRACKET, named after the enclosing function ("ns::type::function").
/// Takes the same optional observable selector.
#define METRON_BRACKET_FN(...)                                                                   \
  METRON_DETAIL_SITE(METRON_DETAIL_UNIQUE(metron_site_), nullptr, ::metron::site_kind::bracket, \
                     0 __VA_OPT__(| (__VA_ARGS__)));                                             \
  const ::metron::detail::bracket_scope_for<false __VA_OPT__(|| true)>::type                    \
      METRON_DETAIL_UNIQUE(metron_scope_) {                                                      \
    METRON_DETAIL_UNIQUE(metron_site_)                                                           \
  }

/// Records a point in time, e.g. `METRON_EVENT("consensus.block_adopted")`.
#define METRON_EVENT(name)                                                                       \
  do {                                                                                           \
    METRON_DETAIL_SITE(metron_site_, name, ::metron::site_kind::event, 0);                       \
    ::metron::detail::push_point(metron_site_, ::metron::detail::current_state(), 0);            \
  } while (false)

/// Adds `delta` (an integer) to the counter `name`, e.g. `METRON_COUNT("network.bytes_in", n)`.
#define METRON_COUNT(name, delta)                                                                \
  do {                                                                                           \
    METRON_DETAIL_SITE(metron_site_, name, ::metron::site_kind::counter, 0);                     \
    if (const ::std::uint32_t metron_state_ = ::metron::detail::current_state();                 \
        metron_state_ != ::metron::detail::state_inactive) {                                     \
      ::metron::detail::push_point(metron_site_, metron_state_,                                  \
                                   static_cast<::std::uint64_t>(static_cast<::std::int64_t>(delta))); \
    }                                                                                            \
  } while (false)

/// Sets the gauge `name` to `value` (converted to double), e.g. the UTxO set size:
/// `METRON_GAUGE("ledger.utxo_size", utxo.size())`.
#define METRON_GAUGE(name, value)                                                                \
  do {                                                                                           \
    METRON_DETAIL_SITE(metron_site_, name, ::metron::site_kind::gauge, 0);                       \
    if (const ::std::uint32_t metron_state_ = ::metron::detail::current_state();                 \
        metron_state_ != ::metron::detail::state_inactive) {                                     \
      ::metron::detail::push_point(metron_site_, metron_state_,                                  \
                                   __builtin_bit_cast(::std::uint64_t, static_cast<double>(value))); \
    }                                                                                            \
  } while (false)

#endif
