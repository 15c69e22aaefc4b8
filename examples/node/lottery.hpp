// The seeded, stake-weighted slot leader lottery every node computes alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace demo {

/// Praos-like leader election: in each slot each node is a leader on its own, with probability
/// 1 − (1 − f)^σ for stake share σ and active slot coefficient f. Slots may have no leader or
/// several (then the chains fork and the longest wins). The draw is sha256(seed ‖ slot ‖ node),
/// so every node reaches the same answer without talking.
class lottery {
 public:
  /// @param seed          shared by the cluster
  /// @param stakes        each node's stake, by node index; at least one non-zero
  /// @param active_slots  f, the share of slots with a leader for a single node holding all stake
  /// @throws std::invalid_argument when every stake is 0 or f is outside (0, 1]
  lottery(std::uint64_t seed, std::vector<std::uint64_t> stakes, double active_slots = 0.3);

  /// Whether `node` leads `slot`.
  [[nodiscard]] bool is_leader(std::uint64_t slot, std::uint32_t node) const;
  /// Every leader of `slot`, by index.
  [[nodiscard]] std::vector<std::uint32_t> leaders(std::uint64_t slot) const;
  /// The probability that `node` leads a given slot.
  [[nodiscard]] double probability(std::uint32_t node) const;
  [[nodiscard]] std::size_t nodes() const noexcept { return thresholds_.size(); }  ///< node count

 private:
  std::uint64_t seed_;
  std::vector<double> thresholds_;
};

}  // namespace demo
