// The demo node's chain selection: extending the tip, fetching a missing parent, switching to a
// longer fork, refusing an invalid block, payments through the mempool into blocks.
#include "chain.hpp"
#include "cluster.hpp"
#include "net.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

demo::topology two_nodes() {
  return demo::parse_topology(
      "nodes:\n"
      "  - {name: node-1, port: 1, metrics_port: 2, peers: [node-2]}\n"
      "  - {name: node-2, port: 3, metrics_port: 4}\n",
      "two.yaml");
}

// Node `from`'s blocks, forged in `slots`, as a peer would send them.
std::vector<std::vector<std::uint8_t>> forge_chain(demo::chain_state& from,
                                                   const std::vector<std::uint64_t>& slots) {
  std::vector<std::vector<std::uint8_t>> sent;
  for (const std::uint64_t slot : slots) {
    REQUIRE(from.forge(slot));
    sent.push_back(*from.encoded_block(from.tip_hash()));
  }
  return sent;
}

}  // namespace

TEST_CASE("a node extends its chain with blocks in order and fetches a missing parent",
          "[node][chain]") {
  const demo::topology t = two_nodes();
  demo::chain_state a(demo::make_chain_config(t, 0, 7));
  demo::chain_state b(demo::make_chain_config(t, 1, 7));
  const auto blocks = forge_chain(a, {1, 2, 3});
  CHECK(a.height() == 3);

  const demo::received_block first = b.receive(blocks[0]);
  REQUIRE(first.result.adopted.size() == 1);
  CHECK(first.result.adopted[0].height == 1);
  CHECK(first.result.rolled_back == 0);

  // Block 3 before block 2: it waits, and names the parent to fetch.
  const demo::received_block early = b.receive(blocks[2]);
  REQUIRE(early.missing_parent);
  CHECK(early.result.adopted.empty());
  CHECK(b.knows(a.tip_hash()));
  const demo::received_block parent = b.receive(blocks[1]);
  REQUIRE(parent.result.adopted.size() == 2);
  CHECK(parent.result.adopted[1].key == a.tip_key());
  CHECK(b.tip_key() == a.tip_key());
  CHECK(b.utxo_size() == a.utxo_size());

  // A block seen before is ignored.
  CHECK(b.receive(blocks[0]).result.adopted.empty());
}

TEST_CASE("a longer fork wins, replayed from the common ancestor; ties keep the tip",
          "[node][chain]") {
  const demo::topology t = two_nodes();
  demo::chain_state a(demo::make_chain_config(t, 0, 7));
  demo::chain_state b(demo::make_chain_config(t, 1, 7));
  const auto shared = forge_chain(a, {1});
  REQUIRE(b.receive(shared[0]).result.adopted.size() == 1);

  // Both forge on the shared block: a two blocks, b one, with a payment in it.
  REQUIRE(b.pay(0, 25));
  const auto b_fork = forge_chain(b, {2});
  const std::string b_tip = b.tip_key();
  const auto a_fork = forge_chain(a, {3, 4});

  // The same height does not switch.
  demo::chain_state c(demo::make_chain_config(t, 1, 7));
  REQUIRE(c.receive(shared[0]).result.adopted.size() == 1);
  REQUIRE(c.receive(b_fork[0]).result.adopted.size() == 1);
  CHECK(c.receive(a_fork[0]).result.adopted.empty());
  CHECK(c.tip_key() == b_tip);

  // One block longer: b leaves its block and takes a's two.
  CHECK(b.receive(a_fork[0]).result.adopted.empty());
  const demo::received_block longer = b.receive(a_fork[1]);
  REQUIRE(longer.result.adopted.size() == 2);
  CHECK(longer.result.rolled_back == 1);
  CHECK(longer.result.old_tip == b_tip);
  CHECK(b.height() == 3);
  CHECK(b.tip_key() == a.tip_key());
  CHECK(b.utxo_size() == a.utxo_size());
  // Its payment left the chain with its block and waits in the mempool again.
  CHECK(b.mempool_size() == 1);
}

TEST_CASE("a payment travels from one mempool into the other node's block", "[node][chain]") {
  const demo::topology t = two_nodes();
  demo::chain_state a(demo::make_chain_config(t, 0, 7));
  demo::chain_state b(demo::make_chain_config(t, 1, 7));
  const std::optional<demo::submitted_payment> paid = a.pay(1, 40);
  REQUIRE(paid);
  CHECK(paid->key.size() == 16);
  CHECK(a.mempool_size() == 1);
  CHECK(b.receive_transaction(paid->bytes) == paid->key);
  CHECK_FALSE(b.receive_transaction(paid->bytes));  // already waiting

  const std::optional<demo::forged_block> made = b.forge(1);
  REQUIRE(made);
  REQUIRE(made->result.adopted.size() == 1);
  CHECK(made->result.adopted[0].txs == std::vector<std::string>{paid->key});
  CHECK(b.mempool_size() == 0);
  REQUIRE(a.receive(*b.encoded_block(b.tip_hash())).result.adopted.size() == 1);
  CHECK(a.mempool_size() == 0);
}

TEST_CASE("an invalid block is refused and so are its descendants; garbage is a net_error",
          "[node][chain]") {
  const demo::topology t = two_nodes();
  demo::chain_state b(demo::make_chain_config(t, 1, 7));
  demo::block bad =
      demo::forge_block(demo::ledger(demo::make_chain_config(t, 0, 7).genesis), 1, 0, {});
  bad.header.body_hash[0] ^= 1U;  // the body no longer matches the header
  const demo::received_block refused = b.receive(demo::encode(bad));
  CHECK(refused.invalid);
  CHECK(refused.result.adopted.empty());
  CHECK(b.height() == 0);

  demo::block child = bad;
  child.header.parent = bad.hash();
  child.header.height = 2;
  CHECK(b.receive(demo::encode(child)).invalid);

  CHECK_THROWS_AS(b.receive(std::vector<std::uint8_t>{1, 2, 3}), demo::net_error);
  CHECK_THROWS_AS(b.receive_transaction(std::vector<std::uint8_t>{1}), demo::net_error);
  CHECK_THROWS_AS(demo::to_hash(std::vector<std::uint8_t>(31, 0)), demo::net_error);
}
