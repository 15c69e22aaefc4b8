#!/usr/bin/python3
"""Turns monitor_bench's Google Benchmark JSON into the figures and targets the monitor is held to.

Throughput is computed from CPU time: the aggregation runs on one thread, and on a shared machine
the wall clock also counts the time other processes held the CPU."""
import json
import sys


def medians(path):
    """Maps each benchmark's run name to its median aggregate row."""
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)["benchmarks"]
    return {row["run_name"]: row for row in rows if row.get("aggregate_name") == "median"}


def seconds(row, key):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[row["time_unit"]]
    return row[key] * scale


def main():
    rows = medians(sys.argv[1])
    batch = 4096
    alone = batch / seconds(rows["aggregate"], "cpu_time")
    watched = batch / seconds(rows["aggregate_with_monitors"], "cpu_time")
    render = seconds(rows["render_10000_series"], "cpu_time")
    scrape = seconds(rows["scrape_10000_series/real_time"], "real_time")
    checks = [
        ("aggregation through the probe sink, one thread",
         f"{alone / 1e6:.1f} M observations/s", alone >= 10e6, ">= 10 M/s"),
        ("the same with 10 monitors evaluated after every 4096-record batch, added cost",
         f"{watched / 1e6:.1f} M/s, {100 * (alone / watched - 1):.1f} % slower", alone / watched <= 1.05, "<= 5 %"),
        ("/metrics with 10 000 summary series: snapshot and rendering (CPU)",
         f"{render * 1e3:.1f} ms", render <= 0.050, "<= 50 ms"),
        ("  the whole scrape over loopback HTTP, client included (wall clock)",
         f"{scrape * 1e3:.1f} ms", None, "none; depends on the machine's load"),
    ]
    failed = 0
    for name, figure, ok, target in checks:
        verdict = "INFO" if ok is None else "PASS" if ok else "MISS"
        print(f"{verdict}  {name}: {figure}  (target {target})")
        failed += 1 if ok is False else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
