// The table of probe sites registered so far; ids are handed out in registration order from 1.
#pragma once

#include <metron/capture/observation.hpp>
#include <metron/probe/detail/probe.hpp>

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace metron::detail {

/// The process-wide site table. Thread-safe; registration happens once per site.
class site_registry {
 public:
  /// Registers `s` if it has no id yet; returns its id.
  std::uint32_t add(site& s);
  /// Copies the sites with ids greater than `known` (i.e. registered after the first `known`).
  [[nodiscard]] std::vector<site_info> since(std::size_t known) const;
  /// The number of registered sites.
  [[nodiscard]] std::size_t size() const;
  /// The mutex guarding the table, for fork handling.
  std::mutex& mutex() noexcept { return mutex_; }

 private:
  mutable std::mutex mutex_;
  std::vector<site_info> sites_;
};

/// The process-wide registry. Never destroyed, so probes in static destructors stay safe.
site_registry& registry() noexcept;

/// "ns::type::function" out of a __PRETTY_FUNCTION__ string; the input itself when it cannot
/// find the name.
[[nodiscard]] std::string qualified_name(std::string_view pretty_function);

}  // namespace metron::detail
