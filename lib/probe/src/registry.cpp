// The process-wide table of probe sites.
#include "registry.hpp"

#include <metron/probe/detail/probe.hpp>

#include <new>

namespace metron::detail {

std::string qualified_name(std::string_view pretty_function) {
  // The name ends at the first '(' outside template arguments that does not belong to an
  // "operator()" and starts after the last space before it outside template arguments.
  int angle_depth = 0;
  std::size_t name_end = std::string_view::npos;
  for (std::size_t i = 0; i < pretty_function.size(); ++i) {
    const char c = pretty_function[i];
    if (c == '<') {
      ++angle_depth;
    } else if (c == '>' && angle_depth > 0) {
      --angle_depth;
    } else if (c == '(' && angle_depth == 0) {
      const std::string_view before = pretty_function.substr(0, i);
      if (before.ends_with("operator") && pretty_function.substr(i).starts_with("()(")) {
        ++i;
        continue;
      }
      name_end = i;
      break;
    }
  }
  if (name_end == std::string_view::npos) {
    return std::string(pretty_function);
  }
  std::size_t name_begin = 0;
  angle_depth = 0;
  for (std::size_t i = name_end; i-- > 0;) {
    const char c = pretty_function[i];
    if (c == '>') {
      ++angle_depth;
    } else if (c == '<' && angle_depth > 0) {
      --angle_depth;
    } else if (c == ' ' && angle_depth == 0) {
      name_begin = i + 1;
      break;
    }
  }
  const std::string_view name = pretty_function.substr(name_begin, name_end - name_begin);
  return name.empty() ? std::string(pretty_function) : std::string(name);
}

std::uint32_t site_registry::add(site& s) {
  const std::lock_guard lock(mutex_);
  // Relaxed: the mutex orders this with any other registration of the same site.
  if (const std::uint32_t id = s.id.load(std::memory_order_relaxed); id != 0) {
    return id;
  }
  site_info info;
  info.id = static_cast<std::uint32_t>(sites_.size() + 1);
  info.kind = s.kind;
  info.observables = s.observables;
  info.line = s.line;
  info.function = s.function != nullptr ? s.function : "";
  info.name = s.name != nullptr ? std::string(s.name) : qualified_name(info.function);
  info.file = s.file != nullptr ? s.file : "";
  sites_.push_back(std::move(info));
  // Relaxed: readers of the table take the mutex; the hot path needs only the number.
  s.id.store(sites_.back().id, std::memory_order_relaxed);
  return sites_.back().id;
}

std::vector<site_info> site_registry::since(std::size_t known) const {
  const std::lock_guard lock(mutex_);
  if (known >= sites_.size()) {
    return {};
  }
  return {sites_.begin() + static_cast<std::ptrdiff_t>(known), sites_.end()};
}

std::size_t site_registry::size() const {
  const std::lock_guard lock(mutex_);
  return sites_.size();
}

site_registry& registry() noexcept {
  // NOLINTNEXTLINE(bugprone-unhandled-exception-at-new): made once; nowhere to report a failure
  static site_registry* const table = new site_registry;
  return *table;
}

std::uint32_t register_site(site& s) noexcept {
  try {
    return registry().add(s);
  } catch (...) {
    // Out of memory: the probe records under id 0, which the collector counts as lost.
    return 0;
  }
}

}  // namespace metron::detail
