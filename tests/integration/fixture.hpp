// A small capture with fixed content for the golden-file tests of `metron info`.
#pragma once

#include <string>

namespace metron::test {

/// Writes the fixture capture to `path`: fixed metadata (no real host or time), two threads, one
/// site of each kind plus a bracket that never ran, an observable delta, resource samples and a
/// footer that reports three dropped records. The same bytes every time.
void write_fixture_capture(const std::string& path);

}  // namespace metron::test
