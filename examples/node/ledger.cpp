// The UTxO ledger's rules, the epoch batch and the injected slowdown behind METRON_DEMO_SLOWDOWN.
#include "ledger.hpp"

#include <metron/bracket.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>
#include <utility>

namespace demo {

namespace {

struct slowdown_settings {
  int percent = 0;
  double ns_per_digest = 1.0;
};

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The fastest of a few rounds after one to warm up (OpenSSL's first digest, a core leaving a
// low clock): a round the scheduler interrupted must not make digests look dear, which would
// make the slowdown smaller than asked. slow_down() refines it as it goes.
double calibrate_digest_ns() {
  constexpr int rounds = 6;
  constexpr int digests_per_round = 256;
  hash256 h{};
  double best = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::int64_t start = steady_ns();
    for (int i = 0; i < digests_per_round; ++i) {
      h = sha256(h);
    }
    const double each = static_cast<double>(steady_ns() - start) / digests_per_round;
    best = round <= 1 ? each : std::min(best, each);
  }
  return std::max(best, 1.0);
}

const slowdown_settings& slowdown() {
  static const slowdown_settings settings = [] {
    slowdown_settings read;
    const char* text = std::getenv("METRON_DEMO_SLOWDOWN");
    if (text != nullptr && *text != '\0') {
      read.percent = std::clamp(std::atoi(text), 0, 1000);
    }
    if (read.percent > 0) {
      read.ns_per_digest = calibrate_digest_ns();
    }
    return read;
  }();
  return settings;
}

// Where a validation starts, on the clock slow_down() reads; nothing is read without a slowdown.
std::int64_t validation_start() { return slowdown().percent > 0 ? steady_ns() : 0; }

std::string describe(const block_header& header) {
  return "block at height " + std::to_string(header.height) + " (slot " +
         std::to_string(header.slot) + ")";
}

}  // namespace

int injected_slowdown_percent() { return slowdown().percent; }

hash256 genesis_hash() {
  static constexpr std::string_view label = "metron demo genesis";
  static const hash256 h =
      sha256(std::span(reinterpret_cast<const std::uint8_t*>(label.data()), label.size()));
  return h;
}

std::size_t ledger::outpoint_hash::operator()(const outpoint& at) const noexcept {
  std::size_t h = 0;
  std::memcpy(&h, at.tx.data(), sizeof h);  // the id is a digest: any 8 bytes are uniform
  return h ^ (static_cast<std::size_t>(at.index) * 0x9E3779B97F4A7C15ULL);
}

ledger::ledger(std::span<const output> initial) : tip_(genesis_hash()) {
  static_cast<void>(slowdown());  // calibrated here rather than inside a timed validation
  for (std::uint32_t i = 0; i < initial.size(); ++i) {
    utxo_.emplace(outpoint{tip_, i}, initial[i]);
  }
}

// Returns the clock's reading when it is done, so a caller can subtract what it took.
std::int64_t ledger::slow_down(std::int64_t started_ns) const {
  const slowdown_settings& settings = slowdown();
  if (settings.percent == 0) {
    return 0;
  }
  // What a digest costs now, as the last payments found it: a busy sibling hyperthread or a
  // clock change moves it, and the validation's own cost with it. Each payment moves it a tenth
  // of the way towards what it measured, at most twice the estimate, so one payment the
  // scheduler interrupted shifts it little.
  thread_local double ns_per_digest = settings.ns_per_digest;
  // Counting digests rather than spinning on the clock until P % has passed keeps a preempted
  // spin from cutting the work short; fractions carry over to the next validation.
  const std::int64_t paying = steady_ns();
  owed_digests_ +=
      static_cast<double>(paying - started_ns) * settings.percent / 100.0 / ns_per_digest;
  std::uint64_t paid = 0;
  hash256 h = tip_;
  for (; owed_digests_ >= 1.0; owed_digests_ -= 1.0) {
    h = sha256(h);
    ++paid;
  }
  if (paid == 0) {
    return paying;
  }
  const std::int64_t done = steady_ns();
  const double each = static_cast<double>(done - paying) / static_cast<double>(paid);
  ns_per_digest = 0.9 * ns_per_digest + 0.1 * std::min(each, 2 * ns_per_digest);
  digests_ += paid;
  return done;
}

std::optional<std::string> ledger::check_in(const utxo_set& utxo, const transaction& tx,
                                            std::int64_t* took_ns) const {
  METRON_BRACKET("ledger.validate_tx");
  const std::int64_t started = validation_start();
  std::optional<std::string> why = check_rules(utxo, tx);
  const std::int64_t done = slow_down(started);
  if (took_ns != nullptr) {
    *took_ns += done - started;
  }
  return why;
}

std::optional<std::string> ledger::check_rules(const utxo_set& utxo, const transaction& tx) const {
  if (tx.inputs.empty() || tx.outputs.empty()) {
    return "a transaction needs inputs and outputs";
  }
  if (tx.witnesses.size() != tx.inputs.size()) {
    return "the transaction has " + std::to_string(tx.witnesses.size()) + " witnesses for " +
           std::to_string(tx.inputs.size()) + " inputs";
  }
  const hash256 id = tx.id();
  ++digests_;
  std::uint64_t in = 0;
  std::set<outpoint> seen;
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    const outpoint& at = tx.inputs[i];
    if (!seen.insert(at).second) {
      return "input " + std::to_string(i) + " is spent twice in the transaction";
    }
    const auto found = utxo.find(at);
    if (found == utxo.end()) {
      return "input " + std::to_string(i) + " (" + short_key(at.tx) + ":" +
             std::to_string(at.index) + ") is unknown or spent";
    }
    const witness& w = tx.witnesses[i];
    digests_ += 2;
    if (sha256(w.secret) != found->second.address || make_witness(w.secret, id).tag != w.tag) {
      return "the witness of input " + std::to_string(i) + " does not match";
    }
    in += found->second.amount;
  }
  std::uint64_t out = 0;
  for (const output& o : tx.outputs) {
    if (o.amount == 0) {
      return "an output of 0";
    }
    out += o.amount;
  }
  if (out > in) {
    return "outputs worth " + std::to_string(out) + " exceed inputs worth " + std::to_string(in);
  }
  return std::nullopt;
}

std::optional<std::string> ledger::check(const transaction& tx) const {
  return check_in(utxo_, tx);
}

void ledger::spend(utxo_set& utxo, const transaction& tx, const hash256& id) {
  for (const outpoint& at : tx.inputs) {
    utxo.erase(at);
  }
  for (std::uint32_t i = 0; i < tx.outputs.size(); ++i) {
    utxo.emplace(outpoint{id, i}, tx.outputs[i]);
  }
}

void ledger::apply_block(const block& b) {
  METRON_BRACKET("ledger.apply_block");
  // The transactions pay for their own time in check_in(); the rest of the block's time is
  // paid for at the end, as if it had started that much later.
  const std::int64_t started = validation_start();
  std::int64_t in_transactions = 0;
  const block_header& header = b.header;
  const auto refuse = [&](const std::string& why) {
    slow_down(started + in_transactions);
    throw validation_error(describe(header) + ": " + why);
  };
  if (header.parent != tip_) {
    refuse("its parent " + short_key(header.parent) + " is not the tip " + short_key(tip_));
  }
  if (header.height != height_ + 1) {
    refuse("expected height " + std::to_string(height_ + 1));
  }
  if (body_hash(b.transactions) != header.body_hash) {
    refuse("the body does not match the header's hash");
  }
  // Transactions apply in order onto a scratch copy of the entries they touch, so a failure
  // leaves the ledger unchanged and a later transaction may spend an earlier one's output.
  utxo_set touched;
  std::set<outpoint> spent;
  for (std::size_t t = 0; t < b.transactions.size(); ++t) {
    const transaction& tx = b.transactions[t];
    for (const outpoint& at : tx.inputs) {
      if (!touched.contains(at) && !spent.contains(at)) {
        if (const auto found = utxo_.find(at); found != utxo_.end()) {
          touched.emplace(at, found->second);
        }
      }
    }
    if (const std::optional<std::string> why = check_in(touched, tx, &in_transactions)) {
      refuse("transaction " + std::to_string(t) + " (" + short_key(tx.id()) + "): " + *why);
    }
    spent.insert(tx.inputs.begin(), tx.inputs.end());
    spend(touched, tx, tx.id());
  }
  for (const outpoint& at : spent) {
    utxo_.erase(at);
  }
  for (auto& [at, out] : touched) {
    utxo_.insert_or_assign(at, out);
  }
  height_ = header.height;
  tip_ = b.hash();
  slow_down(started + in_transactions);
  METRON_GAUGE("ledger.utxo_size", static_cast<double>(utxo_.size()));
}

void ledger::apply_epoch(std::span<const block> blocks) {
  METRON_BRACKET("ledger.apply_epoch");
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    try {
      apply_block(blocks[i]);
    } catch (const validation_error& e) {
      throw validation_error("epoch block " + std::to_string(i) + ": " + e.what());
    }
  }
}

const output* ledger::find(const outpoint& at) const {
  const auto found = utxo_.find(at);
  return found == utxo_.end() ? nullptr : &found->second;
}

std::vector<output> genesis_outputs(std::span<const hash256> addresses, std::size_t per_address,
                                    std::uint64_t amount) {
  std::vector<output> out;
  out.reserve(addresses.size() * per_address);
  for (const hash256& address : addresses) {
    for (std::size_t i = 0; i < per_address; ++i) {
      out.push_back({address, amount});
    }
  }
  return out;
}

block forge_block(const ledger& on, std::uint64_t slot, std::uint32_t issuer,
                  std::vector<transaction> transactions) {
  METRON_BRACKET("ledger.forge_block");
  block b;
  b.header.slot = slot;
  b.header.height = on.height() + 1;
  b.header.parent = on.tip();
  b.header.issuer = issuer;
  b.header.body_hash = body_hash(transactions);
  b.transactions = std::move(transactions);
  return b;
}

}  // namespace demo
