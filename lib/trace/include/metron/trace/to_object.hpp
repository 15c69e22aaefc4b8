// The to_object and to_fields customisation points: how a traced value becomes JSON, at a chosen
// verbosity.
#pragma once

#include <metron/trace/log_object.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <forward_list>
#include <iterator>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace metron {

class field_writer;

namespace detail {

/// The built-in rendering of `T`, when metron has one. Specialised below for arithmetic types,
/// strings, durations, optional, variant, pair, tuple and the standard containers.
template <class T>
struct builtin_object {
  static constexpr bool available = false;
};

}  // namespace detail

namespace detail::adl {

// Hides metron::to_object from unqualified lookup here, so that a call finds the user's overload
// by argument-dependent lookup only.
void to_object() = delete;

template <class T>
concept has_user_to_object = requires(const T& value, verbosity level) {
  { to_object(value, level) } -> std::convertible_to<nlohmann::json>;
};

template <class T>
nlohmann::json call_user_to_object(const T& value, verbosity level) {
  return to_object(value, level);
}

// Likewise for metron's to_fields, which does not exist: the user's overload is the only one.
void to_fields() = delete;

template <class T>
concept has_user_to_fields = requires(const T& value, verbosity level, field_writer& out) {
  to_fields(value, level, out);
};

template <class T>
void call_user_to_fields(const T& value, verbosity level, field_writer& out) {
  to_fields(value, level, out);
}

}  // namespace detail::adl

/// A type `to_object` can render: one with a `to_object(const T&, metron::verbosity)` or a
/// `to_fields(const T&, metron::verbosity, metron::field_writer&)` that argument-dependent lookup
/// finds, or one metron renders itself (arithmetic types, strings,
/// `std::chrono::duration`, `std::optional`, `std::variant`, `std::pair`, `std::tuple`, the
/// standard sequence, set and map containers of loggable elements, and `nlohmann::json`).
template <class T>
concept loggable = detail::adl::has_user_to_object<std::remove_cvref_t<T>> ||
                   detail::adl::has_user_to_fields<std::remove_cvref_t<T>> ||
                   detail::builtin_object<std::remove_cvref_t<T>>::available;

namespace detail {

template <class T>
inline constexpr bool always_false = false;

// The JSON object of the fields a type's to_fields writes; defined with field_writer below.
template <class T>
nlohmann::json object_of_fields(const T& value, verbosity level);

struct to_object_fn {
  template <class T>
  nlohmann::json operator()(const T& value, verbosity level = verbosity::normal) const {
    if constexpr (adl::has_user_to_object<T>) {
      return adl::call_user_to_object(value, level);
    } else if constexpr (adl::has_user_to_fields<T>) {
      return object_of_fields(value, level);
    } else if constexpr (builtin_object<T>::available) {
      return builtin_object<T>::render(value, level);
    } else {
      static_assert(always_false<T>,
                    "metron::to_object: this type has no to_object; declare "
                    "`nlohmann::json to_object(const T&, metron::verbosity)` or "
                    "`void to_fields(const T&, metron::verbosity, metron::field_writer&)` in T's "
                    "namespace "
                    "(the note 'In instantiation of ... [with T = ...]' names T)");
      return {};
    }
  }
};

}  // namespace detail

/// Renders `value` as JSON at verbosity `level`: the user's `to_object(const T&, verbosity)`
/// found by argument-dependent lookup, else the object of the fields the user's `to_fields`
/// writes (see field_writer), else metron's built-in rendering. A type with neither does
/// not compile, and the error says so. Runs on the calling thread; costs what the rendering
/// costs (it allocates); throws what the user's overload throws.
///
/// Declare the customisation in the namespace of your type:
///
///     namespace shop {
///     struct order { std::string id; int quantity; };
///     nlohmann::json to_object(const order& o, metron::verbosity level) {
///       if (level == metron::verbosity::minimal) return {{"id", o.id}};
///       return {{"id", o.id}, {"quantity", o.quantity}};
///     }
///     }  // namespace shop
///
///     metron::to_object(std::vector<shop::order>{...}, metron::verbosity::normal);  // an array
///
/// Built-ins, at every verbosity unless noted: `bool` → boolean; `char` → a one-character string;
/// other arithmetic types → number; strings → string; durations → number of nanoseconds (an
/// integer, or a floating-point number for a floating-point representation); `std::optional` →
/// null or the value; `std::variant` → the alternative it holds; `std::pair` and `std::tuple` →
/// an array; sequences and sets → an array of their elements, or `{"size": n}` at `minimal`; maps
/// with string keys → an object, other maps → an array of `[key, value]` pairs, both
/// `{"size": n}` at `minimal`; `nlohmann::json` → itself.
inline constexpr detail::to_object_fn to_object{};

/// `to_object(value, level)` made an object, as a log record's payload must be: the rendering
/// itself when it is an object, else `{"value": rendering}`. Same cost and contract as
/// `to_object`.
template <loggable T>
nlohmann::json to_payload(const T& value, verbosity level = verbosity::normal) {
  nlohmann::json rendered = to_object(value, level);
  if (rendered.is_object()) return rendered;
  return nlohmann::json{{"value", std::move(rendered)}};
}

namespace detail {

template <class T>
inline constexpr bool is_duration = false;
template <class Rep, class Period>
inline constexpr bool is_duration<std::chrono::duration<Rep, Period>> = true;

}  // namespace detail

/// Receives the fields of a value, in order, from the value's `to_fields`. A type whose records
/// are many (a ledger's "block applied", a mempool's "transaction added") declares `to_fields`
/// instead of `to_object`: the logging thread then writes its fields straight into the line it
/// renders, with no JSON value built in between — several times cheaper per record. Everywhere
/// else (`to_object`, tracers, sinks defined in code) the fields make a JSON object.
///
///     namespace ledger {
///     struct block_applied {
///       std::uint64_t height;
///       std::string hash;
///       std::chrono::microseconds took;
///     };
///     void to_fields(const block_applied& b, metron::verbosity level,
///                    metron::field_writer& out) {
///       out.field("height", b.height);
///       out.field("hash", b.hash);
///       if (level != metron::verbosity::minimal) out.field("took", b.took);
///     }
///     }  // namespace ledger
///
/// A type should declare one of the two; when it declares both, `to_object` is used everywhere.
class field_writer {
 public:
  field_writer(const field_writer&) = delete;
  field_writer& operator=(const field_writer&) = delete;

  /// Writes the field `key` (unique within the value; a repeated key is written twice to a log
  /// line, and the later one wins in a JSON object) with `value` rendered as `to_object` renders
  /// it: numbers, booleans, strings and durations (nanoseconds) directly, any other loggable
  /// type through its `to_object`.
  template <loggable T>
  void field(std::string_view key, const T& value) {
    using type = std::remove_cvref_t<T>;
    if constexpr (std::is_same_v<type, bool>) {
      put_bool(key, value);
    } else if constexpr (std::is_same_v<type, char>) {
      put_string(key, std::string_view(&value, 1));
    } else if constexpr (std::is_integral_v<type> && std::is_signed_v<type>) {
      put_signed(key, static_cast<std::int64_t>(value));
    } else if constexpr (std::is_integral_v<type>) {
      put_unsigned(key, static_cast<std::uint64_t>(value));
    } else if constexpr (std::is_floating_point_v<type>) {
      put_real(key, static_cast<double>(value));
    } else if constexpr (std::is_convertible_v<const type&, std::string_view>) {
      put_string(key, std::string_view(value));
    } else if constexpr (detail::is_duration<type>) {
      if constexpr (std::is_floating_point_v<typename type::rep>) {
        put_real(key, std::chrono::duration<double, std::nano>(value).count());
      } else {
        put_signed(key, std::chrono::duration_cast<std::chrono::nanoseconds>(value).count());
      }
    } else {
      put_json(key, to_object(value, level_));
    }
  }

  /// The verbosity the value is being rendered at.
  [[nodiscard]] verbosity level() const noexcept { return level_; }

 protected:
  /// A writer for a value rendered at `level`.
  explicit field_writer(verbosity level) noexcept : level_(level) {}
  ~field_writer() = default;

  /// Writes a boolean field.
  virtual void put_bool(std::string_view key, bool value) = 0;
  /// Writes a signed integer field.
  virtual void put_signed(std::string_view key, std::int64_t value) = 0;
  /// Writes an unsigned integer field.
  virtual void put_unsigned(std::string_view key, std::uint64_t value) = 0;
  /// Writes a floating-point field (NaN and infinities become null).
  virtual void put_real(std::string_view key, double value) = 0;
  /// Writes a string field.
  virtual void put_string(std::string_view key, std::string_view value) = 0;
  /// Writes a field of any other JSON value.
  virtual void put_json(std::string_view key, const nlohmann::json& value) = 0;

 private:
  verbosity level_;
};

namespace detail {

// Collects fields into a JSON object, for to_object of a type that declares only to_fields.
class object_field_writer final : public field_writer {
 public:
  object_field_writer(nlohmann::json& object, verbosity level) noexcept
      : field_writer(level), object_(object) {}

 private:
  void put_bool(std::string_view key, bool value) override { object_[std::string(key)] = value; }
  void put_signed(std::string_view key, std::int64_t value) override {
    object_[std::string(key)] = value;
  }
  void put_unsigned(std::string_view key, std::uint64_t value) override {
    object_[std::string(key)] = value;
  }
  void put_real(std::string_view key, double value) override { object_[std::string(key)] = value; }
  void put_string(std::string_view key, std::string_view value) override {
    object_[std::string(key)] = std::string(value);
  }
  void put_json(std::string_view key, const nlohmann::json& value) override {
    object_[std::string(key)] = value;
  }

  nlohmann::json& object_;
};

template <class T>
nlohmann::json object_of_fields(const T& value, verbosity level) {
  nlohmann::json object(nlohmann::json::value_t::object);
  object_field_writer out(object, level);
  adl::call_user_to_fields(value, level, out);
  return object;
}

template <class T>
concept string_like = std::is_convertible_v<const T&, std::string_view>;

template <class T>
  requires std::is_arithmetic_v<T>
struct builtin_object<T> {
  static constexpr bool available = true;
  static nlohmann::json render(T value, verbosity /*level*/) {
    if constexpr (std::is_same_v<T, char>) {
      return std::string(1, value);
    } else {
      return value;
    }
  }
};

template <class T>
  requires(!std::is_arithmetic_v<T> && string_like<T>)
struct builtin_object<T> {
  static constexpr bool available = true;
  static nlohmann::json render(const T& value, verbosity /*level*/) {
    return std::string(std::string_view(value));
  }
};

template <class Rep, class Period>
struct builtin_object<std::chrono::duration<Rep, Period>> {
  static constexpr bool available = true;
  static nlohmann::json render(const std::chrono::duration<Rep, Period>& value,
                               verbosity /*level*/) {
    if constexpr (std::is_floating_point_v<Rep>) {
      return std::chrono::duration<double, std::nano>(value).count();
    } else {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(value).count();
    }
  }
};

template <>
struct builtin_object<nlohmann::json> {
  static constexpr bool available = true;
  static nlohmann::json render(const nlohmann::json& value, verbosity /*level*/) { return value; }
};

template <loggable T>
struct builtin_object<std::optional<T>> {
  static constexpr bool available = true;
  static nlohmann::json render(const std::optional<T>& value, verbosity level) {
    if (!value) return nullptr;
    return to_object(*value, level);
  }
};

template <loggable... Ts>
struct builtin_object<std::variant<Ts...>> {
  static constexpr bool available = true;
  static nlohmann::json render(const std::variant<Ts...>& value, verbosity level) {
    if (value.valueless_by_exception()) return nullptr;
    return std::visit([level](const auto& held) { return to_object(held, level); }, value);
  }
};

template <loggable First, loggable Second>
struct builtin_object<std::pair<First, Second>> {
  static constexpr bool available = true;
  static nlohmann::json render(const std::pair<First, Second>& value, verbosity level) {
    return nlohmann::json::array({to_object(value.first, level), to_object(value.second, level)});
  }
};

template <loggable... Ts>
struct builtin_object<std::tuple<Ts...>> {
  static constexpr bool available = true;
  static nlohmann::json render(const std::tuple<Ts...>& value, verbosity level) {
    nlohmann::json out = nlohmann::json::array();
    std::apply([&](const auto&... element) { (out.push_back(to_object(element, level)), ...); },
               value);
    return out;
  }
};

// Sequences and sets: an array of the elements, or only their number at `minimal`.
template <class Container>
struct sequence_object {
  static constexpr bool available = loggable<typename Container::value_type>;
  static nlohmann::json render(const Container& value, verbosity level) {
    if (level == verbosity::minimal) {
      return nlohmann::json{{"size", static_cast<std::size_t>(std::distance(value.begin(),
                                                                            value.end()))}};
    }
    nlohmann::json out = nlohmann::json::array();
    // Through value_type, so that std::vector<bool>'s proxies render as the bools they stand for.
    for (const typename Container::value_type& element : value) {
      out.push_back(to_object(element, level));
    }
    return out;
  }
};

// Maps: an object when the keys are strings, else an array of [key, value] pairs; at `minimal`,
// only their number.
template <class Map>
struct map_object {
  static constexpr bool available =
      loggable<typename Map::key_type> && loggable<typename Map::mapped_type>;
  static nlohmann::json render(const Map& value, verbosity level) {
    if (level == verbosity::minimal) return nlohmann::json{{"size", value.size()}};
    if constexpr (string_like<typename Map::key_type>) {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, mapped] : value) {
        out[std::string(std::string_view(key))] = to_object(mapped, level);
      }
      return out;
    } else {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& [key, mapped] : value) {
        out.push_back(nlohmann::json::array({to_object(key, level), to_object(mapped, level)}));
      }
      return out;
    }
  }
};

template <class T, class Allocator>
struct builtin_object<std::vector<T, Allocator>> : sequence_object<std::vector<T, Allocator>> {};
template <class T, class Allocator>
struct builtin_object<std::deque<T, Allocator>> : sequence_object<std::deque<T, Allocator>> {};
template <class T, class Allocator>
struct builtin_object<std::list<T, Allocator>> : sequence_object<std::list<T, Allocator>> {};
template <class T, class Allocator>
struct builtin_object<std::forward_list<T, Allocator>>
    : sequence_object<std::forward_list<T, Allocator>> {};
template <class T, std::size_t Size>
struct builtin_object<std::array<T, Size>> : sequence_object<std::array<T, Size>> {};
template <class T, class Compare, class Allocator>
struct builtin_object<std::set<T, Compare, Allocator>>
    : sequence_object<std::set<T, Compare, Allocator>> {};
template <class T, class Compare, class Allocator>
struct builtin_object<std::multiset<T, Compare, Allocator>>
    : sequence_object<std::multiset<T, Compare, Allocator>> {};
template <class T, class Hash, class Equal, class Allocator>
struct builtin_object<std::unordered_set<T, Hash, Equal, Allocator>>
    : sequence_object<std::unordered_set<T, Hash, Equal, Allocator>> {};
template <class T, class Hash, class Equal, class Allocator>
struct builtin_object<std::unordered_multiset<T, Hash, Equal, Allocator>>
    : sequence_object<std::unordered_multiset<T, Hash, Equal, Allocator>> {};
template <class Key, class T, class Compare, class Allocator>
struct builtin_object<std::map<Key, T, Compare, Allocator>>
    : map_object<std::map<Key, T, Compare, Allocator>> {};
template <class Key, class T, class Compare, class Allocator>
struct builtin_object<std::multimap<Key, T, Compare, Allocator>>
    : map_object<std::multimap<Key, T, Compare, Allocator>> {};
template <class Key, class T, class Hash, class Equal, class Allocator>
struct builtin_object<std::unordered_map<Key, T, Hash, Equal, Allocator>>
    : map_object<std::unordered_map<Key, T, Hash, Equal, Allocator>> {};
template <class Key, class T, class Hash, class Equal, class Allocator>
struct builtin_object<std::unordered_multimap<Key, T, Hash, Equal, Allocator>>
    : map_object<std::unordered_multimap<Key, T, Hash, Equal, Allocator>> {};

}  // namespace detail

}  // namespace metron
