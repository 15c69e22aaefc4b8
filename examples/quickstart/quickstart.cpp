// A toy ledger instrumented with metron's probes: the program the README records first.
//
// Three workers each build batches of transactions that spend their own earlier outputs,
// serialise and hash every batch, and apply it to a shared set of unspent outputs. Run it under
// `metron record -- ./quickstart` and look at the result with `metron info run.mtr`.
#include <metron/bracket.hpp>

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <pthread.h>

namespace quickstart {

constexpr unsigned worker_count = 3;
constexpr unsigned batches_per_worker = 100;
constexpr std::size_t transactions_per_batch = 1024;
// Serialised transactions are padded to this size, so a batch (128 KiB) comes from fresh pages.
constexpr std::size_t serialised_bytes = 128;

/// Spends output `spends` (0 for a coinbase that spends nothing) and creates two outputs.
struct transaction {
  std::uint64_t id = 0;
  std::uint64_t spends = 0;
  std::uint64_t amount = 0;
};

/// A small, fast, deterministic generator (splitmix64).
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

/// The shared ledger: the set of unspent outputs, behind one mutex.
class ledger {
 public:
  /// Applies the transactions whose input is unspent; returns how many were applied.
  std::size_t apply(std::span<const transaction> batch) {
    METRON_BRACKET_FN();
    std::size_t applied = 0;
    std::size_t unspent = 0;
    {
      const std::lock_guard lock(mutex_);
      for (const transaction& tx : batch) {
        if (tx.spends != 0 && unspent_.erase(tx.spends) == 0) {
          continue;  // a double spend: its input is gone
        }
        unspent_.insert(tx.id * 2);
        unspent_.insert(tx.id * 2 + 1);
        ++applied;
      }
      unspent = unspent_.size();
    }
    METRON_GAUGE("ledger.unspent_outputs", unspent);
    return applied;
  }

  /// The number of unspent outputs.
  std::size_t unspent() {
    const std::lock_guard lock(mutex_);
    return unspent_.size();
  }

 private:
  std::mutex mutex_;
  std::unordered_set<std::uint64_t> unspent_;
};

/// A worker's view of its own unspent outputs, oldest first, to build spending transactions.
struct wallet {
  std::deque<std::uint64_t> outputs;
  std::uint64_t next_id = 0;
};

/// Builds a batch: mostly spends of the wallet's outputs, a few coinbases and double spends.
std::vector<transaction> build_batch(wallet& owner, random_source& random) {
  METRON_BRACKET_FN();
  std::vector<transaction> batch(transactions_per_batch);
  for (transaction& tx : batch) {
    tx.id = owner.next_id++;
    tx.amount = random.next() % 100000;
    const std::uint64_t roll = random.next() % 100;
    if (owner.outputs.empty() || roll < 5) {
      tx.spends = 0;
    } else if (roll < 7) {
      tx.spends = (std::uint64_t{1} << 63) | tx.id;  // an output no one created: rejected
      continue;
    } else {
      tx.spends = owner.outputs.front();
      owner.outputs.pop_front();
    }
    owner.outputs.push_back(tx.id * 2);
    owner.outputs.push_back(tx.id * 2 + 1);
  }
  return batch;
}

/// Serialises a batch into a fresh buffer; observes CPU time and the page faults of the buffer.
std::vector<std::uint8_t> serialise(std::span<const transaction> batch) {
  METRON_BRACKET("ledger.serialise", metron::observe::cpu_time | metron::observe::page_faults);
  std::vector<std::uint8_t> bytes(batch.size() * serialised_bytes);
  std::size_t at = 0;
  for (const transaction& tx : batch) {
    for (const std::uint64_t field : {tx.id, tx.spends, tx.amount}) {
      for (unsigned shift = 0; shift < 64; shift += 8) {
        bytes[at++] = static_cast<std::uint8_t>(field >> shift);
      }
    }
    at += serialised_bytes - 24;
  }
  return bytes;
}

/// FNV-1a over the serialised batch, a few rounds to stand in for a real digest.
std::uint64_t digest(std::span<const std::uint8_t> bytes) {
  METRON_BRACKET("ledger.digest");
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (int round = 0; round < 2; ++round) {
    for (const std::uint8_t byte : bytes) {
      hash = (hash ^ byte) * 0x100000001B3ULL;
    }
  }
  return hash;
}

/// What a worker reports back.
struct worker_result {
  std::size_t applied = 0;
  std::uint64_t digests = 0;  // XOR of the batch digests: independent of the interleaving
};

void run_worker(unsigned index, ledger& shared, worker_result& result) {
  const std::string name = "ledger-" + std::to_string(index);
  pthread_setname_np(pthread_self(), name.c_str());
  METRON_BRACKET("quickstart.worker");
  wallet owner;
  // Ids are disjoint between workers, so each spends only what it created itself.
  owner.next_id = (std::uint64_t{index} + 1) << 40;
  random_source random(index + 1);
  for (unsigned batch_number = 0; batch_number < batches_per_worker; ++batch_number) {
    const std::vector<transaction> batch = build_batch(owner, random);
    const std::vector<std::uint8_t> bytes = serialise(batch);
    result.digests ^= digest(bytes);
    const std::size_t applied = shared.apply(batch);
    result.applied += applied;
    METRON_COUNT("ledger.transactions_applied", applied);
    METRON_COUNT("ledger.transactions_rejected", batch.size() - applied);
    if (batch_number % 20 == 19) {
      METRON_EVENT("ledger.checkpoint");
    }
  }
}

}  // namespace quickstart

int main() {
  quickstart::ledger shared;
  std::vector<quickstart::worker_result> results(quickstart::worker_count);
  {
    std::vector<std::jthread> workers;
    for (unsigned i = 0; i < quickstart::worker_count; ++i) {
      workers.emplace_back(quickstart::run_worker, i, std::ref(shared), std::ref(results[i]));
    }
  }
  std::size_t applied = 0;
  std::uint64_t digests = 0;
  for (const quickstart::worker_result& result : results) {
    applied += result.applied;
    digests ^= result.digests;
  }
  const std::size_t submitted = std::size_t{quickstart::worker_count} *
                                quickstart::batches_per_worker * quickstart::transactions_per_batch;
  std::printf(
      "quickstart: %u workers applied %zu of %zu transactions; %zu unspent outputs; "
      "digest %016llx\n",
      quickstart::worker_count, applied, submitted, shared.unspent(),
      static_cast<unsigned long long>(digests));
  return 0;
}
