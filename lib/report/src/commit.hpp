// How the renderings name a commit.
#pragma once

#include <string>
#include <string_view>

namespace metron::report::detail {

/// The first 12 characters of a commit.
[[nodiscard]] inline std::string short_commit(std::string_view commit) {
  return std::string(commit.substr(0, 12));
}

}  // namespace metron::report::detail
