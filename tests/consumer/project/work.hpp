// The instrumented work of both consumer programs: `calls` brackets of the site consumer.work.
#pragma once

#include <metron/bracket.hpp>

#include <cstdint>

namespace consumer {

inline constexpr std::uint64_t calls = 1000;

inline std::uint64_t square(std::uint64_t i) {
  METRON_BRACKET("consumer.work");
  return i * i;
}

/// Brackets `calls` squares; returns their sum, which the programs print so that it is kept.
inline std::uint64_t run_work() {
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < calls; ++i) {
    total += square(i);
  }
  return total;
}

}  // namespace consumer
