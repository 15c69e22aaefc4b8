// metron-demo: runs a cluster of demo blockchain nodes on this machine and analyses their logs.
#include "cluster.hpp"
#include "node.hpp"

#include <metron/error.hpp>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <climits>
#include <cstdio>
#include <exception>
#include <string>

namespace {

constexpr const char* description =
    "A demo blockchain cluster on 127.0.0.1, instrumented with metron.\n"
    "\n"
    "`metron-demo cluster` starts one process per node of a topology (YAML: nodes with name,\n"
    "port, metrics_port, stake and peers; without --topology a ring of --nodes nodes on free\n"
    "ports). Time is cut into slots; each slot a stake-weighted lottery picks leaders, which\n"
    "forge a block of their mempool's payments and announce it; peers fetch the blocks they lack\n"
    "and adopt the longest valid chain. Every node submits payments to the others at --tx-rate.\n"
    "\n"
    "Each node i writes to --out: node-i.jsonl (JSON-lines log), node-i.mtr (capture),\n"
    "node-i.summary.json and node-i.stderr, and serves Prometheus /metrics on its metrics port\n"
    "(names prefixed demo_). The launcher then prints a table of the nodes and runs\n"
    "`metron postmortem` over the logs: postmortem.txt, postmortem.json and a headline of block\n"
    "adoption and transaction inclusion times. Files of an earlier run in --out (node-*,\n"
    "postmortem.*) are removed first.\n"
    "\n"
    "Exit codes:\n"
    "  0  every node ran to the end and the postmortem ran\n"
    "  1  a node failed (crashed, killed, non-zero exit) or the postmortem could not run; the\n"
    "     other nodes' data is still reported\n"
    "  2  bad input or usage: a topology error (file:line), a port in use, a bad option\n";

constexpr const char* examples =
    "Examples:\n"
    "  metron-demo cluster --nodes 5 --topology examples/topology.yaml --slots 200\n"
    "  metron-demo cluster --nodes 3 --slots 60 --slot-ms 50 --out run/\n"
    "  metron-demo cluster --topology examples/topology.yaml --crash node-3@40\n";

// The running executable's path, so the launcher can start copies of itself.
std::filesystem::path self_path(const char* argv0) {
  char buffer[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (length > 0) {
    return std::string(buffer, static_cast<std::size_t>(length));
  }
  return argv0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(description, "metron-demo");
  app.footer(examples);
  app.require_subcommand(1);

  demo::cluster_options cluster;
  std::string crash;
  CLI::App* cluster_command =
      app.add_subcommand("cluster", "Run a cluster of nodes and analyse it");
  cluster_command->add_option("--nodes", cluster.nodes,
                              "Nodes: a ring of this many without --topology (default 5); with "
                              "one, it must match its node count");
  cluster_command->add_option("--topology", cluster.topology_path, "Topology file (YAML)")
      ->check(CLI::ExistingFile);
  cluster_command->add_option("--slots", cluster.slots, "Slots to run")->capture_default_str();
  cluster_command->add_option("--slot-ms", cluster.slot_ms, "Slot length in milliseconds")
      ->capture_default_str();
  cluster_command->add_option("--seed", cluster.seed, "Seed of the lottery and the payments")
      ->capture_default_str();
  cluster_command->add_option("--tx-rate", cluster.tx_rate, "Payments per second per node")
      ->capture_default_str();
  cluster_command->add_option("--out", cluster.out, "Output directory")->capture_default_str();
  cluster_command->add_option("--metron", cluster.metron,
                              "The metron tool for the postmortem (default: "
                              "../../tools/metron/metron from this executable, else PATH)");
  cluster_command->add_option("--crash", crash,
                              "NODE@SLOT: make node NODE (a name or a 1-based number) die "
                              "abruptly at slot SLOT, to see a crash analysed");

  demo::node_options node;
  std::uint64_t crash_at = 0;
  CLI::App* node_command =
      app.add_subcommand("node", "Run one node (internal: `cluster` starts these)");
  node_command->add_option("--topology", node.topology_path, "Topology file")->required();
  node_command->add_option("--index", node.index, "This node's index in the topology (0-based)")
      ->required();
  node_command->add_option("--start-ms", node.start_unix_ms, "Start of slot 0, ms since the epoch")
      ->required();
  node_command->add_option("--seed", node.seed, "Seed");
  node_command->add_option("--slots", node.slots, "Slots to run");
  node_command->add_option("--slot-ms", node.slot_ms, "Slot length in milliseconds");
  node_command->add_option("--tx-rate", node.tx_rate, "Payments per second");
  node_command->add_option("--out", node.out, "Output directory");
  CLI::Option* crash_option = node_command->add_option("--crash-at-slot", crash_at,
                                                       "Exit abruptly (status 3) at this slot");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& problem) {
    return app.exit(problem) == 0 ? 0 : 2;
  }

  try {
    if (*node_command) {
      if (crash_option->count() > 0) {
        node.crash_at_slot = crash_at;
      }
      return demo::run_node(node);
    }
    cluster.self = self_path(argv[0]);
    if (!crash.empty()) {
      const std::size_t at = crash.find('@');
      if (at == std::string::npos) {
        throw metron::input_error("--crash " + crash + ": expected NODE@SLOT, e.g. node-3@40");
      }
      const std::string who = crash.substr(0, at);
      try {
        cluster.crash_slot = std::stoull(crash.substr(at + 1));
      } catch (const std::exception&) {
        throw metron::input_error("--crash " + crash + ": the slot must be a whole number");
      }
      cluster.crash_name = who;
    }
    return demo::run_cluster(cluster);
  } catch (const metron::input_error& problem) {
    fmt::print(stderr, "metron-demo: {}\n", problem.what());
    return 2;
  } catch (const std::exception& problem) {
    fmt::print(stderr, "metron-demo: {}\n", problem.what());
    return 1;
  }
}
