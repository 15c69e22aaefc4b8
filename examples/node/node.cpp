// One demo node process: the slot clock, peers over the block-fetch protocol, chain selection,
// the payment generator, and metron's logs, capture and Prometheus exporter.
#include "node.hpp"

#include "chain.hpp"
#include "cluster.hpp"
#include "net.hpp"

#include <metron/bracket.hpp>
#include <metron/log.hpp>
#include <metron/log/config.hpp>
#include <metron/monitor/monitor.hpp>
#include <metron/probe/session.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace demo {

namespace {

using steady = std::chrono::steady_clock;

/// `node.block.forged`.
struct forged_record {
  std::string block;
  std::uint64_t height = 0;
  std::uint64_t slot = 0;
  std::size_t txs = 0;
};

void to_fields(const forged_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("block", r.block);
  out.field("height", r.height);
  out.field("slot", r.slot);
  out.field("txs", r.txs);
}

/// `node.block.sent` and `node.block.received`: a block crossing a link.
struct transfer_record {
  std::string block;
  std::string peer;
  std::size_t bytes = 0;
};

void to_fields(const transfer_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("block", r.block);
  out.field("peer", r.peer);
  out.field("bytes", r.bytes);
}

/// `node.block.adopted`: a block became part of this node's chain.
struct adopted_record {
  std::string block;
  std::uint64_t height = 0;
  std::size_t txs = 0;
};

void to_fields(const adopted_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("block", r.block);
  out.field("height", r.height);
  out.field("txs", r.txs);
}

/// `node.chain.switched`: the node moved to a longer fork.
struct switched_record {
  std::string from;
  std::string to;
  std::uint64_t height = 0;
  std::uint64_t rolled_back = 0;
};

void to_fields(const switched_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("from", r.from);
  out.field("to", r.to);
  out.field("height", r.height);
  out.field("rolled_back", r.rolled_back);
}

/// `node.tx.submitted` and `node.tx.included`.
struct tx_record {
  std::string tx;
  std::string block;  // included: the block that holds it
  std::string to;     // submitted: the payee node
  std::uint64_t amount = 0;
};

void to_fields(const tx_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("tx", r.tx);
  if (!r.block.empty()) {
    out.field("block", r.block);
  }
  if (!r.to.empty()) {
    out.field("to", r.to);
    out.field("amount", r.amount);
  }
}

/// `node.mempool`, once per slot.
struct mempool_record {
  std::size_t size = 0;
  std::uint64_t slot = 0;
};

void to_fields(const mempool_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("size", r.size);
  out.field("slot", r.slot);
}

/// `node.peer`: links coming and going, protocol errors.
struct peer_record {
  std::string peer;
  std::string event;
  std::string reason;
};

void to_fields(const peer_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("peer", r.peer);
  out.field("event", r.event);
  if (!r.reason.empty()) {
    out.field("reason", r.reason);
  }
}

/// `node.block.refused`: a block that failed validation.
struct refused_record {
  std::string block;
  std::string peer;
  std::string reason;
};

void to_fields(const refused_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("block", r.block);
  out.field("peer", r.peer);
  out.field("reason", r.reason);
}

std::vector<std::uint8_t> bytes_of(const hash256& h) { return {h.begin(), h.end()}; }

/// `node.stopped`: the node's last record, after its last slot and the grace period.
struct stopped_record {
  std::uint64_t height = 0;
  std::string tip;
  std::uint64_t forged = 0;
  std::uint64_t adopted = 0;
};

void to_fields(const stopped_record& r, metron::verbosity /*level*/, metron::field_writer& out) {
  out.field("height", r.height);
  out.field("tip", r.tip);
  out.field("forged", r.forged);
  out.field("adopted", r.adopted);
}

struct loggers {
  metron::logger forged{"node.block.forged"};
  metron::logger sent{"node.block.sent"};
  metron::logger received{"node.block.received"};
  metron::logger adopted{"node.block.adopted"};
  metron::logger switched{"node.chain.switched"};
  metron::logger submitted{"node.tx.submitted"};
  metron::logger included{"node.tx.included"};
  metron::logger mempool{"node.mempool"};
  metron::logger refused{"node.block.refused"};
  metron::logger peer{"node.peer"};
  metron::logger stopped{"node.stopped"};
};

/// A link to a neighbour: the lower index dials, the higher accepts, so each link is one
/// connection.
struct link {
  std::size_t index = 0;
  bool dials = false;
  std::optional<connection> conn;
  int connecting = -1;
  bool ready = false;  // hello received
  steady::time_point next_attempt{};
};

class node {
 public:
  node(const node_options& options, topology t)
      : options_(options),
        topology_(std::move(t)),
        self_(topology_.nodes[options.index]),
        chain_(make_chain_config(topology_, options.index, options.seed)),
        random_(options.seed * 1000003U + options.index) {}

  void open_listener() { listener_.emplace(self_.port); }

  /// The gauges' values now, named as publish_gauges() names them.
  [[nodiscard]] std::array<std::pair<std::string_view, double>, 3> gauge_values() const {
    return {{{"chain.length", static_cast<double>(chain_.height())},
             {"ledger.utxo_size", static_cast<double>(chain_.utxo_size())},
             {"mempool.size", static_cast<double>(chain_.mempool_size())}}};
  }

  int run();

 private:
  void connect_links();
  void poll_once(steady::time_point until);
  void on_frame(link& l, const frame& f);
  void greet(connection& c);
  void broadcast(const frame& f, const link* except);
  void drop(link& l, const std::string& reason);
  void start_slot(std::uint64_t slot);
  void submit_payment();
  void adopt_result(const adoption& result, const link* from);
  void publish_gauges();
  void write_summary() const;
  [[nodiscard]] std::string peer_name(const link& l) const { return topology_.nodes[l.index].name; }

  node_options options_;
  topology topology_;
  node_spec self_;
  chain_state chain_;
  std::mt19937_64 random_;
  std::optional<listener> listener_;
  std::vector<link> links_;
  std::vector<connection> unknown_;  // accepted, no hello yet
  std::map<std::string, steady::time_point> requested_;
  std::set<std::string> seen_txs_;
  loggers log_;
  std::uint64_t forged_ = 0;
  std::uint64_t adopted_ = 0;
  std::uint64_t switches_ = 0;
  std::uint64_t submitted_ = 0;
  std::uint64_t included_ = 0;
  std::uint64_t received_txs_ = 0;
};

void node::connect_links() {
  const auto now = steady::now();
  for (link& l : links_) {
    if (l.conn || !l.dials) {
      continue;
    }
    if (l.connecting >= 0) {
      try {
        if (!connect_finished(l.connecting)) {
          continue;
        }
        l.conn.emplace(std::exchange(l.connecting, -1));
        greet(*l.conn);
        log_.peer.info(peer_record{peer_name(l), "connected", {}});
      } catch (const net_error&) {
        ::close(std::exchange(l.connecting, -1));
        l.next_attempt = now + std::chrono::milliseconds(100);
      }
    } else if (now >= l.next_attempt) {
      try {
        l.connecting = connect_start(topology_.nodes[l.index].port);
      } catch (const net_error&) {
        l.next_attempt = now + std::chrono::milliseconds(100);
      }
    }
  }
}

void node::greet(connection& c) {
  c.send({frame_kind::hello, encode_hello(static_cast<std::uint32_t>(options_.index))});
  c.send(
      {frame_kind::announce, encode_announcement({chain_.height(), bytes_of(chain_.tip_hash())})});
}

void node::broadcast(const frame& f, const link* except) {
  for (link& l : links_) {
    if (&l != except && l.conn && l.ready) {
      l.conn->send(f);
    }
  }
}

void node::drop(link& l, const std::string& reason) {
  l.conn.reset();
  l.ready = false;
  l.next_attempt = steady::now() + std::chrono::milliseconds(200);
  log_.peer.info(peer_record{peer_name(l), "disconnected", reason});
}

void node::poll_once(steady::time_point until) {
  connect_links();
  std::vector<pollfd> fds;
  fds.push_back({listener_->fd(), POLLIN, 0});
  for (const link& l : links_) {
    if (l.conn) {
      fds.push_back(
          {l.conn->fd(), static_cast<short>(POLLIN | (l.conn->wants_write() ? POLLOUT : 0)), 0});
    } else if (l.connecting >= 0) {
      fds.push_back({l.connecting, POLLOUT, 0});
    }
  }
  for (const connection& c : unknown_) {
    fds.push_back({c.fd(), POLLIN, 0});
  }
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - steady::now());
  // Wake at least every 50 ms to retry connections.
  const int timeout = static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 50));
  ::poll(fds.data(), fds.size(), timeout);

  while (true) {
    const int fd = listener_->accept_fd();
    if (fd < 0) {
      break;
    }
    unknown_.emplace_back(fd);
  }
  // A hello turns an accepted connection into its link; frames that came with it wait for the
  // link's turn below.
  std::vector<std::pair<link*, std::vector<frame>>> early;
  for (auto it = unknown_.begin(); it != unknown_.end();) {
    try {
      std::vector<frame> frames = it->receive();
      if (frames.empty()) {
        it = it->closed() ? unknown_.erase(it) : it + 1;
        continue;
      }
      if (frames.front().kind != frame_kind::hello) {
        throw net_error("first frame is " + std::string(kind_name(frames.front().kind)) +
                        ", expected hello");
      }
      const std::uint32_t index = decode_hello(frames.front().payload);
      const auto l = std::find_if(links_.begin(), links_.end(),
                                  [&](const link& x) { return x.index == index; });
      if (l == links_.end()) {
        throw net_error("hello from node " + std::to_string(index) + ", not a neighbour");
      }
      l->conn.emplace(std::move(*it));
      l->ready = true;
      greet(*l->conn);
      log_.peer.info(peer_record{peer_name(*l), "connected", {}});
      frames.erase(frames.begin());
      early.emplace_back(&*l, std::move(frames));
    } catch (const net_error& problem) {
      log_.peer.warning(peer_record{"?", "refused", problem.what()});
    }
    it = unknown_.erase(it);
  }
  for (link& l : links_) {
    if (!l.conn) {
      continue;
    }
    try {
      l.conn->flush();
      std::vector<frame> frames = l.conn->receive();
      for (auto& [owner, waiting] : early) {
        if (owner == &l) {
          frames.insert(frames.begin(), waiting.begin(), waiting.end());
        }
      }
      for (const frame& f : frames) {
        on_frame(l, f);
      }
    } catch (const std::exception& problem) {
      // A peer that breaks the protocol (or sends what the node cannot take) loses its link;
      // the node goes on with the others.
      drop(l, problem.what());
      continue;
    }
    if (l.conn && l.conn->closed()) {
      drop(l, "closed by the peer");
    }
  }
}

void node::on_frame(link& l, const frame& f) {
  switch (f.kind) {
    case frame_kind::hello:
      if (decode_hello(f.payload) != l.index) {
        throw net_error("hello from node " + std::to_string(decode_hello(f.payload)) +
                        " on the link to node " + std::to_string(l.index));
      }
      l.ready = true;
      break;
    case frame_kind::announce: {
      const announcement a = decode_announcement(f.payload);
      const hash256 hash = to_hash(a.hash);
      const std::string key = short_key(hash);
      const auto asked = requested_.find(key);
      const bool pending =
          asked != requested_.end() && steady::now() - asked->second < std::chrono::seconds(1);
      if (a.height > chain_.height() && !chain_.knows(hash) && !pending) {
        requested_[key] = steady::now();
        l.conn->send({frame_kind::request, a.hash});
      }
      break;
    }
    case frame_kind::request: {
      const hash256 hash = to_hash(f.payload);
      const std::optional<std::vector<std::uint8_t>> bytes = chain_.encoded_block(hash);
      if (bytes) {
        l.conn->send({frame_kind::block, *bytes});
        log_.sent.info(transfer_record{short_key(hash), peer_name(l), bytes->size()});
      } else {
        l.conn->send({frame_kind::not_found, f.payload});
      }
      break;
    }
    case frame_kind::block: {
      METRON_BRACKET("node.receive_block");
      const received_block got = chain_.receive(f.payload);
      requested_.erase(got.key);
      log_.received.info(transfer_record{got.key, peer_name(l), f.payload.size()});
      if (got.missing_parent) {
        requested_[short_key(*got.missing_parent)] = steady::now();
        l.conn->send({frame_kind::request, bytes_of(*got.missing_parent)});
      }
      if (got.invalid) {
        log_.refused.warning(refused_record{got.key, peer_name(l), *got.invalid});
      }
      adopt_result(got.result, &l);
      break;
    }
    case frame_kind::not_found: requested_.erase(short_key(to_hash(f.payload))); break;
    case frame_kind::transaction: {
      const std::optional<std::string> key = chain_.receive_transaction(f.payload);
      if (key && seen_txs_.insert(*key).second) {
        ++received_txs_;
        broadcast(f, &l);
      }
      break;
    }
  }
}

void node::adopt_result(const adoption& result, const link* from) {
  if (result.adopted.empty()) {
    return;
  }
  if (result.rolled_back > 0) {
    ++switches_;
    log_.switched.notice(
        switched_record{result.old_tip, chain_.tip_key(), chain_.height(), result.rolled_back});
  }
  for (const adopted_block& b : result.adopted) {
    ++adopted_;
    log_.adopted.info(adopted_record{b.key, b.height, b.txs.size()});
    for (const std::string& tx : b.txs) {
      ++included_;
      log_.included.info(tx_record{tx, b.key, {}, 0});
    }
  }
  publish_gauges();
  // Announce the new tip to every peer but the one it came from, which has it.
  broadcast(
      {frame_kind::announce, encode_announcement({chain_.height(), bytes_of(chain_.tip_hash())})},
      from);
}

void node::publish_gauges() {
  METRON_GAUGE("chain.length", chain_.height());
  METRON_GAUGE("ledger.utxo_size", chain_.utxo_size());
  METRON_GAUGE("mempool.size", chain_.mempool_size());
}

void node::start_slot(std::uint64_t slot) {
  if (options_.crash_at_slot == slot) {
    std::_Exit(3);
  }
  if (chain_.is_leader(slot)) {
    METRON_BRACKET("node.forge_block");
    const std::optional<forged_block> made = chain_.forge(slot);
    if (made) {
      ++forged_;
      log_.forged.info(forged_record{made->key, made->result.adopted.back().height, slot,
                                     made->result.adopted.back().txs.size()});
      adopt_result(made->result, nullptr);
    }
  }
  log_.mempool.info(mempool_record{chain_.mempool_size(), slot});
  publish_gauges();
}

void node::submit_payment() {
  if (topology_.nodes.size() < 2) {
    return;
  }
  std::uniform_int_distribution<std::size_t> pick(0, topology_.nodes.size() - 2);
  std::size_t payee = pick(random_);
  if (payee >= options_.index) {
    ++payee;
  }
  std::uniform_int_distribution<std::uint64_t> amount(1, 50);
  const std::optional<submitted_payment> payment = chain_.pay(payee, amount(random_));
  if (!payment) {
    return;
  }
  ++submitted_;
  seen_txs_.insert(payment->key);
  log_.submitted.info(tx_record{payment->key, {}, topology_.nodes[payee].name, payment->amount});
  broadcast({frame_kind::transaction, payment->bytes}, nullptr);
}

int node::run() {
  for (const std::size_t n : neighbours(topology_, options_.index)) {
    links_.push_back(link{n, n > options_.index, std::nullopt, -1, false, {}});
  }
  const auto start_system =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(options_.start_unix_ms));
  // Slots follow the wall clock every node shares; the steady clock paces this process.
  const steady::time_point start =
      steady::now() +
      std::chrono::duration_cast<steady::duration>(start_system - std::chrono::system_clock::now());
  const auto slot_length = std::chrono::milliseconds(options_.slot_ms);
  const auto end = start + slot_length * static_cast<std::int64_t>(options_.slots);
  const auto grace = std::max<steady::duration>(std::chrono::seconds(1), slot_length * 5);
  std::exponential_distribution<double> gap(options_.tx_rate > 0 ? options_.tx_rate : 1.0);
  const auto next_gap = [&] {
    return std::chrono::duration_cast<steady::duration>(
        std::chrono::duration<double>(gap(random_)));
  };
  steady::time_point next_tx = start + next_gap();
  std::uint64_t next_slot = 0;
  publish_gauges();
  while (true) {
    const auto now = steady::now();
    if (now >= end + grace) {
      break;
    }
    if (now >= start && now < end) {
      const auto current = static_cast<std::uint64_t>((now - start) / slot_length);
      // A late start or a stall skips slots rather than forging them in a burst.
      if (current >= next_slot) {
        start_slot(current);
        next_slot = current + 1;
      }
      if (options_.tx_rate > 0 && now >= next_tx) {
        submit_payment();
        next_tx = std::max(next_tx + next_gap(), now - std::chrono::seconds(1));
      }
    }
    auto wake = now < start ? start : start + slot_length * static_cast<std::int64_t>(next_slot);
    if (options_.tx_rate > 0 && now < end) {
      wake = std::min(wake, next_tx);
    }
    poll_once(std::min(wake, end + grace));
  }
  log_.stopped.info(stopped_record{chain_.height(), chain_.tip_key(), forged_, adopted_});
  write_summary();
  return 0;
}

void node::write_summary() const {
  const nlohmann::json summary = {{"name", self_.name},
                                  {"height", chain_.height()},
                                  {"tip", chain_.tip_key()},
                                  {"utxo_size", chain_.utxo_size()},
                                  {"blocks_forged", forged_},
                                  {"blocks_adopted", adopted_},
                                  {"chain_switches", switches_},
                                  {"txs_submitted", submitted_},
                                  {"txs_included", included_},
                                  {"txs_received", received_txs_},
                                  {"mempool_size", chain_.mempool_size()}};
  const std::filesystem::path path =
      options_.out / fmt::format("node-{}.summary.json", options_.index + 1);
  std::ofstream(path) << summary.dump(2) << '\n';
}

std::string logging_yaml(const std::filesystem::path& log_path) {
  return fmt::format(
      "min_severity: info\n"
      "queue_records: 65536\n"
      "sinks:\n"
      "  journal: {{kind: file, path: '{}', format: json}}\n"
      "  console: {{kind: stderr, format: text, min_severity: warning}}\n"
      "default_sinks: [journal, console]\n",
      log_path.string());
}

}  // namespace

int run_node(const node_options& options) {
  topology t = load_topology(options.topology_path);
  if (options.index >= t.nodes.size()) {
    throw metron::input_error(
        fmt::format("--index {}: {} has {} nodes", options.index, t.source, t.nodes.size()));
  }
  const std::string stem = fmt::format("node-{}", options.index + 1);
  std::filesystem::create_directories(options.out);
  node instance(options, t);
  // The listener first: peers dial it as soon as they are up.
  instance.open_listener();

  metron::start_logging(
      metron::parse_log_config(logging_yaml(options.out / (stem + ".jsonl")), stem + " logging"));
  metron::monitor_config monitor_settings;
  monitor_settings.http =
      metron::http_exporter_config{"127.0.0.1", t.nodes[options.index].metrics_port, 8192, "demo_"};
  metron::monitoring hub(monitor_settings);
  // The probes' gauges reach the hub at the collector's first drain; seeded here, they are on
  // the page from the first scrape, which may come as soon as the exporter listens.
  for (const auto& [name, value] : instance.gauge_values()) {
    hub.observe(name, value, metron::metric_kind::gauge);
  }
  hub.start();
  metron::session_options session;
  session.capture_path = (options.out / (stem + ".mtr")).string();
  session.sinks.push_back(hub.probe_sink());
  metron::start_session(session);

  const int code = instance.run();

  metron::stop_session();
  hub.stop();
  metron::stop_logging();
  for (const std::string& problem : hub.problems()) {
    std::fprintf(stderr, "%s: %s\n", stem.c_str(), problem.c_str());
  }
  return code;
}

}  // namespace demo
