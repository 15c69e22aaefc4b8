// A program instrumented with brackets and nothing else. Run with METRON_CAPTURE=path, the probe
// library starts a capture as the program loads and finishes it at exit.
#include "work.hpp"

#include <metron/probe/session.hpp>

#include <cstdio>

int main() {
  if (!metron::session_active()) {
    std::fprintf(stderr, "probed: no capture is being written; run it with METRON_CAPTURE=path\n");
    return 1;
  }
  std::printf("probed: %llu brackets (checksum %llu)\n",
              static_cast<unsigned long long>(consumer::calls),
              static_cast<unsigned long long>(consumer::run_work()));
  return 0;
}
