// The wallet: outputs learnt from blocks, payments with change, inputs held while in flight.
#include "wallet.hpp"

#include "ledger.hpp"

#include <metron/bracket.hpp>

namespace demo {

wallet::wallet(std::string_view name)
    : secret_(sha256(std::span(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()))),
      address_(sha256(secret_)) {}

void wallet::apply_genesis(std::span<const output> initial) {
  for (std::uint32_t i = 0; i < initial.size(); ++i) {
    if (initial[i].address == address_) {
      owned_.emplace(outpoint{genesis_hash(), i}, initial[i].amount);
    }
  }
}

void wallet::apply_block(const block& b) {
  METRON_BRACKET("wallet.apply_block");
  ++blocks_seen_;
  for (const transaction& tx : b.transactions) {
    for (const outpoint& at : tx.inputs) {
      owned_.erase(at);
      held_.erase(at);
    }
    const hash256 id = tx.id();
    for (std::uint32_t i = 0; i < tx.outputs.size(); ++i) {
      if (tx.outputs[i].address == address_) {
        owned_.emplace(outpoint{id, i}, tx.outputs[i].amount);
      }
    }
  }
  std::erase_if(held_, [&](const auto& entry) { return entry.second <= blocks_seen_; });
}

void wallet::reset() {
  owned_.clear();
  held_.clear();
  blocks_seen_ = 0;
}

std::optional<transaction> wallet::build_payment(const hash256& to, std::uint64_t amount,
                                                 std::uint64_t hold_blocks) {
  METRON_BRACKET("wallet.build_payment");
  if (amount == 0) {
    return std::nullopt;
  }
  transaction tx;
  std::uint64_t gathered = 0;
  for (const auto& [at, value] : owned_) {
    if (gathered >= amount) {
      break;
    }
    if (!held_.contains(at)) {
      tx.inputs.push_back(at);
      gathered += value;
    }
  }
  if (gathered < amount) {
    return std::nullopt;
  }
  tx.outputs.push_back({to, amount});
  if (gathered > amount) {
    tx.outputs.push_back({address_, gathered - amount});
  }
  const hash256 id = tx.id();
  for (const outpoint& at : tx.inputs) {
    tx.witnesses.push_back(make_witness(secret_, id));
    held_.emplace(at, blocks_seen_ + hold_blocks);
  }
  return tx;
}

std::uint64_t wallet::balance() const {
  std::uint64_t total = 0;
  for (const auto& [at, value] : owned_) {
    total += value;
  }
  return total;
}

std::uint64_t wallet::available() const {
  std::uint64_t total = 0;
  for (const auto& [at, value] : owned_) {
    if (!held_.contains(at)) {
      total += value;
    }
  }
  return total;
}

}  // namespace demo
