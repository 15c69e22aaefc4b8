// A node's view of the chain: the blocks it knows, the longest valid chain it adopts, its
// ledger, mempool and wallet — the core (ledger, mempool, lottery, wallet) put together.
#pragma once

#include "ledger.hpp"
#include "lottery.hpp"
#include "mempool.hpp"
#include "wallet.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace demo {

struct topology;

/// What every node of a cluster agrees on, and who this node is.
struct chain_config {
  std::vector<output> genesis;        ///< the genesis UTxO set
  std::vector<hash256> addresses;     ///< each node's wallet address, by index
  std::vector<std::uint64_t> stakes;  ///< each node's stake, by index
  std::uint64_t seed = 1;             ///< the lottery's seed
  std::uint32_t index = 0;            ///< this node
  std::string name;                   ///< this node's name (its wallet's secret derives from it)
  std::size_t max_block_txs = 200;    ///< transactions a forged block takes at most
};

/// The configuration of node `index` of `t`: wallets named after the nodes, 20 genesis outputs
/// of 1 000 000 each per node, the topology's stakes.
[[nodiscard]] chain_config make_chain_config(const topology& t, std::size_t index,
                                             std::uint64_t seed);

/// A 32-byte hash from the wire. @throws net_error when it is not 32 bytes.
[[nodiscard]] hash256 to_hash(std::span<const std::uint8_t> bytes);

/// A block that became part of the adopted chain.
struct adopted_block {
  std::string key;               ///< short_key of its hash
  std::uint64_t height = 0;      ///< its height
  std::vector<std::string> txs;  ///< short keys of its transactions
};

/// What a change of the adopted chain did.
struct adoption {
  std::vector<adopted_block> adopted;  ///< blocks newly on the chain, oldest first; empty: none
  std::uint64_t rolled_back = 0;       ///< blocks of the old chain left (a switch when > 0)
  std::string old_tip;                 ///< the old tip's short key
};

/// What receiving a block did.
struct received_block {
  std::string key;                        ///< its short key
  std::optional<hash256> missing_parent;  ///< the parent to fetch: the block waits for it
  std::optional<std::string> invalid;     ///< why it (or its chain) was refused
  adoption result;                        ///< what changed
};

/// A block this node forged and adopted.
struct forged_block {
  std::string key;  ///< its short key
  adoption result;  ///< its adoption (one block)
};

/// A payment this node's wallet built and its mempool accepted.
struct submitted_payment {
  std::string key;                  ///< the transaction's short key
  std::vector<std::uint8_t> bytes;  ///< its encoding, to relay
  std::uint64_t amount = 0;         ///< what it pays
};

/// The blocks a node knows and the chain it adopted. Chain selection: the longest valid chain
/// wins; ties keep the current one. A longer fork is validated by replaying the adopted chain
/// up to the common ancestor on a genesis ledger, then the fork's blocks; an invalid block is
/// remembered and never reconsidered. Not thread-safe.
class chain_state {
 public:
  /// A node at genesis.
  explicit chain_state(chain_config config);

  [[nodiscard]] std::uint64_t height() const noexcept { return chain_.size(); }  ///< tip height
  /// The tip's hash (genesis_hash() at genesis).
  [[nodiscard]] hash256 tip_hash() const;
  /// The tip's short key.
  [[nodiscard]] std::string tip_key() const { return short_key(tip_hash()); }
  /// Whether the block is known (stored, waiting for its parent, or refused).
  [[nodiscard]] bool knows(const hash256& block) const;
  /// The encoding of a stored block, to send to a peer that asks.
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> encoded_block(const hash256& block) const;

  /// Takes a block from a peer. @throws net_error when the bytes are not a block.
  [[nodiscard]] received_block receive(std::span<const std::uint8_t> bytes);
  /// Takes a relayed transaction: its short key when the mempool accepted it, none otherwise
  /// (known already, conflicting, invalid). @throws net_error when the bytes are not one.
  [[nodiscard]] std::optional<std::string> receive_transaction(std::span<const std::uint8_t> bytes);

  /// Whether this node leads `slot`.
  [[nodiscard]] bool is_leader(std::uint64_t slot) const;
  /// Forges a block of mempool transactions on the tip and adopts it; none when it is refused.
  [[nodiscard]] std::optional<forged_block> forge(std::uint64_t slot);
  /// Builds a payment of `amount` to node `payee` and admits it to the mempool; none when the
  /// wallet cannot cover it or the mempool refuses it.
  [[nodiscard]] std::optional<submitted_payment> pay(std::size_t payee, std::uint64_t amount);

  [[nodiscard]] std::size_t utxo_size() const noexcept { return ledger_.utxo_size(); }  ///< UTxOs
  [[nodiscard]] std::size_t mempool_size() const noexcept { return mempool_.size(); }   ///< waiting

 private:
  struct stored {
    block b;
    std::vector<std::uint8_t> bytes;
  };

  // Stores a block whose parent is stored (or genesis); false when its height does not follow.
  bool store(const hash256& id, stored entry);
  // Adopts the chain ending at `candidate` when it is longer than the current one and valid.
  adoption consider(const hash256& candidate, std::optional<std::string>& invalid);
  // Rebuilds the wallet from genesis and the adopted chain.
  void rebuild_wallet();

  chain_config config_;
  lottery lottery_;
  ledger ledger_;
  mempool mempool_;
  wallet wallet_;
  std::map<hash256, stored> blocks_;
  std::map<hash256, stored> orphans_;  // waiting for their parent
  std::set<hash256> invalid_;
  std::vector<hash256> chain_;  // chain_[h - 1] is the adopted block at height h
};

}  // namespace demo
