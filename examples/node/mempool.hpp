// The demo node's mempool: transactions waiting for a block, validated against the ledger.
#pragma once

#include "ledger.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace demo {

/// What mempool::add() did with a transaction.
enum class admission {
  accepted,   ///< it waits for a block
  duplicate,  ///< it was already waiting
  conflict,   ///< it spends an output another waiting transaction spends
  invalid,    ///< the ledger refuses it (reason says why)
  full,       ///< the mempool holds its capacity already
};

/// The outcome of mempool::add().
struct add_result {
  admission outcome = admission::accepted;  ///< what happened
  std::string reason;                       ///< why, when not accepted
};

/// Transactions in arrival order, none spending what another spends, each valid on the ledger
/// it was last checked against. Not thread-safe.
class mempool {
 public:
  /// A mempool holding at most `capacity` transactions.
  explicit mempool(std::size_t capacity = 10'000) : capacity_(capacity) {}

  /// Validates `tx` against `on` and the waiting transactions and keeps it if it passes.
  add_result add(const transaction& tx, const ledger& on);

  /// Up to `max` waiting transactions, oldest first, for a block; they stay until revalidate().
  [[nodiscard]] std::vector<transaction> take(std::size_t max) const;

  /// After a block: drops what `on` now refuses (included or conflicting). @return how many.
  std::size_t revalidate(const ledger& on);

  [[nodiscard]] std::size_t size() const noexcept { return waiting_.size(); }  ///< waiting count
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }    ///< the limit
  /// Whether the transaction with this id waits.
  [[nodiscard]] bool contains(const hash256& id) const;

 private:
  struct entry {
    hash256 id;
    transaction tx;
  };

  std::size_t capacity_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, entry> waiting_;  // by arrival
  std::map<hash256, std::uint64_t> by_id_;
  std::map<outpoint, std::uint64_t> spending_;
};

/// "accepted", "duplicate", …
[[nodiscard]] const char* to_string(admission a) noexcept;

}  // namespace demo
