// A small capture with fixed content for the golden-file tests of `metron info`.
#pragma once

#include <string>

namespace metron::test {

/// Writes the fixture capture to `path`: fixed metadata (no real host or time), two threads, one
/// site of each kind plus a bracket that never ran, an observable delta, resource samples and a
/// footer that reports three dropped records. The same bytes every time.
void write_fixture_capture(const std::string& path);

/// Writes to `path` a capture whose site, file, function and thread names hold bytes that are not
/// UTF-8 (a lone 0xFF, a truncated sequence), as a program can produce: a bracket site
/// "ledger.\xFF\xFEapply" that ran three times on thread "net-\xE2\x82", and a counter.
void write_non_utf8_capture(const std::string& path);

}  // namespace metron::test
