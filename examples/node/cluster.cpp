// The demo cluster: topology files and the launcher of one node process per node.
#include "cluster.hpp"

#include "net.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace demo {

namespace {

using clock_type = std::chrono::system_clock;

std::string at(const std::string& source, const YAML::Node& node) {
  return fmt::format("{}:{}", source, node.Mark().line + 1);
}

std::uint64_t read_unsigned(const YAML::Node& value, const std::string& source,
                            std::string_view key, std::uint64_t low, std::uint64_t high) {
  std::uint64_t result = 0;
  if (!value.IsScalar() || !YAML::convert<std::uint64_t>::decode(value, result) || result < low ||
      result > high) {
    throw metron::input_error(fmt::format("{}: '{}' must be a whole number from {} to {}",
                                          at(source, value), key, low, high));
  }
  return result;
}

node_spec read_node(const YAML::Node& entry, const std::string& source) {
  if (!entry.IsMap()) {
    throw metron::input_error(
        fmt::format("{}: a node must be a map with name, port, metrics_port, stake and peers",
                    at(source, entry)));
  }
  node_spec spec;
  spec.line = entry.Mark().line + 1;
  bool has_name = false;
  bool has_port = false;
  bool has_metrics_port = false;
  for (const auto& item : entry) {
    const std::string key = item.first.as<std::string>();
    const YAML::Node& value = item.second;
    if (key == "name") {
      if (!value.IsScalar() || value.Scalar().empty()) {
        throw metron::input_error(
            fmt::format("{}: 'name' must be a non-empty string", at(source, value)));
      }
      spec.name = value.Scalar();
      has_name = true;
    } else if (key == "port") {
      spec.port = static_cast<std::uint16_t>(read_unsigned(value, source, key, 1, 65535));
      has_port = true;
    } else if (key == "metrics_port") {
      spec.metrics_port = static_cast<std::uint16_t>(read_unsigned(value, source, key, 1, 65535));
      has_metrics_port = true;
    } else if (key == "stake") {
      spec.stake = read_unsigned(value, source, key, 1, std::uint64_t{1} << 40U);
    } else if (key == "peers") {
      if (!value.IsSequence()) {
        throw metron::input_error(
            fmt::format("{}: 'peers' must be a list of node names", at(source, value)));
      }
      for (const auto& peer : value) {
        if (!peer.IsScalar()) {
          throw metron::input_error(
              fmt::format("{}: a peer must be a node's name", at(source, peer)));
        }
        spec.peers.push_back(peer.Scalar());
      }
    } else {
      throw metron::input_error(fmt::format(
          "{}: unknown key '{}' in a node; expected one of name, port, metrics_port, stake, peers",
          at(source, item.first), key));
    }
  }
  const char* missing = !has_name           ? "name"
                        : !has_port         ? "port"
                        : !has_metrics_port ? "metrics_port"
                                            : nullptr;
  if (missing != nullptr) {
    throw metron::input_error(fmt::format("{}: the node has no '{}'", at(source, entry), missing));
  }
  return spec;
}

// Peer names are checked against the nodes with their own marks, so an unknown name points at
// the line that wrote it.
void check_peers(const topology& t, const YAML::Node& nodes) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    index.emplace(t.nodes[i].name, i);
  }
  std::string known;
  for (const node_spec& node : t.nodes) {
    known += (known.empty() ? "" : ", ") + node.name;
  }
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    const YAML::Node peers = nodes[i]["peers"];
    for (std::size_t p = 0; p < t.nodes[i].peers.size(); ++p) {
      const std::string& peer = t.nodes[i].peers[p];
      if (!index.contains(peer)) {
        throw metron::input_error(
            fmt::format("{}: node '{}' names unknown peer '{}'; known nodes: {}",
                        at(t.source, peers[p]), t.nodes[i].name, peer, known));
      }
      if (peer == t.nodes[i].name) {
        throw metron::input_error(
            fmt::format("{}: node '{}' names itself as a peer", at(t.source, peers[p]), peer));
      }
    }
  }
}

void check_unique(const topology& t) {
  std::map<std::string, const node_spec*> names;
  std::map<std::uint16_t, std::pair<const node_spec*, const char*>> ports;
  for (const node_spec& node : t.nodes) {
    if (const auto [it, fresh] = names.emplace(node.name, &node); !fresh) {
      throw metron::input_error(fmt::format("{}:{}: duplicate node name '{}' (first at line {})",
                                            t.source, node.line, node.name, it->second->line));
    }
    for (const auto& [port, what] :
         {std::pair{node.port, "port"}, std::pair{node.metrics_port, "metrics_port"}}) {
      if (const auto [it, fresh] = ports.emplace(port, std::pair{&node, what}); !fresh) {
        throw metron::input_error(fmt::format(
            "{}:{}: duplicate port {}: {} of node '{}' is also the {} of node '{}' (line {})",
            t.source, node.line, port, what, node.name, it->second.second, it->second.first->name,
            it->second.first->line));
      }
    }
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw metron::input_error(
        fmt::format("{}: cannot read the file: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A spawned child with its stdout and stderr in `log` (appended).
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int code = ::posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (code != 0) {
    throw metron::resource_error(fmt::format("cannot start {}: {}", args[0], std::strerror(code)));
  }
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) {
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                       ::strsignal(WTERMSIG(status)));
  }
  return fmt::format("exited with status {}", exit_code_of(status));
}

std::filesystem::path find_metron(const cluster_options& options) {
  if (!options.metron.empty()) {
    return options.metron;
  }
  const std::filesystem::path beside =
      options.self.parent_path() / ".." / ".." / "tools" / "metron" / "metron";
  if (::access(beside.c_str(), X_OK) == 0) {
    return beside.lexically_normal();
  }
  if (const char* path = std::getenv("PATH")) {
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const std::filesystem::path candidate = std::filesystem::path(dir) / "metron";
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
  }
  return {};
}

// Files of an earlier run in `out` would be read by the postmortem as nodes of this one.
void clear_earlier_run(const std::filesystem::path& out) {
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (name.starts_with("node-") || name.starts_with("postmortem."))) {
      std::filesystem::remove(entry.path());
    }
  }
}

node_outcome read_outcome(const std::filesystem::path& summary, node_outcome outcome) {
  std::ifstream in(summary);
  if (!in) {
    return outcome;
  }
  try {
    const nlohmann::json json = nlohmann::json::parse(in);
    outcome.has_summary = true;
    outcome.height = json.value("height", std::uint64_t{0});
    outcome.tip = json.value("tip", std::string());
    outcome.utxo = json.value("utxo_size", std::uint64_t{0});
    outcome.forged = json.value("blocks_forged", std::uint64_t{0});
    outcome.adopted = json.value("blocks_adopted", std::uint64_t{0});
    outcome.txs_submitted = json.value("txs_submitted", std::uint64_t{0});
    outcome.txs_included = json.value("txs_included", std::uint64_t{0});
  } catch (const nlohmann::json::exception&) {
    outcome.has_summary = false;
  }
  return outcome;
}

std::string ms_or_dash(const nlohmann::json& value) {
  return value.is_number() ? fmt::format("{:.1f} ms", value.get<double>()) : "-";
}

// The median time until `fraction` of the nodes were reached, and the largest.
std::pair<nlohmann::json, nlohmann::json> until(const nlohmann::json& span, double fraction) {
  for (const nlohmann::json& entry : span.value("until", nlohmann::json::array())) {
    if (std::abs(entry.value("fraction", 0.0) - fraction) < 1e-9 && entry.contains("summary")) {
      const nlohmann::json& summary = entry["summary"];
      return {summary.value("median_ms", nlohmann::json()),
              summary.value("max_ms", nlohmann::json())};
    }
  }
  return {};
}

void print_headline(const std::filesystem::path& json_path) {
  std::ifstream in(json_path);
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& problem) {
    fmt::print("postmortem: cannot read {}: {}\n", json_path.string(), problem.what());
    return;
  }
  for (const nlohmann::json& span : report.value("spans", nlohmann::json::array())) {
    const std::string name = span.value("name", std::string());
    const std::size_t keys = span.value("keys", nlohmann::json::array()).size();
    const nlohmann::json first = span.value("first_end", nlohmann::json::object());
    const auto [p50, p50_max] = until(span, 0.5);
    const auto [p96, p96_max] = until(span, 0.96);
    const auto [all, all_max] = until(span, 1.0);
    if (name == "block") {
      fmt::print(
          "block adoption ({} blocks): 50 % of nodes after {} (median), 96 % after {} (median), "
          "all after at most {}\n",
          keys, ms_or_dash(p50), ms_or_dash(p96), ms_or_dash(all_max));
    } else if (name == "tx") {
      fmt::print(
          "tx inclusion ({} txs): first block after {} (median, max {}), 96 % of nodes after {} "
          "(median)\n",
          keys, ms_or_dash(first.value("median_ms", nlohmann::json())),
          ms_or_dash(first.value("max_ms", nlohmann::json())), ms_or_dash(p96));
    }
  }
}

}  // namespace

topology parse_topology(const std::string& yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& problem) {
    throw metron::input_error(fmt::format("{}:{}: {}", source, problem.mark.line + 1, problem.msg));
  }
  if (!root.IsMap() || !root["nodes"]) {
    throw metron::input_error(fmt::format("{}:1: expected a map with a list 'nodes'", source));
  }
  for (const auto& item : root) {
    if (item.first.as<std::string>() != "nodes") {
      throw metron::input_error(fmt::format("{}: unknown key '{}'; expected nodes",
                                            at(source, item.first), item.first.as<std::string>()));
    }
  }
  const YAML::Node nodes = root["nodes"];
  if (!nodes.IsSequence() || nodes.size() < 2) {
    throw metron::input_error(
        fmt::format("{}: 'nodes' must be a list of at least two nodes", at(source, nodes)));
  }
  topology result;
  result.source = source;
  for (const auto& entry : nodes) {
    result.nodes.push_back(read_node(entry, source));
  }
  check_unique(result);
  check_peers(result, nodes);
  return result;
}

topology load_topology(const std::filesystem::path& path) {
  return parse_topology(read_file(path), path.string());
}

topology ring_topology(std::size_t nodes) {
  if (nodes < 2) {
    throw metron::input_error(fmt::format("--nodes {}: a cluster needs at least 2 nodes", nodes));
  }
  // Hold every port until all are picked, so no two nodes get the same one.
  std::vector<listener> held;
  topology result;
  result.source = "generated ring";
  for (std::size_t i = 0; i < nodes; ++i) {
    node_spec spec;
    spec.name = fmt::format("node-{}", i + 1);
    held.emplace_back(0);
    spec.port = held.back().port();
    held.emplace_back(0);
    spec.metrics_port = held.back().port();
    spec.stake = 100;
    spec.line = static_cast<int>(i) + 2;
    spec.peers.push_back(fmt::format("node-{}", (i + 1) % nodes + 1));
    result.nodes.push_back(std::move(spec));
  }
  return result;
}

std::string to_yaml(const topology& t) {
  std::string text = "nodes:\n";
  for (const node_spec& node : t.nodes) {
    std::string peers;
    for (const std::string& peer : node.peers) {
      peers += (peers.empty() ? "" : ", ") + peer;
    }
    text += fmt::format("  - {{name: {}, port: {}, metrics_port: {}, stake: {}, peers: [{}]}}\n",
                        node.name, node.port, node.metrics_port, node.stake, peers);
  }
  return text;
}

std::vector<std::size_t> neighbours(const topology& t, std::size_t index) {
  std::set<std::size_t> result;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    for (const std::string& peer : t.nodes[i].peers) {
      if (i == index) {
        for (std::size_t j = 0; j < t.nodes.size(); ++j) {
          if (t.nodes[j].name == peer) {
            result.insert(j);
          }
        }
      } else if (peer == t.nodes[index].name) {
        result.insert(i);
      }
    }
  }
  result.erase(index);
  return {result.begin(), result.end()};
}

void check_ports(const topology& t) {
  for (const node_spec& node : t.nodes) {
    for (const auto& [port, what] :
         {std::pair{node.port, "port"}, std::pair{node.metrics_port, "metrics_port"}}) {
      if (!port_available(port)) {
        throw metron::input_error(fmt::format(
            "{}:{}: {} {} of node '{}' is already in use on 127.0.0.1; stop what holds it or "
            "choose another port",
            t.source, node.line, what, port, node.name));
      }
    }
  }
}

int run_cluster(const cluster_options& options) {
  if (options.slots == 0 || options.slot_ms == 0) {
    throw metron::input_error("--slots and --slot-ms must be at least 1");
  }
  if (!(options.tx_rate >= 0.0)) {
    throw metron::input_error("--tx-rate must be 0 or more payments per second");
  }
  std::filesystem::create_directories(options.out);
  std::filesystem::path topology_path = options.topology_path;
  topology t;
  if (topology_path.empty()) {
    t = ring_topology(options.nodes == 0 ? 5 : options.nodes);
    topology_path = options.out / "topology.yaml";
    std::ofstream(topology_path) << to_yaml(t);
    t.source = topology_path.string();
  } else {
    t = load_topology(topology_path);
    if (options.nodes != 0 && options.nodes != t.nodes.size()) {
      throw metron::input_error(
          fmt::format("--nodes {} but {} has {} nodes; drop --nodes or make them agree",
                      options.nodes, topology_path.string(), t.nodes.size()));
    }
  }
  std::optional<std::size_t> crash_node;
  if (!options.crash_name.empty()) {
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      if (t.nodes[i].name == options.crash_name || std::to_string(i + 1) == options.crash_name) {
        crash_node = i;
      }
    }
    if (!crash_node) {
      throw metron::input_error(fmt::format(
          "--crash {}@{}: no such node in {}; name one of its nodes or give its 1-based number",
          options.crash_name, options.crash_slot, t.source));
    }
  }
  check_ports(t);
  clear_earlier_run(options.out);

  // Slot 0 starts once every process has had time to set up logging, the capture and its
  // listener on a busy machine; a late node joins at the current slot.
  const auto start = clock_type::now() + std::chrono::milliseconds(1500 + 100 * t.nodes.size());
  const std::int64_t start_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
  struct child {
    pid_t pid = 0;
    bool done = false;
    int status = 0;
  };
  std::vector<child> children(t.nodes.size());
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    std::vector<std::string> args = {options.self.string(),
                                     "node",
                                     "--topology",
                                     topology_path.string(),
                                     "--index",
                                     std::to_string(i),
                                     "--seed",
                                     std::to_string(options.seed),
                                     "--start-ms",
                                     std::to_string(start_ms),
                                     "--slots",
                                     std::to_string(options.slots),
                                     "--slot-ms",
                                     std::to_string(options.slot_ms),
                                     "--tx-rate",
                                     fmt::format("{}", options.tx_rate),
                                     "--out",
                                     options.out.string()};
    if (crash_node == i) {
      args.insert(args.end(), {"--crash-at-slot", std::to_string(options.crash_slot)});
    }
    children[i].pid = spawn(args, options.out / fmt::format("node-{}.stderr", i + 1));
  }
  fmt::print(stderr,
             "started {} nodes ({}); slot 0 at +{:.1f} s, {} slots of {} ms; output in {}\n",
             t.nodes.size(), topology_path.string(),
             std::chrono::duration<double>(start - clock_type::now()).count(), options.slots,
             options.slot_ms, options.out.string());

  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const auto slot_length = std::chrono::milliseconds(options.slot_ms);
  // Nodes take a grace period after their last slot; beyond this something hangs.
  const auto deadline =
      start + slot_length * static_cast<std::int64_t>(options.slots) + std::chrono::seconds(30);
  std::uint64_t shown = options.slots + 1;
  std::size_t running = children.size();
  bool killed = false;
  while (running > 0) {
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (children[i].done) {
        continue;
      }
      if (::waitpid(children[i].pid, &children[i].status, WNOHANG) == children[i].pid) {
        children[i].done = true;
        --running;
        if (exit_code_of(children[i].status) != 0) {
          fmt::print(stderr, "{}{} {} (see {})\n", terminal ? "\r" : "", t.nodes[i].name,
                     describe_exit(children[i].status),
                     (options.out / fmt::format("node-{}.stderr", i + 1)).string());
        }
      }
    }
    const auto now = clock_type::now();
    if (now > deadline && !killed) {
      killed = true;
      for (child& c : children) {
        if (!c.done) {
          ::kill(c.pid, SIGKILL);
        }
      }
      fmt::print(stderr, "nodes still running 30 s after the last slot: killed\n");
    }
    const std::uint64_t slot =
        now < start ? 0
                    : std::min<std::uint64_t>(
                          static_cast<std::uint64_t>((now - start) / slot_length), options.slots);
    const bool step =
        terminal ? slot != shown : (slot * 10 / options.slots) != (shown * 10 / options.slots);
    if (now >= start && step) {
      fmt::print(stderr, "{}slot {} of {}{}", terminal ? "\r" : "", slot, options.slots,
                 terminal ? "" : "\n");
      std::fflush(stderr);
      shown = slot;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  fmt::print(stderr, "{}all nodes ended\n", terminal ? "\r" : "");

  int result = 0;
  std::vector<node_outcome> outcomes;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    node_outcome outcome;
    outcome.name = t.nodes[i].name;
    outcome.exit_code = exit_code_of(children[i].status);
    outcome.crashed = outcome.exit_code != 0;
    outcomes.push_back(
        read_outcome(options.out / fmt::format("node-{}.summary.json", i + 1), outcome));
    if (outcome.crashed) {
      result = 1;
    }
  }
  fmt::print("{:<12} {:<10} {:>7} {:<17} {:>7} {:>7} {:>8} {:>10} {:>10}\n", "node", "status",
             "height", "tip", "utxo", "forged", "adopted", "txs sent", "txs incl.");
  for (const node_outcome& o : outcomes) {
    const std::string status = o.crashed ? fmt::format("FAILED({})", o.exit_code) : "ok";
    if (o.has_summary) {
      fmt::print("{:<12} {:<10} {:>7} {:<17} {:>7} {:>7} {:>8} {:>10} {:>10}\n", o.name, status,
                 o.height, o.tip, o.utxo, o.forged, o.adopted, o.txs_submitted, o.txs_included);
    } else {
      fmt::print("{:<12} {:<10} {:>7} {:<17} {:>7} {:>7} {:>8} {:>10} {:>10}\n", o.name, status,
                 "-", "-", "-", "-", "-", "-", "-");
    }
  }

  const std::filesystem::path metron = find_metron(options);
  if (metron.empty()) {
    fmt::print(stderr,
               "postmortem not run: no metron tool beside the build tree or on PATH; pass "
               "--metron PATH\n");
    return 1;
  }
  const std::filesystem::path text = options.out / "postmortem.txt";
  const std::filesystem::path json = options.out / "postmortem.json";
  const std::filesystem::path errors = options.out / "postmortem.stderr";
  int status = 0;
  for (const auto& extra : {std::vector<std::string>{"-o", text.string()},
                            std::vector<std::string>{"--json", "-o", json.string()}}) {
    std::vector<std::string> args = {metron.string(), "postmortem", options.out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const pid_t pid = spawn(args, errors);
    ::waitpid(pid, &status, 0);
    if (exit_code_of(status) != 0) {
      fmt::print(stderr, "postmortem: {} {} {}; see {}\n", metron.string(), "postmortem",
                 describe_exit(status), errors.string());
      return 1;
    }
  }
  fmt::print("\npostmortem: {} (text), {} (JSON)\n", text.string(), json.string());
  std::ifstream report(text);
  std::string line;
  while (std::getline(report, line)) {
    if (line.find("ends early") != std::string::npos) {
      fmt::print("{}\n", line);
    }
  }
  print_headline(json);
  return result;
}

}  // namespace demo
