// A map from names, looked up by std::string_view without building a std::string.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace metron::detail {

/// Hashes a name as std::string_view, for heterogeneous lookup.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

/// An unordered map from names to `Value` that find() takes a std::string_view.
template <class Value>
using string_map = std::unordered_map<std::string, Value, string_hash, std::equal_to<>>;

}  // namespace metron::detail
