"""A real statsd daemon (Etsy's, from npm) receives what the instrumented program's statsd
exporter sends; a small backend writes every flush to a file, and the test checks that the
counters, gauges and timing counts that arrived match the workload."""
import json
import os
import tempfile
import time

import e2e


def flushes(path):
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def total(records, kind, name):
    return sum(record[kind].get(name, 0) for record in records)


def main():
    args = e2e.arguments()
    out = e2e.output_dir(args.output)
    daemon = os.path.join(args.npm_prefix, "node_modules", "statsd", "stats.js")
    if not os.path.exists(daemon):
        e2e.fail("statsd is not installed in %s; run ci/setup" % args.npm_prefix)
    with tempfile.TemporaryDirectory() as work:
        received = os.path.join(work, "flushes.jsonl")
        statsd_port = e2e.free_port(e2e.socket.SOCK_DGRAM)
        settings = os.path.join(work, "statsd.js")
        with open(settings, "w") as config:
            config.write(json.dumps({
                "address": "127.0.0.1", "port": statsd_port,
                "mgmt_address": "127.0.0.1", "mgmt_port": e2e.free_port(),
                "flushInterval": 300, "deleteIdleStats": True,
                "backends": [os.path.join(os.path.dirname(os.path.abspath(__file__)), "statsd_backend.js")],
                "metronOutput": received}).join(["(", ")"]) + "\n")
        with e2e.background(["node", daemon, settings], os.path.join(out, "statsd.log")):
            e2e.wait_for(lambda: flushes(received), 30, "statsd's first flush")
            config = os.path.join(work, "monitor.yaml")
            e2e.write_config(args.config, config, 0, statsd_port)
            with e2e.program(args.program, config):
                pass
            time.sleep(1.0)  # two more flushes of the daemon after the program's last datagram
            records = flushes(received)
        with open(os.path.join(out, "statsd_flushes.jsonl"), "w") as saved:
            saved.write("\n".join(json.dumps(record) for record in records) + "\n")
        items = total(records, "counters", "fixture.work.items")
        e2e.check(items == 3000, "statsd counted 3000 work.items (got %s)" % items)
        steps = total(records, "timer_counters", "fixture.work.step")
        e2e.check(steps == 1000, "statsd timed 1000 work.step brackets (got %s)" % steps)
        gauges = [record["gauges"]["fixture.work.queue"] for record in records
                  if "fixture.work.queue" in record["gauges"]]
        e2e.check(gauges and gauges[-1] == 999, "the work.queue gauge ends at 999 (got %s)" % gauges[-1:])
        sizes = [record["gauges"]["fixture.work.job.size"] for record in records
                 if "fixture.work.job.size" in record["gauges"]]
        e2e.check(sizes and sizes[-1] == 1000, "the last job size is 1000 (got %s)" % sizes[-1:])
        packets = total(records, "counters", "statsd.packets_received")
        e2e.check(packets >= 2, "the exporter sent several datagrams (%s)" % packets)
    print("PASS")


if __name__ == "__main__":
    main()
