// The leader lottery: per-node thresholds from stake, draws from SHA-256.
#include "lottery.hpp"

#include "hash.hpp"

#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace demo {

lottery::lottery(std::uint64_t seed, std::vector<std::uint64_t> stakes, double active_slots)
    : seed_(seed) {
  const double total =
      static_cast<double>(std::accumulate(stakes.begin(), stakes.end(), std::uint64_t{0}));
  if (!(total > 0)) {
    throw std::invalid_argument("lottery: at least one node needs stake");
  }
  if (!(active_slots > 0 && active_slots <= 1)) {
    throw std::invalid_argument("lottery: the active slot coefficient must be in (0, 1]");
  }
  for (const std::uint64_t stake : stakes) {
    thresholds_.push_back(1.0 - std::pow(1.0 - active_slots, static_cast<double>(stake) / total));
  }
}

bool lottery::is_leader(std::uint64_t slot, std::uint32_t node) const {
  std::array<std::uint8_t, 20> input{};
  for (std::size_t i = 0; i < 8; ++i) {
    input[i] = static_cast<std::uint8_t>(seed_ >> (8 * i));
    input[8 + i] = static_cast<std::uint8_t>(slot >> (8 * i));
  }
  for (std::size_t i = 0; i < 4; ++i) {
    input[16 + i] = static_cast<std::uint8_t>(node >> (8 * i));
  }
  const hash256 draw = sha256(input);
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    value = (value << 8U) | draw[i];
  }
  return static_cast<double>(value) / 18446744073709551616.0 < probability(node);
}

std::vector<std::uint32_t> lottery::leaders(std::uint64_t slot) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t node = 0; node < thresholds_.size(); ++node) {
    if (is_leader(slot, node)) {
      out.push_back(node);
    }
  }
  return out;
}

double lottery::probability(std::uint32_t node) const { return thresholds_.at(node); }

}  // namespace demo
