#!/usr/bin/python3
"""End-to-end checks of metron-demo cluster: real node processes on free ports of 127.0.0.1.

usage: cluster_test.py METRON_DEMO METRON SOURCE_DIR healthy|crash|bad_input|prometheus

Each check writes its own topology on ports that are free and outside the kernel's ephemeral range,
so checks may run in parallel beside other tests' connections.
"""
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

DEMO, METRON, SOURCE = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def free_ports(count):
    """`count` ports free now, below the kernel's ephemeral range: a port the kernel hands out
    (bind to 0) is also what it gives the outgoing connections of the other tests' nodes, which
    can take it before this test's node listens on it."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            ephemeral_low = int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    candidates = list(range(max(1024, ephemeral_low - 12000), ephemeral_low))
    random.SystemRandom().shuffle(candidates)
    held = []
    for port in candidates:
        if len(held) == count:
            break
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        held.append(s)
    ports = [s.getsockname()[1] for s in held]
    for s in held:
        s.close()
    check(len(ports) == count, f"{count} free ports below {ephemeral_low}")
    return ports


def write_topology(folder, nodes, extra_peer=None):
    """A ring of `nodes` nodes; returns (path, [(port, metrics_port)])."""
    ports = free_ports(2 * nodes)
    pairs = [(ports[2 * i], ports[2 * i + 1]) for i in range(nodes)]
    lines = ["nodes:"]
    for i, (port, metrics) in enumerate(pairs):
        peers = [f"node-{(i + 1) % nodes + 1}"]
        if i == 0 and extra_peer:
            peers.append(extra_peer)
        lines += [f"  - name: node-{i + 1}", f"    port: {port}", f"    metrics_port: {metrics}",
                  "    stake: 100", f"    peers: [{', '.join(peers)}]"]
    path = os.path.join(folder, "topology.yaml")
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")
    return path, pairs


def run_cluster(folder, topology, *extra, slots=50, slot_ms=80, while_running=None):
    """Runs the launcher to its end; `while_running()` is called once it has been started."""
    command = [DEMO, "cluster", "--topology", topology, "--slots", str(slots), "--slot-ms",
               str(slot_ms), "--tx-rate", "5", "--seed", "7", "--out",
               os.path.join(folder, "out"), "--metron", METRON, *extra]
    launcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    if while_running:
        while_running()
    stdout, stderr = launcher.communicate(timeout=300)
    done = subprocess.CompletedProcess(command, launcher.returncode, stdout, stderr)
    print("$", " ".join(command), "→", done.returncode)
    print(done.stdout)
    print(done.stderr[-4000:])
    return done


def summaries(folder, nodes):
    result = {}
    for i in range(1, nodes + 1):
        path = os.path.join(folder, "out", f"node-{i}.summary.json")
        if os.path.exists(path):
            with open(path) as f:
                result[i] = json.load(f)
    return result


def postmortem(folder):
    with open(os.path.join(folder, "out", "postmortem.json")) as f:
        return json.load(f)


def block_span(report):
    return next(span for span in report["spans"] if span["name"] == "block")


def first_scrape(port):
    """The first page /metrics serves on `port`, polled every millisecond; None after 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as page:
                return page.read().decode()
        except OSError:
            time.sleep(0.001)
    return None


def healthy(folder):
    topology, pairs = write_topology(folder, 4)
    pages = []
    done = run_cluster(folder, topology,
                       while_running=lambda: pages.append(first_scrape(pairs[0][1])))
    check(done.returncode == 0, f"a healthy run exits 0, not {done.returncode}")
    check(pages[0] is not None and re.search(r"^demo_chain_length 0$", pages[0], re.M),
          f"the first scrape, as soon as node-1 listens, shows its starting state: {pages[0]!r}")
    nodes = summaries(folder, 4)
    check(len(nodes) == 4, "every node writes its summary")
    heights = [s["height"] for s in nodes.values()]
    check(min(heights) >= 10, f"the chain grows over 50 slots: heights {heights}")
    check(max(heights) - min(heights) <= 2, f"nodes end within a fork of the tip: {heights}")
    tallest = [s["tip"] for s in nodes.values() if s["height"] == max(heights)]
    check(len(set(tallest)) <= 2, f"nodes at the top height share their tip: {tallest}")
    for i, s in nodes.items():
        check(s["blocks_adopted"] > s["blocks_forged"],
              f"node-{i} adopted blocks of others: {s}")
        check(s["txs_submitted"] > 0 and s["txs_included"] > 0, f"node-{i} moved payments: {s}")
    report = postmortem(folder)
    span = block_span(report)
    check(len(span["keys"]) >= 10, "the postmortem relates the forged blocks")
    check(any(key["nodes_reached"] == 4 for key in span["keys"]),
          "blocks reached every node")
    half = next(u for u in span["until"] if abs(u["fraction"] - 0.5) < 1e-9)
    check(half["summary"]["median_ms"] is not None, "the postmortem has adoption times")
    check("block adoption" in done.stdout and "tx inclusion" in done.stdout,
          "the launcher prints the postmortem's headline")
    check(re.search(r"node-1\s+ok", done.stdout) is not None, "the table lists the nodes")
    for i in range(1, 5):
        check(os.path.getsize(os.path.join(folder, "out", f"node-{i}.mtr")) > 0,
              f"node-{i} wrote a capture")
    # The scrape left node-1's side of its connection in TIME_WAIT; the ports are free again.
    again = run_cluster(os.path.join(folder, "again"), topology, slots=5)
    check(again.returncode == 0,
          f"a second run on the same ports at once exits 0, not {again.returncode}")


def crash(folder):
    topology, _ = write_topology(folder, 4)
    done = run_cluster(folder, topology, "--crash", "node-2@15")
    check(done.returncode == 1, f"a run with a crash exits 1, not {done.returncode}")
    check("node-2 exited with status 3" in done.stderr, "the launcher reports the crash")
    check(re.search(r"node-2\s+FAILED\(3\)", done.stdout) is not None,
          "the table marks the crashed node")
    nodes = summaries(folder, 4)
    check(2 not in nodes, "the crashed node wrote no summary")
    check(all(nodes[i]["height"] >= 10 for i in (1, 3, 4)), "the others ran on")
    report = postmortem(folder)
    check("node-2" in report.get("ends_early", []), "the postmortem names node-2's early end")
    check(len(block_span(report)["keys"]) >= 10, "the others' blocks are analysed")
    check("node-2's log ends early" in done.stdout, "the launcher prints the early end")


def bad_input(folder):
    topology, _ = write_topology(folder, 3, extra_peer="node-9")
    done = run_cluster(folder, topology)
    check(done.returncode == 2, f"an unknown peer exits 2, not {done.returncode}")
    check(f"{topology}:6: node 'node-1' names unknown peer 'node-9'" in done.stderr,
          "the unknown peer is named with file:line")
    check(not os.path.exists(os.path.join(folder, "out", "node-1.jsonl")), "no node started")

    topology, pairs = write_topology(folder, 3)
    holder = socket.socket()
    holder.bind(("127.0.0.1", pairs[1][0]))
    holder.listen()
    done = run_cluster(folder, topology)
    holder.close()
    check(done.returncode == 2, f"a port in use exits 2, not {done.returncode}")
    check(f"{topology}:7: port {pairs[1][0]} of node 'node-2' is already in use" in done.stderr,
          "the port in use is named with its node and line")

    done = subprocess.run([DEMO, "cluster", "--slots", "nope"], capture_output=True, text=True)
    check(done.returncode == 2, f"a bad option exits 2, not {done.returncode}")
    done = subprocess.run([DEMO, "--help"], capture_output=True, text=True)
    check(done.returncode == 0 and "Exit codes" in done.stdout, "--help explains")


def get_json(url):
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


def prometheus(folder):
    topology, pairs = write_topology(folder, 3)
    with open(os.path.join(SOURCE, "examples", "prometheus.yml")) as f:
        config = f.read()
    targets = "".join(f"          - 127.0.0.1:{metrics}\n" for _, metrics in pairs)
    config = re.sub(r"(      - targets:\n)(          - .*\n)+", lambda m: m.group(1) + targets,
                    config)
    config_path = os.path.join(folder, "prometheus.yml")
    with open(config_path, "w") as out:
        out.write(config)
    web_port = free_ports(1)[0]
    server = subprocess.Popen(
        ["/usr/bin/prometheus", f"--config.file={config_path}",
         f"--storage.tsdb.path={os.path.join(folder, 'tsdb')}",
         f"--web.listen-address=127.0.0.1:{web_port}"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "prometheus.log"), "w"))
    api = f"http://127.0.0.1:{web_port}/api/v1"
    try:
        # The cluster starts once Prometheus is ready, so a slow start misses no scrape.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/-/ready", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            check(False, "Prometheus became ready within 60 s")
            return
        command = [DEMO, "cluster", "--topology", topology, "--slots", "60", "--slot-ms", "100",
                   "--out", os.path.join(folder, "out"), "--metron", METRON]
        cluster = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        scraped = set()
        lengths = set()
        while cluster.poll() is None:
            time.sleep(0.5)
            try:
                for target in get_json(f"{api}/targets")["data"]["activeTargets"]:
                    if target["health"] == "up":
                        scraped.add(target["scrapeUrl"])
                result = get_json(f"{api}/query?query=demo_chain_length")["data"]["result"]
                lengths.update(r["metric"]["instance"] for r in result)
            except (OSError, ValueError):
                pass  # Prometheus is still starting
        out, err = cluster.communicate()
        print(out, err[-3000:])
        check(cluster.returncode == 0, f"the cluster exits 0, not {cluster.returncode}")
        expected = {f"http://127.0.0.1:{metrics}/metrics" for _, metrics in pairs}
        check(scraped == expected, f"every node was scraped: {sorted(scraped)}")
        check(len(lengths) == 3, f"Prometheus holds every node's demo_chain_length: {lengths}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    checks = {"healthy": healthy, "crash": crash, "bad_input": bad_input,
              "prometheus": prometheus}
    with tempfile.TemporaryDirectory(prefix="metron-demo-") as folder:
        checks[sys.argv[4]](folder)
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
