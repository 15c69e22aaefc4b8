// The demo node's UTxO ledger: validation with SHA-256 witnesses, blocks, epochs of blocks.
#pragma once

#include "transaction.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace demo {

/// The percentage by which validation is made slower on purpose, read once from the
/// environment variable METRON_DEMO_SLOWDOWN (0 when unset; at most 1000): the injected
/// regression that proves a CI gate flags one. With P > 0 each transaction's validation (the
/// ledger.validate_tx bracket, in check() and apply_block()) and the rest of apply_block() are
/// each followed by extra SHA-256 digests worth P % of the time they took, counted against the
/// cost of one digest measured at the first call (about a millisecond, so call this before timing
/// anything): the same build measures about P % slower in both. ledger::digests() counts the
/// extra digests too. With P = 0 validation reads no clock.
[[nodiscard]] int injected_slowdown_percent();

/// A block or transaction the ledger refuses, and why.
class validation_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The hash genesis stands for: the parent of the block at height 1.
[[nodiscard]] hash256 genesis_hash();

/// The unspent transaction outputs and the chain position they reflect. Copyable: a node keeps
/// one per chain it considers. Not thread-safe.
class ledger {
 public:
  /// A ledger at genesis whose UTxO set is `initial`, as outputs of a genesis transaction
  /// whose id is genesis_hash().
  explicit ledger(std::span<const output> initial);

  /// Why `tx` could not be applied now, or nothing when it could: inputs unknown or spent,
  /// duplicate inputs, a witness count or witness that does not match, outputs worth more than
  /// the inputs, no inputs or outputs, an output of zero.
  [[nodiscard]] std::optional<std::string> check(const transaction& tx) const;

  /// Validates `b` on this ledger's tip (parent, height, body hash, each transaction in order)
  /// and applies it. @throws validation_error naming the block and the reason; the ledger is
  /// unchanged then.
  void apply_block(const block& b);

  /// Batch validation of an epoch: applies `blocks` in order. @throws validation_error naming
  /// the first invalid block's position; the blocks before it stay applied.
  void apply_epoch(std::span<const block> blocks);

  /// The output `at` points to, if unspent.
  [[nodiscard]] const output* find(const outpoint& at) const;

  [[nodiscard]] std::size_t utxo_size() const noexcept { return utxo_.size(); }  ///< UTxO count
  [[nodiscard]] std::uint64_t height() const noexcept { return height_; }        ///< 0 at genesis
  [[nodiscard]] const hash256& tip() const noexcept { return tip_; }  ///< the last block's hash
  /// SHA-256 digests validation has computed so far (the slowdown's extra ones included).
  [[nodiscard]] std::uint64_t digests() const noexcept { return digests_; }

 private:
  struct outpoint_hash {
    std::size_t operator()(const outpoint& at) const noexcept;
  };
  using utxo_set = std::unordered_map<outpoint, output, outpoint_hash>;

  std::optional<std::string> check_in(const utxo_set& utxo, const transaction& tx,
                                      std::int64_t* took_ns = nullptr) const;
  std::optional<std::string> check_rules(const utxo_set& utxo, const transaction& tx) const;
  static void spend(utxo_set& utxo, const transaction& tx, const hash256& id);
  std::int64_t slow_down(std::int64_t started_ns) const;

  utxo_set utxo_;
  std::uint64_t height_ = 0;
  hash256 tip_;
  mutable std::uint64_t digests_ = 0;
  mutable double owed_digests_ = 0;
};

/// The genesis outputs of a cluster: `per_address` outputs of `amount` for each address, in
/// order, so each wallet can have several payments in flight at once.
[[nodiscard]] std::vector<output> genesis_outputs(std::span<const hash256> addresses,
                                                  std::size_t per_address, std::uint64_t amount);

/// The block a leader forges on `on`'s tip in `slot` with `transactions`.
[[nodiscard]] block forge_block(const ledger& on, std::uint64_t slot, std::uint32_t issuer,
                                std::vector<transaction> transactions);

}  // namespace demo
