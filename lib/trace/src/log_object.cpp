// The names of severities, privacy levels and verbosities, both ways.
#include <metron/trace/log_object.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace metron {
namespace {

constexpr std::array<std::string_view, 8> severity_names = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
constexpr std::array<std::string_view, 2> privacy_names = {"public", "confidential"};
constexpr std::array<std::string_view, 3> verbosity_names = {"minimal", "normal", "maximal"};

// An out-of-range value (cast from a bad integer) gets a name rather than an out-of-bounds read.
template <class Enum, std::size_t Count>
std::string_view name_of(const std::array<std::string_view, Count>& names, Enum value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < Count ? names[index] : std::string_view("unknown");
}

template <class Enum, std::size_t Count>
std::optional<Enum> parse_name(const std::array<std::string_view, Count>& names,
                               std::string_view name) noexcept {
  for (std::size_t index = 0; index < Count; ++index) {
    if (names[index] == name) return static_cast<Enum>(index);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(severity level) noexcept {
  return name_of(severity_names, level);
}

std::string_view to_string(privacy level) noexcept {
  return name_of(privacy_names, level);
}

std::string_view to_string(verbosity level) noexcept {
  return name_of(verbosity_names, level);
}

std::optional<severity> parse_severity(std::string_view name) noexcept {
  return parse_name<severity>(severity_names, name);
}

std::optional<privacy> parse_privacy(std::string_view name) noexcept {
  return parse_name<privacy>(privacy_names, name);
}

std::optional<verbosity> parse_verbosity(std::string_view name) noexcept {
  return parse_name<verbosity>(verbosity_names, name);
}

}  // namespace metron
