// One demo node process: slots, the leader lottery, block fetch from peers, chain selection,
// a transaction generator, structured logs, a capture and a Prometheus exporter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace demo {

/// What run_node() needs to know; metron-demo cluster passes it on the command line.
struct node_options {
  std::filesystem::path topology_path;  ///< the cluster's topology file
  std::size_t index = 0;                ///< this node's index in the topology (0-based)
  std::uint64_t seed = 1;               ///< seeds the lottery (shared) and the generator (per node)
  std::int64_t start_unix_ms = 0;       ///< when slot 0 begins, shared by every node
  std::uint64_t slots = 200;            ///< slots to run
  std::uint32_t slot_ms = 100;          ///< slot length
  double tx_rate = 5.0;                 ///< payments per second this node submits
  std::filesystem::path out =
      "run";  ///< where node-<i>.{jsonl,mtr,summary.json} go (i = index + 1)
  std::optional<std::uint64_t> crash_at_slot;  ///< die abruptly (`_Exit(3)`) at this slot
};

/// Runs one node until its last slot has passed and a short grace period for late blocks, then
/// writes `<out>/node-<i>.summary.json`: name, height, tip, utxo_size, blocks_forged,
/// blocks_adopted, chain_switches, txs_submitted, txs_included, txs_received.
///
/// Logs JSON lines to `<out>/node-<i>.jsonl` in namespaces `node.block.forged`,
/// `node.block.sent`, `node.block.received`, `node.block.adopted` (payload field `block`: the
/// block's short key), `node.chain.switched`, `node.tx.submitted`, `node.tx.included` (field
/// `tx`), `node.mempool` (field `size`), `node.block.refused`, `node.peer` and `node.stopped`;
/// records a capture to
/// `<out>/node-<i>.mtr`; serves Prometheus /metrics (prefix `demo_`) on the node's metrics port,
/// with gauges `ledger.utxo_size`, `mempool.size` and `chain.length`.
/// @return the process exit code: 0, or 2 on bad input (topology, index, port in use).
int run_node(const node_options& options);

}  // namespace demo
