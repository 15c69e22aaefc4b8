// The trace point API: tracers, which consume what a program traces, and their combinators.
#pragma once

#include <metron/trace/to_object.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace metron {

namespace detail {

// What a tracer holds: an immutable node shared by every copy. `consume` is const because copies
// on many threads call it at once; a node with state synchronises it itself.
template <class T>
class trace_node {
 public:
  trace_node() = default;
  trace_node(const trace_node&) = delete;
  trace_node& operator=(const trace_node&) = delete;
  trace_node(trace_node&&) = delete;
  trace_node& operator=(trace_node&&) = delete;
  virtual ~trace_node() = default;
  virtual void consume(const T& value) const = 0;
};

template <class T, class Consumer>
class callable_node final : public trace_node<T> {
 public:
  template <class... Args>
  explicit callable_node(std::in_place_t /*tag*/, Args&&... args)
      : consumer_(std::forward<Args>(args)...) {}
  void consume(const T& value) const override { std::invoke(consumer_, value); }

 private:
  Consumer consumer_;
};

}  // namespace detail

/// A value that consumes `T`s: where a program sends what it traces. Copying one copies a shared
/// pointer (one atomic increment); every copy feeds the same consumer.
///
/// A default-constructed tracer is the null tracer: tracing through it is one branch and does
/// nothing. Copies may be made and traced through on any number of threads at once; whether the
/// consumer behind them may be called concurrently is the consumer's contract (every combinator
/// here is safe when its downstream is). Assigning to one tracer object while another thread
/// reads that same object is a data race, as for any value.
///
///     metron::tracer<int> tr = metron::stdout_tracer<int>();
///     tr(42);                                   // prints 42
///     metron::trace_with(tr, [] { return 7; });  // prints 7; not called at all if tr is null
template <class T>
class tracer {
 public:
  /// The type this tracer consumes.
  using value_type = T;

  /// The null tracer.
  tracer() noexcept = default;

  /// A tracer feeding `node`; the null tracer when `node` is empty. `make_tracer` is the usual way
  /// to build one.
  explicit tracer(std::shared_ptr<const detail::trace_node<T>> node) noexcept
      : node_(std::move(node)) {}

  /// True for the null tracer, which ignores everything traced through it.
  [[nodiscard]] bool is_null() const noexcept { return node_ == nullptr; }

  /// Hands `value` to the consumer, on the calling thread; does nothing for the null tracer.
  /// Throws what the consumer throws.
  void operator()(const T& value) const {
    if (node_ != nullptr) node_->consume(value);
  }

 private:
  std::shared_ptr<const detail::trace_node<T>> node_;
};

/// A tracer that calls `consumer(value)` for each value traced. The consumer is stored once and
/// shared by every copy of the tracer, and is called through a const reference, from whichever
/// thread traces: make it safe to call concurrently if more than one thread will. Costs one
/// allocation; throws `std::bad_alloc`.
///
///     auto queue = std::make_shared<my_queue>();
///     auto tr = metron::make_tracer<event>([queue](const event& e) { queue->push(e); });
template <class T, class Consumer>
  requires std::invocable<const std::decay_t<Consumer>&, const T&>
tracer<T> make_tracer(Consumer&& consumer) {
  using node = detail::callable_node<T, std::decay_t<Consumer>>;
  return tracer<T>(std::make_shared<const node>(std::in_place, std::forward<Consumer>(consumer)));
}

/// The tracer that does nothing: tracing through it costs one branch, and `trace_with` never
/// evaluates a lazily given value for it. Combinators absorb it: `contramap`, `filter`,
/// `counting`, `folding`, `eliding` and `with_time_and_thread` over it give it back, and `fanout`
/// leaves it out.
///
///     metron::tracer<std::string> quiet = metron::null_tracer<std::string>();
///     metron::trace_with(quiet, [] { return expensive_report(); });  // never calls it
template <class T>
tracer<T> null_tracer() noexcept {
  return tracer<T>();
}

namespace detail {

// A callable of no arguments that yields something a tracer<T> accepts, and is not itself a T.
template <class Maker, class T>
concept lazy_value_of = std::invocable<Maker&> && !std::is_convertible_v<Maker, const T&> &&
                        std::is_convertible_v<std::invoke_result_t<Maker&>, const T&>;

}  // namespace detail

/// Traces a value through `tr`: either the value itself, or a callable of no arguments producing
/// it. The callable is called only when `tr` is not the null tracer, so an expensive value costs
/// nothing when nobody listens. Runs on the calling thread; throws what the consumer or the
/// callable throws.
///
///     metron::trace_with(tr, order);                              // a value
///     metron::trace_with(tr, [&] { return summarise(book); });   // computed only if tr listens
template <class T, class ValueOrMaker>
void trace_with(const tracer<T>& tr, ValueOrMaker&& value_or_maker) {
  if (tr.is_null()) return;
  if constexpr (detail::lazy_value_of<std::remove_reference_t<ValueOrMaker>, T>) {
    tr(std::invoke(value_or_maker));
  } else {
    static_assert(std::is_convertible_v<ValueOrMaker, const T&>,
                  "metron::trace_with: the argument is neither a value the tracer accepts nor a "
                  "callable of no arguments returning one");
    tr(std::forward<ValueOrMaker>(value_or_maker));
  }
}

/// A tracer writing one line per value to standard output: `to_object(value, level)` as compact
/// JSON (invalid UTF-8 replaced). Each line is written whole with one `fwrite`, so lines from
/// different threads do not interleave; output is buffered as stdout is. Does not compile for a
/// `T` without `to_object`.
///
///     auto tr = metron::stdout_tracer<std::vector<int>>();
///     tr({1, 2, 3});  // prints [1,2,3]
template <class T>
tracer<T> stdout_tracer(verbosity level = verbosity::normal);

namespace detail {

// The argument types of a callable with one non-template call operator, or of a function.
template <class F>
struct callable_arguments {
  static constexpr bool known = false;
};
template <class R, class... Args>
struct callable_arguments<R(Args...)> {
  static constexpr bool known = true;
  using types = std::tuple<std::remove_cvref_t<Args>...>;
};
template <class R, class... Args>
struct callable_arguments<R(Args...) noexcept> : callable_arguments<R(Args...)> {};
template <class R, class... Args>
struct callable_arguments<R (*)(Args...)> : callable_arguments<R(Args...)> {};
template <class R, class... Args>
struct callable_arguments<R (*)(Args...) noexcept> : callable_arguments<R(Args...)> {};
template <class C, class R, class... Args>
struct callable_arguments<R (C::*)(Args...)> : callable_arguments<R(Args...)> {};
template <class C, class R, class... Args>
struct callable_arguments<R (C::*)(Args...) const> : callable_arguments<R(Args...)> {};
template <class C, class R, class... Args>
struct callable_arguments<R (C::*)(Args...) noexcept> : callable_arguments<R(Args...)> {};
template <class C, class R, class... Args>
struct callable_arguments<R (C::*)(Args...) const noexcept> : callable_arguments<R(Args...)> {};
template <class F>
  requires requires { &F::operator(); }
struct callable_arguments<F> : callable_arguments<decltype(&F::operator())> {};

// The type a combinator consumes: `Given` when the caller names it, else argument `Index` of
// `F` when F has a single call signature of `Arity` arguments.
template <class Given, class F, std::size_t Index, std::size_t Arity>
struct consumed_type {
  using type = Given;
};
template <class F>
constexpr std::size_t arity_of() {
  if constexpr (callable_arguments<F>::known) {
    return std::tuple_size_v<typename callable_arguments<F>::types>;
  } else {
    return 0;
  }
}

template <class F, std::size_t Index, std::size_t Arity>
struct consumed_type<void, F, Index, Arity> {
  static_assert(callable_arguments<F>::known,
                "metron: cannot tell what type this callable takes (is it a generic lambda or an "
                "overload set?); name the traced type explicitly, as in contramap<order>(f, tr) "
                "or folding<order>(f, init, tr)");
  static_assert(!callable_arguments<F>::known || arity_of<F>() == Arity,
                "metron: the callable takes the wrong number of arguments: contramap's f takes "
                "the traced value, folding's step the accumulator and the traced value");
  using type = std::tuple_element_t<Index, typename callable_arguments<F>::types>;
};

template <class Given, class F, std::size_t Index, std::size_t Arity>
using consumed_type_t = typename consumed_type<Given, F, Index, Arity>::type;

}  // namespace detail

/// A tracer of `U` that feeds `f(u)` to `downstream`: adapts a tracer to a type it does not
/// consume. `U` is deduced from `f`'s parameter, or named: `contramap<U>(f, tr)` (needed for a
/// generic lambda). `f` is called through a const reference on the tracing thread. Gives the null
/// tracer back when `downstream` is null. Laws: `contramap(identity, tr)` traces as `tr` does;
/// `contramap(f, contramap(g, tr))` traces as `contramap(g ∘ f, tr)`.
///
///     metron::tracer<std::string> names = metron::stdout_tracer<std::string>();
///     auto orders = metron::contramap([](const order& o) { return o.id; }, names);
template <class U = void, class F, class T>
tracer<detail::consumed_type_t<U, F, 0, 1>> contramap(F f, tracer<T> downstream) {
  using source = detail::consumed_type_t<U, F, 0, 1>;
  static_assert(std::is_convertible_v<std::invoke_result_t<const F&, const source&>, const T&>,
                "metron::contramap: f must turn the new tracer's type into the downstream's");
  if (downstream.is_null()) return {};
  return make_tracer<source>(
      [function = std::move(f), next = std::move(downstream)](const source& value) {
        next(std::invoke(function, value));
      });
}

/// A tracer passing to `downstream` only the values for which `predicate(value)` is true.
/// `predicate` is called through a const reference on the tracing thread. Gives the null tracer
/// back when `downstream` is null.
///
///     auto failures = metron::filter([](const reply& r) { return r.status != 200; }, replies);
template <class Predicate, class T>
  requires std::predicate<const Predicate&, const T&>
tracer<T> filter(Predicate predicate, tracer<T> downstream) {
  if (downstream.is_null()) return {};
  return make_tracer<T>(
      [keep = std::move(predicate), next = std::move(downstream)](const T& value) {
        if (std::invoke(keep, value)) next(value);
      });
}

/// A tracer passing each value to every tracer given, in the order given, on the tracing thread.
/// Null tracers are left out: `fanout(null, b)` is `b`, and with no tracer left it is null.
///
///     auto both = metron::fanout(metron::stdout_tracer<int>(), metrics);
template <class T, class... More>
  requires(std::same_as<More, tracer<T>> && ...)
tracer<T> fanout(tracer<T> first, More... more) {
  std::vector<tracer<T>> targets;
  targets.reserve(1 + sizeof...(More));
  for (tracer<T>& target : {std::ref(first), std::ref(more)...}) {
    if (!target.is_null()) targets.push_back(std::move(target));
  }
  if (targets.empty()) return {};
  if (targets.size() == 1) return targets.front();
  return make_tracer<T>([all = std::move(targets)](const T& value) {
    for (const tracer<T>& target : all) target(value);
  });
}

namespace detail {

class counter {
 public:
  explicit counter(tracer<std::uint64_t> counts) : counts_(std::move(counts)) {}
  template <class T>
  void operator()(const T& /*value*/) const {
    // Relaxed: the count publishes no other memory; fetch_add alone makes each count unique.
    counts_(count_.fetch_add(1, std::memory_order_relaxed) + 1);
  }

 private:
  mutable std::atomic<std::uint64_t> count_{0};
  tracer<std::uint64_t> counts_;
};

}  // namespace detail

/// A tracer of `T` that traces, for each value, how many values it has consumed so far (1, 2, …)
/// into `counts`. Thread-safe: an atomic counter gives every value its own number; from several
/// threads the numbers may reach `counts` out of order. Gives the null tracer back when `counts`
/// is null.
///
///     auto requests = metron::counting<request>(metron::stdout_tracer<std::uint64_t>());
///     requests(r1);  // prints 1
///     requests(r2);  // prints 2
template <class T>
tracer<T> counting(tracer<std::uint64_t> counts) {
  if (counts.is_null()) return {};
  using node = detail::callable_node<T, detail::counter>;
  return tracer<T>(std::make_shared<const node>(std::in_place, std::move(counts)));
}

namespace detail {

template <class T, class Step, class Accumulator>
class folder {
 public:
  folder(Step step, Accumulator initial, tracer<Accumulator> results)
      : step_(std::move(step)), accumulator_(std::move(initial)), results_(std::move(results)) {}
  void operator()(const T& value) const {
    // The downstream is fed under the lock, so that it sees the accumulator's values in order.
    const std::lock_guard<std::mutex> lock(mutex_);
    accumulator_ = std::invoke(step_, std::move(accumulator_), value);
    results_(accumulator_);
  }

 private:
  Step step_;
  mutable std::mutex mutex_;
  mutable Accumulator accumulator_;
  tracer<Accumulator> results_;
};

}  // namespace detail

/// A tracer of `T` that folds each value into an accumulator, `acc = step(acc, value)` starting
/// from `initial`, and traces each new accumulator into `results`. `T` is deduced from `step`'s
/// second parameter, or named: `folding<T>(step, initial, results)`. Thread-safe: a mutex
/// serialises the steps, and `results` is called under it, so it sees the accumulators in order
/// (so `results` must not trace back into this tracer). Gives the null tracer back when
/// `results` is null.
///
///     auto total = metron::folding([](long sum, const payment& p) { return sum + p.cents; }, 0L,
///                                  metron::stdout_tracer<long>());
///     total(payment{250});  // prints 250
///     total(payment{100});  // prints 350
template <class T = void, class Step, class Accumulator>
tracer<detail::consumed_type_t<T, Step, 1, 2>> folding(Step step,
                                                      std::type_identity_t<Accumulator> initial,
                                                      tracer<Accumulator> results) {
  using source = detail::consumed_type_t<T, Step, 1, 2>;
  static_assert(
      std::is_convertible_v<std::invoke_result_t<const Step&, Accumulator, const source&>,
                            Accumulator>,
      "metron::folding: step(accumulator, value) must return the accumulator's type");
  if (results.is_null()) return {};
  using node = detail::callable_node<source, detail::folder<source, Step, Accumulator>>;
  return tracer<source>(std::make_shared<const node>(std::in_place, std::move(step),
                                                     std::move(initial), std::move(results)));
}

/// The notice `eliding` sends in place of values it held back: "`count` elided".
struct elision {
  /// How many equivalent values were not passed on.
  std::uint64_t count = 0;
  friend bool operator==(const elision&, const elision&) = default;
};

/// What `eliding` passes on: a traced value, or a notice that some were held back.
template <class T>
using elided = std::variant<T, elision>;

namespace detail {

template <class T, class Equivalent>
class elider {
 public:
  elider(Equivalent is_equivalent, tracer<elided<T>> downstream)
      : is_equivalent_(std::move(is_equivalent)), downstream_(std::move(downstream)) {}
  elider(const elider&) = delete;
  elider& operator=(const elider&) = delete;
  elider(elider&&) = delete;
  elider& operator=(elider&&) = delete;

  // The last copy of the tracer is gone: the run still open ends here.
  ~elider() {
    try {
      end_run();
    } catch (...) {  // NOLINT(bugprone-empty-catch)
      // A destructor must not throw, and the downstream's own failure has nowhere else to go.
    }
  }

  void operator()(const T& value) const {
    // Under one lock, so that runs are judged, and passed on, in one order.
    const std::lock_guard<std::mutex> lock(mutex_);
    if (previous_ && std::invoke(is_equivalent_, *previous_, value)) {
      ++held_;
      previous_ = value;
      return;
    }
    end_run();
    downstream_(elided<T>(std::in_place_index<0>, value));
    previous_ = value;
  }

 private:
  // Passes on what a run held back: the notice when more than its last value was held, then the
  // last value.
  void end_run() const {
    if (held_ == 0) return;
    if (held_ > 1) downstream_(elided<T>(elision{held_ - 1}));
    downstream_(elided<T>(std::in_place_index<0>, *previous_));
    held_ = 0;
  }

  Equivalent is_equivalent_;
  tracer<elided<T>> downstream_;
  mutable std::mutex mutex_;
  mutable std::optional<T> previous_;
  mutable std::uint64_t held_ = 0;
};

}  // namespace detail

/// A tracer that thins out runs of equivalent values: of each run of values where
/// `is_equivalent(previous, next)` holds, it passes on the first at once, and when the run ends
/// (a value not equivalent to the one before it arrives, or the last copy of the tracer is
/// destroyed) an `elision` notice for the values in between (when there are any) and the last
/// value of the run. Thread-safe: a mutex orders the values and `downstream` is called under it
/// (so it must not trace back into this tracer). Keeps a copy of the previous value. Gives the
/// null tracer back when `downstream` is null.
///
///     auto tr = metron::eliding([](int a, int b) { return a == b; },
///                               metron::stdout_tracer<metron::elided<int>>());
///     for (int v : {1, 2, 2, 2, 2, 3}) tr(v);  // prints 1, 2, {"elided":2}, 2, 3
template <class Equivalent, class T>
  requires std::predicate<const Equivalent&, const T&, const T&>
tracer<T> eliding(Equivalent is_equivalent, tracer<elided<T>> downstream) {
  if (downstream.is_null()) return {};
  using node = detail::callable_node<T, detail::elider<T, Equivalent>>;
  return tracer<T>(
      std::make_shared<const node>(std::in_place, std::move(is_equivalent), std::move(downstream)));
}

/// A traced value with the time it was traced and the thread that traced it.
template <class T>
struct stamped {
  /// Microseconds since the Unix epoch, UTC, as `log_object::timestamp_us`.
  std::int64_t timestamp_us = 0;
  /// The operating system's id of the tracing thread, as `log_object::thread`.
  std::uint64_t thread = 0;
  /// The value traced.
  T value{};
};

/// Microseconds since the Unix epoch, UTC, from the system clock. Any thread; a vDSO clock read.
std::int64_t utc_now_us() noexcept;

/// The operating system's id of the calling thread (what `gettid` returns, as tools such as `top`
/// show it). Any thread; after the first call on a thread, a thread-local read.
std::uint64_t current_thread_id() noexcept;

/// `timestamp_us` in ISO 8601 with microseconds, UTC: "2026-11-27T23:40:00.123456Z".
/// Throws `std::bad_alloc` only.
std::string format_utc_timestamp(std::int64_t timestamp_us);

/// A tracer of `T` that passes each value to `downstream` with the UTC time and the id of the
/// thread that traced it (`stamped<T>`). Copies the value. Gives the null tracer back when
/// `downstream` is null.
///
///     auto tr = metron::with_time_and_thread(metron::stdout_tracer<metron::stamped<int>>());
///     tr(7);  // prints {"thread":4711,"timestamp":"2026-11-27T23:40:00.123456Z","value":7}
template <class T>
tracer<T> with_time_and_thread(tracer<stamped<T>> downstream) {
  if (downstream.is_null()) return {};
  return make_tracer<T>([next = std::move(downstream)](const T& value) {
    next(stamped<T>{utc_now_us(), current_thread_id(), value});
  });
}

namespace detail {

// Writes `line` and a newline to stdout with one fwrite.
void write_stdout_line(const nlohmann::json& line);

template <>
struct builtin_object<elision> {
  static constexpr bool available = true;
  static nlohmann::json render(const elision& value, verbosity /*level*/) {
    return nlohmann::json{{"elided", value.count}};
  }
};

template <loggable T>
struct builtin_object<stamped<T>> {
  static constexpr bool available = true;
  static nlohmann::json render(const stamped<T>& value, verbosity level) {
    return nlohmann::json{{"timestamp", format_utc_timestamp(value.timestamp_us)},
                          {"thread", value.thread},
                          {"value", to_object(value.value, level)}};
  }
};

}  // namespace detail

template <class T>
tracer<T> stdout_tracer(verbosity level) {
  return make_tracer<T>(
      [level](const T& value) { detail::write_stdout_line(to_object(value, level)); });
}

}  // namespace metron
