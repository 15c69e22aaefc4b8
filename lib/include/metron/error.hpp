// The root of metron's exception hierarchy, thrown at library and tool boundaries only.
#pragma once

#include <stdexcept>
#include <string>

namespace metron {

/// Base of every exception metron throws. Never thrown on the hot path: probes are `noexcept`
/// and count their trouble instead.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input: a malformed, truncated or foreign file, or a bad argument. The message names the
/// file and the place (byte offset, line, key) and says what to do; tools map it to exit code 2.
class input_error : public error {
 public:
  using error::error;
};

/// A resource that could not be used: a file that cannot be created or written, a thread that
/// cannot be started. The message names the resource and the system's reason.
class resource_error : public error {
 public:
  using error::error;
};

}  // namespace metron
