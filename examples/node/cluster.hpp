// The demo cluster: its topology (YAML) and the launcher that runs one process per node.
#pragma once

#include <metron/error.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace demo {

/// One node of a topology.
struct node_spec {
  std::string name;                ///< unique, e.g. "node-1"
  std::uint16_t port = 0;          ///< its block-fetch listener on 127.0.0.1
  std::uint16_t metrics_port = 0;  ///< its Prometheus /metrics exporter on 127.0.0.1
  std::uint64_t stake = 1;         ///< its share of leadership, relative to the others'
  std::vector<std::string> peers;  ///< names of the nodes it connects to
  int line = 0;                    ///< its line in the topology file (1-based), for messages
};

/// A cluster's nodes. Peer links are undirected: a peer named by either side links both.
struct topology {
  std::vector<node_spec> nodes;  ///< in file order; node i is index i
  std::string source;            ///< the file it was read from, for messages
};

/// Reads a topology from YAML text:
///
///     nodes:
///       - {name: node-1, port: 23101, metrics_port: 23111, stake: 100, peers: [node-2]}
///
/// @throws metron::input_error naming `source`:line: a missing or unknown key, a bad value, an
///         unknown peer, a node naming itself, a duplicate name or port (block-fetch and
///         metrics ports share one space), fewer than two nodes.
[[nodiscard]] topology parse_topology(const std::string& yaml, const std::string& source);

/// Reads a topology file. @throws metron::input_error as parse_topology, or when it cannot be read.
[[nodiscard]] topology load_topology(const std::filesystem::path& path);

/// A ring of `nodes` nodes named node-1 … node-N on ports free a moment ago, each linked to the
/// next, stake 100 each.
[[nodiscard]] topology ring_topology(std::size_t nodes);

/// The YAML text of `t`, which parse_topology reads back.
[[nodiscard]] std::string to_yaml(const topology& t);

/// The indexes of node `index`'s neighbours: the nodes it names and the nodes naming it.
[[nodiscard]] std::vector<std::size_t> neighbours(const topology& t, std::size_t index);

/// Checks that every port of `t` can be bound now.
/// @throws metron::input_error naming file:line, the node and the port in use.
void check_ports(const topology& t);

/// How a cluster run goes.
struct cluster_options {
  std::filesystem::path topology_path;  ///< empty: a generated ring of `nodes` nodes
  std::size_t nodes = 0;        ///< node count: must match a given topology; 0 there, 5 for a ring
  std::uint64_t slots = 200;    ///< slots to run
  std::uint32_t slot_ms = 100;  ///< slot length
  std::uint64_t seed = 1;       ///< seeds the lottery and the transaction generators
  double tx_rate = 5.0;         ///< payments per second each node submits
  std::filesystem::path out = "run";  ///< where logs, captures, summaries and reports go
  std::string metron;                 ///< the metron tool; empty: found as documented
  std::string crash_name;        ///< a node told to crash: its name or 1-based number; empty: none
  std::uint64_t crash_slot = 0;  ///< the slot at which it crashes
  std::filesystem::path self;    ///< this executable, spawned with `node`
};

/// What a node process left behind.
struct node_outcome {
  std::string name;                 ///< the node's name
  int exit_code = 0;                ///< its exit status, or 128 + the signal that ended it
  bool crashed = false;             ///< ended by a signal or with a non-zero status
  bool has_summary = false;         ///< whether its summary file was read
  std::uint64_t height = 0;         ///< chain height at the end
  std::string tip;                  ///< short key of its tip
  std::uint64_t utxo = 0;           ///< UTxO set size at the end
  std::uint64_t forged = 0;         ///< blocks it forged
  std::uint64_t adopted = 0;        ///< blocks it adopted (its own included)
  std::uint64_t txs_submitted = 0;  ///< payments it submitted
  std::uint64_t txs_included = 0;   ///< transactions of its adopted blocks
};

/// Runs a cluster: validates the topology and ports, starts one `node` process per node with a
/// shared start time, shows "slot x of y" on stderr, waits, prints a per-node table on stdout,
/// runs `metron postmortem` over the logs (saving postmortem.txt and postmortem.json in `out`)
/// and prints its headline.
/// @return 0 when every node exited cleanly and the postmortem ran; 1 when a node failed or
///         the postmortem could not run (the rest is still reported).
/// @throws metron::input_error on a bad topology, a port in use or bad options (exit code 2).
int run_cluster(const cluster_options& options);

}  // namespace demo
