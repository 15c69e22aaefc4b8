// A wallet of the demo node: its address, the outputs it owns, payments it builds.
#pragma once

#include "transaction.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace demo {

/// Tracks the outputs locked to one address by scanning applied blocks, and builds signed
/// payments from them. Not thread-safe.
class wallet {
 public:
  /// A wallet whose secret is derived from `name` (deterministic: "node-3" is always the same).
  explicit wallet(std::string_view name);

  [[nodiscard]] const hash256& address() const noexcept { return address_; }  ///< sha256(secret)

  /// Learns the outputs paid to it in `b` and forgets the ones `b` spends.
  void apply_block(const block& b);
  /// Learns the genesis outputs paid to it (outputs of the genesis transaction).
  void apply_genesis(std::span<const output> initial);
  /// Forgets everything: before the node replays a chain after a switch.
  void reset();

  /// A payment of `amount` to `to` with change back to itself, or nothing when the outputs not
  /// yet spent by an earlier payment do not cover it. Its inputs are held back from later
  /// payments until a block spends them, or `hold_blocks` blocks pass (the payment was lost).
  [[nodiscard]] std::optional<transaction> build_payment(const hash256& to, std::uint64_t amount,
                                                         std::uint64_t hold_blocks = 20);

  /// The value of the outputs it owns, those held by payments in flight included.
  [[nodiscard]] std::uint64_t balance() const;
  /// The value it can still spend: owned outputs not held by a payment in flight.
  [[nodiscard]] std::uint64_t available() const;

 private:
  hash256 secret_;
  hash256 address_;
  std::map<outpoint, std::uint64_t> owned_;  // outpoint → amount
  std::map<outpoint, std::uint64_t> held_;   // outpoint → block count when released
  std::uint64_t blocks_seen_ = 0;
};

}  // namespace demo
