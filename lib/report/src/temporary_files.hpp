// Temporary output files removed when a termination signal ends the process.
#pragma once

#include <string>

namespace metron::report::detail {

/// Has `path` removed if SIGINT, SIGTERM, SIGHUP or SIGQUIT ends the process before
/// forget_temporary(): the first call installs, for each of those signals left at its default,
/// a handler that unlinks every registered path and then re-raises the signal with its default
/// action (so the process still ends as the signal says). Any thread; a relative path is made
/// absolute first. Returns the registration, or -1 when all 16 places are taken or the path is
/// too long (the file is then only removed on a normal failure).
int remember_temporary(const std::string& path) noexcept;

/// Ends a registration of remember_temporary(); -1 is ignored. Any thread.
void forget_temporary(int registration) noexcept;

}  // namespace metron::report::detail
