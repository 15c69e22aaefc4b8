// Mempool admission (duplicates, conflicts, capacity, the ledger's rules) and revalidation.
#include "mempool.hpp"

#include <metron/bracket.hpp>

#include <optional>

namespace demo {

add_result mempool::add(const transaction& tx, const ledger& on) {
  METRON_BRACKET("mempool.add");
  const hash256 id = tx.id();
  if (by_id_.contains(id)) {
    return {admission::duplicate, "already waiting"};
  }
  for (const outpoint& at : tx.inputs) {
    if (const auto other = spending_.find(at); other != spending_.end()) {
      return {admission::conflict,
              "spends what " + short_key(waiting_.at(other->second).id) + " spends"};
    }
  }
  if (waiting_.size() >= capacity_) {
    return {admission::full, "the mempool holds " + std::to_string(capacity_) + " transactions"};
  }
  if (std::optional<std::string> why = on.check(tx)) {
    return {admission::invalid, std::move(*why)};
  }
  const std::uint64_t number = next_++;
  for (const outpoint& at : tx.inputs) {
    spending_.emplace(at, number);
  }
  by_id_.emplace(id, number);
  waiting_.emplace(number, entry{id, tx});
  METRON_GAUGE("mempool.size", static_cast<double>(waiting_.size()));
  return {};
}

std::vector<transaction> mempool::take(std::size_t max) const {
  std::vector<transaction> out;
  for (auto it = waiting_.begin(); it != waiting_.end() && out.size() < max; ++it) {
    out.push_back(it->second.tx);
  }
  return out;
}

std::size_t mempool::revalidate(const ledger& on) {
  METRON_BRACKET("mempool.revalidate");
  std::size_t dropped = 0;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (!on.check(it->second.tx)) {
      ++it;
      continue;
    }
    for (const outpoint& at : it->second.tx.inputs) {
      spending_.erase(at);
    }
    by_id_.erase(it->second.id);
    it = waiting_.erase(it);
    ++dropped;
  }
  METRON_GAUGE("mempool.size", static_cast<double>(waiting_.size()));
  return dropped;
}

bool mempool::contains(const hash256& id) const { return by_id_.contains(id); }

const char* to_string(admission a) noexcept {
  switch (a) {
    case admission::accepted: return "accepted";
    case admission::duplicate: return "duplicate";
    case admission::conflict: return "conflict";
    case admission::invalid: return "invalid";
    case admission::full: return "full";
  }
  return "unknown";
}

}  // namespace demo
