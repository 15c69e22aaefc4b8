// Writes the integration tests' fixture capture to the path given, for the schema checks.
#include "fixture.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_fixture <capture.mtr>\n");
    return 2;
  }
  try {
    metron::test::write_fixture_capture(argv[1]);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "write_fixture: %s\n", error.what());
    return 1;
  }
  return 0;
}
