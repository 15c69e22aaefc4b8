// The demo node's core: hashes, encodings, ledger rules, mempool, lottery, wallet, slowdown.
#include "hash.hpp"
#include "ledger.hpp"
#include "lottery.hpp"
#include "mempool.hpp"
#include "transaction.hpp"
#include "wallet.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <random>
#include <string_view>
#include <vector>

namespace {

using namespace demo;

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

// Two wallets with three genesis outputs of 100 each.
struct two_wallets {
  wallet alice{"alice"};
  wallet bob{"bob"};
  std::vector<output> initial;
  ledger chain;

  two_wallets()
      : initial(genesis_outputs(std::vector<hash256>{alice.address(), bob.address()}, 3, 100)),
        chain(initial) {
    alice.apply_genesis(initial);
    bob.apply_genesis(initial);
  }

  // Forges the next block with `txs` and applies it to the ledger and both wallets.
  block commit(std::vector<transaction> txs) {
    block b = forge_block(chain, chain.height() + 1, 0, std::move(txs));
    chain.apply_block(b);
    alice.apply_block(b);
    bob.apply_block(b);
    return b;
  }
};

std::string refusal(const ledger& chain, const transaction& tx) {
  return chain.check(tx).value_or("accepted");
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-2 known answers", "[node][core]") {
  CHECK(to_hex(sha256(bytes_of("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(sha256(bytes_of(""))) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(short_key(sha256(bytes_of("abc"))) == "ba7816bf8f01cfea");
}

TEST_CASE("transactions and blocks survive encoding; malformed bytes are refused", "[node][core]") {
  two_wallets w;
  const transaction tx = *w.alice.build_payment(w.bob.address(), 150);
  CHECK(decode_transaction(encode(tx)) == tx);
  const block b = forge_block(w.chain, 7, 2, {tx});
  const std::vector<std::uint8_t> encoded = encode(b);
  const block back = decode_block(encoded);
  CHECK(back == b);
  CHECK(back.hash() == b.hash());

  std::vector<std::uint8_t> truncated(encoded.begin(), encoded.end() - 5);
  CHECK_THROWS_WITH(decode_block(truncated), Catch::Contains("truncated"));
  std::vector<std::uint8_t> longer = encoded;
  longer.push_back(0);
  CHECK_THROWS_WITH(decode_block(longer), Catch::Contains("1 bytes after the end"));
  std::vector<std::uint8_t> huge(4, 0xFF);
  CHECK_THROWS_WITH(decode_transaction(huge), Catch::Contains("longer than"));
  // 1000 inputs announced, 36 bytes of them present.
  std::vector<std::uint8_t> short_list = {0xE8, 0x03, 0, 0};
  short_list.resize(short_list.size() + 36);
  CHECK_THROWS_WITH(decode_transaction(short_list),
                    Catch::Contains("1000 inputs needs at least 36000 bytes, 36 remain"));
  // Every proper prefix of a block is refused, none read past its end.
  for (std::size_t size = 0; size < encoded.size(); ++size) {
    CHECK_THROWS_AS(decode_block(std::span(encoded.data(), size)), decode_error);
  }
  // Corrupted bytes either decode to a block that encodes back to exactly them (the encoding is
  // canonical) or are refused with a decode_error, never anything else.
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> position(0, encoded.size() - 1);
  std::uniform_int_distribution<int> value(0, 255);
  int refused = 0;
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> corrupt = encoded;
    for (int flips = 0; flips < 1 + round % 3; ++flips) {
      corrupt[position(random)] = static_cast<std::uint8_t>(value(random));
    }
    std::optional<block> decoded;
    try {
      decoded = decode_block(corrupt);
    } catch (const decode_error&) {
      ++refused;
    }
    if (decoded) {
      CHECK(encode(*decoded) == corrupt);
    }
  }
  CHECK(refused > 0);
}

TEST_CASE("the ledger applies valid blocks and refuses broken ones unchanged", "[node][core]") {
  two_wallets w;
  REQUIRE(w.chain.utxo_size() == 6);
  const transaction pay = *w.alice.build_payment(w.bob.address(), 150);
  REQUIRE(pay.inputs.size() == 2);
  CHECK(refusal(w.chain, pay) == "accepted");
  w.commit({pay});
  // Two inputs spent, a payment and change created.
  CHECK(w.chain.utxo_size() == 6);
  CHECK(w.chain.height() == 1);
  CHECK(w.alice.balance() == 150);
  CHECK(w.bob.balance() == 450);

  SECTION("spending an output twice") {
    CHECK_THAT(refusal(w.chain, pay), Catch::Contains("unknown or spent"));
  }
  SECTION("an input that never existed") {
    transaction made_up = *w.bob.build_payment(w.alice.address(), 10);
    made_up.inputs[0] = outpoint{sha256(bytes_of("nowhere")), 0};
    made_up.witnesses = {make_witness(made_up.witnesses[0].secret, made_up.id())};
    CHECK_THAT(refusal(w.chain, made_up),
               Catch::Contains("input 0 (" + short_key(sha256(bytes_of("nowhere"))) +
                               ":0) is unknown or spent"));
  }
  SECTION("a double spend inside one block") {
    const transaction first = *w.bob.build_payment(w.alice.address(), 50);
    transaction second = first;
    second.outputs[0].amount = 40;
    second.witnesses.clear();
    for (std::size_t i = 0; i < second.inputs.size(); ++i) {
      second.witnesses.push_back(make_witness(first.witnesses[i].secret, second.id()));
    }
    const block b = forge_block(w.chain, 9, 1, {first, second});
    const ledger before = w.chain;
    CHECK_THROWS_WITH(w.chain.apply_block(b), Catch::Contains("transaction 1"));
    CHECK(w.chain.utxo_size() == before.utxo_size());
    CHECK(w.chain.tip() == before.tip());
  }
  SECTION("overspending, a forged witness, a missing witness") {
    transaction over = *w.bob.build_payment(w.alice.address(), 100);
    over.outputs[0].amount = 1000;
    over.witnesses = {make_witness(over.witnesses[0].secret, over.id())};
    CHECK_THAT(refusal(w.chain, over), Catch::Contains("exceed inputs"));

    transaction stolen = *w.bob.build_payment(w.alice.address(), 100);
    stolen.witnesses = {make_witness(sha256(bytes_of("mallory")), stolen.id())};
    CHECK_THAT(refusal(w.chain, stolen), Catch::Contains("witness of input 0"));

    transaction bare = stolen;
    bare.witnesses.clear();
    CHECK_THAT(refusal(w.chain, bare), Catch::Contains("0 witnesses for 1 inputs"));
  }
  SECTION("a wrong parent, height or body") {
    block b = forge_block(w.chain, 9, 1, {});
    b.header.parent = genesis_hash();
    CHECK_THROWS_WITH(w.chain.apply_block(b), Catch::Contains("is not the tip"));
    b = forge_block(w.chain, 9, 1, {});
    b.header.height = 5;
    CHECK_THROWS_WITH(w.chain.apply_block(b), Catch::Contains("expected height 2"));
    b = forge_block(w.chain, 9, 1, {});
    b.transactions.push_back(*w.bob.build_payment(w.alice.address(), 10));
    CHECK_THROWS_WITH(w.chain.apply_block(b), Catch::Contains("body does not match"));
  }
}

TEST_CASE("an epoch applies as a batch and names its first invalid block", "[node][core]") {
  two_wallets w;
  ledger forger = w.chain;
  std::vector<block> epoch;
  wallet alice{"alice"};
  alice.apply_genesis(w.initial);
  for (std::uint64_t slot = 1; slot <= 4; ++slot) {
    epoch.push_back(forge_block(forger, slot, 0, {*alice.build_payment(w.bob.address(), 10)}));
    forger.apply_block(epoch.back());
    alice.apply_block(epoch.back());
  }
  ledger batch = w.chain;
  batch.apply_epoch(epoch);
  CHECK(batch.tip() == forger.tip());
  CHECK(batch.height() == 4);

  epoch[2].header.height = 9;
  ledger broken = w.chain;
  CHECK_THROWS_WITH(broken.apply_epoch(epoch), Catch::StartsWith("epoch block 2:"));
  CHECK(broken.height() == 2);
}

TEST_CASE("the mempool keeps valid, distinct, non-conflicting transactions up to its limit",
          "[node][core]") {
  two_wallets w;
  mempool pool(2);
  const transaction a = *w.alice.build_payment(w.bob.address(), 100);
  const transaction b = *w.alice.build_payment(w.bob.address(), 100);
  CHECK(pool.add(a, w.chain).outcome == admission::accepted);
  CHECK(pool.add(a, w.chain).outcome == admission::duplicate);
  transaction rival = a;
  rival.outputs[0].amount = 99;
  CHECK(pool.add(rival, w.chain).outcome == admission::conflict);
  CHECK(pool.add(b, w.chain).outcome == admission::accepted);
  const transaction c = *w.alice.build_payment(w.bob.address(), 100);
  const add_result full = pool.add(c, w.chain);
  CHECK(full.outcome == admission::full);
  CHECK_THAT(full.reason, Catch::Contains("2 transactions"));
  transaction broken = *w.bob.build_payment(w.alice.address(), 5);
  broken.outputs[0].amount = 500;
  mempool roomy;
  CHECK(roomy.add(broken, w.chain).outcome == admission::invalid);

  REQUIRE(pool.take(10).size() == 2);
  CHECK(pool.take(1).front() == a);
  w.commit({a});
  CHECK(pool.revalidate(w.chain) == 1);
  CHECK(pool.size() == 1);
  CHECK_FALSE(pool.contains(a.id()));
  CHECK(pool.contains(b.id()));
}

TEST_CASE("the lottery is deterministic and follows stake", "[node][core]") {
  const lottery draw(42, {1, 1, 2, 6});
  const lottery again(42, {1, 1, 2, 6});
  const lottery other(43, {1, 1, 2, 6});
  std::vector<int> wins(4, 0);
  int differ = 0;
  const int slots = 20'000;
  for (std::uint64_t slot = 0; slot < slots; ++slot) {
    const std::vector<std::uint32_t> leaders = draw.leaders(slot);
    CHECK(leaders == again.leaders(slot));
    differ += leaders != other.leaders(slot) ? 1 : 0;
    for (const std::uint32_t node : leaders) {
      ++wins[node];
    }
  }
  for (std::uint32_t node = 0; node < 4; ++node) {
    const double expected = draw.probability(node) * slots;
    CHECK(std::abs(wins[node] - expected) < 5 * std::sqrt(expected));
  }
  CHECK(wins[3] > 4 * wins[0]);
  CHECK(differ > slots / 10);
  // A node holding all stake leads the active slot share f.
  CHECK(lottery(1, {5}).probability(0) == Approx(0.3));
  CHECK_THROWS_AS(lottery(1, {0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(lottery(1, {1}, 0.0), std::invalid_argument);
}

TEST_CASE("a wallet pays with change and holds inputs of payments in flight", "[node][core]") {
  two_wallets w;
  CHECK(w.alice.balance() == 300);
  const transaction pay = *w.alice.build_payment(w.bob.address(), 120);
  CHECK(pay.outputs.size() == 2);
  CHECK(pay.outputs[1] == output{w.alice.address(), 80});
  CHECK(w.alice.available() == 100);
  CHECK_FALSE(w.alice.build_payment(w.bob.address(), 150));
  w.commit({pay});
  CHECK(w.alice.balance() == 180);
  CHECK(w.alice.available() == 180);
  CHECK(w.bob.balance() == 420);

  SECTION("a lost payment's inputs come back after the hold") {
    const transaction lost = *w.alice.build_payment(w.bob.address(), 100, 2);
    CHECK(w.alice.available() < 180);
    w.commit({});
    w.commit({});
    CHECK(w.alice.available() == 180);
    CHECK(lost.inputs.size() >= 1);
  }
  SECTION("reset forgets everything") {
    w.alice.reset();
    CHECK(w.alice.balance() == 0);
  }
}

TEST_CASE("the ledger counts the digests it computes", "[node][core]") {
  two_wallets w;
  const transaction pay = *w.alice.build_payment(w.bob.address(), 150);
  const std::uint64_t before = w.chain.digests();
  CHECK_FALSE(w.chain.check(pay));
  // The id, then per input the secret's hash and the tag; more only under an injected slowdown.
  const std::uint64_t needed = 1 + 2 * pay.inputs.size();
  if (injected_slowdown_percent() == 0) {
    CHECK(w.chain.digests() - before == needed);
  } else {
    CHECK(w.chain.digests() - before > needed);
  }
}

// Run by ctest with METRON_DEMO_SLOWDOWN=60 (node.slowdown_adds_work).
TEST_CASE("an injected slowdown makes validation compute more digests", "[.slowdown]") {
  REQUIRE(injected_slowdown_percent() == 60);
  constexpr std::uint64_t payments = 20;
  wallet payer{"payer"};
  const wallet payee{"payee"};
  const std::vector<output> initial =
      genesis_outputs(std::vector<hash256>{payer.address()}, payments, 100);
  payer.apply_genesis(initial);
  ledger chain(initial);
  std::vector<transaction> txs;
  for (std::uint64_t i = 0; i < payments; ++i) {
    txs.push_back(*payer.build_payment(payee.address(), 10));
  }
  // Each check needs 3 digests, each at least as dear as the one-block digests the slowdown
  // adds, so 60 % of a check's time buys at least 60 % of 3 extra digests; fractions carry over.
  const std::uint64_t needed = 3 * payments;
  std::uint64_t before = chain.digests();
  for (const transaction& tx : txs) {
    CHECK_FALSE(chain.check(tx));
  }
  CHECK(chain.digests() - before >= needed + needed * 60 / 100 - 1);

  // Applying them as a block: the checks, then extra digests for 60 % of the block's time.
  before = chain.digests();
  chain.apply_block(forge_block(chain, 1, 0, txs));
  CHECK(chain.digests() - before >= needed + needed * 60 / 100 - 1);
}
