// What an errno value means, for the messages of the capture's file errors.
#pragma once

#include <string>
#include <system_error>

namespace metron::detail {

/// The thread-safe spelling of strerror(): the text of the errno value `error_number`.
inline std::string system_reason(int error_number) {
  return std::generic_category().message(error_number);
}

}  // namespace metron::detail
