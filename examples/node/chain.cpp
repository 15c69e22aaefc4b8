// A node's chain: block store, longest-valid-chain selection with fork switches, and the
// ledger, mempool and wallet that follow the adopted chain.
#include "chain.hpp"

#include "cluster.hpp"
#include "net.hpp"

#include <algorithm>
#include <utility>

namespace demo {

namespace {

// Orphans beyond this are dropped: a peer cannot make a node hold unbounded blocks.
constexpr std::size_t max_orphans = 1000;

}  // namespace

chain_config make_chain_config(const topology& t, std::size_t index, std::uint64_t seed) {
  chain_config config;
  for (const node_spec& node : t.nodes) {
    config.addresses.push_back(wallet(node.name).address());
    config.stakes.push_back(node.stake);
  }
  config.genesis = genesis_outputs(config.addresses, 20, 1'000'000);
  config.seed = seed;
  config.index = static_cast<std::uint32_t>(index);
  config.name = t.nodes[index].name;
  return config;
}

hash256 to_hash(std::span<const std::uint8_t> bytes) {
  hash256 h{};
  if (bytes.size() != h.size()) {
    throw net_error("a hash of " + std::to_string(bytes.size()) + " bytes; expected 32");
  }
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

chain_state::chain_state(chain_config config)
    : config_(std::move(config)),
      lottery_(config_.seed, config_.stakes),
      ledger_(config_.genesis),
      wallet_(config_.name) {
  wallet_.apply_genesis(config_.genesis);
}

hash256 chain_state::tip_hash() const { return chain_.empty() ? genesis_hash() : chain_.back(); }

bool chain_state::knows(const hash256& block) const {
  return blocks_.contains(block) || orphans_.contains(block) || invalid_.contains(block);
}

std::optional<std::vector<std::uint8_t>> chain_state::encoded_block(const hash256& block) const {
  const auto it = blocks_.find(block);
  if (it == blocks_.end() || invalid_.contains(block)) {
    return std::nullopt;
  }
  return it->second.bytes;
}

bool chain_state::store(const hash256& id, stored entry) {
  const hash256& parent = entry.b.header.parent;
  const std::uint64_t parent_height =
      parent == genesis_hash() ? 0 : blocks_.at(parent).b.header.height;
  if (entry.b.header.height != parent_height + 1) {
    invalid_.insert(id);
    return false;
  }
  blocks_.emplace(id, std::move(entry));
  return true;
}

received_block chain_state::receive(std::span<const std::uint8_t> bytes) {
  block b;
  try {
    b = decode_block(bytes);
  } catch (const decode_error& problem) {
    throw net_error(std::string("malformed block: ") + problem.what());
  }
  const hash256 id = b.hash();
  received_block got;
  got.key = short_key(id);
  if (knows(id)) {
    return got;
  }
  const hash256 parent = b.header.parent;
  if (invalid_.contains(parent)) {
    invalid_.insert(id);
    got.invalid = "its parent was refused";
    return got;
  }
  if (parent != genesis_hash() && !blocks_.contains(parent)) {
    if (orphans_.size() < max_orphans) {
      orphans_.emplace(id, stored{std::move(b), {bytes.begin(), bytes.end()}});
      got.missing_parent = parent;
    }
    return got;
  }
  if (!store(id, stored{std::move(b), {bytes.begin(), bytes.end()}})) {
    got.invalid = "its height does not follow its parent's";
    return got;
  }
  // Waiting descendants join the store now; the tallest block reached is the candidate.
  hash256 best = id;
  std::vector<hash256> frontier = {id};
  while (!frontier.empty()) {
    const hash256 at = frontier.back();
    frontier.pop_back();
    for (auto it = orphans_.begin(); it != orphans_.end();) {
      if (it->second.b.header.parent != at) {
        ++it;
        continue;
      }
      const hash256 child = it->first;
      stored entry = std::move(it->second);
      it = orphans_.erase(it);
      if (store(child, std::move(entry))) {
        frontier.push_back(child);
        if (blocks_.at(child).b.header.height > blocks_.at(best).b.header.height) {
          best = child;
        }
      }
    }
  }
  got.result = consider(best, got.invalid);
  return got;
}

adoption chain_state::consider(const hash256& candidate, std::optional<std::string>& invalid) {
  adoption result;
  if (blocks_.at(candidate).b.header.height <= chain_.size()) {
    return result;
  }
  // The fork's blocks, newest first, back to a block of the adopted chain (or genesis).
  std::vector<hash256> fork = {candidate};
  while (true) {
    const hash256& parent = blocks_.at(fork.back()).b.header.parent;
    if (parent == genesis_hash()) {
      break;
    }
    const std::uint64_t h = blocks_.at(parent).b.header.height;
    if (h <= chain_.size() && chain_[h - 1] == parent) {
      break;
    }
    fork.push_back(parent);
  }
  if (std::any_of(fork.begin(), fork.end(),
                  [&](const hash256& id) { return invalid_.contains(id); })) {
    invalid = "it extends a refused block";
    return result;
  }
  std::reverse(fork.begin(), fork.end());
  const std::uint64_t common = blocks_.at(fork.front()).b.header.height - 1;

  ledger candidate_ledger = ledger_;
  if (common < chain_.size()) {
    // A switch: replay the shared prefix from genesis, then the fork.
    candidate_ledger = ledger(config_.genesis);
    for (std::uint64_t h = 0; h < common; ++h) {
      candidate_ledger.apply_block(blocks_.at(chain_[h]).b);
    }
  }
  for (std::size_t i = 0; i < fork.size(); ++i) {
    try {
      candidate_ledger.apply_block(blocks_.at(fork[i]).b);
    } catch (const validation_error& problem) {
      invalid = problem.what();
      // Refused blocks stay stored, so their stored descendants still find their parents.
      invalid_.insert(fork.begin() + static_cast<std::ptrdiff_t>(i), fork.end());
      return result;
    }
  }

  result.old_tip = tip_key();
  result.rolled_back = chain_.size() - common;
  std::vector<transaction> dropped;
  for (std::uint64_t h = common; h < chain_.size(); ++h) {
    const block& old = blocks_.at(chain_[h]).b;
    dropped.insert(dropped.end(), old.transactions.begin(), old.transactions.end());
  }
  chain_.resize(common);
  ledger_ = std::move(candidate_ledger);
  for (const hash256& id : fork) {
    chain_.push_back(id);
    const block& b = blocks_.at(id).b;
    adopted_block adopted{short_key(id), b.header.height, {}};
    for (const transaction& tx : b.transactions) {
      adopted.txs.push_back(short_key(tx.id()));
    }
    result.adopted.push_back(std::move(adopted));
  }
  if (result.rolled_back > 0) {
    rebuild_wallet();
  } else {
    for (const hash256& id : fork) {
      wallet_.apply_block(blocks_.at(id).b);
    }
  }
  mempool_.revalidate(ledger_);
  // Payments of the abandoned blocks that the new chain lacks wait for a block again.
  for (const transaction& tx : dropped) {
    static_cast<void>(mempool_.add(tx, ledger_));
  }
  return result;
}

void chain_state::rebuild_wallet() {
  wallet_.reset();
  wallet_.apply_genesis(config_.genesis);
  for (const hash256& id : chain_) {
    wallet_.apply_block(blocks_.at(id).b);
  }
}

std::optional<std::string> chain_state::receive_transaction(std::span<const std::uint8_t> bytes) {
  transaction tx;
  try {
    tx = decode_transaction(bytes);
  } catch (const decode_error& problem) {
    throw net_error(std::string("malformed transaction: ") + problem.what());
  }
  if (mempool_.add(tx, ledger_).outcome != admission::accepted) {
    return std::nullopt;
  }
  return short_key(tx.id());
}

bool chain_state::is_leader(std::uint64_t slot) const {
  return lottery_.is_leader(slot, config_.index);
}

std::optional<forged_block> chain_state::forge(std::uint64_t slot) {
  block b = forge_block(ledger_, slot, config_.index, mempool_.take(config_.max_block_txs));
  const hash256 id = b.hash();
  std::vector<std::uint8_t> bytes = encode(b);
  if (!store(id, stored{std::move(b), std::move(bytes)})) {
    return std::nullopt;
  }
  std::optional<std::string> invalid;
  adoption result = consider(id, invalid);
  if (result.adopted.empty()) {
    return std::nullopt;
  }
  return forged_block{short_key(id), std::move(result)};
}

std::optional<submitted_payment> chain_state::pay(std::size_t payee, std::uint64_t amount) {
  std::optional<transaction> tx = wallet_.build_payment(config_.addresses.at(payee), amount);
  if (!tx || mempool_.add(*tx, ledger_).outcome != admission::accepted) {
    return std::nullopt;
  }
  return submitted_payment{short_key(tx->id()), encode(*tx), amount};
}

}  // namespace demo
